"""Business-time arithmetic of the SLA clocks: 08:30-17:30 on Vietnamese working days."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.clients.sla import BusinessClock

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CLOCK = BusinessClock(time_zone="Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=HCM)


def test_minutes_inside_one_business_day():
    # Tuesday 3 March 2026
    assert CLOCK.minutes_between(at(2026, 3, 3, 9), at(2026, 3, 3, 11, 30)) == 150


def test_time_outside_business_hours_does_not_count():
    assert CLOCK.minutes_between(at(2026, 3, 3, 18), at(2026, 3, 4, 8)) == 0
    assert CLOCK.minutes_between(at(2026, 3, 3, 17), at(2026, 3, 4, 9)) == 60


def test_a_weekend_does_not_count():
    # Friday 16:30 to Monday 09:30: one hour Friday, one hour Monday
    assert CLOCK.minutes_between(at(2026, 3, 6, 16, 30), at(2026, 3, 9, 9, 30)) == 120


def test_adding_an_hour_late_on_friday_lands_on_monday_morning():
    assert CLOCK.add(at(2026, 3, 6, 17), 60) == at(2026, 3, 9, 9)


def test_a_whole_business_day_from_the_start_ends_the_same_evening():
    assert CLOCK.add(at(2026, 3, 3, 8, 30), 540) == at(2026, 3, 3, 17, 30)


def test_opened_at_night_the_clock_starts_next_morning():
    assert CLOCK.add(at(2026, 3, 3, 22), 30) == at(2026, 3, 4, 9)


def test_tet_holidays_are_skipped():
    # Tết 2026: Vietnam's public holidays run from 14 to 22 February 2026 (Saturday to Sunday).
    due = CLOCK.add(at(2026, 2, 13, 17), 60)
    assert due.date() > dt.date(2026, 2, 22)
    assert CLOCK.is_business_time(due - dt.timedelta(minutes=1))


def test_a_negative_span_counts_negative():
    assert CLOCK.minutes_between(at(2026, 3, 3, 11), at(2026, 3, 3, 10)) == -60


def test_other_business_hours_and_no_holidays():
    clock = BusinessClock(start=dt.time(9), end=dt.time(18), country="", time_zone="UTC")
    start = dt.datetime(2026, 1, 1, 17, tzinfo=dt.UTC)  # New Year's Day, no holidays here
    assert clock.add(start, 120) == dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        CLOCK.position(dt.datetime(2026, 3, 3, 9))  # noqa: DTZ001


moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(HCM),
)
minutes = st.integers(min_value=0, max_value=60 * 9 * 300)


@settings(max_examples=300, deadline=None)
@given(start=moments, amount=minutes)
def test_adding_then_counting_round_trips(start, amount):
    due = CLOCK.add(start, amount)
    assert CLOCK.minutes_between(start, due) == amount


@settings(max_examples=300, deadline=None)
@given(start=moments, a=minutes, b=minutes)
def test_adding_more_never_ends_earlier(start, a, b):
    low, high = sorted((a, b))
    assert start <= CLOCK.add(start, low) <= CLOCK.add(start, high)


@settings(max_examples=300, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_counting_is_monotonic_and_additive(a, b, c):
    first, middle, last = sorted((a, b, c))
    assert 0 <= CLOCK.minutes_between(first, middle) <= CLOCK.minutes_between(first, last)
    whole = CLOCK.position(last) - CLOCK.position(first)
    parts = (CLOCK.position(middle) - CLOCK.position(first)) + (
        CLOCK.position(last) - CLOCK.position(middle))
    assert whole == parts


@settings(max_examples=200, deadline=None)
@given(start=moments, amount=st.integers(min_value=1, max_value=60 * 9 * 50))
def test_a_positive_due_date_falls_inside_business_hours(start, amount):
    due = CLOCK.add(start, amount)
    local = due.astimezone(HCM)
    assert dt.time(8, 30) < local.time() <= dt.time(17, 30)
    assert CLOCK.is_business_time(due - dt.timedelta(microseconds=1))
