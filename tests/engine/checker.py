"""An independent feasibility checker for leveled schedules.

Written from the definitions only (no engine code): a dependency of type FS/SS/FF/SF with lag L
holds when the successor's start or finish is at least the predecessor's start or finish plus L;
a resource is never used above its capacity in any period (a task of duration d starting at s
uses periods s .. s+d-1).
"""

from __future__ import annotations

from collections import defaultdict


def dependency_holds(
    kind: str, p_start: int, p_dur: int, s_start: int, s_dur: int, lag: int
) -> bool:
    p_finish, s_finish = p_start + p_dur, s_start + s_dur
    if kind == "FS":
        return s_start >= p_finish + lag
    if kind == "SS":
        return s_start >= p_start + lag
    if kind == "FF":
        return s_finish >= p_finish + lag
    if kind == "SF":
        return s_finish >= p_start + lag
    raise ValueError(kind)


def violations(
    starts: dict[str, int],
    durations: dict[str, int],
    dependencies: list[tuple[str, str, str, int]],
    demands: dict[str, dict[str, int]],
    capacities: dict[str, int],
) -> list[str]:
    """Every violated dependency and every (period, resource) over capacity."""
    out = []
    for pred, succ, kind, lag in dependencies:
        if not dependency_holds(
            kind, starts[pred], durations[pred], starts[succ], durations[succ], lag
        ):
            out.append(f"{kind} {pred}->{succ} lag {lag}")
    used: dict[tuple[str, int], int] = defaultdict(int)
    for task, need in demands.items():
        for res, units in need.items():
            for period in range(starts[task], starts[task] + durations[task]):
                used[(res, period)] += units
    for (res, period), units in sorted(used.items()):
        if units > capacities[res]:
            out.append(f"{res} uses {units} > {capacities[res]} in period {period}")
    return out


def psplib_violations(inst: object, start: list[int]) -> list[str]:
    """Check a schedule of a PSPLIB instance (``inst`` is a PsplibInstance)."""
    names = [str(j + 1) for j in range(len(inst.durations))]  # type: ignore[attr-defined]
    starts = dict(zip(names, start, strict=True))
    durations = dict(zip(names, inst.durations, strict=True))  # type: ignore[attr-defined]
    deps = [
        (names[j], names[s], "FS", 0)
        for j, succ in enumerate(inst.successors)  # type: ignore[attr-defined]
        for s in succ
    ]
    res = [f"R{k + 1}" for k in range(len(inst.capacities))]  # type: ignore[attr-defined]
    demands = {
        names[j]: {res[k]: u for k, u in enumerate(row) if u}
        for j, row in enumerate(inst.demands)  # type: ignore[attr-defined]
    }
    caps = dict(zip(res, inst.capacities, strict=True))  # type: ignore[attr-defined]
    return violations(starts, durations, deps, demands, caps)


def network_violations(
    network: object, starts: dict[str, int], durations: dict[str, int] | None = None
) -> list[str]:
    """Check leaf tasks of a Network-like object (no summaries) against their dependencies."""
    tasks = network.tasks  # type: ignore[attr-defined]
    durs = durations or {t.id: t.duration for t in tasks}
    deps = [(d.predecessor, d.successor, str(d.type), d.lag) for d in network.dependencies]  # type: ignore[attr-defined]
    demands = {t.id: dict(t.demands) for t in tasks}
    caps = {r.id: r.capacity for r in network.resources}  # type: ignore[attr-defined]
    return violations(starts, durs, deps, demands, caps)
