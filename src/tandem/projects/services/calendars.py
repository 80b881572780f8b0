"""Working calendars of an organization: the default (Monday to Friday with Vietnam's public
holidays and official make-up days), others by country, and the organization's own exceptions.
Changing a calendar reschedules every open project that uses it, in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, PermissionDenied, ValidationError
from tandem.core.models import Organization
from tandem.engine import CalendarError, CalendarSpec
from tandem.engine import WorkCalendar as EngineCalendar
from tandem.projects.access import can_manage_calendars
from tandem.projects.models import (
    OPEN_PROJECT_STATUSES,
    CalendarException,
    Project,
    WorkCalendar,
)
from tandem.projects.services.common import apply_changes, check_date, clean_text, lock

CALENDAR_FIELDS = ("name", "weekdays", "hours_per_day", "country", "subdivision")
DEFAULT_NAME = "Standard"


def default_calendar(organization: Organization) -> WorkCalendar:
    """The organization's default calendar, created on first use: Monday to Friday, 8 hours,
    Vietnam's public holidays."""
    found = WorkCalendar.objects.filter(organization=organization, is_default=True).first()
    if found is not None:
        return found
    with transaction.atomic():
        calendar, _ = WorkCalendar.objects.get_or_create(
            organization=organization, name=DEFAULT_NAME,
            defaults={"is_default": True, "country": "VN", "weekdays": "0,1,2,3,4"},
        )
        if not calendar.is_default:
            WorkCalendar.objects.filter(pk=calendar.pk).update(is_default=True)
            calendar.is_default = True
    return calendar


def calendar_create(
    *, actor: Actor, name: str, weekdays: list[int] | None = None, hours_per_day: Any = 8,
    country: str = "VN", subdivision: str = "",
) -> WorkCalendar:
    _ensure_admin(actor)
    values = _clean(actor, {"name": name, "weekdays": weekdays if weekdays is not None
                            else [0, 1, 2, 3, 4], "hours_per_day": hours_per_day,
                            "country": country, "subdivision": subdivision})
    with transaction.atomic():
        try:
            with transaction.atomic():
                calendar = WorkCalendar.objects.create(organization=actor.organization, **values)
        except IntegrityError:
            raise Conflict("Another calendar has this name.", code="name_taken",
                           field="name") from None
        audit.record(actor=actor, action="calendar.create", target=calendar,
                     changes={k: [None, audit.json_value(v)] for k, v in values.items()})
    return calendar


def calendar_update(*, actor: Actor, calendar: WorkCalendar, expected_version: int,
                    changes: Mapping[str, Any]) -> WorkCalendar:
    _ensure_admin(actor)
    unknown = set(changes) - set(CALENDAR_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown calendar fields: {', '.join(sorted(unknown))}.")
    values = _clean(actor, changes)
    with transaction.atomic():
        locked = lock(calendar)
        try:
            with transaction.atomic():
                changed = apply_changes(actor=actor, instance=locked,
                                        expected_version=expected_version, values=values,
                                        action="calendar.update")
        except IntegrityError:
            raise Conflict("Another calendar has this name.", code="name_taken",
                           field="name") from None
        if set(changed) - {"name"}:
            reschedule_calendar_users(locked)
    return locked


def exception_add(*, actor: Actor, calendar: WorkCalendar, day: dt.date, working: bool,
                  name: str = "") -> CalendarException:
    _ensure_admin(actor)
    check_date(day, "day", "day", required=True)
    values = clean_text(CalendarException, {"name": name})
    with transaction.atomic():
        try:
            with transaction.atomic():
                exception = CalendarException.objects.create(
                    organization=actor.organization, calendar=calendar, day=day,
                    working=bool(working), **values)
        except IntegrityError:
            raise Conflict("This day already has an exception in the calendar.",
                           code="duplicate", field="day") from None
        _check_usable(calendar)
        audit.record(actor=actor, action="calendar.exception_add", target=calendar,
                     changes={"day": [None, day.isoformat()], "working": [None, working]})
        reschedule_calendar_users(calendar)
    return exception


def exception_remove(*, actor: Actor, exception: CalendarException) -> None:
    _ensure_admin(actor)
    calendar = exception.calendar
    with transaction.atomic():
        audit.record(actor=actor, action="calendar.exception_remove", target=calendar,
                     changes={"day": [exception.day.isoformat(), None]})
        exception.delete()
        reschedule_calendar_users(calendar)


def reschedule_calendar_users(calendar: WorkCalendar) -> int:
    from tandem.projects.scheduling import reschedule

    projects = Project.objects.filter(calendar=calendar, status__in=OPEN_PROJECT_STATUSES)
    count = 0
    for project in projects.select_related("calendar"):
        reschedule(project)
        count += 1
    return count


def _ensure_admin(actor: Actor) -> None:
    if not can_manage_calendars(actor):
        raise PermissionDenied("Only administrators manage working calendars.")


def _clean(actor: Actor, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = clean_text(WorkCalendar, {k: v for k, v in values.items()
                                        if k in {"name", "country", "subdivision"}})
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
    if "weekdays" in values:
        days = values["weekdays"]
        if (not isinstance(days, list | tuple) or not days
                or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6
                           for d in days)):
            raise ValidationError("Working weekdays are numbers 0 (Monday) to 6 (Sunday), at "
                                  "least one.", field="weekdays")
        cleaned["weekdays"] = ",".join(str(d) for d in sorted(set(days)))
    if "hours_per_day" in values:
        try:
            hours = float(values["hours_per_day"])
        except (TypeError, ValueError):
            hours = -1
        if not 0 < hours <= 24:
            raise ValidationError("Hours per day are more than 0 and at most 24.",
                                  field="hours_per_day")
        cleaned["hours_per_day"] = values["hours_per_day"]
    if "country" in cleaned or "subdivision" in cleaned:
        try:
            EngineCalendar(CalendarSpec(country=cleaned.get("country") or None,
                                        subdivision=cleaned.get("subdivision") or None))
        except CalendarError as exc:
            raise ValidationError(str(exc), field="country") from None
    return cleaned


def _check_usable(calendar: WorkCalendar) -> None:
    if not calendar.weekday_list and not CalendarException.objects.filter(
        calendar=calendar, working=True
    ).exists():
        raise ValidationError("The calendar has no working day at all.")
