"""Microsoft Project XML (MSPDI): a file imported as a new project, a project exported as a file.

Import reads the whole file with the engine's reader (which refuses DOCTYPE/ENTITY declarations),
then writes in one transaction: the project calendar as a new working calendar of the
organization (its weekdays, hours per day and exceptions; no country's holidays, since MS Project
keeps holidays as exceptions), the project, the WBS rows in the file's order (summaries, tasks,
milestones; durations in whole working days), the links with their type and lag, constraints,
progress, and the resources and assignments as data for staffing. ``external_uid`` keeps each
row's MSPDI UID. The plan is then rescheduled by the engine, and its dates are compared with the
ones MS Project saved in the file: the summary counts the tasks whose start and finish match and
explains each mismatch (see ``CAUSES``).

Export writes the plan through the engine's writer; the file imports again to the same plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied, ValidationError
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.engine import EngineError, Resource, critical_path
from tandem.engine import WorkCalendar as EngineCalendar
from tandem.engine.formats.mspdi import (
    MspdiTaskDates,
    day_start_time,
    network_from_mspdi,
    parse_mspdi_bytes,
    project_title,
    resources_from_mspdi,
    schedule_from_mspdi,
    write_mspdi,
)
from tandem.projects.access import ensure_can_create_project
from tandem.projects.models import (
    CalendarException,
    Dependency,
    PlanAssignment,
    PlanResource,
    Project,
    ProjectStatus,
    Task,
    WorkCalendar,
)
from tandem.projects.scheduling import build_network, load_plan, reschedule
from tandem.projects.services.plan import MAX_DURATION, MAX_LAG
from tandem.projects.services.projects import project_create

MAX_BYTES = 50 * 1024 * 1024
MAX_TASKS = 20_000
BATCH = 1000
CONTENT_TYPE = "application/vnd.ms-project+xml"
_MAX_UNITS = Decimal("99999.99")
_MAX_WORK = Decimal("99999999.99")

# Why a task's recomputed dates may differ from MS Project's, in the order they are looked for.
CAUSES: dict[str, str] = {
    "manually_scheduled": "MS Project keeps a manually scheduled task on the dates typed in; "
                          "Tandem schedules every task from its links and constraints.",
    "task_calendar": "The task has its own calendar in MS Project; Tandem schedules on the "
                     "project calendar.",
    "resource_calendar": "MS Project schedules the task on its resources' own calendars "
                         "({detail}); Tandem schedules on the project calendar.",
    "fractional_duration": "The duration ({detail}) is not a whole number of working days; "
                           "Tandem rounds it up.",
    "elapsed_lag": "A link has an elapsed lag (calendar time); Tandem counts lags in working "
                   "days.",
    "predecessor": "It follows {detail}, whose dates differ.",
    "summary_rollup": "A summary task: its dates roll up from {detail}, whose dates differ.",
    "progress": "The task is under way; MS Project reschedules its remaining work differently "
                "(splits, the status date).",
    "unexplained": "No known cause.",
}


@dataclass
class DateMismatch:
    task_id: int
    uid: str
    name: str
    ours_start: dt.date | None
    ours_finish: dt.date | None
    ms_start: dt.date | None
    ms_finish: dt.date | None
    category: str
    explanation: str


@dataclass
class ImportSummary:
    project_id: int
    name: str
    tasks: int = 0  # every WBS row: summaries, tasks and milestones
    summaries: int = 0
    milestones: int = 0
    dependencies: int = 0
    resources: int = 0
    assignments: int = 0
    calendars: int = 0
    exceptions: int = 0
    manual_tasks: int = 0
    dates_compared: int = 0
    dates_matched: int = 0
    mismatches: list[DateMismatch] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for row in data["mismatches"]:
            for key in ("ours_start", "ours_finish", "ms_start", "ms_finish"):
                row[key] = row[key].isoformat() if row[key] else None
        return data


# --- import ------------------------------------------------------------------------------------


def import_mspdi(
    *,
    actor: Actor,
    data: bytes,
    client_id: int | None = None,
    code: str | None = None,
    name: str | None = None,
    manager_id: int | None = None,
) -> ImportSummary:
    """A new project from an MSPDI file; nothing is written when the file or the plan is bad."""
    ensure_can_create_project(actor)
    root = _parse(data)
    try:
        network = network_from_mspdi(root, source="The file")
        ms_dates = schedule_from_mspdi(root)
        resources, assignments = resources_from_mspdi(root)
    except EngineError as error:
        raise ValidationError(_sentence(str(error)), code="invalid_file", field="file") from None
    if len(network.tasks) > MAX_TASKS:
        raise ValidationError(f"A file holds at most {MAX_TASKS} tasks.", code="too_many_tasks",
                              field="file")
    _check_limits(network)
    if manager_id is None:
        if actor.user_id is None or actor.role not in {Role.PROJECT_MANAGER, Role.ADMIN}:
            raise ValidationError("Choose the project's manager.", code="required",
                                  field="manager_id")
        manager_id = actor.user_id
    title = (name or "").strip() or project_title(root).strip() or "Imported project"
    start = network.start or min(
        (d.start.date() for d in ms_dates.values() if d.start is not None), default=None
    )
    if start is None:
        raise ValidationError("The file has no project start date.", code="invalid_file",
                              field="file")
    spec = network.calendar
    with transaction.atomic():
        calendar = WorkCalendar.objects.create(
            organization=actor.organization, name=_free_calendar_name(actor, spec.name),
            weekdays=",".join(str(d) for d in spec.weekdays),
            hours_per_day=Decimal(str(round(spec.hours_per_day, 2))), country="",
        )
        exceptions = CalendarException.objects.bulk_create(
            [CalendarException(organization=actor.organization, calendar=calendar, day=day,
                               working=False, name="Day off") for day in spec.days_off]
            + [CalendarException(organization=actor.organization, calendar=calendar, day=day,
                                 working=True, name="Working day")
               for day in spec.working_days],
            batch_size=BATCH,
        )
        started = any(t.percent_complete > 0 or t.actual_start for t in network.tasks)
        project = project_create(
            actor=actor, code=(code or "").strip() or _free_code(actor), name=title[:200],
            manager_id=manager_id, start_date=start, client_id=client_id,
            calendar_id=calendar.pk,
            status=ProjectStatus.ACTIVE if started else ProjectStatus.PLANNING,
        )
        if network.status_date is not None:
            Project.objects.filter(pk=project.pk).update(status_date=network.status_date)
            project.status_date = network.status_date
        rows = _write_tasks(actor, project, network, ms_dates, assignments, resources)
        links = _write_dependencies(actor, project, network, rows)
        res_rows, asg_rows = _write_resources(actor, project, resources, assignments, rows)
        reschedule(project)
        summary = ImportSummary(
            project_id=project.pk, name=project.name, tasks=len(rows),
            summaries=len(network.summary_ids()),
            milestones=sum(1 for t in network.tasks
                           if t.duration == 0 and t.id not in network.summary_ids()),
            dependencies=links, resources=res_rows, assignments=asg_rows, calendars=1,
            exceptions=len(exceptions),
            manual_tasks=sum(1 for d in ms_dates.values() if d.manual),
        )
        _compare(summary, project, network, ms_dates, resources, assignments, root)
        audit.record(actor=actor, action="project.import_mspdi", target=project, changes={
            k: [None, v] for k, v in summary.as_dict().items()
            if k not in {"project_id", "name", "mismatches"}
        })
    return summary


def _parse(data: bytes) -> Any:
    if not data or not data.strip():
        raise ValidationError("The file is empty.", code="empty_file", field="file")
    if len(data) > MAX_BYTES:
        raise ValidationError("The file is larger than 50 MB.", code="file_too_large",
                              field="file")
    try:
        return parse_mspdi_bytes(data, source="The file")
    except EngineError as error:
        message = str(error)
        if "DOCTYPE" in message:
            message = ("The file declares a DOCTYPE or entities, which are refused for safety; "
                       "MS Project never writes them.")
        elif "not well-formed" in message:
            message = "The file is not well-formed XML; save the plan from MS Project as XML."
        elif "not an MSPDI" in message:
            message = ("The file is XML but not a Microsoft Project XML (MSPDI) file; in MS "
                       "Project, use Save As and the XML format.")
        raise ValidationError(message, code="invalid_file", field="file") from None


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."


def _check_limits(network: Any) -> None:
    for t in network.tasks:
        if t.duration > MAX_DURATION:
            raise ValidationError(f"The task {t.name!r} lasts more than {MAX_DURATION} working "
                                  f"days.", code="invalid_file", field="file")
    for d in network.dependencies:
        if abs(d.lag) > MAX_LAG:
            raise ValidationError(f"A link has a lag of more than {MAX_LAG} working days.",
                                  code="invalid_file", field="file")


def _free_calendar_name(actor: Actor, wanted: str) -> str:
    base = (" ".join(wanted.split()) or "Imported")[:100]
    taken = set(WorkCalendar.objects.filter(organization=actor.organization,
                                            name__startswith=base).values_list("name", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base} ({number})" in taken:
        number += 1
    return f"{base} ({number})"


def _free_code(actor: Actor) -> str:
    codes = Project.objects.filter(organization=actor.organization,
                                   code__startswith="MSP-").values_list("code", flat=True)
    numbers = [int(m.group(1)) for c in codes if (m := re.fullmatch(r"MSP-(\d+)", c))]
    return f"MSP-{max(numbers, default=0) + 1}"


def _clean(text: str, limit: int) -> str:
    return " ".join(text.replace("\x00", "").split())[:limit]


def _write_tasks(
    actor: Actor, project: Project, network: Any, ms_dates: dict[str, MspdiTaskDates],
    assignments: list[Any], resources: list[Any],
) -> dict[str, Task]:
    """The WBS rows in the file's order (parents come before their children in MSPDI)."""
    summaries = network.summary_ids()
    assignee = _assignees(actor, resources, assignments)
    rows: dict[str, Task] = {}
    objects = []
    for sequence, t in enumerate(network.tasks, start=1):
        ms = ms_dates.get(t.id)
        summary = t.id in summaries
        start, finish = t.actual_start, t.actual_finish
        percent = 0 if summary else round(t.percent_complete)
        if not summary and ms is not None:
            # MS Project always dates a started or finished task; keep the pair consistent.
            if percent > 0 and start is None and ms.start is not None:
                start = ms.start.date()
            if percent == 100 and finish is None and ms.finish is not None:
                finish = ms.finish.date()
        if summary:
            start = finish = None
        elif finish is not None and percent < 100:
            percent = 100
        work = ms.work_hours if ms is not None else None
        row = Task(
            organization=actor.organization, project=project, sequence=sequence,
            name=_clean(t.name, 255) or f"Task {ms.uid if ms else t.id}",
            notes=(ms.notes if ms else "").replace("\x00", ""),
            duration=0 if summary else t.duration, is_summary=summary,
            constraint_type=str(t.constraint), constraint_date=t.constraint_date,
            percent_complete=percent, actual_start=start, actual_finish=finish,
            estimate_hours=(Decimal(str(round(work, 2)))
                            if work and not summary and work < 9_999_999 else None),
            assignee_id=assignee.get(t.id),
            external_uid=(ms.uid if ms else t.id)[:32],
        )
        rows[t.id] = row
        objects.append(row)
    Task.objects.bulk_create(objects, batch_size=BATCH)
    if any(row.pk is None for row in objects):  # a database that returns no ids
        ids = dict(Task.objects.filter(project=project).values_list("sequence", "pk"))
        for row in objects:
            row.pk = ids[row.sequence]
    children = []
    for t in network.tasks:
        if t.parent is not None:
            rows[t.id].parent_id = rows[t.parent].pk
            children.append(rows[t.id])
    Task.objects.bulk_update(children, ["parent"], batch_size=BATCH)
    return rows


