"""Monte-Carlo schedule risk."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tandem.engine.calendar import CalendarSpec
from tandem.engine.cpm import critical_path
from tandem.engine.errors import NetworkError
from tandem.engine.generate import random_network
from tandem.engine.model import Dependency, DependencyType, Network, RiskEvent, Task
from tandem.engine.risk import PERCENTILES, simulate


def two_paths() -> Network:
    # A (uncertain, long) and B (certain, short) both lead to the milestone M.
    return Network(
        tasks=[
            Task("A", duration=10, optimistic=8, most_likely=10, pessimistic=20),
            Task("B", duration=6),
            Task("M", duration=0),
        ],
        dependencies=[Dependency("A", "M"), Dependency("B", "M")],
        calendar=CalendarSpec(country=None),
    )


def test_same_seed_same_result_and_percentiles_are_ordered() -> None:
    a = simulate(two_paths(), iterations=3000, seed=7)
    b = simulate(two_paths(), iterations=3000, seed=7)
    assert a.percentiles == b.percentiles
    assert list(a.percentiles) == [f"P{q}" for q in PERCENTILES]
    values = list(a.percentiles.values())
    assert values == sorted(values)
    assert values[0] >= 8
    assert values[-1] <= 20
    assert sum(h.count for h in a.histogram) == 3000
    assert a.histogram[-1].cumulative == pytest.approx(1.0)


def test_triangular_mean_and_criticality() -> None:
    r = simulate(two_paths(), iterations=20_000, seed=1)
    assert r.mean == pytest.approx((8 + 10 + 20) / 3, abs=0.1)
    assert r.criticality["A"] == pytest.approx(1.0)
    assert r.criticality["B"] == 0.0
    assert r.sensitivity["A"] > 0.99
    assert r.sensitivity["B"] == 0.0
    assert r.deterministic == 10
    assert 0.05 < r.probability_deterministic < 0.3


def test_pert_is_narrower_than_triangular() -> None:
    tri = simulate(two_paths(), iterations=20_000, seed=2)
    pert = simulate(two_paths(), iterations=20_000, seed=2, distribution="pert")
    assert pert.mean == pytest.approx((8 + 4 * 10 + 20) / 6, abs=0.1)
    assert pert.std < tri.std


def test_without_estimates_every_iteration_is_the_cpm_schedule() -> None:
    net = random_network(200, seed=4)
    r = simulate(net, iterations=500, seed=0)
    cpm = critical_path(net).makespan
    assert set(r.percentiles.values()) == {float(cpm)}
    crit = {k for k, v in r.criticality.items() if v == 1.0}
    assert crit == {k for k, t in critical_path(net).tasks.items() if t.critical}


def test_spread_gives_tasks_without_estimates_a_range() -> None:
    net = random_network(50, seed=1)
    r = simulate(net, iterations=1000, seed=0, spread=(0.8, 1.5))
    assert r.percentiles["P10"] < r.percentiles["P95"]


def test_risk_events_push_the_finish() -> None:
    net = two_paths()
    calm = simulate(net, iterations=5000, seed=3)
    net.risks = [RiskEvent("R1", probability=0.5, impact=10, tasks=("B",))]
    risky = simulate(net, iterations=5000, seed=3)
    assert risky.mean > calm.mean + 1
    assert 0.2 < risky.criticality["B"] < 0.8


def test_dependency_types_are_sampled_correctly() -> None:
    """FF ties the finishes: B (2 days) must finish when A does, whatever A's sample."""
    net = Network(
        tasks=[
            Task("A", duration=5, optimistic=3, most_likely=5, pessimistic=9),
            Task("B", duration=2),
        ],
        dependencies=[Dependency("A", "B", DependencyType.FF, 0)],
        calendar=CalendarSpec(country=None),
    )
    r = simulate(net, iterations=2000, seed=5)
    assert r.percentiles["P10"] >= 3
    assert r.percentiles["P95"] <= 9
    assert r.criticality["B"] == pytest.approx(1.0)


def test_dates_come_from_the_calendar() -> None:
    net = two_paths()
    net.start = dt.date(2026, 2, 9)
    net.calendar = CalendarSpec(country="VN")
    r = simulate(net, iterations=1000, seed=1)
    # Ten working days from Monday 9 February 2026 end after Tết, not on 20 February.
    assert r.percentile_dates["P10"] > dt.date(2026, 2, 23)
    assert r.histogram[0].date is not None


def test_bad_options_are_errors() -> None:
    with pytest.raises(NetworkError):
        simulate(two_paths(), iterations=0)
    with pytest.raises(NetworkError):
        simulate(two_paths(), iterations=10, distribution="normal")


def test_ten_thousand_iterations_of_a_thousand_tasks_are_fast() -> None:
    net = random_network(1000, seed=3, estimates=True)
    r = simulate(net, iterations=10_000, seed=1)
    assert r.iterations == 10_000
    assert r.seconds < 6  # the benchmark target is 2 s; leave room for a busy test machine
    assert np.isfinite(r.mean)
