"""Payment reminders: emails to the client's billing contact before, on and after the due date.

For each open invoice (issued or partially paid, with a due date) the organization's
``BillingSettings.reminder_offsets`` (days from the due date; by default -3, 0, 3, 7 and 14) say
when a reminder goes out. The daily job sends, per invoice, the reminder of the latest offset
that has come and is later than any already sent: a job that missed days sends one email, not a
backlog, and an offset is never sent twice (``ReminderSent`` is unique per invoice and offset, and
is written in the same transaction as the email goes out).

The email goes to the client's billing contact (a contact with the role *billing* and an email
address, else the primary contact), in the invoice's language, with the invoice's PDF attached,
and is logged as an email interaction on the client through the interactions service. An invoice
whose client has no contact with an email address is skipped (and tried again the next day).

Finding the reminders due costs a fixed number of queries whatever the number of invoices (the
invoices with their clients, the settings, the reminders sent and the contacts); each email sent
then costs a constant number (its PDF, its ``ReminderSent`` row and its interaction).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tandem.billing.models import (
    DEFAULT_REMINDER_OFFSETS,
    OPEN_INVOICE_STATUSES,
    BillingSettings,
    Invoice,
    InvoiceKind,
    ReminderSent,
)
from tandem.billing.services import pdf
from tandem.clients.models import Contact, ContactRole, InteractionKind
from tandem.clients.services.interactions import interaction_log
from tandem.core.actor import Actor
from tandem.core.models import Organization
from tandem.core.money import format_money

log = logging.getLogger(__name__)
EARLIEST_OFFSET = -60  # the billing settings accept offsets from -60 days


@dataclass(frozen=True)
class Due:
    invoice: Invoice
    offset: int
    contact: Contact | None


def offsets_by_organization(organization_ids: set[int]) -> dict[int, list[int]]:
    """Each organization's reminder offsets, ascending (the defaults when none are stored)."""
    stored = dict(BillingSettings.objects.filter(organization_id__in=organization_ids)
                  .values_list("organization_id", "reminder_offsets"))
    return {org: sorted({int(o) for o in (stored.get(org) or DEFAULT_REMINDER_OFFSETS)})
            for org in organization_ids}


def offset_due(due_date: dt.date, offsets: list[int], sent: set[int],
               today: dt.date) -> int | None:
    """The offset to send today: the latest that has come, if it is later than all sent."""
    come = [o for o in offsets if due_date + dt.timedelta(days=o) <= today]
    if not come:
        return None
    latest = max(come)
    if sent and latest <= max(sent):
        return None
    return latest


def billing_contact(contacts: list[Contact]) -> Contact | None:
    """The contact who receives invoices: a billing contact with an email, else the primary."""
    with_email = [c for c in contacts if c.email]
    for contact in with_email:
        if contact.role == ContactRole.BILLING:
            return contact
    for contact in with_email:
        if contact.is_primary:
            return contact
    return None


def reminders_due(today: dt.date, organization_id: int | None = None) -> list[Due]:
    """The reminders to send today (four queries)."""
    invoices = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, status__in=OPEN_INVOICE_STATUSES, due_date__isnull=False,
    ).select_related("client", "organization").order_by("organization_id", "due_date", "id")
    if organization_id is not None:
        invoices = invoices.filter(organization_id=organization_id)
    # No offset is earlier than EARLIEST_OFFSET days: later due dates have nothing due yet.
    candidates = list(invoices.filter(due_date__lte=today - dt.timedelta(days=EARLIEST_OFFSET)))
    if not candidates:
        return []
    offsets = offsets_by_organization({i.organization_id for i in candidates})
    sent: dict[int, set[int]] = defaultdict(set)
    for invoice_id, offset in ReminderSent.objects.filter(
        invoice_id__in=[i.pk for i in candidates]
    ).values_list("invoice_id", "offset_days"):
        sent[invoice_id].add(offset)
    chosen: list[tuple[Invoice, int]] = []
    for invoice in candidates:
        assert invoice.due_date is not None  # noqa: S101 - filtered above
        due = offset_due(invoice.due_date, offsets[invoice.organization_id],
                         sent[invoice.pk], today)
        if due is not None:
            chosen.append((invoice, due))
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for contact in Contact.objects.filter(client_id__in={i.client_id for i, _ in chosen}):
        contacts[contact.client_id].append(contact)
    return [Due(invoice, offset, billing_contact(contacts[invoice.client_id]))
            for invoice, offset in chosen]


def send_due_reminders(*, now: dt.datetime | None = None,
                       organization_id: int | None = None) -> int:
    """Send today's reminders in every organization (or one); return how many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    actors: dict[int, Actor] = {}
    for due in reminders_due(today, organization_id):
        if due.contact is None:
            log.info("Invoice %s: no billing or primary contact with an email; reminder skipped.",
                     due.invoice.pk)
            continue
        organization: Organization = due.invoice.organization
        actor = actors.setdefault(organization.pk,
                                  Actor.system(organization, label="payment reminders"))
        if send_reminder(actor=actor, invoice=due.invoice, offset=due.offset,
                         contact=due.contact, now=now):
            sent += 1
    return sent


def send_reminder(*, actor: Actor, invoice: Invoice, offset: int, contact: Contact,
                  now: dt.datetime) -> bool:
    """One reminder: claim it (``ReminderSent``), email it with the PDF, log the interaction,
    all in one transaction. ``False`` when it was already sent (by a concurrent run)."""
    assert invoice.due_date is not None  # noqa: S101 - only invoices with a due date are due
    filename, content = invoice_pdf_attachment(invoice)
    open_amount = invoice.total - invoice.amount_paid
    context = {
        "invoice": invoice, "client": invoice.client, "contact": contact, "offset": offset,
        "days_late": max(0, offset), "days_left": max(0, -offset),
        "open_amount": format_money(open_amount, invoice.currency, invoice.language),
        "total": format_money(invoice.total, invoice.currency, invoice.language),
        "organization": invoice.organization,
    }
    with translation.override(invoice.language or None):
        subject = " ".join(render_to_string("billing/emails/reminder_subject.txt",
                                            context).split())
        body = render_to_string("billing/emails/reminder_body.txt", context)
    try:
        with transaction.atomic():
            ReminderSent.objects.create(organization_id=invoice.organization_id, invoice=invoice,
                                        offset_days=offset, sent_at=now)
            interaction_log(
                actor=actor, client=invoice.client, kind=InteractionKind.EMAIL, occurred_at=now,
                summary=_summary(invoice, offset, contact, open_amount),
                contact_ids=[contact.pk],
            )
            message = EmailMessage(subject, body, None, [contact.email])
            message.attach(filename, content, "application/pdf")
            message.send()
    except IntegrityError:
        return False
    return True


def _summary(invoice: Invoice, offset: int, contact: Contact, open_amount: object) -> str:
    when = (f"due in {-offset} days" if offset < 0 else "due today" if offset == 0
            else f"{offset} days overdue")
    amount = format_money(open_amount, invoice.currency)  # type: ignore[arg-type]
    return (f"Payment reminder for invoice {invoice.number} ({when}, {amount} open) "
            f"emailed to {contact.name} <{contact.email}> with the invoice PDF.")


def invoice_pdf_attachment(invoice: Invoice) -> tuple[str, bytes]:
    """The invoice's PDF as the invoices side renders it: (file name, bytes)."""
    return pdf.file_name(invoice), pdf.invoice_pdf(invoice)
