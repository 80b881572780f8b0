"""Background jobs of the AM side. Each calls a service; the services own the rules."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="clients.raise_due_reminders")
def raise_due_reminders() -> int:
    """Daily: quiet clients past their cadence, and follow-ups due, remind the owner AM."""
    from tandem.clients.services.reminders import raise_due_reminders as run

    return run()


@shared_task(name="clients.check_issue_slas")
def check_issue_slas() -> int:
    """Every few minutes: SLA warnings before, and alerts at, a breach."""
    from tandem.clients.services.issues import check_slas

    return check_slas()


@shared_task(name="clients.recompute_health")
def recompute_health(client_id: int | None = None) -> int:
    """Nightly for all clients, and after a relevant change for one client."""
    from tandem.clients.health import recompute_all, recompute_client_by_id

    if client_id is None:
        return recompute_all()
    recompute_client_by_id(client_id)
    return 1


@shared_task(name="clients.send_issue_csat")
def send_issue_csat(issue_id: int) -> int:
    """After a client issue is resolved: ask the client how satisfied they are."""
    from tandem.clients.services.surveys import send_csat_for_issue

    return 1 if send_csat_for_issue(issue_id) else 0


@shared_task(name="clients.send_quarterly_nps")
def send_quarterly_nps() -> int:
    """Daily: each active client's primary contact gets one NPS question per quarter."""
    from tandem.clients.services.surveys import send_quarterly_nps as run

    return run()
