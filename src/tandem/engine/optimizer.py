"""Optimal leveling with OR-Tools CP-SAT, warm-started from the heuristic.

Model: one fixed-size interval per job, a cumulative constraint per resource, the generalized
precedences as linear inequalities, and a makespan variable to minimize. Every start's domain is
cut to ``[earliest start, upper bound - tail]`` where the upper bound is the heuristic's makespan
and the tail is the longest precedence chain from the job to the end: smaller domains make the
propagation and the lower-bound reasoning much stronger. The heuristic schedule is given as a
hint, and the solver is asked for a schedule *strictly shorter* than it: either it finds one, or it
proves that none exists, and then the heuristic schedule is optimal.

The solver runs with at most two workers (the machines we run on have two cores) and a wall-clock
time limit; a progress callback reports every improvement of the schedule or of the bound. When
the heuristic's schedule is probably optimal, both workers work on the proof (the default search
with the LP relaxation, and the objective lower-bound search that refutes makespans from the
bound upwards) instead of one of them running local search for a schedule that does not exist.

Tried on the hard J30 instances and not kept (no gain, or slower): redundant no-overlap
constraints over cliques of pairwise-incompatible jobs, the timetable edge-finding and overload
checker propagators of the cumulative, the hard-precedence options, and ``lb_tree_search`` or
``max_lp`` as the second proof worker.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tandem.engine.graph import IntArray
from tandem.engine.heuristic import Heuristic, HeuristicResult
from tandem.engine.rcpsp import Problem


@dataclass
class Progress:
    """One progress report: elapsed seconds, best makespan so far, best proven lower bound."""

    seconds: float
    makespan: int
    lower_bound: int
    source: str  # "heuristic", "solution" or "bound"

    @property
    def gap(self) -> float:
        return 0.0 if self.makespan <= 0 else (self.makespan - self.lower_bound) / self.makespan


ProgressCallback = Callable[[Progress], None]


@dataclass
class OptimizeResult:
    start: IntArray
    makespan: int
    lower_bound: int
    optimal: bool
    seconds: float
    heuristic_makespan: int
    heuristic_seconds: float
    solver_status: str
    overload: bool = False  # within-float leveling could not respect every capacity

    @property
    def status(self) -> str:
        return "optimal" if self.optimal else "feasible"


def optimize(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    heuristic: HeuristicResult | None = None,
    heuristic_time: float | None = None,
    progress: ProgressCallback | None = None,
) -> OptimizeResult:
    """Minimize the makespan within ``time_limit`` seconds (heuristic time included).

    Phases: the heuristic, then CP-SAT asked for a schedule strictly shorter than the
    heuristic's. When the heuristic's second half found nothing better (its schedule is probably
    optimal or close), that is one uninterrupted solve for all the time left, with every worker
    on the proof (see ``_solve``'s ``prove``). Otherwise the solver gets a fifth of the time
    (which proves most instances optimal within a second); if that did not settle it, the
    heuristic runs again, seeded with the solver's schedule (its population search is the better
    improver on hard instances), and CP-SAT gets the best schedule as a hint and the bound
    proven so far for the remaining time (its neighbourhood search polishes the schedule, its
    bound keeps rising).
    """
    t0 = time.perf_counter()
    h = Heuristic(problem, seed=seed)
    if heuristic is None:
        budget = heuristic_time if heuristic_time is not None else min(0.5, time_limit * 0.1)
        heuristic = h.run(budget)
    else:
        h.inject(heuristic.start)
    h_seconds = time.perf_counter() - t0
    lb = problem.lower_bound
    best_start, best = (
        h.best_start.copy() if h.best_start is not None else heuristic.start,
        h.best_makespan,
    )
    if heuristic.overload or h.best_start is None:
        best_start, best = heuristic.start.copy(), heuristic.makespan
    if progress:
        progress(Progress(h_seconds, best, lb, "heuristic"))

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)

    def done(lower: int, status: str, overload: bool = False) -> OptimizeResult:
        lower = min(max(lb, lower), best)
        return OptimizeResult(
            best_start,
            best,
            lower,
            lower >= best and not overload,
            time.perf_counter() - t0,
            heuristic.makespan,
            h_seconds,
            status,
            overload=overload,
        )

    if left() <= 0.05 or (best <= lb and not heuristic.overload):
        return done(lb, "heuristic", heuristic.overload)
    if heuristic.overload:
        # Within float with an overload left: ask for any schedule meeting every deadline.
        out = _solve(problem, best_start, best, best, lb, left(), workers, seed, progress, t0)
        if out.start is None:
            return done(lb, out.status, overload=True)
        best_start, best = out.start, out.makespan
        return done(out.bound, out.status)
    phased = left() >= 3.0
    if phased and h.stagnating:
        # The late generations of the heuristic found nothing better: its schedule is probably
        # optimal or close to it, and the time goes to one uninterrupted proof (a restart would
        # lose the clauses learned so far); the solver still finds shorter schedules on the way.
        out = _solve(
            problem,
            best_start,
            best,
            best - 1,
            lb,
            left(),
            workers,
            seed,
            progress,
            t0,
            prove=True,
        )
        if out.start is not None and out.makespan < best:
            best_start, best = out.start, out.makespan
        return done(best if out.proved else out.bound, out.status)
    first = max(1.0, 0.2 * left()) if phased else left()
    out = _solve(problem, best_start, best, best - 1, lb, first, workers, seed, progress, t0)
    lower = max(lb, out.bound)
    improved = out.start is not None and out.makespan < best
    if improved and out.start is not None:
        best_start, best = out.start, out.makespan
    if out.proved:
        return done(best, out.status)
    if not phased or left() <= 0.5:
        return done(lower, out.status)
    h.inject(best_start)
    h.run(0.5 * left())
    if h.best_makespan < best and h.best_start is not None:
        best_start, best = h.best_start.copy(), h.best_makespan
        if progress:
            progress(Progress(time.perf_counter() - t0, best, lower, "heuristic"))
    if best <= lower:
        return done(lower, "heuristic")
    out = _solve(problem, best_start, best, best, lower, left(), workers, seed + 1, progress, t0)
    lower = max(lower, out.bound)
    if out.start is not None and out.makespan < best:
        best_start, best = out.start, out.makespan
    if out.proved:
        lower = max(lower, best)
    return done(lower, out.status)


def _fixed_blocks(problem: Problem, r: int) -> list[tuple[int, int, int]]:
    """Usage of resource ``r`` by fixed jobs as ``(from, to, units)`` runs of constant usage."""
    jobs = np.flatnonzero(problem.fixed & (problem.demand[:, r] > 0) & (problem.duration > 0))
    if jobs.size == 0:
        return []
    first = int(problem.fixed_start[jobs].min())
    end = int((problem.fixed_start + problem.duration)[jobs].max())
    usage = np.zeros(end - first, dtype=np.int64)
    for j in jobs.tolist():
        a = int(problem.fixed_start[j]) - first
        usage[a : a + int(problem.duration[j])] += int(problem.demand[j, r])
    blocks: list[tuple[int, int, int]] = []
    t = 0
    while t < usage.size:
        u = int(usage[t])
        k = t
        while k < usage.size and usage[k] == u:
            k += 1
        if u > 0:
            blocks.append((t + first, k + first, u))
        t = k
    return blocks


_PROOF_SUBSOLVERS = ("default_lp", "objective_lb_search", "max_lp", "lb_tree_search", "core")


@dataclass
class _SolverOut:
    start: IntArray | None
    makespan: int
    bound: int
    proved: bool  # optimal, or infeasible below the incumbent
    status: str


def _solve(
    problem: Problem,
    hint: IntArray,
    upper: int,
    target: int,
    lb: int,
    seconds: float,
    workers: int,
    seed: int,
    progress: ProgressCallback | None,
    t0: float,
    *,
    prove: bool = False,
) -> _SolverOut:
    from ortools.sat.python import cp_model  # heavy import: only when the optimizer runs

    n = problem.n
    es = problem.early_start
    late = target - problem.tail
    if problem.latest_start is not None:
        late = np.minimum(late, problem.latest_start)
    if (late < es).any():
        # Some job cannot meet the target at all: nothing shorter than the incumbent exists.
        return _SolverOut(None, upper, target + 1, True, "bound")
    model = cp_model.CpModel()
    starts = []
    intervals = []
    for j in range(n):
        if problem.fixed[j]:
            s = model.new_constant(int(problem.fixed_start[j]))
        else:
            s = model.new_int_var(int(es[j]), int(late[j]), f"s{j}")
        starts.append(s)
        intervals.append(model.new_fixed_size_interval_var(s, int(problem.duration[j]), f"i{j}"))
    for a, b, w in zip(
        problem.src.tolist(), problem.dst.tolist(), problem.delta.tolist(), strict=True
    ):
        model.add(starts[b] >= starts[a] + w)
    for r in range(problem.n_resources):
        cap = int(problem.capacity[r])
        jobs = [
            j
            for j in range(n)
            if problem.demand[j, r] > 0 and problem.duration[j] > 0 and not problem.fixed[j]
        ]
        blocks = _fixed_blocks(problem, r)
        if not jobs:
            continue
        total = sum(int(problem.demand[j, r]) for j in jobs) + max(
            (u for _, _, u in blocks), default=0
        )
        if total <= cap:
            continue  # this resource can never be overloaded
        items = [intervals[j] for j in jobs]
        loads = [int(problem.demand[j, r]) for j in jobs]
        for a, b, used in blocks:
            items.append(model.new_fixed_size_interval_var(a, b - a, f"fixed_r{r}_{a}"))
            loads.append(min(used, cap))  # fixed work may overload on its own; cap it
        model.add_cumulative(items, loads, cap)
    makespan = model.new_int_var(min(lb, target), target, "makespan")
    # Every job, not only the sinks: with start-to-start or finish-to-finish lags a job may end
    # after its successors.
    for j in range(n):
        model.add(makespan >= starts[j] + int(problem.duration[j]))
    model.minimize(makespan)
    for j in range(n):
        if not problem.fixed[j]:
            model.add_hint(starts[j], int(min(max(hint[j], es[j]), late[j])))

    solver = cp_model.CpSolver()
    prm = solver.parameters
    # A small margin: the solver overshoots its limit a little on a busy machine.
    prm.max_time_in_seconds = max(0.98 * seconds - 0.05, 0.01)
    prm.num_workers = max(1, workers)
    prm.random_seed = seed
    prm.log_search_progress = False
    if prove and workers >= 2:
        # A proof first: every worker reasons on the bound instead of one of them running
        # local search. The default search with the LP relaxation refutes the target as a whole
        # (and finds shorter schedules when there are some); objective lower-bound search proves
        # the makespans below it infeasible one by one; more workers add LP-heavy searches.
        full = list(_PROOF_SUBSOLVERS[:workers])
        prm.subsolvers.extend(full)
        prm.num_full_subsolvers = len(full)

    state = {"bound": lb}

    class _Collector(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.best: IntArray | None = None
            self.best_value = upper

        def on_solution_callback(self) -> None:
            value = int(self.objective_value)
            if value < self.best_value:
                self.best_value = value
                self.best = np.array([self.value(s) for s in starts], dtype=np.int64)
                if progress:
                    bound = max(state["bound"], math.ceil(self.best_objective_bound - 1e-6))
                    progress(Progress(time.perf_counter() - t0, value, bound, "solution"))

    def on_bound(bound: float) -> None:
        state["bound"] = max(state["bound"], math.ceil(bound - 1e-6))
        if progress:
            progress(
                Progress(time.perf_counter() - t0, collector.best_value, state["bound"], "bound")
            )

    collector = _Collector()
    solver.best_bound_callback = on_bound
    status = solver.solve(model, collector)
    name = solver.status_name(status)
    if status == cp_model.INFEASIBLE:
        return _SolverOut(None, upper, target + 1, True, name)
    bound = max(state["bound"], lb)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = max(bound, math.ceil(solver.best_objective_bound - 1e-6))
        start = np.array([solver.value(s) for s in starts], dtype=np.int64)
        value = int(solver.objective_value)
        if collector.best is not None and collector.best_value < value:
            start, value = collector.best, collector.best_value
        return _SolverOut(start, value, bound, status == cp_model.OPTIMAL, name)
    return _SolverOut(collector.best, collector.best_value, bound, False, name)
