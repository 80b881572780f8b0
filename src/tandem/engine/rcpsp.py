"""The resource-constrained scheduling problem that leveling solves, as plain arrays.

Jobs have a duration and a per-period demand on renewable resources with constant capacities.
Precedences are generalized: ``start[dst] >= start[src] + delta`` (any dependency type with any lag
reduces to that, see :mod:`tandem.engine.graph`). Jobs may have a release period (earliest start),
a fixed start (tasks that must not move, or already started), and a deadline on their start (to
level within float). PSPLIB instances and project networks both become a :class:`Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from tandem.engine.errors import InfeasibleError
from tandem.engine.formats.psplib import PsplibInstance
from tandem.engine.graph import IntArray, Topology, latest_backward, longest_forward, topology


@dataclass
class Problem:
    names: list[str]
    duration: IntArray
    demand: IntArray  # (n, R)
    capacity: IntArray  # (R,)
    src: IntArray
    dst: IntArray
    delta: IntArray
    release: IntArray  # earliest start of each job (>= 0)
    fixed: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    fixed_start: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    latest_start: IntArray | None = None  # leveling within float: start deadlines
    priority: IntArray | None = None  # higher is scheduled first (ties: the priority rule)
    resource_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.names)
        if self.fixed.size == 0:
            self.fixed = np.zeros(n, dtype=bool)
            self.fixed_start = np.zeros(n, dtype=np.int64)
        if self.demand.ndim != 2 or self.demand.shape[0] != n:
            self.demand = self.demand.reshape(n, -1)
        over = (self.demand > self.capacity[None, :]).any(axis=1) & ~self.fixed
        if over.any():
            j = int(np.flatnonzero(over)[0])
            r = int(np.flatnonzero(self.demand[j] > self.capacity)[0])
            rname = self.resource_names[r] if self.resource_names else f"R{r + 1}"
            raise InfeasibleError(
                f"task {self.names[j]!r} needs {int(self.demand[j, r])} of {rname!r}, "
                f"whose capacity is {int(self.capacity[r])}"
            )

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def n_resources(self) -> int:
        return int(self.capacity.size)

    @cached_property
    def topo(self) -> Topology:
        return topology(self.n, self.src, self.dst, self.names)

    @cached_property
    def early_start(self) -> IntArray:
        """Resource-free earliest starts (releases, fixed starts and precedences)."""
        start = np.where(self.fixed, self.fixed_start, self.release)
        return longest_forward(self.topo, self.src, self.dst, self.delta, start, ~self.fixed)

    @cached_property
    def tail(self) -> IntArray:
        """Longest path from each job's start to the end of the project (includes the job)."""
        end = np.full(self.n, 0, dtype=np.int64) - self.duration
        # latest_backward with late start = -duration gives -(tail); negate.
        return -latest_backward(self.topo, self.src, self.dst, self.delta, end)

    @cached_property
    def critical_path_bound(self) -> int:
        return int((self.early_start + self.duration).max()) if self.n else 0

    def late_start(self, horizon: int) -> IntArray:
        """Latest starts for a given project length (resource-free)."""
        return horizon - self.tail

    @cached_property
    def lower_bound(self) -> int:
        """Critical path and resource energy bounds (each resource's work over its capacity)."""
        bound = self.critical_path_bound
        work = (self.demand * self.duration[:, None]).sum(axis=0)
        for r in range(self.n_resources):
            if self.capacity[r] > 0:
                bound = max(bound, -(-int(work[r]) // int(self.capacity[r])))
        return bound

    @cached_property
    def horizon(self) -> int:
        """A makespan no schedule needs to exceed (all jobs one after another, after releases)."""
        base = int(np.maximum(self.early_start, 0).max()) if self.n else 0
        fixed_end = (
            int((self.fixed_start + self.duration)[self.fixed].max()) if self.fixed.any() else 0
        )
        positive = np.maximum(self.delta, 0).sum() if self.delta.size else 0
        return base + max(fixed_end, 0) + int(self.duration.sum()) + int(positive) + 1

    def reversed(self) -> Problem:
        """The mirror problem (time runs backwards): used by forward-backward improvement.

        An edge ``s[j] >= s[i] + delta`` becomes ``s'[i] >= s'[j] + d[j] - d[i] + delta`` in
        mirrored time. Releases, fixed starts and deadlines have no meaning there and are dropped
        (the mirror pass only proposes an order; the forward pass enforces them).
        """
        return Problem(
            names=self.names,
            duration=self.duration,
            demand=self.demand,
            capacity=self.capacity,
            src=self.dst,
            dst=self.src,
            delta=self.delta + self.duration[self.dst] - self.duration[self.src],
            release=np.zeros(self.n, dtype=np.int64),
            resource_names=self.resource_names,
        )


def problem_from_psplib(inst: PsplibInstance) -> Problem:
    src = [j for j, succ in enumerate(inst.successors) for _ in succ]
    dst = [s for succ in inst.successors for s in succ]
    duration = np.array(inst.durations, dtype=np.int64)
    src_a = np.array(src, dtype=np.int64)
    return Problem(
        names=[inst.job_id(j) for j in range(inst.n_jobs)],
        duration=duration,
        demand=np.array(inst.demands, dtype=np.int64).reshape(inst.n_jobs, len(inst.capacities)),
        capacity=np.array(inst.capacities, dtype=np.int64),
        src=src_a,
        dst=np.array(dst, dtype=np.int64),
        delta=duration[src_a] if src_a.size else np.zeros(0, dtype=np.int64),
        release=np.zeros(inst.n_jobs, dtype=np.int64),
        resource_names=[f"R{k + 1}" for k in range(len(inst.capacities))],
    )


def check_schedule(problem: Problem, start: npt.ArrayLike) -> list[str]:
    """Every violated precedence, release, fixed start and capacity (empty list: feasible)."""
    s = np.asarray(start, dtype=np.int64)
    errors: list[str] = []
    names = problem.names
    bad = np.flatnonzero(s[problem.dst] < s[problem.src] + problem.delta)
    for e in bad[:20].tolist():
        a, b = int(problem.src[e]), int(problem.dst[e])
        errors.append(f"precedence {names[a]} -> {names[b]} violated")
    for j in np.flatnonzero((s < problem.release) & ~problem.fixed)[:20].tolist():
        errors.append(f"task {names[j]} starts before its release")
    for j in np.flatnonzero(problem.fixed & (s != problem.fixed_start))[:20].tolist():
        errors.append(f"fixed task {names[j]} moved")
    end = int((s + problem.duration).max()) if problem.n else 0
    first = int(s.min()) if problem.n else 0
    usage = np.zeros((end - first + 1, problem.n_resources), dtype=np.int64)
    for j in range(problem.n):
        if problem.duration[j] > 0:
            usage[s[j] - first : s[j] - first + problem.duration[j]] += problem.demand[j]
    over = np.argwhere(usage > problem.capacity[None, :])
    for t, r in over[:20].tolist():
        errors.append(f"resource {r + 1} over capacity at period {t + first}")
    return errors
