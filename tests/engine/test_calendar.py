"""Working calendars: Vietnamese holidays, make-up days, organization exceptions, conversions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.engine.calendar import CalendarSpec, WorkCalendar
from tandem.engine.errors import CalendarError

D = dt.date


@pytest.fixture(scope="module")
def vn() -> WorkCalendar:
    return WorkCalendar(CalendarSpec(country="VN"))


def days_off(cal: WorkCalendar, year: int) -> set[dt.date]:
    return set(cal.days_off_between(D(year, 1, 1), D(year, 12, 31)))


def test_vietnam_2026_tet_and_official_holidays_are_days_off(vn: WorkCalendar) -> None:
    # Tết Bính Ngọ: Lunar New Year is Tuesday 17 February 2026; the five official days run from
    # New Year's Eve (16 Feb) to the fourth day (20 Feb).
    for day in (D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20)):
        assert not vn.is_working_day(day), day
    assert vn.is_working_day(D(2026, 2, 13))  # the Friday before
    assert vn.is_working_day(D(2026, 2, 23))  # the Monday after
    for day in (
        D(2026, 1, 1),
        D(2026, 4, 27),
        D(2026, 4, 30),
        D(2026, 5, 1),
        D(2026, 9, 1),
        D(2026, 9, 2),
    ):
        assert not vn.is_working_day(day), day
    names = dict(vn.holidays_between(D(2026, 1, 1), D(2026, 12, 31)))
    assert names[D(2026, 2, 17)] == "Lunar New Year"
    assert "Hung Kings" in names[D(2026, 4, 26)]  # a Sunday, observed on Monday 27 April


def test_vietnam_2026_official_makeup_saturday(vn: WorkCalendar) -> None:
    # National Day 2026: Monday 31 August is a bridge day off, made up on Saturday 22 August.
    assert not vn.is_working_day(D(2026, 8, 31))
    assert vn.is_working_day(D(2026, 8, 22))
    assert not vn.is_working_day(D(2026, 8, 29))  # an ordinary Saturday


def test_vietnam_2027_tet(vn: WorkCalendar) -> None:
    # Tết Đinh Mùi: Lunar New Year is Saturday 6 February 2027.
    for day in (D(2027, 2, 4), D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)):
        assert not vn.is_working_day(day), day
    assert vn.is_working_day(D(2027, 2, 3))
    assert vn.is_working_day(D(2027, 2, 11))
    assert not vn.is_working_day(D(2027, 9, 2))
    assert not vn.is_working_day(D(2027, 5, 3))  # Labour Day on a Saturday, observed Monday


def test_working_day_counts_per_year(vn: WorkCalendar) -> None:
    # 261 weekdays in 2026 minus the holidays that fall on weekdays, plus the make-up Saturday.
    weekdays_2026 = sum(1 for k in range(365) if (D(2026, 1, 1) + dt.timedelta(k)).weekday() < 5)
    holiday_weekdays = {d for d in days_off(vn, 2026) if d.weekday() < 5}
    assert (
        vn.working_days_between(D(2026, 1, 1), D(2027, 1, 1))
        == weekdays_2026 - len(holiday_weekdays) + 1
    )


def test_organization_days_off_and_makeup_days() -> None:
    spec = CalendarSpec(
        country="VN",
        days_off=(D(2026, 3, 2), D(2026, 8, 22)),  # company day off; refuses the make-up Saturday
        working_days=(D(2026, 3, 7), D(2026, 2, 16)),  # a make-up Saturday; works on Tết eve
    )
    cal = WorkCalendar(spec)
    assert not cal.is_working_day(D(2026, 3, 2))
    assert cal.is_working_day(D(2026, 3, 7))
    assert cal.is_working_day(D(2026, 2, 16))
    assert not cal.is_working_day(D(2026, 8, 22))
    assert cal.add_working_days(D(2026, 2, 27), 1) == D(2026, 3, 3)


def test_official_makeup_days_can_be_ignored() -> None:
    cal = WorkCalendar(CalendarSpec(country="VN", official_makeup_days=False))
    assert not cal.is_working_day(D(2026, 8, 22))


def test_six_day_week_and_no_country() -> None:
    cal = WorkCalendar(CalendarSpec(country=None, weekdays=(0, 1, 2, 3, 4, 5)))
    assert cal.is_working_day(D(2026, 2, 17))  # no holidays without a country
    assert cal.is_working_day(D(2026, 2, 21))  # Saturday
    assert not cal.is_working_day(D(2026, 2, 22))


def test_other_countries_work() -> None:
    us = WorkCalendar(CalendarSpec(country="US"))
    assert not us.is_working_day(D(2026, 7, 3))  # Independence Day observed (4 July is a Saturday)
    with pytest.raises(CalendarError):
        WorkCalendar(CalendarSpec(country="XX"))


def test_conflicting_exceptions_and_empty_calendars_are_rejected() -> None:
    with pytest.raises(CalendarError):
        CalendarSpec(days_off=(D(2026, 1, 5),), working_days=(D(2026, 1, 5),))
    with pytest.raises(CalendarError):
        WorkCalendar(CalendarSpec(weekdays=()))
    with pytest.raises(CalendarError):
        CalendarSpec(weekdays=(7,))


def test_index_of_a_day_off_is_the_next_working_day(vn: WorkCalendar) -> None:
    saturday = D(2026, 2, 14)
    assert vn.date_of(vn.index_of(saturday)) == D(2026, 2, 23)  # past the weekend and Tết
    assert vn.date_of(vn.index_on_or_before(saturday)) == D(2026, 2, 13)
    assert vn.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_every_day_of_2026_and_2027_round_trips(vn: WorkCalendar) -> None:
    days = np.arange(np.datetime64("2026-01-01"), np.datetime64("2028-01-01"))
    idx = vn.indexes_of(days)
    back = vn.dates_of(idx)
    working = np.array([vn.is_working_day(d) for d in days.tolist()])
    assert (back[working] == days[working]).all()  # working days map to themselves
    assert (back[~working] > days[~working]).all()  # days off map to the next working day
    assert (np.diff(idx) >= 0).all()
    assert (np.diff(idx) <= 1).all()
    assert idx[-1] - idx[0] == working[:-1].sum()


def test_indexes_stay_stable_when_the_window_grows() -> None:
    cal = WorkCalendar(CalendarSpec(country="VN"), around=D(2026, 1, 1))
    before = cal.index_of(D(2026, 6, 1))
    far_past = cal.date_of(before - 20_000)
    far_future = cal.date_of(before + 20_000)
    assert cal.index_of(D(2026, 6, 1)) == before
    assert cal.index_of(far_past) == before - 20_000
    assert cal.index_of(far_future) == before + 20_000


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)),
    offset=st.integers(min_value=-3000, max_value=3000),
)
def test_conversions_round_trip(day: dt.date, offset: int) -> None:
    cal = _shared_calendar()
    i = cal.index_of(day)
    moved = cal.date_of(i + offset)
    assert cal.is_working_day(moved)
    assert cal.index_of(moved) == i + offset
    assert cal.working_days_between(day, moved) == offset
    if cal.is_working_day(day):
        assert cal.date_of(i) == day


_CAL: list[WorkCalendar] = []


def _shared_calendar() -> WorkCalendar:
    if not _CAL:
        _CAL.append(WorkCalendar(CalendarSpec(country="VN", working_days=(D(2026, 3, 7),))))
    return _CAL[0]