def _assignees(actor: Actor, resources: list[Any], assignments: list[Any]) -> dict[str, int]:
    """A task's assignee: the first of its resources whose email is a staff member's."""
    emails = {r.uid: r.email.lower() for r in resources if r.email}
    if not emails:
        return {}
    staff = dict(
        Membership.objects.filter(organization=actor.organization, user__is_active=True,
                                  user__email__in=set(emails.values()))
        .exclude(role=Role.CLIENT).values_list("user__email", "user_id")
    )
    staff = {email.lower(): user for email, user in staff.items()}
    chosen: dict[str, int] = {}
    for a in assignments:
        user = staff.get(emails.get(a.resource_uid, ""))
        if user is not None:
            chosen.setdefault(a.task_id, user)
    return chosen


def _write_dependencies(
    actor: Actor, project: Project, network: Any, rows: dict[str, Task]
) -> int:
    seen: set[tuple[int, int]] = set()
    objects = []
    for d in network.dependencies:
        pair = (rows[d.predecessor].pk, rows[d.successor].pk)
        if pair[0] == pair[1] or pair in seen:
            continue
        seen.add(pair)
        objects.append(Dependency(organization=actor.organization, project=project,
                                  predecessor_id=pair[0], successor_id=pair[1],
                                  type=str(d.type), lag=d.lag))
    Dependency.objects.bulk_create(objects, batch_size=BATCH)
    return len(objects)


