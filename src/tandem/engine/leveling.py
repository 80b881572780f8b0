"""Resource leveling of a project network: the heuristic or the optimizer, on plain data.

The network is compiled (summary tasks become zero-duration gates without demand), progress and
date constraints become releases and fixed starts exactly as in CPM, and the result is mapped
back to task ids, periods and dates. Options:

* ``optimize``: run CP-SAT after the heuristic (otherwise the heuristic alone answers);
* ``within_float``: never delay the project finish: every task starts by its late start; when
  that cannot respect every capacity the remaining overallocations are reported;
* tasks with ``fixed=True`` (and started or must-start-on tasks) do not move;
* task ``priority`` (higher first) orders the heuristic's decisions.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np

from tandem.engine.calendar import WorkCalendar
from tandem.engine.compiled import compile_network
from tandem.engine.cpm import _Bounds, cpm_pass, period_dates
from tandem.engine.graph import IntArray
from tandem.engine.heuristic import solve_heuristic
from tandem.engine.model import Network
from tandem.engine.optimizer import OptimizeResult, ProgressCallback, optimize
from tandem.engine.rcpsp import Problem


@dataclass
class Overallocation:
    resource: str
    period: int
    used: int
    capacity: int
    date: dt.date | None = None


@dataclass
class LevelResult:
    makespan: int  # periods (working days) from the project start to the finish
    lower_bound: int
    status: str  # "optimal", "feasible", or "overallocated" (within float, capacity exceeded)
    starts: dict[str, int]  # task id -> start period (summaries: their first child's start)
    finishes: dict[str, int]  # task id -> exclusive finish period
    seconds: float
    heuristic_makespan: int
    start_dates: dict[str, dt.date] = field(default_factory=dict)
    finish_dates: dict[str, dt.date] = field(default_factory=dict)
    finish: dt.date | None = None
    delays: dict[str, int] = field(default_factory=dict)  # start minus resource-free early start
    overallocations: list[Overallocation] = field(default_factory=list)


@dataclass
class _Mapped:
    problem: Problem
    shift: int  # problem period = network period + shift
    leaf_ids: list[str]
    names: list[str]
    early: IntArray


def network_problem(
    network: Network, *, within_float: bool = False
) -> tuple[_Mapped, WorkCalendar | None, int]:
    """The leveling :class:`Problem` of a network, with what is needed to map results back."""
    cn = compile_network(network)
    cal: WorkCalendar | None = None
    origin = 0
    if network.start is not None:
        cal = WorkCalendar(network.calendar, around=network.start)
        origin = cal.index_of(network.start)
    b = _Bounds.build(network, cn, cal, origin)
    arr = cpm_pass(
        cn,
        duration=b.duration,
        earliest=b.earliest,
        pinned=b.pinned,
        latest_finish=b.latest_finish,
        latest_start=b.latest_start,
    )
    res_index = {r.id: k for k, r in enumerate(network.resources)}
    n = cn.n
    demand = np.zeros((n, len(network.resources)), dtype=np.int64)
    fixed = b.pinned.copy()
    fixed_start = np.where(b.pinned, b.earliest, 0)
    priority = np.full(n, 500, dtype=np.int64)
    for t in network.tasks:
        v = cn.node_of.get(t.id)
        nodes = [v] if v is not None else list(cn.gates.get(t.id, ()))
        for node in nodes:
            priority[node] = t.priority
        if v is None:
            continue
        if not b.complete[v]:  # finished work no longer needs its resources
            for rid, units in t.demands.items():
                demand[v, res_index[rid]] = units
        if t.fixed and not b.pinned[v]:
            fixed[v] = True
            fixed_start[v] = arr.es[v]
    low = min(0, int(fixed_start[fixed].min()) if fixed.any() else 0)
    shift = -low
    problem = Problem(
        names=list(cn.names),
        duration=b.duration.copy(),
        demand=demand,
        capacity=np.array([r.capacity for r in network.resources], dtype=np.int64),
        src=cn.src,
        dst=cn.dst,
        delta=cn.delta(b.duration),
        release=np.maximum(b.earliest, 0) + shift,
        fixed=fixed,
        fixed_start=fixed_start + shift,
        # A task with negative float cannot start by its late start: its deadline is its early
        # start instead (both are consistent with the precedences, so is their maximum).
        latest_start=(np.maximum(arr.ls, arr.es) + shift) if within_float else None,
        priority=priority,
        resource_names=[r.id for r in network.resources],
    )
    mapped = _Mapped(problem, shift, cn.leaf_ids, cn.names, arr.es)
    return mapped, cal, origin


def level(
    network: Network,
    *,
    optimize_schedule: bool = True,
    time_limit: float = 10.0,
    heuristic_time: float | None = None,
    within_float: bool = False,
    seed: int = 0,
    workers: int = 2,
    progress: ProgressCallback | None = None,
) -> LevelResult:
    """Level ``network``'s resources; see the module docstring for the options."""
    t0 = time.perf_counter()
    mapped, cal, origin = network_problem(network, within_float=within_float)
    p = mapped.problem
    budget = heuristic_time if heuristic_time is not None else min(0.5, time_limit)
    if optimize_schedule:
        h = solve_heuristic(p, time_limit=min(budget, time_limit * 0.5), seed=seed)
        res: OptimizeResult = optimize(
            p,
            time_limit=time_limit - (time.perf_counter() - t0),
            workers=workers,
            seed=seed,
            heuristic=h,
            progress=progress,
        )
        start, span, lb, optimal, overload = (
            res.start,
            res.makespan,
            res.lower_bound,
            res.optimal,
            res.overload,
        )
        h_span = res.heuristic_makespan
    else:
        hr = solve_heuristic(p, time_limit=budget, seed=seed)
        start, span, lb = hr.start, hr.makespan, hr.lower_bound
        optimal, overload, h_span = span <= lb and not hr.overload, hr.overload, hr.makespan
    return _result(network, mapped, cal, origin, start, span, lb, optimal, overload, h_span, t0)


