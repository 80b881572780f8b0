"""The inbox API: a person's own notifications, newest first.

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.pagination import PageNumber
from tandem.notifications import selectors, services
from tandem.notifications.schemas import MarkedRead, NotificationOut

router = Router(tags=["notifications"])


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
@paginate(PageNumber)
def list_notifications(
    request: HttpRequest, unread: bool = Query(False, description="Only unread ones")
) -> object:
    return selectors.inbox(actor_of(request), unread_only=unread)


@router.post("/notifications/read-all", response={200: MarkedRead, **ERRORS})
def read_all(request: HttpRequest) -> dict[str, int]:
    actor = actor_of(request)
    marked = services.notification_mark_all_read(actor=actor)
    return {"marked": marked, "unread": selectors.unread_count(actor)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def read_one(request: HttpRequest, notification_id: int) -> object:
    actor = actor_of(request)
    notification = selectors.notification_get(actor, notification_id)
    return services.notification_mark_read(actor=actor, notification=notification)
