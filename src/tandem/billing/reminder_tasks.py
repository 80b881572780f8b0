"""Background job of payment reminders. The service owns the rules."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="billing.send_payment_reminders")
def send_payment_reminders() -> int:
    """Daily: reminders before, on and after invoices' due dates, with the PDF, to the client's
    billing contact; each logged as an email interaction on the client."""
    from tandem.billing.services.reminders import send_due_reminders

    return send_due_reminders()
