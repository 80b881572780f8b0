"""Critical path method: early and late dates, total and free float, critical paths.

Times are working-day *periods* counted from the project start (period 0 is the start day). A
task with early start ``es`` and duration ``d`` occupies periods ``es .. es+d-1``; its early
finish ``ef`` is the exclusive end ``es+d``. Dates are derived at the end with the calendar's
vectorized conversion, so the passes themselves are pure integer arithmetic on numpy arrays.

Date constraints: SNET/FNET raise the early dates; SNLT/FNLT lower the late dates; MSO/MFO pin
the early start (incoming dependencies then only show up as negative float) and cap the late
dates; ALAP tasks are reported on their late dates. Negative float means a constraint cannot be
met: it is reported, never raised.

Progress: with a status date, unstarted tasks start no earlier than the status date; a started
task keeps its actual start and its remaining duration (``duration * (1 - % complete)``, rounded up)
is scheduled from the status date (the status date is the first day of the remaining work); a
finished task keeps its actual dates and has no float.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from tandem.engine.calendar import WorkCalendar
from tandem.engine.compiled import CompiledNetwork, compile_network
from tandem.engine.errors import NetworkError
from tandem.engine.graph import IntArray, latest_backward, longest_forward
from tandem.engine.model import ConstraintType, Network, Task

_BIG = np.iinfo(np.int64).max // 4


@dataclass
class TaskSchedule:
    """CPM figures of one task; periods from the project start, ``ef``/``lf`` exclusive."""

    id: str
    es: int
    ef: int
    ls: int
    lf: int
    total_float: int
    free_float: int
    critical: bool
    summary: bool = False
    milestone: bool = False
    status: str = "not_started"  # not_started | in_progress | complete
    # Dates (only with a project start date); ``start``/``finish`` are the scheduled dates (early
    # dates, or late dates for ALAP tasks). A finish date is the last working day of the task.
    early_start: dt.date | None = None
    early_finish: dt.date | None = None
    late_start: dt.date | None = None
    late_finish: dt.date | None = None
    start: dt.date | None = None
    finish: dt.date | None = None


@dataclass
class CpmResult:
    makespan: int  # working days from project start to project finish
    tasks: dict[str, TaskSchedule]
    critical_path: list[str]  # one driving chain, start to finish
    critical_paths: list[list[str]] = field(default_factory=list)
    start: dt.date | None = None
    finish: dt.date | None = None
    calendar: WorkCalendar | None = None
    origin: int = 0  # working-day index of period 0 in ``calendar``

    def period_date(self, period: int) -> dt.date | None:
        """The working day of ``period`` (``None`` when the network has no dates)."""
        return None if self.calendar is None else self.calendar.date_of(self.origin + period)


@dataclass
class CpmArrays:
    """Raw per-node results of :func:`cpm_pass` (nodes of the compiled network)."""

    es: IntArray
    ef: IntArray
    ls: IntArray
    lf: IntArray
    total_float: IntArray
    free_float: IntArray
    makespan: int


def cpm_pass(
    compiled: CompiledNetwork,
    duration: IntArray | None = None,
    earliest: IntArray | None = None,
    pinned: np.ndarray | None = None,
    latest_finish: IntArray | None = None,
    latest_start: IntArray | None = None,
) -> CpmArrays:
    """The forward, backward and float passes on a compiled network (all arrays per node).

    ``earliest`` are lower bounds on starts (default 0, the project start), ``pinned`` marks nodes
    whose start is exactly ``earliest`` whatever their predecessors say, ``latest_finish`` and
    ``latest_start`` are upper bounds from constraints.
    """
    topo = compiled.topo
    n = compiled.n
    dur = compiled.duration if duration is None else duration
    delta = compiled.delta(dur)
    start = np.zeros(n, dtype=np.int64) if earliest is None else earliest
    free = None if pinned is None or not pinned.any() else ~pinned
    es = longest_forward(topo, compiled.src, compiled.dst, delta, start, free)
    ef = es + dur
    makespan = int(ef.max()) if n else 0
    lf0 = np.full(n, makespan, dtype=np.int64)
    if latest_finish is not None:
        np.minimum(lf0, latest_finish, out=lf0)
    ls0 = lf0 - dur
    if latest_start is not None:
        np.minimum(ls0, latest_start, out=ls0)
    ls = latest_backward(topo, compiled.src, compiled.dst, delta, ls0)
    lf = ls + dur
    total_float = ls - es
    # Free float never exceeds total float (a lead to a successor could otherwise suggest a
    # slip past the project finish).
    free_float = np.minimum(_free_float(compiled, es, ef, delta, makespan), total_float)
    return CpmArrays(es, ef, ls, lf, total_float, free_float, makespan)


def _free_float(
    compiled: CompiledNetwork, es: IntArray, ef: IntArray, delta: IntArray, makespan: int
) -> IntArray:
    """Free float: how far a task can slip without delaying any successor (or the project).

    Successors reached through a summary's finish gate count (a dependency from a summary ties
    every child), the gate itself does not: the slack to the gate is added to the gate's own.
    """
    n = compiled.n
    slack = es[compiled.dst] - es[compiled.src] - delta
    out = np.full(n, _BIG, dtype=np.int64)
    n_leaves = compiled.n_leaves
    to_leaf = compiled.dst < n_leaves
    np.minimum.at(out, compiled.src[to_leaf], slack[to_leaf])
    has_out = np.bincount(compiled.src, minlength=n) > 0
    if n > n_leaves:
        # Gates, successors first: a gate's free float is its slack to what follows it.
        ptr = compiled.topo.out_ptr
        edges = compiled.topo.out_edges
        gate_nodes = [v for v in reversed(compiled.topo.order.tolist()) if v >= n_leaves]
        for v in gate_nodes:
            best = int(out[v])
            for k in range(int(ptr[v]), int(ptr[v + 1])):
                e = int(edges[k])
                w = int(compiled.dst[e])
                if w >= n_leaves:
                    best = min(best, int(slack[e]) + int(out[w]))
            if not has_out[v]:
                best = makespan - int(ef[v])
            out[v] = best
        into_gate = ~to_leaf
        np.minimum.at(out, compiled.src[into_gate], slack[into_gate] + out[compiled.dst[into_gate]])
    sinks = ~has_out
    out[sinks] = makespan - ef[sinks]
    return out


# ---------------------------------------------------------------------- network-level API
def critical_path(
    network: Network,
    *,
    compiled: CompiledNetwork | None = None,
    critical_slack: int = 0,
    max_paths: int = 20,
) -> CpmResult:
    """Schedule ``network`` by the critical path method (see the module docstring)."""
    cn = compiled or compile_network(network)
    cal: WorkCalendar | None = None
    origin = 0
    if network.start is not None:
        cal = WorkCalendar(network.calendar, around=network.start)
        origin = cal.index_of(network.start)
    bounds = _Bounds.build(network, cn, cal, origin)
    arr = cpm_pass(
        cn,
        duration=bounds.duration,
        earliest=bounds.earliest,
        pinned=bounds.pinned,
        latest_finish=bounds.latest_finish,
        latest_start=bounds.latest_start,
    )
    done = bounds.complete
    for a in (arr.ls, arr.lf):
        a[done] = (arr.es if a is arr.ls else arr.ef)[done]
    arr.total_float[done] = 0
    arr.free_float[done] = 0
    critical = (arr.total_float <= critical_slack) & ~done
    tasks = _task_schedules(network, cn, arr, critical, bounds, cal, origin)
    paths = _critical_paths(cn, arr, critical, bounds.duration, max_paths)
    chain = _driving_chain(cn, arr, critical, bounds.duration)
    finish = None
    if cal is not None:
        finish = cal.date_of(origin + max(arr.makespan - 1, 0))
    return CpmResult(
        makespan=arr.makespan,
        tasks=tasks,
        critical_path=chain,
        critical_paths=paths,
        start=None if cal is None else cal.date_of(origin),
        finish=finish,
        calendar=cal,
        origin=origin,
    )


@dataclass
class _Bounds:
    duration: IntArray
    earliest: IntArray
    pinned: np.ndarray
    latest_finish: IntArray
    latest_start: IntArray
    complete: np.ndarray
    in_progress: np.ndarray
    alap: np.ndarray

    @classmethod
    def build(
        cls, network: Network, cn: CompiledNetwork, cal: WorkCalendar | None, origin: int
    ) -> _Bounds:
        n = cn.n
        b = cls(
            duration=cn.duration.copy(),
            earliest=np.zeros(n, dtype=np.int64),
            pinned=np.zeros(n, dtype=bool),
            latest_finish=np.full(n, _BIG, dtype=np.int64),
            latest_start=np.full(n, _BIG, dtype=np.int64),
            complete=np.zeros(n, dtype=bool),
            in_progress=np.zeros(n, dtype=bool),
            alap=np.zeros(n, dtype=bool),
        )
        status: int | None = None
        if network.status_date is not None:
            if cal is None:
                raise NetworkError("a status date needs a project start date")
            status = cal.index_of(network.status_date) - origin
        for task in network.tasks:
            node = cn.node_of.get(task.id)
            if node is None:
                continue  # summary: its dates are rolled up from its children
            b._apply_task(task, node, cal, origin, status)
        return b

    def _apply_task(
        self, task: Task, v: int, cal: WorkCalendar | None, origin: int, status: int | None
    ) -> None:
        started = task.actual_start is not None or task.actual_finish is not None
        if cal is None:
            if started or task.constraint_date is not None:
                raise NetworkError(f"task {task.id!r} has dates but the network has no start date")
            # Without a calendar only ALAP and progress-free tasks remain: nothing to convert.
            if task.percent_complete > 0:
                raise NetworkError(f"task {task.id!r} has progress but no actual start")
            if task.constraint == ConstraintType.ALAP:
                self.alap[v] = True
            return
        calendar = cal

        def on_or_after(day: dt.date) -> int:
            return calendar.index_of(day) - origin

        def on_or_before(day: dt.date) -> int:
            return calendar.index_on_or_before(day) - origin

        d = int(self.duration[v])
        if started:
            s = on_or_after(task.actual_start or task.actual_finish)  # type: ignore[arg-type]
            self.earliest[v] = s
            self.pinned[v] = True
            if task.actual_finish is not None or task.percent_complete >= 100:
                if task.actual_finish is not None:
                    self.duration[v] = max(on_or_before(task.actual_finish) + 1 - s, 0)
                self.complete[v] = True
                return
            remaining = math.ceil(d * (1 - task.percent_complete / 100) - 1e-9)
            # The remaining part runs from the status date (the progress is as of that day),
            # or right after the part done when there is no status date.
            resume = max(s, status) if status is not None else s + d - remaining
            self.duration[v] = resume + remaining - s
            self.in_progress[v] = True
            return
        if task.percent_complete > 0:
            raise NetworkError(f"task {task.id!r} has progress but no actual start")
        if status is not None:
            self.earliest[v] = max(int(self.earliest[v]), status)
        c, day = task.constraint, task.constraint_date
        if c == ConstraintType.ALAP:
            self.alap[v] = True
        if day is None:
            return
        if c == ConstraintType.SNET:
            self.earliest[v] = max(int(self.earliest[v]), on_or_after(day))
        elif c == ConstraintType.FNET:
            self.earliest[v] = max(int(self.earliest[v]), on_or_before(day) + 1 - d)
        elif c == ConstraintType.SNLT:
            self.latest_start[v] = on_or_before(day)
        elif c == ConstraintType.FNLT:
            self.latest_finish[v] = on_or_before(day) + 1
        elif c == ConstraintType.MSO:
            self.earliest[v] = on_or_after(day)
            self.pinned[v] = True
            self.latest_start[v] = on_or_after(day)
        elif c == ConstraintType.MFO:
            self.earliest[v] = on_or_before(day) + 1 - d
            self.pinned[v] = True
            self.latest_finish[v] = on_or_before(day) + 1


def _task_schedules(
    network: Network,
    cn: CompiledNetwork,
    arr: CpmArrays,
    critical: np.ndarray,
    bounds: _Bounds,
    cal: WorkCalendar | None,
    origin: int,
) -> dict[str, TaskSchedule]:
    es, ef, ls, lf = (x.tolist() for x in (arr.es, arr.ef, arr.ls, arr.lf))
    tf, ff, crit = arr.total_float.tolist(), arr.free_float.tolist(), critical.tolist()
    dur = bounds.duration.tolist()
    out: dict[str, TaskSchedule] = {}
    for i, tid in enumerate(cn.leaf_ids):
        status = "not_started"
        if bounds.complete[i]:
            status = "complete"
        elif bounds.in_progress[i]:
            status = "in_progress"
        out[tid] = TaskSchedule(
            tid,
            es[i],
            ef[i],
            ls[i],
            lf[i],
            tf[i],
            ff[i],
            crit[i],
            milestone=dur[i] == 0,
            status=status,
        )
    # Summaries, innermost first: roll up from children (leaves or already rolled summaries).
    depth: dict[str, int] = {}
    parent = {t.id: t.parent for t in network.tasks}

    def level(tid: str) -> int:
        if tid not in depth:
            p = parent[tid]
            depth[tid] = 0 if p is None else level(p) + 1
        return depth[tid]

    for sid in sorted(cn.gates, key=level, reverse=True):
        kids = [out[c] for c in cn.children[sid]]
        gf = cn.gates[sid][1]
        out[sid] = TaskSchedule(
            sid,
            es=min(k.es for k in kids),
            ef=max(k.ef for k in kids),
            ls=min(k.ls for k in kids),
            lf=max(k.lf for k in kids),
            total_float=min(k.total_float for k in kids),
            free_float=ff[gf],
            critical=any(k.critical for k in kids),
            summary=True,
            status=_rolled_status(kids),
        )
    if cal is not None:
        _attach_dates(out, cal, origin, bounds, cn)
    # Keep the file's task order.
    return {t.id: out[t.id] for t in network.tasks}


def _rolled_status(kids: list[TaskSchedule]) -> str:
    states = {k.status for k in kids}
    if states == {"complete"}:
        return "complete"
    if states == {"not_started"}:
        return "not_started"
    return "in_progress"


def _attach_dates(
    out: dict[str, TaskSchedule],
    cal: WorkCalendar,
    origin: int,
    bounds: _Bounds,
    cn: CompiledNetwork,
) -> None:
    items = list(out.values())
    es = np.array([t.es for t in items], dtype=np.int64)
    ef = np.array([t.ef for t in items], dtype=np.int64)
    ls = np.array([t.ls for t in items], dtype=np.int64)
    lf = np.array([t.lf for t in items], dtype=np.int64)
    early = period_dates(cal, origin, es, ef)
    late = period_dates(cal, origin, ls, lf)
    cols = [early[0], early[1], late[0], late[1]]
    alap = {cn.leaf_ids[i] for i in np.flatnonzero(bounds.alap[: cn.n_leaves]).tolist()}
    for t, a, b, c, d in zip(items, *cols, strict=True):
        t.early_start, t.early_finish, t.late_start, t.late_finish = a, b, c, d
        t.start, t.finish = (c, d) if t.id in alap else (a, b)


def period_dates(
    cal: WorkCalendar, origin: int, start: IntArray, finish: IntArray
) -> tuple[list[dt.date], list[dt.date]]:
    """Start and finish dates of tasks given as periods (``finish`` exclusive).

    A finish date is the last working day worked. A milestone sits at the end of the working day
    before its period (after a predecessor finishing on Friday, the milestone shows Friday), or on
    the first day when it is at period 0 or earlier.
    """
    zero = finish <= start
    first = np.where(zero, np.maximum(start - 1, np.minimum(start, 0)), start)
    last = np.maximum(finish - 1, first)
    return cal.dates_of(origin + first).tolist(), cal.dates_of(origin + last).tolist()


def _driving_edges(
    cn: CompiledNetwork, arr: CpmArrays, critical: np.ndarray, duration: IntArray
) -> np.ndarray:
    delta = cn.delta(duration)
    tight = arr.es[cn.dst] == arr.es[cn.src] + delta
    return tight & critical[cn.src] & critical[cn.dst]


def _driving_chain(
    cn: CompiledNetwork, arr: CpmArrays, critical: np.ndarray, duration: IntArray
) -> list[str]:
    """One critical chain: from the critical task finishing last back along tight edges."""
    if not critical.any():
        return []
    drive = _driving_edges(cn, arr, critical, duration)
    cand = np.flatnonzero(critical)
    # Start from the end of a chain: latest finish, then no critical successor, then a real task.
    ends = np.bincount(cn.src[drive], minlength=cn.n) == 0
    key = arr.ef[cand] * 4 + ends[cand] * 2 + (cand < cn.n_leaves)
    v = int(cand[int(np.argmax(key))])
    chain = [v]
    seen = {v}
    in_ptr, in_edges = cn.topo.in_ptr, cn.topo.in_edges
    while True:
        nxt = None
        for k in range(int(in_ptr[v]), int(in_ptr[v + 1])):
            e = int(in_edges[k])
            if drive[e] and int(cn.src[e]) not in seen:
                nxt = int(cn.src[e])
                if nxt < cn.n_leaves:
                    break
        if nxt is None:
            break
        chain.append(nxt)
        seen.add(nxt)
        v = nxt
    return _names(cn, chain[::-1])


def _names(cn: CompiledNetwork, nodes: list[int]) -> list[str]:
    return [cn.names[v] for v in nodes if v < cn.n_leaves]


def _critical_paths(
    cn: CompiledNetwork,
    arr: CpmArrays,
    critical: np.ndarray,
    duration: IntArray,
    max_paths: int,
) -> list[list[str]]:
    """Up to ``max_paths`` distinct critical chains, each from a critical source to a sink."""
    if max_paths <= 0 or not critical.any():
        return []
    drive = _driving_edges(cn, arr, critical, duration)
    out_adj: dict[int, list[int]] = {}
    has_in: set[int] = set()
    for e in np.flatnonzero(drive).tolist():
        s, d = int(cn.src[e]), int(cn.dst[e])
        out_adj.setdefault(s, []).append(d)
        has_in.add(d)
    sources = [int(v) for v in np.flatnonzero(critical).tolist() if v not in has_in]
    sources.sort(key=lambda v: (int(arr.es[v]), v))
    paths: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    # Depth-first with an explicit stack; stop as soon as enough paths are found (their number
    # can grow exponentially with the network).
    budget = 200_000
    for src in sources:
        stack: list[tuple[int, list[int]]] = [(src, [src])]
        while stack and len(paths) < max_paths and budget > 0:
            budget -= 1
            v, path = stack.pop()
            nxt = out_adj.get(v, [])
            if not nxt:
                names = tuple(_names(cn, path))
                if names and names not in seen:
                    seen.add(names)
                    paths.append(list(names))
                continue
            for w in reversed(nxt):
                stack.append((w, [*path, w]))
        if len(paths) >= max_paths or budget <= 0:
            break
    return paths
