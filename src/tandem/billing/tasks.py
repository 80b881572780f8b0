"""Background jobs of billing. Each calls a service; the services own the rules."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="billing.create_retainer_drafts")
def create_retainer_drafts() -> int:
    """Daily: each active retainer's period that has begun gets its one draft invoice."""
    from tandem.billing.services.drafts import create_retainer_drafts as run

    return run()
