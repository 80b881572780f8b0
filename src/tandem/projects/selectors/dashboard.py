"""The "my projects" dashboard: the acting person's open projects with their schedule status and
its reasons, milestones due in the next two weeks, overdue and critical tasks, open project
issues, and deliverables waiting for the client's acceptance.

Whose projects: the scoping door decides (a PM's own and those they are on, an AM's clients',
every project for executives, finance and admins, a member's team projects). The whole board
costs six queries whatever the data size: one per panel, each carrying its total in a window
column, and the projects with their per-project counts as subqueries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied
from tandem.core.scoping import scoped
from tandem.projects.models import (
    OPEN_PROJECT_STATUSES,
    Deliverable,
    DeliverableStatus,
    IssuePriority,
    Project,
    ProjectIssue,
    ProjectIssueStatus,
    ScheduleStatus,
    Task,
)

HORIZON_DAYS = 14
PANEL_LIMIT = 15
PROJECT_LIMIT = 100
OPEN_ISSUE_STATUSES = (ProjectIssueStatus.OPEN, ProjectIssueStatus.IN_PROGRESS)
T = TypeVar("T")

_SCHEDULE_RANK = Case(
    When(schedule_status=ScheduleStatus.LATE, then=Value(0)),
    When(schedule_status=ScheduleStatus.AT_RISK, then=Value(1)),
    default=Value(2), output_field=IntegerField(),
)
_PRIORITY_RANK = Case(
    When(priority=IssuePriority.CRITICAL, then=Value(0)),
    When(priority=IssuePriority.HIGH, then=Value(1)),
    When(priority=IssuePriority.MEDIUM, then=Value(2)),
    default=Value(3), output_field=IntegerField(),
)


@dataclass
class ProjectRow:
    project: Project
    reasons: list[str]  # readable sentences, from Project.schedule_reasons

    @property
    def overdue_tasks(self) -> int:
        return int(getattr(self.project, "overdue_tasks", 0))

    @property
    def open_issues(self) -> int:
        return int(getattr(self.project, "open_issues", 0))

    @property
    def awaiting_acceptance(self) -> int:
        return int(getattr(self.project, "awaiting_acceptance", 0))

    @property
    def next_milestone(self) -> str:
        return str(getattr(self.project, "next_milestone", None) or "")

    @property
    def next_milestone_on(self) -> dt.date | None:
        return getattr(self.project, "next_milestone_on", None)


@dataclass
class Panel(Generic[T]):
    rows: list[T] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class ProjectsBoard:
    today: dt.date
    horizon: dt.date
    projects: list[ProjectRow] = field(default_factory=list)
    total_projects: int = 0
    late: int = 0
    at_risk: int = 0
    milestones: Panel[Task] = field(default_factory=Panel)
    overdue: Panel[Task] = field(default_factory=Panel)
    critical: Panel[Task] = field(default_factory=Panel)
    issues: Panel[ProjectIssue] = field(default_factory=Panel)
    deliverables: Panel[Deliverable] = field(default_factory=Panel)

    @property
    def on_track(self) -> int:
        return self.total_projects - self.late - self.at_risk


def can_see_dashboard(actor: Actor) -> bool:
    """The organization's staff; a client's people have their own pages."""
    return actor.is_staff


def projects_board(actor: Actor, *, today: dt.date | None = None) -> ProjectsBoard:
    if not can_see_dashboard(actor):
        raise PermissionDenied("The projects dashboard is for the organization's staff.")
    today = today or timezone.localdate()
    board = ProjectsBoard(today=today, horizon=today + dt.timedelta(days=HORIZON_DAYS))
    _projects(actor, board)
    tasks = _open_tasks(actor)
    board.milestones = _panel(
        tasks.filter(duration=0, finish__gte=today, finish__lte=board.horizon)
        .order_by("finish", "project__code", "sequence")
    )
    board.overdue = _panel(tasks.filter(finish__lt=today).order_by("finish", "project__code",
                                                                   "sequence"))
    board.critical = _panel(
        tasks.filter(is_critical=True, start__lte=board.horizon)
        .order_by("start", "project__code", "sequence")
    )
    board.issues = _panel(
        scoped(ProjectIssue, actor)
        .filter(status__in=OPEN_ISSUE_STATUSES, project__status__in=OPEN_PROJECT_STATUSES)
        .select_related("project", "owner")
        .annotate(rank=_PRIORITY_RANK)
        .order_by("rank", Coalesce("due_date", Value(dt.date.max)), "-created_at", "id")
    )
    board.deliverables = _panel(
        scoped(Deliverable, actor)
        .filter(status=DeliverableStatus.SUBMITTED, project__status__in=OPEN_PROJECT_STATUSES)
        .select_related("project", "project__client")
        .order_by("submitted_at", "id")
    )
    return board


def _projects(actor: Actor, board: ProjectsBoard) -> None:
    today = board.today
    overdue = (Task.objects.filter(project=OuterRef("pk"), finish__lt=today, **_OPEN_TASK)
               .order_by().values("project").annotate(n=Count("pk")).values("n"))
    issues = (ProjectIssue.objects.filter(project=OuterRef("pk"), status__in=OPEN_ISSUE_STATUSES)
              .order_by().values("project").annotate(n=Count("pk")).values("n"))
    awaiting = (Deliverable.objects.filter(project=OuterRef("pk"),
                                           status=DeliverableStatus.SUBMITTED)
                .order_by().values("project").annotate(n=Count("pk")).values("n"))
    milestone = (Task.objects.filter(project=OuterRef("pk"), duration=0, finish__gte=today,
                                     **_OPEN_TASK)
                 .order_by("finish", "sequence"))
    rows = list(
        scoped(Project, actor)
        .filter(status__in=OPEN_PROJECT_STATUSES)
        .select_related("client", "manager")
        .annotate(
            rank=_SCHEDULE_RANK,
            overdue_tasks=Coalesce(Subquery(overdue, output_field=IntegerField()), 0),
            open_issues=Coalesce(Subquery(issues, output_field=IntegerField()), 0),
            awaiting_acceptance=Coalesce(Subquery(awaiting, output_field=IntegerField()), 0),
            next_milestone=Subquery(milestone.values("name")[:1]),
            next_milestone_on=Subquery(milestone.values("finish")[:1]),
            window_total=Window(Count("pk")),
            window_late=Window(Sum(Case(When(schedule_status=ScheduleStatus.LATE, then=1),
                                        default=0, output_field=IntegerField()))),
            window_risk=Window(Sum(Case(When(schedule_status=ScheduleStatus.AT_RISK, then=1),
                                        default=0, output_field=IntegerField()))),
        )
        .order_by("rank", "code", "id")[:PROJECT_LIMIT]
    )
    board.projects = [ProjectRow(p, schedule_reasons(p.schedule_reasons)) for p in rows]
    if rows:
        first: Any = rows[0]
        board.total_projects = int(first.window_total)
        board.late, board.at_risk = int(first.window_late or 0), int(first.window_risk or 0)


_OPEN_TASK: dict[str, Any] = {"is_summary": False, "actual_finish__isnull": True,
                              "percent_complete__lt": 100}


def _open_tasks(actor: Actor) -> QuerySet[Task]:
    return (scoped(Task, actor)
            .filter(project__status__in=OPEN_PROJECT_STATUSES, finish__isnull=False, **_OPEN_TASK)
            .select_related("project", "assignee"))


def _panel(queryset: QuerySet[Any]) -> Panel[Any]:
    rows = list(queryset.annotate(window_total=Window(Count("pk")))[:PANEL_LIMIT])
    return Panel(rows=rows, total=int(rows[0].window_total) if rows else 0)


# -- schedule reasons ------------------------------------------------------------------------------


def schedule_reasons(codes: Any) -> list[str]:
    """The readable sentences of a project's schedule reasons (``Project.schedule_reasons``)."""
    if not isinstance(codes, list):
        return []
    return [describe_reason(str(code)) for code in codes]


