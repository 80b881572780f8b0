"""A person's inbox is theirs alone."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.core.actor import Actor
from tandem.core.scoping import scope_rule
from tandem.notifications.models import Notification


@scope_rule(Notification)
def own_inbox(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.filter(recipient_id=actor.user_id)