def _result(
    network: Network,
    mapped: _Mapped,
    cal: WorkCalendar | None,
    origin: int,
    start: IntArray,
    span: int,
    lb: int,
    optimal: bool,
    overload: bool,
    h_span: int,
    t0: float,
) -> LevelResult:
    p = mapped.problem
    s = start - mapped.shift
    f = s + p.duration
    starts = {tid: int(s[i]) for i, tid in enumerate(mapped.leaf_ids)}
    finishes = {tid: int(f[i]) for i, tid in enumerate(mapped.leaf_ids)}
    children: dict[str, list[str]] = {}
    for t in network.tasks:
        if t.parent is not None:
            children.setdefault(t.parent, []).append(t.id)

    def roll(tid: str) -> tuple[int, int]:
        if tid in starts:
            return starts[tid], finishes[tid]
        spans = [roll(c) for c in children[tid]]
        starts[tid] = min(a for a, _ in spans)
        finishes[tid] = max(b for _, b in spans)
        return starts[tid], finishes[tid]

    for t in network.tasks:
        roll(t.id)
    ordered = [t.id for t in network.tasks]
    result = LevelResult(
        makespan=int(span - mapped.shift),
        lower_bound=int(lb - mapped.shift),
        status="overallocated" if overload else ("optimal" if optimal else "feasible"),
        starts={tid: starts[tid] for tid in ordered},
        finishes={tid: finishes[tid] for tid in ordered},
        seconds=time.perf_counter() - t0,
        heuristic_makespan=int(h_span - mapped.shift),
        delays={tid: int(s[i] - mapped.early[i]) for i, tid in enumerate(mapped.leaf_ids)},
    )
    result.overallocations = _overallocations(p, start, mapped.shift, cal, origin)
    if cal is not None:
        a = np.array([starts[t] for t in ordered], dtype=np.int64)
        b = np.array([finishes[t] for t in ordered], dtype=np.int64)
        sd, fd = period_dates(cal, origin, a, b)
        result.start_dates = dict(zip(ordered, sd, strict=True))
        result.finish_dates = dict(zip(ordered, fd, strict=True))
        result.finish = cal.date_of(origin + max(result.makespan - 1, 0))
    return result


def _overallocations(
    p: Problem, start: IntArray, shift: int, cal: WorkCalendar | None, origin: int, limit: int = 200
) -> list[Overallocation]:
    if p.n == 0 or p.n_resources == 0:
        return []
    first = int(start.min())
    end = int((start + p.duration).max())
    usage = np.zeros((end - first + 1, p.n_resources), dtype=np.int64)
    for j in np.flatnonzero((p.duration > 0) & (p.demand.sum(axis=1) > 0)).tolist():
        a = int(start[j]) - first
        usage[a : a + int(p.duration[j])] += p.demand[j]
    out: list[Overallocation] = []
    for t, r in np.argwhere(usage > p.capacity[None, :])[:limit].tolist():
        period = t + first - shift
        out.append(
            Overallocation(
                resource=p.resource_names[r],
                period=period,
                used=int(usage[t, r]),
                capacity=int(p.capacity[r]),
                date=None if cal is None else cal.date_of(origin + period),
            )
        )
    return out