def describe_reason(code: str) -> str:
    """One reason code written by rescheduling (``"milestone_slip:3"``) as a sentence."""
    name, _sep, figure = code.partition(":")
    try:
        n = int(figure)
    except ValueError:
        n = 0
    if name == "negative_float":
        return ngettext(
            "%(count)d open task has negative float: a date constraint cannot be met.",
            "%(count)d open tasks have negative float: date constraints cannot be met.", n,
        ) % {"count": n}
    if name == "finish_after_target":
        return ngettext(
            "The scheduled finish is %(count)d day after the target finish.",
            "The scheduled finish is %(count)d days after the target finish.", n,
        ) % {"count": n}
    if name == "little_float_to_target":
        if n <= 0:
            return _("No working days of slack are left before the target finish.")
        return ngettext(
            "Only %(count)d working day of slack is left before the target finish.",
            "Only %(count)d working days of slack are left before the target finish.", n,
        ) % {"count": n}
    if name == "milestone_slip":
        return ngettext(
            "A milestone has slipped %(count)d working day past its baseline.",
            "A milestone has slipped %(count)d working days past its baseline.", n,
        ) % {"count": n}
    if name == "milestones_overdue":
        return ngettext(
            "%(count)d milestone is past due and not complete.",
            "%(count)d milestones are past due and not complete.", n,
        ) % {"count": n}
    return code