def _write_resources(
    actor: Actor, project: Project, resources: list[Any], assignments: list[Any],
    rows: dict[str, Task],
) -> tuple[int, int]:
    objects = {
        r.uid: PlanResource(
            organization=actor.organization, project=project, external_uid=r.uid[:32],
            name=_clean(r.name, 200) or f"Resource {r.uid}", kind=r.kind,
            max_units=_bounded(r.max_units, _MAX_UNITS), email=r.email[:254],
        )
        for r in resources
    }
    PlanResource.objects.bulk_create(list(objects.values()), batch_size=BATCH)
    if any(r.pk is None for r in objects.values()):
        ids = dict(PlanResource.objects.filter(project=project)
                   .values_list("external_uid", "pk"))
        for uid, r in objects.items():
            r.pk = ids[uid[:32]]
    links = [
        PlanAssignment(
            organization=actor.organization, project=project, task_id=rows[a.task_id].pk,
            resource_id=objects[a.resource_uid].pk, units=_bounded(a.units, _MAX_UNITS),
            work_hours=_bounded(a.work_hours, _MAX_WORK),
        )
        for a in assignments if a.task_id in rows and a.resource_uid in objects
    ]
    PlanAssignment.objects.bulk_create(links, batch_size=BATCH)
    return len(objects), len(links)


