"""iCalendar feeds: a secret, per-person URL that calendar apps subscribe to, with the milestones
of the projects the person can see and the due dates of the tasks assigned to them.

The secret is the only credential of the feed, so it is long (``secrets.token_urlsafe(32)``),
one per person per organization, and can be reset: the new secret replaces the old one and the
old URL stops working at once. Creating and resetting are audited (without the secret).

Reading a feed goes through the same door as every other read: the owner's current membership
becomes the ``Actor`` and the data comes from ``scoped()``, so a person who loses access to a
project (or whose account or membership is deactivated) stops seeing it in their calendar.
"""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import NotFound, PermissionDenied
from tandem.core.models import Membership, User
from tandem.core.scoping import scoped
from tandem.projects.models import OPEN_PROJECT_STATUSES, CalendarFeed, Task

SECRET_BYTES = 32
MAX_SECRET_LENGTH = 64
# How far back a feed reaches (calendar apps keep what they already fetched).
HISTORY_DAYS = 180
# At most this many events of each kind, the nearest first.
MAX_EVENTS = 2000


def can_have_feed(actor: Actor) -> bool:
    """The organization's staff; a client's people see no plan."""
    return actor.user is not None and actor.is_staff


def _ensure_can_have_feed(actor: Actor) -> User:
    if actor.user is None or not can_have_feed(actor):
        raise PermissionDenied("Calendar feeds are for the organization's staff.")
    return actor.user


def feed_for(*, actor: Actor) -> CalendarFeed:
    """The acting person's feed, created (and audited) the first time it is asked for."""
    user = _ensure_can_have_feed(actor)
    feed = scoped(CalendarFeed, actor).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            feed = CalendarFeed.objects.create(organization=actor.organization, user=user,
                                               secret=_new_secret())
            audit.record(actor=actor, action="calendar_feed.create", target=feed)
    except IntegrityError:  # created by a request running at the same moment
        return scoped(CalendarFeed, actor).get()
    return feed


def feed_reset(*, actor: Actor) -> CalendarFeed:
    """Replace the acting person's secret; the old URL answers 404 from now on."""
    user = _ensure_can_have_feed(actor)
    with transaction.atomic():
        feed = scoped(CalendarFeed, actor).select_for_update().first()
        if feed is None:
            feed = CalendarFeed.objects.create(organization=actor.organization, user=user,
                                               secret=_new_secret())
            audit.record(actor=actor, action="calendar_feed.create", target=feed)
            return feed
        feed.secret = _new_secret()
        feed.created_at = timezone.now()
        feed.save(update_fields=["secret", "created_at"])
        audit.record(actor=actor, action="calendar_feed.reset", target=feed)
    return feed


def feed_url(feed: CalendarFeed) -> str:
    """The feed's public address (the secret is part of it)."""
    return settings.TANDEM_BASE_URL.rstrip("/") + reverse("projects:feed",
                                                          kwargs={"secret": feed.secret})


def feed_owner(secret: str) -> Actor:
    """The ``Actor`` a feed reads as: its owner, in the feed's organization, with their current
    role. An unknown secret, an inactive person or membership, or a client role: ``NotFound``."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        raise NotFound("Calendar feed not found.")
    feed = CalendarFeed.objects.filter(secret=secret).first()
    if feed is None:
        raise NotFound("Calendar feed not found.")
    membership = (Membership.objects
                  .filter(organization_id=feed.organization_id, user_id=feed.user_id,
                          is_active=True, user__is_active=True)
                  .select_related("user", "organization").first())
    if membership is None:
        raise NotFound("Calendar feed not found.")
    actor = Actor.for_membership(membership)
    if not can_have_feed(actor):
        raise NotFound("Calendar feed not found.")
    return actor


def feed_calendar(actor: Actor, *, today: dt.date | None = None,
                  now: dt.datetime | None = None) -> bytes:
    """The feed as an iCalendar document: all-day events for the milestones of the open projects
    the actor can see, and for the finish of the open-project tasks assigned to them."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    since = today - dt.timedelta(days=HISTORY_DAYS)
    tasks = (scoped(Task, actor)
             .filter(project__status__in=OPEN_PROJECT_STATUSES, is_summary=False,
                     finish__isnull=False, finish__gte=since)
             .select_related("project"))
    milestones = list(tasks.filter(duration=0).order_by("finish", "project_id", "sequence")
                      [:MAX_EVENTS])
    mine = list(tasks.filter(~Q(duration=0), assignee_id=actor.user_id)
                .order_by("finish", "project_id", "sequence")[:MAX_EVENTS])

    calendar = Calendar()
    calendar.add("prodid", "-//Tandem//Projects//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = actor.user.display_name if actor.user is not None else ""
    calendar.add("x-wr-calname", _("Tandem: milestones and tasks of %(name)s") % {"name": name})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    host = urlsplit(settings.TANDEM_BASE_URL).hostname or "tandem"
    base = settings.TANDEM_BASE_URL.rstrip("/")
    for task in milestones:
        summary = f"{task.project.code}: {task.name}"
        description = _("Milestone of %(project)s.") % {"project": task.project.name}
        calendar.add_component(_event(task, summary, description, host, base, now))
    for task in mine:
        summary = _("%(code)s: %(task)s (due)") % {"code": task.project.code, "task": task.name}
        description = _("Your task in %(project)s: %(percent)d %% complete, due %(day)s.") % {
            "project": task.project.name, "percent": task.percent_complete,
            "day": task.finish.isoformat() if task.finish else "",
        }
        calendar.add_component(_event(task, summary, description, host, base, now))
    return bytes(calendar.to_ical())


def _event(task: Task, summary: str, description: str, host: str, base: str,
           now: dt.datetime) -> Event:
    assert task.finish is not None  # noqa: S101 - the query asks for a finish
    event = Event()
    event.add("uid", f"tandem-task-{task.pk}@{host}")  # stable for the task's whole life
    event.add("dtstamp", now)
    event.add("last-modified", task.updated_at)
    event.add("dtstart", task.finish)  # a date: an all-day event
    event.add("dtend", task.finish + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", f"{base}/projects/{task.project_id}/gantt/")
    event.add("transp", "TRANSPARENT")
    if task.percent_complete >= 100 or task.actual_finish is not None:
        event.add("categories", [_("Done")])
    return event


def _new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)
