"""Working calendars: which days are worked, and fast date <-> working-day index conversion.

A calendar is a set of working weekdays, the public holidays of a country (from the ``holidays``
package, Vietnam by default, with its Tết days and official make-up Saturdays), and the
organization's own exceptions: extra days off and make-up working days on weekends.

Working days are numbered by an integer *index* that grows by one per working day. The calendar
keeps a window of whole years as numpy arrays (is-working flag per day, running count of working
days, offsets of the working days), so converting a date to an index is one subtraction and one
array lookup, and an index to a date is one lookup: scheduling 100,000 tasks never walks day by
day. The window grows on demand (by whole years) and indexes stay stable when it does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from tandem.engine.errors import CalendarError

# The calendar refuses to grow past these years: a request outside them is a bug upstream (a lag
# of a million days), not a plan, and growing the window to it would only burn memory.
MIN_YEAR = 1900
MAX_YEAR = 2300
_EPOCH_D64 = np.datetime64("1970-01-01", "D")

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class CalendarSpec:
    """Plain description of a working calendar (what the JSON format and the web app store).

    ``weekdays`` uses Python's numbering (Monday = 0). ``country`` is an ISO 3166 code understood
    by the ``holidays`` package, or ``None`` for no public holidays. ``days_off`` are the
    organization's extra non-working days; ``working_days`` are make-up working days (usually
    Saturdays), which win over weekends and public holidays. ``official_makeup_days`` adds the
    make-up Saturdays that the government announces (the ``holidays`` package knows them for
    Vietnam).
    """

    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    hours_per_day: float = 8.0
    country: str | None = "VN"
    subdivision: str | None = None
    days_off: tuple[dt.date, ...] = ()
    working_days: tuple[dt.date, ...] = ()
    official_makeup_days: bool = True
    name: str = "Standard"

    def __post_init__(self) -> None:
        if not all(isinstance(w, int) and 0 <= w <= 6 for w in self.weekdays):
            raise CalendarError(
                f"weekdays must be integers 0 (Monday) to 6 (Sunday): {self.weekdays}"
            )
        if not self.hours_per_day > 0:
            raise CalendarError("hours_per_day must be positive")
        clash = set(self.days_off) & set(self.working_days)
        if clash:
            days = ", ".join(sorted(d.isoformat() for d in clash))
            raise CalendarError(f"dates both off and working: {days}")


@lru_cache(maxsize=64)
def _public_holidays(
    country: str, subdivision: str | None, year: int
) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """Holidays and official weekend make-up days for one year (cached: the package is slow-ish)."""
    import holidays  # imported lazily: it is only needed when a calendar has a country

    try:
        table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as exc:  # the package's way of saying "unknown country"
        raise CalendarError(f"no public holidays known for country {country!r}") from exc
    except ValueError as exc:  # unknown subdivision
        raise CalendarError(str(exc)) from exc
    makeup = frozenset(
        d
        for d in getattr(table, "weekend_workdays", set())
        if isinstance(d, dt.date) and d.year == year
    )
    return {d: str(n) for d, n in table.items() if d.year == year}, makeup


class WorkCalendar:
    """A working calendar with O(1) conversions between dates and working-day indexes."""

    def __init__(self, spec: CalendarSpec | None = None, *, around: dt.date | None = None) -> None:
        self.spec = spec or CalendarSpec()
        if not self.spec.weekdays and not self.spec.working_days:
            raise CalendarError("the calendar has no working day at all")
        self._weekday_mask = np.zeros(7, dtype=bool)
        self._weekday_mask[list(self.spec.weekdays)] = True
        self._days_off = np.array(sorted(self.spec.days_off), dtype="datetime64[D]")
        self._working = np.array(sorted(self.spec.working_days), dtype="datetime64[D]")
        year = (around or dt.date(2026, 1, 1)).year
        self._first_year = year - 1
        self._last_year = year + 3
        # _shift keeps indexes stable when the window grows backwards:
        # index = _cum[offset] + _shift.
        self._shift = 0
        self._build(self._first_year, self._last_year, keep_index_of=None)

    # ------------------------------------------------------------------ window management
    def _build(self, first_year: int, last_year: int, keep_index_of: dt.date | None) -> None:
        if first_year < MIN_YEAR or last_year > MAX_YEAR:
            raise CalendarError(f"date outside the supported years {MIN_YEAR}-{MAX_YEAR}")
        old_index = self.index_of(keep_index_of) if keep_index_of is not None else None
        lo = dt.date(first_year, 1, 1)
        hi = dt.date(last_year + 1, 1, 1)
        lo64 = np.datetime64(lo, "D")
        days = np.arange(lo64, np.datetime64(hi, "D"))
        # 1970-01-01 was a Thursday (weekday 3).
        weekday = (days.astype(np.int64) + 3) % 7
        work = self._weekday_mask[weekday]
        self._holiday_names: dict[dt.date, str] = {}
        if self.spec.country:
            off: list[dt.date] = []
            makeup: list[dt.date] = []
            for year in range(first_year, last_year + 1):
                names, made = _public_holidays(self.spec.country, self.spec.subdivision, year)
                self._holiday_names.update(names)
                off.extend(names)
                if self.spec.official_makeup_days:
                    makeup.extend(made)
            if off:
                work[(np.array(sorted(off), dtype="datetime64[D]") - lo64).astype(np.int64)] = False
            if makeup:
                work[(np.array(sorted(makeup), dtype="datetime64[D]") - lo64).astype(np.int64)] = (
                    True
                )
        for dates, value in ((self._working, True), (self._days_off, False)):
            if dates.size:
                offs = (dates - lo64).astype(np.int64)
                inside = (offs >= 0) & (offs < work.size)
                work[offs[inside]] = value
        self._lo = lo
        self._lo64 = lo64
        self._work = work
        self._cum = np.concatenate(([0], np.cumsum(work, dtype=np.int64)))
        self._workday_offsets = np.flatnonzero(work).astype(np.int64)
        self._first_year, self._last_year = first_year, last_year
        if old_index is not None and keep_index_of is not None:
            self._shift += old_index - self.index_of(keep_index_of)
        if self._workday_offsets.size == 0:
            raise CalendarError("the calendar has no working day in its window")

    def _ensure_years(self, first: int, last: int) -> None:
        if first >= self._first_year and last <= self._last_year:
            return
        anchor = self._lo
        self._build(
            min(first - 1, self._first_year), max(last + 2, self._last_year), keep_index_of=anchor
        )

    # ------------------------------------------------------------------ single conversions
    def is_working_day(self, day: dt.date) -> bool:
        self._ensure_years(day.year, day.year)
        return bool(self._work[(day - self._lo).days])

    def index_of(self, day: dt.date) -> int:
        """Index of ``day`` if it is a working day, else of the next working day after it."""
        if not (self._first_year <= day.year <= self._last_year - 1):
            self._ensure_years(day.year, day.year + 1)
        return int(self._cum[(day - self._lo).days]) + self._shift

    def index_on_or_before(self, day: dt.date) -> int:
        """Index of ``day`` if it is a working day, else of the last working day before it."""
        index = self.index_of(day)
        return index if self._work[(day - self._lo).days] else index - 1

    def date_of(self, index: int) -> dt.date:
        """The working day with this index."""
        k = index - self._shift
        while k < 0 or k >= self._workday_offsets.size:
            self._grow_for_index(k)
            k = index - self._shift
        return self._lo + dt.timedelta(days=int(self._workday_offsets[k]))

    def _grow_for_index(self, k: int) -> None:
        # Grow by enough years to cover the gap at the working-day density seen so far.
        per_year = max(
            1, self._workday_offsets.size // max(1, self._last_year - self._first_year + 1)
        )
        if k < 0:
            years = -k // per_year + 1
            self._ensure_years(self._first_year - years, self._last_year)
        else:
            years = (k - self._workday_offsets.size) // per_year + 1
            self._ensure_years(self._first_year, self._last_year + years)

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """The working day ``days`` working days after ``day`` (a day off moves forward first)."""
        return self.date_of(self.index_of(day) + days)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``[start, end)`` (negative when ``end`` is before ``start``)."""
        return self.index_of(end) - self.index_of(start)

    def holidays_between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """Public holidays (by name) in ``[start, end]``, whether or not they fall on a weekend."""
        self._ensure_years(start.year, end.year)
        return sorted((d, n) for d, n in self._holiday_names.items() if start <= d <= end)

    def days_off_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Every non-working date in ``[start, end]``."""
        self._ensure_years(start.year, end.year)
        a, b = (start - self._lo).days, (end - self._lo).days
        offs = np.flatnonzero(~self._work[a : b + 1]) + a
        return [self._lo + dt.timedelta(days=int(o)) for o in offs]

    # ------------------------------------------------------------------ vectorized conversions
    def indexes_of(self, days: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Vectorized :meth:`index_of` over an array of dates (``datetime64[D]`` or ``date``)."""
        arr = np.asarray(days, dtype="datetime64[D]")
        if arr.size == 0:
            return np.zeros(arr.shape, dtype=np.int64)
        years = arr.astype("datetime64[Y]").astype(np.int64) + 1970
        self._ensure_years(int(years.min()), int(years.max()) + 1)
        offs = (arr - self._lo64).astype(np.int64)
        return self._cum[offs] + self._shift

    def dates_of(self, indexes: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
        """Vectorized :meth:`date_of`: an array of working-day indexes to ``datetime64[D]``."""
        idx = np.asarray(indexes, dtype=np.int64)
        if idx.size == 0:
            return np.zeros(idx.shape, dtype="datetime64[D]")
        lo, hi = int(idx.min()), int(idx.max())
        self.date_of(lo)
        self.date_of(hi)
        return self._lo64 + self._workday_offsets[idx - self._shift]

    def __repr__(self) -> str:
        s = self.spec
        days = ",".join(WEEKDAY_NAMES[w] for w in sorted(s.weekdays))
        return f"WorkCalendar({s.name!r}, weekdays={days}, country={s.country!r})"


def calendar_from_dates(
    *,
    weekdays: Iterable[int] = (0, 1, 2, 3, 4),
    country: str | None = "VN",
    days_off: Iterable[dt.date] = (),
    working_days: Iterable[dt.date] = (),
    hours_per_day: float = 8.0,
) -> WorkCalendar:
    """Shorthand to build a :class:`WorkCalendar` from plain values."""
    return WorkCalendar(
        CalendarSpec(
            weekdays=tuple(sorted(set(weekdays))),
            country=country,
            days_off=tuple(days_off),
            working_days=tuple(working_days),
            hours_per_day=hours_per_day,
        )
    )


def to_date64(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "D")


def from_date64(value: np.datetime64) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int((value - _EPOCH_D64).astype(np.int64)))
