"""Background jobs of the core."""

from __future__ import annotations

from celery import shared_task

from tandem.core.idempotency import purge_expired


@shared_task(name="core.ping")
def ping(value: str) -> str:
    """Round-trip check for the worker set-up: returns what it was given."""
    return f"pong:{value}"


@shared_task(name="core.purge_idempotency_records")
def purge_idempotency_records() -> int:
    return purge_expired()