def _bounded(value: Decimal, limit: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), limit).quantize(Decimal("0.01"))


# --- the comparison with MS Project's dates ------------------------------------------------------


def _compare(
    summary: ImportSummary, project: Project, network: Any,
    ms_dates: dict[str, MspdiTaskDates], resources: list[Any], assignments: list[Any],
    root: Any,
) -> None:
    """Count the tasks whose recomputed start and finish are MS Project's, and explain the
    others. MS Project writes a finish at the start of the next working day (08:00) when it is
    the end of the previous one; such a finish counts as that previous day."""
    ours = {
        row["external_uid"]: row for row in
        Task.objects.filter(project=project).values("pk", "external_uid", "name", "start",
                                                    "finish")
    }
    calendar = EngineCalendar(network.calendar, around=project.start_date)
    day_start = day_start_time(root)
    differ: dict[str, bool] = {}
    for tid, ms in ms_dates.items():
        if ms.start is None or ms.finish is None or ms.uid not in ours:
            continue
        row = ours[ms.uid]
        ms_start, ms_finish = ms.start.date(), _finish_day(ms, calendar, day_start)
        summary.dates_compared += 1
        same = row["start"] == ms_start and row["finish"] == ms_finish
        differ[tid] = not same
        if same:
            summary.dates_matched += 1
    own_calendars = {r.uid: r.name for r in resources if r.own_calendar}
    resources_of: dict[str, list[str]] = {}
    for a in assignments:
        if a.resource_uid in own_calendars:
            resources_of.setdefault(a.task_id, []).append(own_calendars[a.resource_uid])
    preds: dict[str, list[str]] = {}
    for d in network.dependencies:
        preds.setdefault(d.successor, []).append(d.predecessor)
    children: dict[str, list[str]] = {}
    names = {t.id: t.name for t in network.tasks}
    tasks = {t.id: t for t in network.tasks}
    for t in network.tasks:
        if t.parent is not None:
            children.setdefault(t.parent, []).append(t.id)
    hours_per_day = network.calendar.hours_per_day
    for tid, is_different in differ.items():
        if not is_different:
            continue
        ms = ms_dates[tid]
        row = ours[ms.uid]
        category, detail = _cause(
            tid, ms, tasks[tid], hours_per_day, resources_of, preds, children, differ, names
        )
        summary.mismatches.append(DateMismatch(
            task_id=row["pk"], uid=ms.uid, name=row["name"], ours_start=row["start"],
            ours_finish=row["finish"], ms_start=ms.start.date() if ms.start else None,
            ms_finish=_finish_day(ms, calendar, day_start), category=category,
            explanation=CAUSES[category].format(detail=detail),
        ))


