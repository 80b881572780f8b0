"""Tandem's scheduling engine: plain data in, plain data out, no Django.

Calendars (:mod:`~tandem.engine.calendar`), the critical path method (:mod:`~tandem.engine.cpm`),
resource leveling (:mod:`~tandem.engine.leveling`: a heuristic and a CP-SAT optimizer),
Monte-Carlo schedule risk (:mod:`~tandem.engine.risk`), earned value (:mod:`~tandem.engine.evm`)
and file formats (:mod:`~tandem.engine.formats`). Heavy dependencies (OR-Tools) are imported only
by the functions that need them, so ``import tandem.engine`` stays fast.
"""

from tandem.engine.calendar import CalendarSpec, WorkCalendar
from tandem.engine.cpm import CpmResult, TaskSchedule, critical_path
from tandem.engine.errors import (
    CalendarError,
    CycleError,
    EngineError,
    FormatError,
    InfeasibleError,
    NetworkError,
)
from tandem.engine.evm import EarnedValue, EvTask, StatusPoint, baseline_from_schedule, earned_value
from tandem.engine.leveling import LevelResult, level
from tandem.engine.model import (
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Resource,
    RiskEvent,
    Task,
)
from tandem.engine.risk import RiskResult, simulate

__all__ = [
    "CalendarError",
    "CalendarSpec",
    "ConstraintType",
    "CpmResult",
    "CycleError",
    "Dependency",
    "DependencyType",
    "EarnedValue",
    "EngineError",
    "EvTask",
    "FormatError",
    "InfeasibleError",
    "LevelResult",
    "Network",
    "NetworkError",
    "Resource",
    "RiskEvent",
    "RiskResult",
    "StatusPoint",
    "Task",
    "TaskSchedule",
    "WorkCalendar",
    "baseline_from_schedule",
    "critical_path",
    "earned_value",
    "level",
    "simulate",
]
