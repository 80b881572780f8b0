"""``Idempotency-Key`` replay store for create endpoints (payments, invoices, members...).

The first request with a key runs and its response is stored in the same transaction as the
object it created. A retry with the same key and the same body replays that response; the same
key with a different body is refused (422), so a client bug cannot pass for a retry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.core.actor import Actor
from tandem.core.errors import Conflict, ValidationError
from tandem.core.models import IdempotencyRecord

Response = tuple[int, Any]
MAX_KEY_LENGTH = 255
# Visible ASCII and spaces, as HTTP header values are (a UUID is the usual choice).
KEY_PATTERN = rf"^[ -~]{{1,{MAX_KEY_LENGTH}}}$"


def fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_once(
    *,
    actor: Actor,
    endpoint: str,
    key: str | None,
    payload: Any,
    create: Callable[[], Response],
) -> Response:
    """Run ``create`` once per (user, endpoint, key); replay its stored response afterwards.

    The key is claimed (its row inserted) before ``create`` runs, in the same transaction: a
    concurrent request with the same key waits on the unique index until the first one commits,
    then replays its response (or, if the first failed and rolled back, runs itself)."""
    if key is None:
        return create()
    if actor.user is None:
        raise ValueError("An Idempotency-Key belongs to a person; the system actor has none.")
    _check_key(key)
    digest = fingerprint(payload)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                replay = _stored_response(actor, endpoint, key, digest)
                if replay is not None:
                    return replay
                record = _claim(actor, endpoint, key, digest)
                status, body = create()
                IdempotencyRecord.objects.filter(pk=record.pk).update(
                    status_code=status, response=body
                )
                return status, body
        except _RaceLost:
            # A concurrent request with the same key committed first; go round once more to
            # replay its response.
            continue
    raise Conflict(
        "This Idempotency-Key is being used by another request; retry.", code="idempotency_key_busy"
    )


class _RaceLost(Exception):
    pass


def _claim(actor: Actor, endpoint: str, key: str, digest: str) -> IdempotencyRecord:
    assert actor.user is not None  # noqa: S101 - checked by run_once
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                organization=actor.organization,
                user=actor.user,
                endpoint=endpoint,
                key=key,
                fingerprint=digest,
                status_code=0,  # filled in once ``create`` has run, in the same transaction
                response={},
            )
    except IntegrityError:
        raise _RaceLost from None


def purge_expired(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.TANDEM_IDEMPOTENCY_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _stored_response(actor: Actor, endpoint: str, key: str, digest: str) -> Response | None:
    records = IdempotencyRecord.objects.select_for_update().filter(
        organization=actor.organization, user=actor.user, endpoint=endpoint, key=key
    )
    record = records.first()
    if record is None:
        return None
    cutoff = timezone.now() - dt.timedelta(hours=settings.TANDEM_IDEMPOTENCY_HOURS)
    if record.created_at < cutoff:
        record.delete()
        return None
    if record.fingerprint != digest:
        raise ValidationError(
            "This Idempotency-Key was already used with a different request body.",
            code="idempotency_key_reused",
        )
    return record.status_code, record.response


def _check_key(key: str) -> None:
    if not re.fullmatch(KEY_PATTERN, key):
        raise ValidationError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
            code="invalid_idempotency_key",
        )
