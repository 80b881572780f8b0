"""API shapes of the calendar feed (``/me/calendar-feed``) and the "my projects" dashboard
(``/projects/dashboard``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from tandem.projects.models import (
    DeliverableStatus,
    IssuePriority,
    ProjectIssueStatus,
    ProjectStatus,
    ScheduleStatus,
)


class CalendarFeedOut(Schema):
    url: str = Field(description="The secret iCalendar address: subscribe to it; keep it private")
    webcal_url: str = Field(description="The same address with the webcal:// scheme")
    created_at: dt.datetime = Field(description="When this address was made (or last reset)")


class DashboardProject(Schema):
    id: int
    code: str
    name: str
    client_id: int | None
    client_name: str
    manager_id: int
    manager_name: str
    status: ProjectStatus
    schedule_status: ScheduleStatus
    schedule_reasons: list[str] = Field(description="Stable codes, e.g. milestone_slip:3")
    reasons: list[str] = Field(description="The same reasons as sentences, in your language")
    finish_date: dt.date | None
    target_finish: dt.date | None
    overdue_tasks: int
    open_issues: int
    awaiting_acceptance: int
    next_milestone: str
    next_milestone_on: dt.date | None


class DashboardTask(Schema):
    id: int
    project_id: int
    project_code: str
    name: str
    start: dt.date | None
    finish: dt.date | None
    percent_complete: int
    is_critical: bool
    assignee_id: int | None
    assignee_name: str


class DashboardIssue(Schema):
    id: int
    project_id: int
    project_code: str
    title: str
    priority: IssuePriority
    status: ProjectIssueStatus
    owner_id: int | None
    due_date: dt.date | None


class DashboardDeliverable(Schema):
    id: int
    project_id: int
    project_code: str
    name: str
    status: DeliverableStatus
    due_date: dt.date | None
    submitted_at: dt.datetime | None


class TaskPanel(Schema):
    total: int = Field(description="How many in all; items holds the first few")
    items: list[DashboardTask]


class IssuePanel(Schema):
    total: int
    items: list[DashboardIssue]


class DeliverablePanel(Schema):
    total: int
    items: list[DashboardDeliverable]


class DashboardOut(Schema):
    today: dt.date
    horizon: dt.date = Field(description="Milestones are listed up to this day")
    total_projects: int
    late: int
    at_risk: int
    on_track: int
    projects: list[DashboardProject]
    milestones: TaskPanel
    overdue_tasks: TaskPanel
    critical_tasks: TaskPanel
    issues: IssuePanel
    awaiting_acceptance: DeliverablePanel
