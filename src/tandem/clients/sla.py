"""Business time for SLA clocks: minutes inside an organization's business hours.

A business day runs from ``AccountSettings.business_day_start`` to ``business_day_end`` on the
working days of a :class:`~tandem.engine.calendar.WorkCalendar` (weekends and the public holidays
of ``holiday_country``), in the installation's time zone (``settings.TIME_ZONE``).

Every instant maps to a *business position*: the number of business microseconds since the
calendar's working day 0 began. ``position = day_index * day_length + time into that day``
(clamped to the business window; an instant on a day off sits at the start of the next working
day). Counting business minutes between two instants is a subtraction of positions, and adding
business minutes is an addition followed by the inverse mapping, so neither walks minute by
minute nor day by day: each is a couple of array lookups in the calendar.
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from tandem.engine.calendar import CalendarSpec, WorkCalendar

MICROSECONDS_PER_MINUTE = 60_000_000
_lock = threading.Lock()


@lru_cache(maxsize=16)
def _calendar(country: str) -> WorkCalendar:
    return WorkCalendar(CalendarSpec(country=country or None, name=f"Business days {country}"))


def _micros(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


@dataclass(frozen=True)
class BusinessClock:
    """Business hours of one organization: ``start`` to ``end`` local time on working days."""

    start: dt.time = dt.time(8, 30)
    end: dt.time = dt.time(17, 30)
    country: str = "VN"
    time_zone: str = ""

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("Business hours must start before they end.")

    @classmethod
    def for_settings(cls, account_settings: object) -> BusinessClock:
        return cls(
            start=_as_time(account_settings.business_day_start),  # type: ignore[attr-defined]
            end=_as_time(account_settings.business_day_end),  # type: ignore[attr-defined]
            country=account_settings.holiday_country,  # type: ignore[attr-defined]
        )

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    @property
    def day_minutes(self) -> int:
        return self._day_length // MICROSECONDS_PER_MINUTE

    @property
    def _day_length(self) -> int:
        return _micros(self.end) - _micros(self.start)

    # -------------------------------------------------------------------- positions
    def position(self, moment: dt.datetime) -> int:
        """Business microseconds from working day 0's start to ``moment``."""
        if moment.tzinfo is None:
            raise ValueError("Business time needs an aware datetime.")
        local = moment.astimezone(self.tz)
        day = local.date()
        calendar = _calendar(self.country)
        with _lock:
            index = calendar.index_of(day)
            working = calendar.is_working_day(day)
        if not working:
            return index * self._day_length
        into = _micros(local.time()) - _micros(self.start)
        return index * self._day_length + min(max(into, 0), self._day_length)

    def moment(self, position: int, *, prefer_end_of_day: bool = True) -> dt.datetime:
        """The instant at a business position. A position on a day boundary is the end of the
        previous working day (a deadline of "one business day" from 08:30 is 17:30 that day),
        unless ``prefer_end_of_day`` is false."""
        index, into = divmod(position, self._day_length)
        if into == 0 and prefer_end_of_day:
            index, into = index - 1, self._day_length
        calendar = _calendar(self.country)
        with _lock:
            day = calendar.date_of(index)
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(
            microseconds=_micros(self.start) + into
        )
        return naive.replace(tzinfo=self.tz)

    # -------------------------------------------------------------------- the two operations
    def add(self, moment: dt.datetime, minutes: int) -> dt.datetime:
        """The instant ``minutes`` business minutes after ``moment`` (``moment`` itself for 0)."""
        if minutes < 0:
            raise ValueError("Add a positive number of business minutes.")
        if minutes == 0:
            return moment
        return self.moment(self.position(moment) + minutes * MICROSECONDS_PER_MINUTE)

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole business minutes from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        micros = self.position(end) - self.position(start)
        whole = abs(micros) // MICROSECONDS_PER_MINUTE
        return whole if micros >= 0 else -whole

    def is_business_time(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.tz)
        with _lock:
            working = _calendar(self.country).is_working_day(local.date())
        return working and self.start <= local.time() < self.end


def _as_time(value: dt.time | str) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


# ------------------------------------------------------------------------------ clock states
RUNNING_STATUSES = frozenset({"new", "acknowledged", "in_progress", "reopened"})
PAUSED_STATUS = "waiting_on_client"


@dataclass(frozen=True)
class SlaState:
    """Where an issue stands against its current SLA clock, for lists and the detail page.

    ``clock`` is "response" (until the first response), "resolution" (until resolved) or "" (the
    issue is resolved or closed). ``state`` is "ok", "warning", "breached", "paused" or "done".
    ``minutes_left`` is in business minutes (negative once breached)."""

    clock: str
    state: str
    due_at: dt.datetime | None
    minutes_left: int | None

    @property
    def hours_left(self) -> str:
        if self.minutes_left is None:
            return ""
        hours, minutes = divmod(abs(self.minutes_left), 60)
        return f"{hours}:{minutes:02d}"


def sla_state(
    issue: object, *, now: dt.datetime, clock: BusinessClock, target: tuple[int, int],
    warning_percent: int,
) -> SlaState:
    status = issue.status  # type: ignore[attr-defined]
    if issue.first_response_at is None:  # type: ignore[attr-defined]
        kind, due, total = "response", issue.first_response_due_at, target[0]  # type: ignore[attr-defined]
        breached = issue.response_breached_at  # type: ignore[attr-defined]
    elif status in RUNNING_STATUSES or status == PAUSED_STATUS:
        kind, due, total = "resolution", issue.resolution_due_at, target[1]  # type: ignore[attr-defined]
        breached = issue.resolution_breached_at  # type: ignore[attr-defined]
    else:
        return SlaState("", "done", None, None)
    if due is None:
        return SlaState(kind, "ok", None, None)
    if status == PAUSED_STATUS and issue.paused_at is not None:  # type: ignore[attr-defined]
        # The clock stopped when the issue started waiting: show what was left then.
        left = clock.minutes_between(issue.paused_at, due)  # type: ignore[attr-defined]
        return SlaState(kind, "paused", due, left)
    left = clock.minutes_between(now, due)
    if breached is not None or now >= due:
        return SlaState(kind, "breached", due, min(left, 0))
    if left <= total * (100 - warning_percent) / 100:
        return SlaState(kind, "warning", due, left)
    return SlaState(kind, "ok", due, left)
