"""API shapes of the files area: the MSPDI import summary and the task-list import report."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class DateMismatchOut(Schema):
    task_id: int = Field(description="The imported task's id in Tandem")
    uid: str = Field(description="The task's UID in the MSPDI file")
    name: str
    ours_start: dt.date | None
    ours_finish: dt.date | None
    ms_start: dt.date | None = Field(description="The start MS Project saved in the file")
    ms_finish: dt.date | None = Field(description="The finish MS Project saved in the file")
    category: str = Field(description="Why they differ: manually_scheduled, task_calendar, "
                                      "resource_calendar, fractional_duration, elapsed_lag, "
                                      "predecessor, summary_rollup, progress or unexplained")
    explanation: str


class MspdiImportOut(Schema):
    project_id: int
    name: str
    tasks: int = Field(description="WBS rows imported: summaries, tasks and milestones")
    summaries: int
    milestones: int
    dependencies: int
    resources: int
    assignments: int
    calendars: int
    exceptions: int = Field(description="Calendar exceptions imported")
    manual_tasks: int = Field(description="Tasks MS Project keeps manually scheduled")
    dates_compared: int = Field(description="Tasks whose dates MS Project saved in the file")
    dates_matched: int = Field(description="Of those, tasks whose recomputed start and finish "
                                           "are MS Project's")
    mismatches: list[DateMismatchOut]


class TaskImportRowError(Schema):
    row: int = Field(description="The spreadsheet row; the header is row 1")
    column: str
    message: str


class TaskImportOut(Schema):
    rows: int
    imported: int
    dependencies: int
    dry_run: bool
    errors: list[TaskImportRowError]