def _cause(
    tid: str, ms: MspdiTaskDates, task: Any, hours_per_day: float,
    resources_of: dict[str, list[str]], preds: dict[str, list[str]],
    children: dict[str, list[str]], differ: dict[str, bool], names: dict[str, str],
) -> tuple[str, str]:
    if ms.manual:
        return "manually_scheduled", ""
    if ms.calendar_uid is not None:
        return "task_calendar", ""
    if tid in resources_of:
        return "resource_calendar", ", ".join(sorted(set(resources_of[tid])))
    days = ms.duration_hours / hours_per_day
    if not ms.summary and abs(days - round(days)) > 1e-6:
        return "fractional_duration", f"{ms.duration_hours:g} h = {days:.2f} days"
    if ms.elapsed_lag:
        return "elapsed_lag", ""
    late = [p for p in preds.get(tid, []) if differ.get(p)]
    if late:
        return "predecessor", ", ".join(repr(names[p]) for p in late)
    kids = [c for c in children.get(tid, []) if differ.get(c)]
    if kids:
        return "summary_rollup", ", ".join(repr(names[c]) for c in kids)
    if task.percent_complete > 0 or task.actual_start is not None:
        return "progress", ""
    return "unexplained", ""


def _finish_day(ms: MspdiTaskDates, calendar: EngineCalendar, day_start: dt.time) -> dt.date | None:
    if ms.finish is None:
        return None
    day = ms.finish.date()
    if ms.start is not None and ms.finish > ms.start and ms.finish.time() <= day_start:
        day -= dt.timedelta(days=1)
        for _ in range(3660):
            if calendar.is_working_day(day):
                break
            day -= dt.timedelta(days=1)
    return day


# --- export ------------------------------------------------------------------------------------


def export_mspdi(*, actor: Actor, project: Project) -> bytes:
    """The project's plan as MSPDI XML, with its calendar, schedule, resources and assignments.

    ``project`` comes from a scoped read; the client role sees no plan."""
    if actor.role == Role.CLIENT:
        raise PermissionDenied("Only the project's staff can export its plan.")
    plan = load_plan(project)
    network = build_network(project, plan)
    resources = list(PlanResource.objects.filter(project=project, kind="work")
                     .order_by("id").values("id", "name", "max_units"))
    network.resources = [
        Resource(id=f"R{r['id']}", name=r["name"], capacity=max(1, round(r["max_units"])))
        for r in resources
    ]
    known = {r.id for r in network.resources}
    by_task = {t.id: t for t in network.tasks}
    for a in PlanAssignment.objects.filter(project=project).values("task_id", "resource_id",
                                                                     "units"):
        rid = f"R{a['resource_id']}"
        task = by_task.get(str(a["task_id"]))
        if task is not None and rid in known and a["units"] > 0:
            task.demands[rid] = task.demands.get(rid, 0) + max(1, round(a["units"]))
    try:
        schedule = critical_path(network)
        return write_mspdi(network, schedule=schedule)
    except EngineError as error:
        raise ValidationError(f"The plan cannot be exported: {error}.",
                              code="schedule_invalid") from None


def export_filename(project: Project) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", project.code).strip("-") or f"project-{project.pk}"
    return f"{safe}.xml"
