"""Critical path method: PSPLIB lengths, dependency semantics, float, constraints, progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.engine.calendar import CalendarSpec
from tandem.engine.cpm import critical_path
from tandem.engine.errors import CycleError, NetworkError
from tandem.engine.formats.psplib import read_psplib
from tandem.engine.generate import random_network
from tandem.engine.model import ConstraintType, Dependency, DependencyType, Network, Task
from tests.engine.checker import dependency_holds

D = dt.date
FS, SS, FF, SF = DependencyType.FS, DependencyType.SS, DependencyType.FF, DependencyType.SF


@pytest.mark.parametrize("set_name", ["j30", "j60"])
def test_cpm_length_of_every_psplib_instance_is_its_mpm_time(
    psplib_dir: Path, set_name: str
) -> None:
    files = sorted((psplib_dir / set_name).glob("*.sm"))
    assert len(files) == 480
    wrong = []
    for f in files:
        inst = read_psplib(f)
        result = critical_path(inst.to_network())
        if result.makespan != inst.mpm_time:
            wrong.append((f.stem, result.makespan, inst.mpm_time))
    assert wrong == []


def test_psplib_critical_path_runs_from_source_to_sink(psplib_dir: Path) -> None:
    inst = read_psplib(psplib_dir / "j30" / "j301_1.sm")
    result = critical_path(inst.to_network())
    path = result.critical_path
    assert path[0] == "1"
    assert path[-1] == "32"
    assert sum(inst.durations[int(j) - 1] for j in path) == inst.mpm_time
    assert all(result.tasks[j].critical for j in path)
    assert result.critical_paths
    assert result.critical_paths[0][0] == "1"


def chain(*tasks: Task, deps: list[Dependency], **kw: object) -> Network:
    return Network(tasks=list(tasks), dependencies=deps, calendar=CalendarSpec(country=None), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "lag", "b_start"),
    [
        (FS, 0, 5),
        (FS, 2, 7),
        (FS, -2, 3),
        (SS, 0, 0),
        (SS, 3, 3),
        (FF, 0, 2),
        (FF, 1, 3),
        (SF, 0, 0),
        (SF, 6, 3),
    ],
)
def test_each_dependency_type_with_lag(kind: DependencyType, lag: int, b_start: int) -> None:
    # A lasts 5 periods, B lasts 3.
    net = chain(
        Task("A", duration=5), Task("B", duration=3), deps=[Dependency("A", "B", kind, lag)]
    )
    result = critical_path(net)
    assert result.tasks["B"].es == b_start


def test_float_and_criticality_on_a_small_network() -> None:
    net = chain(
        Task("A", duration=3),
        Task("B", duration=5),
        Task("C", duration=2),
        Task("D", duration=1),
        deps=[
            Dependency("A", "B"),
            Dependency("A", "C"),
            Dependency("B", "D"),
            Dependency("C", "D"),
        ],
    )
    r = critical_path(net)
    assert r.makespan == 9
    assert r.critical_path == ["A", "B", "D"]
    c = r.tasks["C"]
    assert (c.es, c.ef, c.ls, c.lf, c.total_float, c.free_float) == (3, 5, 6, 8, 3, 3)
    assert not c.critical
    assert r.tasks["D"].total_float == 0


def test_free_float_is_smaller_than_total_float_along_a_chain() -> None:
    net = chain(
        Task("A", duration=2),
        Task("B", duration=2),
        Task("C", duration=10),
        deps=[Dependency("A", "B")],
    )
    r = critical_path(net)
    assert r.tasks["A"].total_float == 6
    assert r.tasks["A"].free_float == 0
    assert r.tasks["B"].free_float == 6


def test_a_cycle_is_an_error_naming_its_tasks() -> None:
    net = chain(
        Task("A", duration=1),
        Task("B", duration=1),
        Task("C", duration=1),
        Task("X", duration=1),
        deps=[
            Dependency("X", "A"),
            Dependency("A", "B"),
            Dependency("B", "C"),
            Dependency("C", "A"),
        ],
    )
    with pytest.raises(CycleError) as info:
        critical_path(net)
    assert sorted(info.value.tasks) == ["A", "B", "C"]
    assert "A -> B -> C -> A" in str(info.value)


def test_bad_references_are_errors() -> None:
    with pytest.raises(NetworkError, match="unknown task 'Z'"):
        critical_path(chain(Task("A", duration=1), deps=[Dependency("A", "Z")]))
    with pytest.raises(NetworkError, match="duplicate"):
        critical_path(chain(Task("A"), Task("A"), deps=[]))
    with pytest.raises(NetworkError, match="negative duration"):
        critical_path(chain(Task("A", duration=-1), deps=[]))


# ---------------------------------------------------------------- dates, summaries, constraints
MON = D(2026, 2, 2)  # a Monday; Tết 2026 is 16-20 February


def vn(*tasks: Task, deps: list[Dependency], **kw: object) -> Network:
    return Network(
        tasks=list(tasks), dependencies=deps, calendar=CalendarSpec(country="VN"), start=MON, **kw
    )  # type: ignore[arg-type]


def test_dates_skip_weekends_and_tet() -> None:
    net = vn(
        Task("A", duration=10),
        Task("B", duration=2),
        Task("M", duration=0),
        deps=[Dependency("A", "B"), Dependency("B", "M")],
    )
    r = critical_path(net)
    a, b, m = r.tasks["A"], r.tasks["B"], r.tasks["M"]
    assert (a.start, a.finish) == (D(2026, 2, 2), D(2026, 2, 13))
    assert (b.start, b.finish) == (D(2026, 2, 23), D(2026, 2, 24))  # after the Tết week
    assert m.start == m.finish == D(2026, 2, 24)  # a milestone sits at its predecessor's end
    assert r.finish == D(2026, 2, 24)


def test_summary_tasks_roll_up_and_links_to_summaries_apply_to_children() -> None:
    net = vn(
        Task("P", name="Phase 1"),
        Task("A", duration=3, parent="P"),
        Task("B", duration=4, parent="P"),
        Task("C", duration=2),
        deps=[Dependency("A", "B", SS, 1), Dependency("P", "C")],
    )
    r = critical_path(net)
    p = r.tasks["P"]
    assert p.summary
    assert (p.es, p.ef) == (0, 5)
    assert r.tasks["C"].es == 5
    assert p.critical


def test_constraints_move_dates_and_negative_float_is_reported() -> None:
    net = vn(
        Task("A", duration=5),
        Task("B", duration=5, constraint=ConstraintType.SNET, constraint_date=D(2026, 3, 2)),
        Task("C", duration=5, constraint=ConstraintType.FNLT, constraint_date=D(2026, 2, 10)),
        Task("D", duration=2, constraint=ConstraintType.ALAP),
        deps=[Dependency("A", "C"), Dependency("A", "D")],
    )
    r = critical_path(net)
    assert r.tasks["B"].start == D(2026, 3, 2)
    # C cannot finish by 10 Feb after A's five days: three working days short.
    assert r.tasks["C"].total_float < 0
    assert r.tasks["A"].total_float < 0
    d = r.tasks["D"]
    assert d.start == d.late_start
    assert d.start != d.early_start


def test_must_start_on_pins_the_start_even_against_a_predecessor() -> None:
    net = vn(
        Task("A", duration=5),
        Task("B", duration=1, constraint=ConstraintType.MSO, constraint_date=D(2026, 2, 4)),
        deps=[Dependency("A", "B")],
    )
    r = critical_path(net)
    assert r.tasks["B"].start == D(2026, 2, 4)
    assert r.tasks["A"].total_float < 0


def test_progress_schedules_the_remaining_work_from_the_status_date() -> None:
    net = vn(
        Task("A", duration=5, actual_start=MON, actual_finish=D(2026, 2, 5)),
        Task("B", duration=10, actual_start=D(2026, 2, 6), percent_complete=50),
        Task("C", duration=3),
        Task("E", duration=2),
        deps=[Dependency("A", "B"), Dependency("B", "C")],
        status_date=D(2026, 2, 11),
    )
    r = critical_path(net)
    assert r.tasks["A"].status == "complete"
    assert r.tasks["A"].finish == D(2026, 2, 5)
    assert r.tasks["A"].total_float == 0
    assert not r.tasks["A"].critical
    b = r.tasks["B"]
    assert b.status == "in_progress"
    assert b.start == D(2026, 2, 6)
    # Five days remain, from the status date: 11, 12, 13 and (after Tết) 23, 24 February.
    assert b.finish == D(2026, 2, 24)
    assert r.tasks["E"].start == D(2026, 2, 11)  # not started: no earlier than the status date


def test_progress_without_an_actual_start_is_an_error() -> None:
    with pytest.raises(NetworkError, match="no actual start"):
        critical_path(vn(Task("A", duration=5, percent_complete=10), deps=[]))


# ---------------------------------------------------------------- properties on random networks
@st.composite
def networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(2, 14))
    durations = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    tasks = [Task(f"T{i}", duration=d) for i, d in enumerate(durations)]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    deps = []
    seen = set()
    for a, b in pairs:
        if a == b or (min(a, b), max(a, b)) in seen:
            continue
        seen.add((min(a, b), max(a, b)))
        kind = draw(st.sampled_from([FS, SS, FF, SF]))
        lag = draw(st.integers(-3, 5))
        deps.append(Dependency(f"T{min(a, b)}", f"T{max(a, b)}", kind, lag))
    return chain(*tasks, deps=deps)


@settings(max_examples=150, deadline=None)
@given(networks())
def test_dependency_semantics_hold_and_float_is_never_negative(net: Network) -> None:
    r = critical_path(net)
    dur = {t.id: t.duration for t in net.tasks}
    for d in net.dependencies:
        p, s = r.tasks[d.predecessor], r.tasks[d.successor]
        assert dependency_holds(str(d.type), p.es, dur[p.id], s.es, dur[s.id], d.lag)
        assert dependency_holds(str(d.type), p.ls, dur[p.id], s.ls, dur[s.id], d.lag)
    for t in r.tasks.values():
        assert t.es >= 0
        assert t.ef <= r.makespan
        assert t.lf <= r.makespan
        assert 0 <= t.free_float <= t.total_float
        assert t.critical == (t.total_float == 0)
    assert any(t.critical for t in r.tasks.values())
    assert max(t.ef for t in r.tasks.values()) == r.makespan


@settings(max_examples=60, deadline=None)
@given(networks())
def test_early_start_is_the_earliest_feasible_start(net: Network) -> None:
    """Moving any task one period earlier breaks a dependency or the project start."""
    r = critical_path(net)
    dur = {t.id: t.duration for t in net.tasks}
    for t in net.tasks:
        es = r.tasks[t.id].es
        if es == 0:
            continue
        broken = [
            d
            for d in net.dependencies
            if d.successor == t.id
            and not dependency_holds(
                str(d.type), r.tasks[d.predecessor].es, dur[d.predecessor], es - 1, dur[t.id], d.lag
            )
        ]
        assert broken, t.id


def test_large_generated_network_runs_and_is_consistent() -> None:
    net = random_network(3000, seed=5)
    r = critical_path(net)
    dur = {t.id: t.duration for t in net.tasks}
    for d in net.dependencies[:2000]:
        p, s = r.tasks[d.predecessor], r.tasks[d.successor]
        assert dependency_holds(str(d.type), p.es, dur[p.id], s.es, dur[s.id], d.lag)
    assert r.finish is not None
    assert r.finish > MON
