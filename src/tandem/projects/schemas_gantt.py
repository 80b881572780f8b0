"""API shape of the Gantt chart's data (``GET /projects/{id}/gantt``).

The endpoint answers with JSON it builds itself from ``values()`` rows (validating 5,000 task
objects through pydantic would cost more than the queries); these schemas describe that JSON in
the OpenAPI document, and a test checks the answer against them."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from tandem.projects.models import DependencyType


class GanttProject(Schema):
    id: int
    code: str
    name: str
    start: dt.date
    finish: dt.date | None = Field(description="Scheduled finish")
    target_finish: dt.date | None
    status_date: dt.date | None
    version: int
    working_weekdays: list[int] = Field(
        description="Working weekdays of the project's calendar, 0 = Monday")


class GanttTask(Schema):
    id: int
    parent: int | None
    sequence: int = Field(description="Row in the plan (WBS order)")
    level: int = Field(description="Outline level, 1 at the top")
    wbs: str = Field(description='WBS code, such as "2.3.1"')
    name: str
    start: dt.date | None
    finish: dt.date | None
    duration: int = Field(description="Working days")
    percent_complete: int
    milestone: bool
    summary: bool
    critical: bool
    total_float: int = Field(description="Working days")
    assignee: str | None = Field(description="The assignee's name")
    version: int


class GanttDependency(Schema):
    id: int
    predecessor: int
    successor: int
    type: DependencyType
    lag: int = Field(description="Working days; negative is a lead")


class GanttBaselineRef(Schema):
    number: int = Field(description='0 is "Baseline", 1 to 10 "Baseline 1" to "Baseline 10"')
    name: str
    saved_at: dt.datetime


class GanttBaselineBar(Schema):
    task: int
    start: dt.date | None
    finish: dt.date | None


class GanttOut(Schema):
    project: GanttProject
    today: dt.date
    can_edit: bool = Field(description="Whether the caller may drag bars (change the plan)")
    tasks: list[GanttTask]
    dependencies: list[GanttDependency]
    baselines: list[GanttBaselineRef] = Field(description="The project's saved baselines")
    baseline: int | None = Field(description="Number of the baseline drawn, if any")
    baseline_bars: list[GanttBaselineBar]
