"""API shapes of the plan: tasks, dependencies, baselines and the baseline comparison.

Durations, lags and variances are in working days of the project's calendar. An ``...Out``
shape reads a model row, or the stored JSON of an idempotent replay (a dict)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from tandem.core.schemas import NAME_PATTERN
from tandem.projects.models import MAX_BASELINES, ConstraintType, DependencyType
from tandem.projects.schemas_projects import MAX_ID, TEXT, VERSION
from tandem.projects.services.plan import MAX_DURATION, MAX_LAG

# Hours or days of an estimate.
Estimate = Annotated[float, Field(ge=0, le=9_999_999)]


class TaskOut(Schema):
    id: int
    project_id: int
    parent_id: int | None
    sequence: int = Field(description="The row number in WBS order")
    wbs: str = Field(description="The WBS code, e.g. 1.2.3")
    outline_level: int = Field(description="1 = top level")
    name: str
    notes: str
    duration: int = Field(description="Working days; 0 is a milestone")
    is_summary: bool
    is_milestone: bool
    constraint_type: ConstraintType
    constraint_date: dt.date | None
    assignee_id: int | None
    assignee_name: str
    estimate_hours: float | None
    optimistic: float | None
    most_likely: float | None
    pessimistic: float | None
    percent_complete: int
    actual_start: dt.date | None
    actual_finish: dt.date | None
    scope_item_id: int | None
    start: dt.date | None = Field(description="Scheduled start")
    finish: dt.date | None = Field(description="Scheduled finish")
    early_start: dt.date | None
    early_finish: dt.date | None
    late_start: dt.date | None
    late_finish: dt.date | None
    total_float: int
    free_float: int
    is_critical: bool
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_wbs(obj: Any) -> str:
        return str(obj["wbs"] if isinstance(obj, dict) else obj.wbs)

    @staticmethod
    def resolve_outline_level(obj: Any) -> int:
        return int(obj["outline_level"] if isinstance(obj, dict) else obj.outline_level)

    @staticmethod
    def resolve_is_milestone(obj: Any) -> bool:
        return bool(obj["is_milestone"] if isinstance(obj, dict) else obj.is_milestone)

    @staticmethod
    def resolve_assignee_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["assignee_name"])
        return obj.assignee.display_name if obj.assignee is not None else ""


class TaskCreate(Schema):
    name: str = Field(min_length=1, max_length=255, pattern=NAME_PATTERN)
    parent_id: int | None = Field(None, ge=1, le=MAX_ID,
                                  description="Add as the last subtask of this task")
    after_id: int | None = Field(None, ge=1, le=MAX_ID,
                                 description="Add right after this task (and its subtasks)")
    duration: int = Field(1, ge=0, le=MAX_DURATION, description="Working days; 0: milestone")
    constraint_type: ConstraintType = ConstraintType.ASAP
    constraint_date: dt.date | None = Field(None, description="Required by all but ASAP/ALAP")
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID)
    estimate_hours: Estimate | None = None
    optimistic: Estimate | None = Field(None, description="Days")
    most_likely: Estimate | None = Field(None, description="Days")
    pessimistic: Estimate | None = Field(None, description="Days")
    scope_item_id: int | None = Field(None, ge=1, le=MAX_ID)
    notes: str = Field("", max_length=TEXT)


class TaskPatch(Schema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=255, pattern=NAME_PATTERN)
    notes: str | None = Field(None, max_length=TEXT)
    duration: int | None = Field(None, ge=0, le=MAX_DURATION)
    start: dt.date | None = Field(
        None, description="Pin the task to start no earlier than this day (a dragged bar)")
    constraint_type: ConstraintType | None = None
    constraint_date: dt.date | None = None
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID, description="null unassigns")
    estimate_hours: Estimate | None = None
    optimistic: Estimate | None = None
    most_likely: Estimate | None = None
    pessimistic: Estimate | None = None
    scope_item_id: int | None = Field(None, ge=1, le=MAX_ID)


class TaskProgress(Schema):
    version: int = VERSION
    percent_complete: int | None = Field(None, ge=0, le=100)
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = Field(None, description="Setting it means 100 % complete")


class TaskMove(Schema):
    version: int = VERSION
    parent_id: int | None = Field(None, ge=1, le=MAX_ID, description="null: the top level")
    after_id: int | None = Field(None, ge=1, le=MAX_ID,
                                 description="The sibling to follow; null: first under the parent")


class TaskVersion(Schema):
    version: int = VERSION


class DependencyOut(Schema):
    id: int
    project_id: int
    predecessor_id: int
    predecessor_name: str
    successor_id: int
    successor_name: str
    type: DependencyType
    lag: int = Field(description="Working days; negative is a lead")
    version: int

    @staticmethod
    def resolve_predecessor_name(obj: Any) -> str:
        return str(obj["predecessor_name"] if isinstance(obj, dict) else obj.predecessor.name)

    @staticmethod
    def resolve_successor_name(obj: Any) -> str:
        return str(obj["successor_name"] if isinstance(obj, dict) else obj.successor.name)


class DependencyCreate(Schema):
    predecessor_id: int = Field(ge=1, le=MAX_ID)
    successor_id: int = Field(ge=1, le=MAX_ID)
    type: DependencyType = DependencyType.FS
    lag: int = Field(0, ge=-MAX_LAG, le=MAX_LAG)


class DependencyPatch(Schema):
    version: int = VERSION
    type: DependencyType | None = None
    lag: int | None = Field(None, ge=-MAX_LAG, le=MAX_LAG)


class BaselineOut(Schema):
    id: int
    project_id: int
    number: int = Field(description="0 is \"Baseline\", 1 to 10 \"Baseline 1\" to \"Baseline 10\"")
    name: str
    finish_date: dt.date | None = Field(description="The project's scheduled finish when saved")
    saved_by_id: int | None
    saved_by_name: str
    saved_at: dt.datetime

    @staticmethod
    def resolve_saved_by_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["saved_by_name"])
        return obj.saved_by.display_name if obj.saved_by is not None else ""


class BaselineCreate(Schema):
    number: int | None = Field(None, ge=0, le=MAX_BASELINES - 1,
                               description="Replaces that baseline; the first free one if none")
    name: str = Field("", max_length=120, description="\"Baseline N\" by default")


class VarianceOut(Schema):
    task_id: int
    wbs: str
    name: str
    is_summary: bool
    is_milestone: bool
    start: dt.date | None
    finish: dt.date | None
    duration: int
    baseline_start: dt.date | None
    baseline_finish: dt.date | None
    baseline_duration: int | None = Field(description="None: the task is not in the baseline")
    start_variance: int | None = Field(description="Working days; positive is later")
    finish_variance: int | None = Field(description="Working days; positive is later")
    duration_variance: int | None = Field(description="Working days; positive is longer")


class BaselineCompareOut(Schema):
    baseline: BaselineOut
    finish_date: dt.date | None = Field(description="The project's scheduled finish now")
    finish_variance: int | None = Field(
        description="Working days between the finish now and the baseline's finish")
    rows: list[VarianceOut]
