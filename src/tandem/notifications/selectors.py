"""Reads of the inbox, from the scoping door: a person sees only their own notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.core.actor import Actor
from tandem.core.scoping import get_scoped, scoped
from tandem.notifications.models import Notification


def inbox(actor: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = scoped(Notification, actor)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(actor: Actor) -> int:
    if actor.user is None:
        return 0
    return scoped(Notification, actor).filter(read_at__isnull=True).count()


def notification_get(actor: Actor, notification_id: int) -> Notification:
    return get_scoped(Notification, actor, pk=notification_id)
