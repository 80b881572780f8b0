"""Plain data the engine takes in: tasks, dependencies, resources, risk events, the network.

Everything here is a dataclass of built-in values, so that the web adapter, the JSON and MSPDI
readers and the tests can build networks without knowing how the algorithms store them.
Durations and lags are whole working days; a duration of 0 is a milestone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from tandem.engine.calendar import CalendarSpec
from tandem.engine.errors import NetworkError


class DependencyType(StrEnum):
    """How a successor is tied to its predecessor (lag in working days, negative = lead)."""

    FS = "FS"  # successor starts after the predecessor finishes (+ lag)
    SS = "SS"  # successor starts after the predecessor starts (+ lag)
    FF = "FF"  # successor finishes after the predecessor finishes (+ lag)
    SF = "SF"  # successor finishes after the predecessor starts (+ lag)


class ConstraintType(StrEnum):
    """Date constraints, named as in project tools."""

    ASAP = "ASAP"  # as soon as possible (the default)
    ALAP = "ALAP"  # as late as possible: scheduled on its late dates
    SNET = "SNET"  # start no earlier than
    SNLT = "SNLT"  # start no later than
    FNET = "FNET"  # finish no earlier than
    FNLT = "FNLT"  # finish no later than
    MSO = "MSO"  # must start on
    MFO = "MFO"  # must finish on


DATED_CONSTRAINTS = frozenset(
    {
        ConstraintType.SNET,
        ConstraintType.SNLT,
        ConstraintType.FNET,
        ConstraintType.FNLT,
        ConstraintType.MSO,
        ConstraintType.MFO,
    }
)


@dataclass
class Task:
    """A task, a milestone (duration 0) or a summary task (any task named as another's parent).

    ``demands`` maps resource ids to units used on every working day of the task. ``fixed``
    tells leveling not to move the task. ``optimistic``/``most_likely``/``pessimistic`` are the
    three-point estimate used by Monte-Carlo risk (working days); ``budget`` is the baseline cost
    for earned value.
    """

    id: str
    name: str = ""
    duration: int = 0
    parent: str | None = None
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: dt.date | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None
    percent_complete: float = 0.0
    demands: dict[str, int] = field(default_factory=dict)
    priority: int = 500
    fixed: bool = False
    optimistic: float | None = None
    most_likely: float | None = None
    pessimistic: float | None = None
    budget: Decimal | None = None


@dataclass
class Dependency:
    predecessor: str
    successor: str
    type: DependencyType = DependencyType.FS
    lag: int = 0


@dataclass
class Resource:
    """A renewable resource: ``capacity`` units available on every working day."""

    id: str
    name: str = ""
    capacity: int = 1


@dataclass
class RiskEvent:
    """A risk that, with ``probability``, adds ``impact`` working days to each of ``tasks``.

    ``impact_max`` (optional) makes the impact uniform between ``impact`` and ``impact_max``.
    """

    id: str
    probability: float
    impact: float
    tasks: tuple[str, ...]
    name: str = ""
    impact_max: float | None = None


@dataclass
class Network:
    """A project network. Without a ``start`` date, times are plain periods (as in PSPLIB)."""

    tasks: list[Task]
    dependencies: list[Dependency] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    calendar: CalendarSpec = field(default_factory=CalendarSpec)
    start: dt.date | None = None
    status_date: dt.date | None = None
    name: str = ""
    risks: list[RiskEvent] = field(default_factory=list)

    def task(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise NetworkError(f"unknown task {task_id!r}")

    def summary_ids(self) -> set[str]:
        return {t.parent for t in self.tasks if t.parent is not None}

    def validate(self) -> None:
        """Check ids, references and values; raise :class:`NetworkError` naming what is wrong."""
        ids: set[str] = set()
        for t in self.tasks:
            if not isinstance(t.id, str) or not t.id:
                raise NetworkError(f"task id must be a non-empty string: {t.id!r}")
            if t.id in ids:
                raise NetworkError(f"duplicate task id {t.id!r}")
            ids.add(t.id)
        resource_ids = {r.id for r in self.resources}
        if len(resource_ids) != len(self.resources):
            raise NetworkError("duplicate resource id")
        for r in self.resources:
            if r.capacity < 0:
                raise NetworkError(f"resource {r.id!r} has a negative capacity")
        for t in self.tasks:
            if t.duration < 0:
                raise NetworkError(f"task {t.id!r} has a negative duration")
            if t.parent is not None and t.parent not in ids:
                raise NetworkError(f"task {t.id!r} has an unknown parent {t.parent!r}")
            if t.constraint in DATED_CONSTRAINTS and t.constraint_date is None:
                raise NetworkError(f"task {t.id!r}: constraint {t.constraint} needs a date")
            if not 0 <= t.percent_complete <= 100:
                raise NetworkError(f"task {t.id!r}: percent_complete must be within 0..100")
            for rid, units in t.demands.items():
                if rid not in resource_ids:
                    raise NetworkError(f"task {t.id!r} demands unknown resource {rid!r}")
                if units < 0:
                    raise NetworkError(f"task {t.id!r} demands a negative amount of {rid!r}")
            if (t.optimistic is None) != (t.pessimistic is None):
                raise NetworkError(
                    f"task {t.id!r}: give both optimistic and pessimistic or neither"
                )
            if t.optimistic is not None and t.pessimistic is not None:
                ml = t.most_likely if t.most_likely is not None else float(t.duration)
                if not 0 <= t.optimistic <= ml <= t.pessimistic:
                    raise NetworkError(
                        f"task {t.id!r}: need 0 <= optimistic <= most likely <= pessimistic"
                    )
        self._check_parents_acyclic()
        for d in self.dependencies:
            for end in (d.predecessor, d.successor):
                if end not in ids:
                    raise NetworkError(f"dependency refers to unknown task {end!r}")
            if d.predecessor == d.successor:
                raise NetworkError(f"task {d.predecessor!r} depends on itself")
        for risk in self.risks:
            if not 0 <= risk.probability <= 1:
                raise NetworkError(f"risk {risk.id!r}: probability must be within 0..1")
            for tid in risk.tasks:
                if tid not in ids:
                    raise NetworkError(f"risk {risk.id!r} refers to unknown task {tid!r}")

    def _check_parents_acyclic(self) -> None:
        parent = {t.id: t.parent for t in self.tasks}
        for start in parent:
            seen = {start}
            node = parent[start]
            while node is not None:
                if node in seen:
                    raise NetworkError(f"the WBS has a cycle through task {node!r}")
                seen.add(node)
                node = parent[node]
