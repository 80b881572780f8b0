"""Earned value and earned schedule, money in Decimal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.engine.calendar import CalendarSpec
from tandem.engine.cpm import critical_path
from tandem.engine.errors import EngineError
from tandem.engine.evm import EvTask, StatusPoint, baseline_from_schedule, earned_value
from tandem.engine.model import Dependency, Network, Task

D = dt.date
PLAIN = CalendarSpec(country=None)


def tasks() -> list[EvTask]:
    return [
        EvTask("A", Decimal("1000.00"), D(2026, 3, 2), D(2026, 3, 6), 100, Decimal("1200.00")),
        EvTask("B", Decimal("2000.00"), D(2026, 3, 9), D(2026, 3, 20), 30, Decimal("500.00")),
        EvTask("M", Decimal("500.00"), D(2026, 3, 20), D(2026, 3, 20), 0, Decimal("0")),
    ]


def test_the_textbook_figures() -> None:
    ev = earned_value(tasks(), status_date=D(2026, 3, 13), calendar=PLAIN)
    # PV: A complete (1000) + half of B's ten days (1000); EV: 1000 + 30 % of 2000.
    assert (ev.bac, ev.pv, ev.ev, ev.ac) == (
        Decimal("3500.00"),
        Decimal("2000.00"),
        Decimal("1600.00"),
        Decimal("1700.00"),
    )
    assert (ev.sv, ev.cv) == (Decimal("-400.00"), Decimal("-100.00"))
    assert (ev.spi, ev.cpi) == (Decimal("0.8000"), Decimal("0.9412"))
    assert ev.eac == Decimal("3718.75")  # BAC / CPI = 3500 * 1700 / 1600
    assert ev.etc == Decimal("2018.75")
    assert ev.vac == Decimal("-218.75")
    named = {f.name: f.value for f in ev.forecasts}
    assert named == {
        "cpi": Decimal("3718.75"),
        "budget_rate": Decimal("3600.00"),
        "cpi_spi": Decimal("4223.44"),
    }
    assert ev.tcpi_bac == Decimal("1.0556")  # (3500 - 1600) / (3500 - 1700)
    assert all(isinstance(x, Decimal) for x in (ev.pv, ev.ev, ev.ac, ev.eac, ev.etc, ev.vac))


def test_earned_schedule() -> None:
    ev = earned_value(tasks(), status_date=D(2026, 3, 13), calendar=PLAIN)
    # EV 1600 was planned by the end of day 8 (A's 5 days + 3 of B's at 200 a day).
    assert ev.earned_schedule == 8.0
    assert ev.actual_time == 10
    assert ev.spi_t == 0.8
    assert ev.sv_t == -2.0
    assert ev.planned_duration == 15
    assert ev.ieac_t == 18.75
    assert ev.planned_finish == D(2026, 3, 20)
    assert ev.forecast_finish == D(2026, 3, 26)  # 19 working days from 2 March


def test_s_curve_is_cumulative_and_ends_at_bac() -> None:
    history = [StatusPoint(D(2026, 3, 6), Decimal("900"), Decimal("1000"))]
    ev = earned_value(tasks(), status_date=D(2026, 3, 13), calendar=PLAIN, history=history)
    pv = [p.pv for p in ev.curve if p.ev is None]
    assert pv == sorted(pv)
    assert pv[-1] == Decimal("3500.00")
    measured = [p for p in ev.curve if p.ev is not None]
    assert [p.date for p in measured] == [D(2026, 3, 6), D(2026, 3, 13)]
    assert measured[-1].ev == Decimal("1600.00")


def test_zero_denominators_give_none_not_errors() -> None:
    start = [EvTask("A", Decimal("100"), D(2026, 3, 2), D(2026, 3, 6), 0, Decimal(0))]
    ev = earned_value(start, status_date=D(2026, 2, 27), calendar=PLAIN)
    assert ev.pv == 0
    assert ev.spi is None
    assert ev.cpi is None
    assert ev.eac is None
    assert ev.spi_t is None
    assert ev.forecast_finish is None


def test_vnd_has_no_minor_units_and_holidays_count() -> None:
    vn = CalendarSpec(country="VN")
    work = [EvTask("A", Decimal("10000000"), D(2026, 2, 9), D(2026, 2, 27), 50, Decimal("6000001"))]
    ev = earned_value(work, status_date=D(2026, 2, 23), calendar=vn, places=0)
    # Planned 9-13 and 23-27 February (Tết in between): 6 of 10 working days by 23 February.
    assert ev.pv == Decimal("6000000")
    assert ev.ev == Decimal("5000000")
    assert ev.ac == Decimal("6000001")
    assert ev.cv == Decimal("-1000001")


def test_bad_input_is_an_error() -> None:
    with pytest.raises(EngineError):
        earned_value([], status_date=D(2026, 1, 1))
    bad = [EvTask("A", Decimal(1), D(2026, 3, 6), D(2026, 3, 2))]
    with pytest.raises(EngineError, match="finish before"):
        earned_value(bad, status_date=D(2026, 3, 3), calendar=PLAIN)


def test_baseline_from_a_schedule() -> None:
    net = Network(
        tasks=[
            Task(
                "A",
                duration=5,
                budget=Decimal("1000"),
                percent_complete=100,
                actual_start=D(2026, 3, 2),
                actual_finish=D(2026, 3, 6),
            ),
            Task("B", duration=10, budget=Decimal("2000")),
        ],
        dependencies=[Dependency("A", "B")],
        start=D(2026, 3, 2),
        calendar=PLAIN,
    )
    base = baseline_from_schedule(net, critical_path(net), actual_costs={"A": Decimal("900")})
    assert [(t.id, t.planned_start, t.planned_finish) for t in base] == [
        ("A", D(2026, 3, 2), D(2026, 3, 6)),
        ("B", D(2026, 3, 9), D(2026, 3, 20)),
    ]
    ev = earned_value(base, status_date=D(2026, 3, 6), calendar=PLAIN)
    assert ev.ev == ev.pv == Decimal("1000.00")
    assert ev.cpi == Decimal("1.1111")
