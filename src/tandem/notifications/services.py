"""Writes of the inbox: raise notifications (deduplicated), mark them read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tandem.core.actor import Actor
from tandem.notifications.models import Notification


@dataclass(frozen=True)
class Message:
    """One notification to raise; ``dedupe_key`` names it uniquely for its recipient."""

    organization_id: int
    recipient_id: int
    kind: str
    title: str
    dedupe_key: str
    body: str = ""
    url: str = ""
    target_type: str = ""
    target_id: str = ""


def notify_many(messages: Iterable[Message], *, now: dt.datetime | None = None) -> int:
    """Raise every message not raised before (same organization, recipient and dedupe key);
    return how many are new. Two queries whatever the number: the existing keys, then one
    insert (which also ignores a key a concurrent run inserted meanwhile)."""
    wanted: dict[tuple[int, int, str], Message] = {}
    for message in messages:
        wanted.setdefault((message.organization_id, message.recipient_id, message.dedupe_key),
                          message)
    if not wanted:
        return 0
    keys = {key for _org, _recipient, key in wanted}
    existing = set(
        Notification.objects.filter(
            organization_id__in={org for org, _r, _k in wanted},
            dedupe_key__in=keys,
        ).values_list("organization_id", "recipient_id", "dedupe_key")
    )
    created_at = now or timezone.now()
    fresh = [
        Notification(
            organization_id=m.organization_id, recipient_id=m.recipient_id, kind=m.kind,
            title=m.title[:200], body=m.body, url=m.url[:500], target_type=m.target_type,
            target_id=m.target_id, dedupe_key=m.dedupe_key[:200], created_at=created_at,
        )
        for key, m in wanted.items()
        if key not in existing
    ]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def notify(message: Message, *, now: dt.datetime | None = None) -> bool:
    """Raise one message; false when it was raised before."""
    return notify_many([message], now=now) == 1


def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (reading it twice changes nothing)."""
    if notification.read_at is None:
        now = timezone.now()
        with transaction.atomic():
            Notification.objects.filter(
                pk=notification.pk, recipient_id=actor.user_id, read_at__isnull=True
            ).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor in this organization read; how many."""
    with transaction.atomic():
        return Notification.objects.filter(
            organization_id=actor.organization.pk, recipient_id=actor.user_id,
            read_at__isnull=True,
        ).update(read_at=timezone.now())
