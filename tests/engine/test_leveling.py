"""Resource leveling: every schedule is checked by the independent checker of checker.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.engine.calendar import CalendarSpec
from tandem.engine.cpm import critical_path
from tandem.engine.errors import InfeasibleError
from tandem.engine.formats.psplib import read_psplib
from tandem.engine.heuristic import single_pass_lft, solve_heuristic
from tandem.engine.leveling import level
from tandem.engine.model import Dependency, DependencyType, Network, Resource, Task
from tandem.engine.optimizer import Progress, optimize
from tandem.engine.rcpsp import problem_from_psplib
from tests.engine.checker import network_violations, psplib_violations

# A handful of J30 instances with their proven optima (j30opt.sm), hard ones included.
J30 = ["j301_1", "j3010_3", "j3021_5", "j3037_9", "j3046_4"]
J60 = ["j601_1", "j6013_2", "j6029_7", "j6048_10"]


def optimum(psplib_dir: Path, name: str) -> int:
    for line in (psplib_dir / "reference" / "j30opt.sm").read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].isdigit() and f"j30{parts[0]}_{parts[1]}" == name:
            return int(parts[2])
    raise KeyError(name)


@pytest.mark.parametrize("name", J30 + J60)
def test_heuristic_schedules_are_feasible(psplib_dir: Path, name: str) -> None:
    inst = read_psplib(psplib_dir / name[:3] / f"{name}.sm")
    p = problem_from_psplib(inst)
    res = solve_heuristic(p, time_limit=0.2, seed=1)
    assert psplib_violations(inst, res.start.tolist()) == []
    assert res.makespan == max(
        s + d for s, d in zip(res.start.tolist(), inst.durations, strict=True)
    )
    assert res.makespan >= inst.mpm_time
    base = single_pass_lft(p)
    assert psplib_violations(inst, base.start.tolist()) == []
    assert res.makespan <= base.makespan


@pytest.mark.parametrize("name", J30)
def test_optimizer_proves_j30_optima(psplib_dir: Path, name: str) -> None:
    inst = read_psplib(psplib_dir / "j30" / f"{name}.sm")
    p = problem_from_psplib(inst)
    events: list[Progress] = []
    res = optimize(p, time_limit=10, heuristic_time=0.3, progress=events.append)
    assert psplib_violations(inst, res.start.tolist()) == []
    assert res.makespan <= res.heuristic_makespan
    assert res.lower_bound <= res.makespan
    assert res.optimal
    assert res.makespan == optimum(psplib_dir, name)
    assert events
    assert events[0].source == "heuristic"


@pytest.mark.parametrize("workers", [1, 3])
def test_optimizer_proves_with_any_number_of_workers(psplib_dir: Path, workers: int) -> None:
    # Long heuristic: it stagnates, and the solver's time goes to one proof with every worker.
    name = "j3037_9"
    inst = read_psplib(psplib_dir / "j30" / f"{name}.sm")
    p = problem_from_psplib(inst)
    res = optimize(p, time_limit=10, heuristic_time=1.0, workers=workers)
    assert psplib_violations(inst, res.start.tolist()) == []
    assert res.optimal
    assert res.lower_bound == res.makespan == optimum(psplib_dir, name)


def test_optimizer_within_a_short_limit_returns_a_bound(psplib_dir: Path) -> None:
    inst = read_psplib(psplib_dir / "j60" / "j6029_7.sm")
    p = problem_from_psplib(inst)
    res = optimize(p, time_limit=1.5, heuristic_time=0.3)
    assert psplib_violations(inst, res.start.tolist()) == []
    assert inst.mpm_time <= res.lower_bound <= res.makespan <= res.heuristic_makespan
    assert res.seconds < 5


# ---------------------------------------------------------------- random networks
@st.composite
def resource_networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(2, 9))
    caps = draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    resources = [Resource(f"R{k}", capacity=c) for k, c in enumerate(caps)]
    tasks = []
    for i in range(n):
        d = draw(st.integers(0, 6))
        demands = {r.id: draw(st.integers(0, r.capacity)) for r in resources}
        tasks.append(Task(f"T{i}", duration=d, demands={k: v for k, v in demands.items() if v}))
    deps = []
    for a in range(n):
        for b in range(a + 1, n):
            if draw(st.integers(0, 3)) == 0:
                kind = draw(st.sampled_from(list(DependencyType)))
                deps.append(Dependency(f"T{a}", f"T{b}", kind, draw(st.integers(-2, 3))))
    return Network(
        tasks=tasks, dependencies=deps, resources=resources, calendar=CalendarSpec(country=None)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resource_networks())
def test_heuristic_and_optimizer_are_feasible_and_optimizer_never_worse(net: Network) -> None:
    fast = level(net, optimize_schedule=False, heuristic_time=0.05)
    assert network_violations(net, fast.starts) == []
    assert fast.status in ("optimal", "feasible")
    best = level(net, time_limit=2.0, heuristic_time=0.05)
    assert network_violations(net, best.starts) == []
    assert best.makespan <= best.heuristic_makespan
    assert best.lower_bound <= best.makespan
    assert min(best.starts.values()) >= 0
    cpm = critical_path(net).makespan
    assert best.makespan >= cpm


def test_a_demand_above_capacity_is_an_error() -> None:
    net = Network(
        tasks=[Task("A", duration=2, demands={"R": 3})],
        resources=[Resource("R", capacity=2)],
        calendar=CalendarSpec(country=None),
    )
    with pytest.raises(InfeasibleError, match="capacity is 2"):
        level(net, optimize_schedule=False)


# ---------------------------------------------------------------- options on a dated plan
def plan() -> Network:
    return Network(
        start=dt.date(2026, 3, 2),
        calendar=CalendarSpec(country="VN"),
        resources=[Resource("dev", capacity=1)],
        tasks=[
            Task("A", duration=4, demands={"dev": 1}),
            Task("B", duration=3, demands={"dev": 1}),
            Task("C", duration=2, demands={"dev": 1}, priority=900),
            Task("D", duration=9),
            Task("M", duration=0),
        ],
        dependencies=[
            Dependency("A", "M"),
            Dependency("B", "M"),
            Dependency("C", "M"),
            Dependency("D", "M"),
        ],
    )


def test_leveling_a_dated_plan_gives_dates_and_delays() -> None:
    net = plan()
    res = level(net, time_limit=3)
    assert res.makespan == 9
    assert res.status == "optimal"
    assert network_violations(net, dict(res.starts.items())) == []
    assert res.finish == dt.date(2026, 3, 12)
    assert res.start_dates["A"] >= dt.date(2026, 3, 2)
    # One developer: A, B and C run one after the other, the first one without delay.
    assert min(res.delays[t] for t in "ABC") == 0
    assert sorted(res.starts[t] + d for t, d in zip("ABC", (4, 3, 2), strict=True))[-1] == 9


def test_priorities_order_the_heuristic() -> None:
    res = level(plan(), optimize_schedule=False, heuristic_time=0.05)
    assert res.starts["C"] == 0  # the highest priority goes first


def test_fixed_tasks_do_not_move() -> None:
    net = plan()
    net.tasks[1].fixed = True  # B stays at its early start
    res = level(net, time_limit=2)
    assert res.starts["B"] == 0
    assert network_violations(net, res.starts) == []


def test_within_float_never_delays_the_finish_and_reports_what_stays_overallocated() -> None:
    net = plan()
    net.tasks[3].duration = 5  # D no longer hides the resource conflict: 9 dev-days > 5 days
    free = level(net, time_limit=2)
    assert free.makespan == 9
    assert not free.overallocations
    within = level(net, time_limit=2, within_float=True)
    assert within.makespan <= critical_path(net).makespan == 5
    assert within.status == "overallocated"
    assert within.overallocations
    assert all(o.resource == "dev" and o.used > o.capacity for o in within.overallocations)


def test_within_float_levels_when_float_allows() -> None:
    net = plan()  # D takes 9 days: A, B and C (9 dev-days) fit inside its float
    res = level(net, time_limit=2, within_float=True)
    assert res.status in ("optimal", "feasible")
    assert res.makespan == 9
    assert not res.overallocations
    assert network_violations(net, res.starts) == []


def test_progress_reports_improvements(psplib_dir: Path) -> None:
    inst = read_psplib(psplib_dir / "j60" / "j6013_2.sm")
    seen: list[Progress] = []
    res = optimize(
        problem_from_psplib(inst), time_limit=2, heuristic_time=0.1, progress=seen.append
    )
    assert seen[0].source == "heuristic"
    assert all(0.0 <= e.gap <= 1.0 for e in seen)
    assert min(e.makespan for e in seen) == res.makespan or res.optimal
    assert np.all(np.diff([e.seconds for e in seen]) >= -1e-9)
