"""Projects and their plans: charter, scope, team, WBS tasks and dependencies, working calendars,
baselines, deliverables with acceptance, the project issue log, and resources kept from MSPDI.

Schedule figures on a task (early/late dates, floats, critical) are written by the rescheduling
service from the engine's result in the same transaction as the change that caused them; nothing
else writes them.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.clients.models import Client, ClientIssue, Need
from tandem.core.models import TenantModel, User


class WorkCalendar(TenantModel):
    """An organization's working calendar: working weekdays, hours per day, the public holidays
    of a country (and subdivision), and its own exceptions (``CalendarException``)."""

    name = models.CharField(_("name"), max_length=120)
    weekdays = models.CharField(_("working weekdays"), max_length=13, default="0,1,2,3,4")
    hours_per_day = models.DecimalField(_("hours per day"), max_digits=4, decimal_places=2,
                                        default=8)
    country = models.CharField(_("country"), max_length=2, blank=True, default="VN")
    subdivision = models.CharField(_("subdivision"), max_length=10, blank=True)
    is_default = models.BooleanField(_("organization default"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("working calendar")
        ordering: ClassVar[list[str]] = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"],
                                    name="projects_calendar_name_unique"),
            models.UniqueConstraint(fields=["organization"], condition=Q(is_default=True),
                                    name="projects_calendar_one_default"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekday_list(self) -> tuple[int, ...]:
        return tuple(int(w) for w in self.weekdays.split(",") if w != "")


class CalendarException(TenantModel):
    """A day off the organization adds (``working=False``) or a make-up working day (``True``)."""

    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("day"))
    working = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        ordering: ClassVar[list[str]] = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"],
                                    name="projects_calendar_exception_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")


# Which statuses a project may move to from each status.
PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.PROPOSED: frozenset({ProjectStatus.PLANNING, ProjectStatus.CLOSED}),
    ProjectStatus.PLANNING: frozenset({ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD,
                                       ProjectStatus.CLOSED}),
    ProjectStatus.ACTIVE: frozenset({ProjectStatus.ON_HOLD, ProjectStatus.CLOSING}),
    ProjectStatus.ON_HOLD: frozenset({ProjectStatus.PLANNING, ProjectStatus.ACTIVE,
                                      ProjectStatus.CLOSING, ProjectStatus.CLOSED}),
    ProjectStatus.CLOSING: frozenset({ProjectStatus.ACTIVE, ProjectStatus.CLOSED}),
    ProjectStatus.CLOSED: frozenset(),
}
OPEN_PROJECT_STATUSES = frozenset(set(ProjectStatus) - {ProjectStatus.CLOSED})


class ScheduleStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")


class Project(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="projects")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    manager = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("project manager"))
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices,
                              default=ProjectStatus.PLANNING)
    start_date = models.DateField(_("start date"))
    target_finish = models.DateField(_("target finish"), null=True, blank=True)
    status_date = models.DateField(_("status date"), null=True, blank=True)
    calendar = models.ForeignKey(WorkCalendar, on_delete=models.PROTECT, related_name="projects")
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    # Written by rescheduling.
    finish_date = models.DateField(_("scheduled finish"), null=True, blank=True)
    schedule_status = models.CharField(_("schedule status"), max_length=10,
                                       choices=ScheduleStatus.choices,
                                       default=ScheduleStatus.ON_TRACK)
    schedule_reasons = models.JSONField(default=list, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("project")
        ordering: ClassVar[list[str]] = ["code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"],
                                    name="projects_project_code_unique"),
        ]
        indexes = [
            models.Index(fields=["organization", "manager", "status"],
                         name="projects_project_pm_idx"),
            models.Index(fields=["organization", "client"], name="projects_project_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Charter(TenantModel):
    """Why the project exists and what it will and will not do; needs it serves are the scope
    items that name a need."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="charter")
    objectives = models.TextField(_("objectives"), blank=True)
    success_criteria = models.TextField(_("success criteria"), blank=True)
    scope_in = models.TextField(_("in scope"), blank=True)
    scope_out = models.TextField(_("out of scope"), blank=True)
    assumptions = models.TextField(_("assumptions"), blank=True)
    constraints = models.TextField(_("constraints"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("charter")

    def __str__(self) -> str:
        return f"Charter of {self.project_id}"


class ScopeItem(TenantModel):
    """One piece of scope, usually tracing a client's need into the tasks and deliverables that
    serve it (``Task.scope_item``, ``Deliverable.scope_item``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scope_items")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    need = models.ForeignKey(Need, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="scope_items")
    in_scope = models.BooleanField(_("in scope"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("scope item")
        ordering: ClassVar[list[str]] = ["project_id", "id"]

    def __str__(self) -> str:
        return self.title


class ProjectMember(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    project_role = models.CharField(_("project role"), max_length=80, blank=True)
    allocation = models.PositiveSmallIntegerField(_("allocation %"), default=100)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("team member")
        ordering: ClassVar[list[str]] = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="projects_member_unique"),
            models.CheckConstraint(condition=Q(allocation__lte=100),
                                   name="projects_member_allocation_max"),
        ]
        indexes = [models.Index(fields=["organization", "user"], name="projects_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.project_id}"


class ConstraintType(models.TextChoices):
    ASAP = "ASAP", _("As soon as possible")
    ALAP = "ALAP", _("As late as possible")
    SNET = "SNET", _("Start no earlier than")
    SNLT = "SNLT", _("Start no later than")
    FNET = "FNET", _("Finish no earlier than")
    FNLT = "FNLT", _("Finish no later than")
    MSO = "MSO", _("Must start on")
    MFO = "MFO", _("Must finish on")


class Task(TenantModel):
    """A WBS row: a phase (summary: it has children), a task, or a milestone (duration 0).

    ``sequence`` is the row's place in the plan (like MS Project's ID): the WBS is the rows in
    sequence order with ``parent`` giving the indentation."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children")
    sequence = models.PositiveIntegerField(_("row"))
    name = models.CharField(_("name"), max_length=255)
    notes = models.TextField(_("notes"), blank=True)
    duration = models.PositiveIntegerField(_("duration (working days)"), default=1)
    is_summary = models.BooleanField(default=False)
    constraint_type = models.CharField(_("constraint"), max_length=4,
                                       choices=ConstraintType.choices,
                                       default=ConstraintType.ASAP)
    constraint_date = models.DateField(_("constraint date"), null=True, blank=True)
    assignee = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("assignee"))
    estimate_hours = models.DecimalField(_("estimate (hours)"), max_digits=9, decimal_places=2,
                                         null=True, blank=True)
    optimistic = models.DecimalField(_("optimistic (days)"), max_digits=7, decimal_places=2,
                                     null=True, blank=True)
    most_likely = models.DecimalField(_("most likely (days)"), max_digits=7, decimal_places=2,
                                      null=True, blank=True)
    pessimistic = models.DecimalField(_("pessimistic (days)"), max_digits=7, decimal_places=2,
                                      null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("% complete"), default=0)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)
    scope_item = models.ForeignKey(ScopeItem, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="tasks")
    external_uid = models.CharField(max_length=32, blank=True)  # MSPDI UID of an import
    # Schedule, written by rescheduling only.
    start = models.DateField(null=True, blank=True)
    finish = models.DateField(null=True, blank=True)
    early_start = models.DateField(null=True, blank=True)
    early_finish = models.DateField(null=True, blank=True)
    late_start = models.DateField(null=True, blank=True)
    late_finish = models.DateField(null=True, blank=True)
    total_float = models.IntegerField(default=0)
    free_float = models.IntegerField(default=0)
    is_critical = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("task")
        ordering: ClassVar[list[str]] = ["project_id", "sequence"]
        constraints = [
            models.CheckConstraint(condition=Q(percent_complete__lte=100),
                                   name="projects_task_percent_max"),
        ]
        indexes = [
            models.Index(fields=["project", "sequence"], name="projects_task_row_idx"),
            # No schedule column in any index: rescheduling rewrites those columns on thousands
            # of rows, which PostgreSQL then does in place (HOT) without index writes.
            models.Index(fields=["organization", "assignee"], name="projects_task_assignee_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_milestone(self) -> bool:
        return self.duration == 0 and not self.is_summary


class DependencyType(models.TextChoices):
    FS = "FS", _("Finish-to-start")
    SS = "SS", _("Start-to-start")
    FF = "FF", _("Finish-to-finish")
    SF = "SF", _("Start-to-finish")


class Dependency(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(_("type"), max_length=2, choices=DependencyType.choices,
                            default=DependencyType.FS)
    lag = models.IntegerField(_("lag (working days)"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("dependency")
        ordering: ClassVar[list[str]] = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"],
                                    name="projects_dependency_unique"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")),
                                   name="projects_dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.type} {self.successor_id}"


MAX_BASELINES = 11  # "Baseline" and "Baseline 1".."Baseline 10", as in Microsoft Project


class Baseline(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    number = models.PositiveSmallIntegerField(_("number"))  # 0 = "Baseline", 1..10
    name = models.CharField(_("name"), max_length=120)
    finish_date = models.DateField(null=True, blank=True)
    saved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("baseline")
        ordering: ClassVar[list[str]] = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="projects_baseline_unique"),
            models.CheckConstraint(condition=Q(number__lt=MAX_BASELINES),
                                   name="projects_baseline_number_max"),
        ]

    def __str__(self) -> str:
        return self.name


class BaselineTask(TenantModel):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="baseline_rows")
    start = models.DateField(null=True, blank=True)
    finish = models.DateField(null=True, blank=True)
    duration = models.PositiveIntegerField(default=0)
    estimate_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["baseline", "task"],
                                    name="projects_baseline_task_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.baseline_id}:{self.task_id}"


class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SUBMITTED = "submitted", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Deliverable(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deliverables")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    acceptance_criteria = models.TextField(_("acceptance criteria"))
    milestone = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="deliverables", verbose_name=_("milestone"))
    need = models.ForeignKey(Need, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="deliverables", verbose_name=_("need"))
    scope_item = models.ForeignKey(ScopeItem, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="deliverables")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DeliverableStatus.choices,
                              default=DeliverableStatus.PLANNED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("deliverable")
        ordering: ClassVar[list[str]] = ["project_id", "due_date", "id"]
        indexes = [
            models.Index(fields=["organization", "status"], name="projects_deliverable_st_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class DeliverableEvent(TenantModel):
    """The acceptance history: submitted, accepted, rejected (with the reason), reopened."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    by_label = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["deliverable_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.deliverable_id} {self.action}"


class IssuePriority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class ProjectIssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class ProjectIssue(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=IssuePriority.choices,
                                default=IssuePriority.MEDIUM)
    status = models.CharField(_("status"), max_length=12, choices=ProjectIssueStatus.choices,
                              default=ProjectIssueStatus.OPEN)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    client_issue = models.OneToOneField(ClientIssue, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="project_issue")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("project issue")
        ordering: ClassVar[list[str]] = ["project_id", "-created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "project", "status"],
                         name="projects_issue_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | ~Q(resolution=""),
                name="projects_issue_resolved_has_resolution",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanResource(TenantModel):
    """A resource of an imported Microsoft Project file, kept as data for staffing."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="resources")
    external_uid = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, default="work")  # work | material | cost
    max_units = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    email = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["project_id", "id"]

    def __str__(self) -> str:
        return self.name


class PlanAssignment(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    resource = models.ForeignKey(PlanResource, on_delete=models.CASCADE,
                                 related_name="assignments")
    units = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    work_hours = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["project_id", "id"]

    def __str__(self) -> str:
        return f"{self.resource_id} on {self.task_id}"


class CalendarFeed(TenantModel):
    """The secret behind a person's iCalendar feed URL; resetting it replaces the secret, so the
    old URL stops working at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"],
                                    name="projects_feed_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
