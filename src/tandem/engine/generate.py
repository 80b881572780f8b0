"""Random project networks for benchmarks and property tests (seeded, reproducible).

Tasks are created in order and each takes its predecessors among the tasks created shortly
before it (a sliding window), as real plans do: work follows work nearby in the WBS, with
occasional long links. On average 1.5 dependencies per task, of all four types, a quarter with
a lag or a lead.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from tandem.engine.calendar import CalendarSpec
from tandem.engine.model import Dependency, DependencyType, Network, Resource, Task

_TYPES = (DependencyType.FS, DependencyType.SS, DependencyType.FF, DependencyType.SF)


def random_edges(
    n: int, *, seed: int = 0, deps_per_task: float = 1.5, window: int = 400
) -> tuple[np.ndarray, np.ndarray]:
    """(predecessor, successor) index arrays of a random DAG (predecessor index < successor)."""
    rng = np.random.default_rng(seed)
    if n < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    m = round(deps_per_task * (n - 1))
    succ = rng.integers(1, n, m)
    back = np.minimum(rng.geometric(1.0 / (window / 4), m), window)
    # One link in fifty reaches far back (a dependency across work packages).
    far = rng.random(m) < 0.02
    back = np.where(far, rng.integers(1, n, m), back)
    pred = np.maximum(succ - back, 0)
    pairs = np.unique(np.stack([pred, succ], axis=1), axis=0)
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)


def random_network(
    n: int,
    *,
    seed: int = 0,
    deps_per_task: float = 1.5,
    resources: int = 0,
    estimates: bool = False,
    start: dt.date | None = dt.date(2026, 1, 5),
    window: int = 400,
) -> Network:
    """A random network with durations 0..20 days (5 % milestones), lags, optional resources."""
    rng = np.random.default_rng(seed + 1)
    pred, succ = random_edges(n, seed=seed, deps_per_task=deps_per_task, window=window)
    durations = rng.integers(1, 21, n)
    durations[rng.random(n) < 0.05] = 0
    res = [
        Resource(id=f"R{k + 1}", name=f"Team {k + 1}", capacity=int(rng.integers(3, 9)))
        for k in range(resources)
    ]
    tasks = []
    for i in range(n):
        d = int(durations[i])
        demands = {}
        for r in res:
            if d and rng.random() < 0.5:
                demands[r.id] = int(rng.integers(1, r.capacity + 1))
        task = Task(id=f"T{i}", name=f"Task {i}", duration=d, demands=demands)
        if estimates and d:
            low = max(0.0, d * float(rng.uniform(0.6, 1.0)))
            high = d * float(rng.uniform(1.0, 2.0))
            task.optimistic, task.most_likely, task.pessimistic = low, float(d), max(high, float(d))
        tasks.append(task)
    kinds = rng.choice(4, pred.size, p=[0.7, 0.12, 0.12, 0.06])
    lags = np.where(rng.random(pred.size) < 0.25, rng.integers(-3, 6, pred.size), 0)
    deps = [
        Dependency(f"T{a}", f"T{b}", _TYPES[int(k)], int(lag))
        for a, b, k, lag in zip(
            pred.tolist(), succ.tolist(), kinds.tolist(), lags.tolist(), strict=True
        )
    ]
    return Network(
        tasks=tasks,
        dependencies=deps,
        resources=res,
        calendar=CalendarSpec(country="VN"),
        start=start,
        name=f"random-{n}-{seed}",
    )
