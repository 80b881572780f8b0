"""The thin adapter between the plan's rows and the engine: build a ``Network`` from a project's
tasks and dependencies (a few ``values()`` queries, no model instances), run the critical path,
and write back only the rows whose schedule changed, in one statement executed for many rows.

Services call :func:`reschedule` inside the transaction of the change that caused it, so a plan
is never stored with stale dates. On a 5,000-task plan the whole round trip stays well under half
a second (``tandem bench gantt`` measures it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from tandem.core.errors import ValidationError
from tandem.engine import (
    CalendarSpec,
    ConstraintType,
    CpmResult,
    CycleError,
    Dependency,
    DependencyType,
    EngineError,
    Network,
    Task,
    critical_path,
)
from tandem.projects.models import (
    Baseline,
    BaselineTask,
    CalendarException,
    Project,
    ScheduleStatus,
    WorkCalendar,
)
from tandem.projects.models import Dependency as DependencyRow
from tandem.projects.models import Task as TaskRow

# The schedule columns rescheduling owns, in the order of the UPDATE statement. A summary's
# duration and % complete are rolled up from its tasks (as in Microsoft Project), so they are
# written here too; other rows keep their own.
SCHEDULE_COLUMNS = (
    "start", "finish", "early_start", "early_finish", "late_start", "late_finish",
    "total_float", "free_float", "is_critical", "is_summary", "duration", "percent_complete",
)
_TASK_INPUTS = (
    "id", "parent_id", "name", "constraint_type", "constraint_date", "actual_start",
    "actual_finish", "optimistic", "most_likely", "pessimistic", *SCHEDULE_COLUMNS,
)
# A milestone slipping past its baseline by more than this many working days makes a project late.
LATE_SLIP_DAYS = 5
# Less float than this (working days) left before the target finish puts a project at risk.
AT_RISK_FLOAT_DAYS = 5


def calendar_spec(calendar: WorkCalendar, exceptions: list[tuple[dt.date, bool]]) -> CalendarSpec:
    return CalendarSpec(
        weekdays=calendar.weekday_list,
        hours_per_day=float(calendar.hours_per_day),
        country=calendar.country or None,
        subdivision=calendar.subdivision or None,
        days_off=tuple(sorted(day for day, working in exceptions if not working)),
        working_days=tuple(sorted(day for day, working in exceptions if working)),
        name=calendar.name,
    )


def project_calendar_spec(project: Project) -> CalendarSpec:
    exceptions = list(
        CalendarException.objects.filter(calendar_id=project.calendar_id).values_list(
            "day", "working"
        )
    )
    return calendar_spec(project.calendar, exceptions)


@dataclass
class PlanRows:
    """A project's plan as plain rows, as read for scheduling."""

    tasks: list[dict[str, Any]]
    dependencies: list[dict[str, Any]]
    summary_ids: set[int] = field(default_factory=set)


def load_plan(project: Project) -> PlanRows:
    tasks = list(TaskRow.objects.filter(project_id=project.pk).order_by("sequence")
                 .values(*_TASK_INPUTS))
    deps: list[dict[str, Any]] = [
        dict(d) for d in DependencyRow.objects.filter(project_id=project.pk)
        .values("predecessor_id", "successor_id", "type", "lag")
    ]
    summary = {t["parent_id"] for t in tasks if t["parent_id"] is not None}
    return PlanRows(tasks, deps, summary)


def build_network(project: Project, plan: PlanRows, spec: CalendarSpec | None = None) -> Network:
    tasks = [
        Task(
            id=str(t["id"]),
            name=t["name"],
            duration=int(t["duration"]),
            parent=None if t["parent_id"] is None else str(t["parent_id"]),
            constraint=ConstraintType(t["constraint_type"]),
            constraint_date=t["constraint_date"],
            actual_start=t["actual_start"],
            actual_finish=t["actual_finish"],
            percent_complete=float(t["percent_complete"]),
            optimistic=_float(t["optimistic"]),
            most_likely=_float(t["most_likely"]),
            pessimistic=_float(t["pessimistic"]),
        )
        for t in plan.tasks
    ]
    deps = [
        Dependency(str(d["predecessor_id"]), str(d["successor_id"]), DependencyType(d["type"]),
                   int(d["lag"]))
        for d in plan.dependencies
    ]
    return Network(
        tasks=tasks,
        dependencies=deps,
        calendar=spec or project_calendar_spec(project),
        start=project.start_date,
        status_date=project.status_date,
        name=project.name,
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass
class ScheduleOutcome:
    result: CpmResult
    changed_rows: int
    status: str
    reasons: list[str]
    seconds: float = 0.0


def reschedule(project: Project, *, now: dt.datetime | None = None) -> ScheduleOutcome:
    """Recompute the project's schedule with the engine and store what changed.

    Must run inside the caller's transaction. An impossible plan (a dependency cycle, a bad
    constraint) raises ``ValidationError`` naming the problem, so the caller's change rolls back.
    """
    plan = load_plan(project)
    network = build_network(project, plan)
    try:
        result = critical_path(network)
    except CycleError as exc:
        names = {str(t["id"]): t["name"] for t in plan.tasks}
        chain = " → ".join(names.get(i, i) for i in [*exc.tasks, exc.tasks[0]])
        raise ValidationError(f"These dependencies would form a loop: {chain}.",
                              code="dependency_cycle") from exc
    except EngineError as exc:
        raise ValidationError(f"The plan cannot be scheduled: {exc}.",
                              code="schedule_invalid") from exc
    changed = _write_schedule(plan, result)
    status, reasons = schedule_status(project, plan, result)
    finish = result.finish if plan.tasks else None
    stamp = now or timezone.now()
    if status != project.schedule_status and project.client_id is not None:
        health_later(project.client_id)  # the client's health has a schedule factor
    Project.objects.filter(pk=project.pk).update(
        finish_date=finish, schedule_status=status, schedule_reasons=reasons, scheduled_at=stamp
    )
    project.finish_date, project.schedule_status = finish, status
    project.schedule_reasons, project.scheduled_at = reasons, stamp
    return ScheduleOutcome(result, changed, status, reasons)


def health_later(client_id: int) -> None:
    """Recompute the client's health once the change is committed (never on a rollback)."""
    from django.db import transaction

    from tandem.clients.tasks import recompute_health

    transaction.on_commit(lambda: recompute_health.delay(client_id))


def rolled_up_progress(plan: PlanRows, result: CpmResult) -> dict[int, tuple[int, int]]:
    """``{summary id: (duration, % complete)}``: the working days its tasks span, and their
    % complete weighted by duration (a plain average when they are all milestones)."""
    totals: dict[int, list[float]] = {i: [0.0, 0.0, 0.0, 0.0] for i in plan.summary_ids}
    for t in reversed(plan.tasks):  # children come after their parent in WBS order
        if t["id"] in plan.summary_ids:
            weighted, weight, plain, count = totals[t["id"]]
        else:
            weight = float(t["duration"])
            weighted, plain, count = weight * t["percent_complete"], t["percent_complete"], 1
        if t["parent_id"] is not None:
            acc = totals[t["parent_id"]]
            acc[0] += weighted
            acc[1] += weight
            acc[2] += plain
            acc[3] += count
    rolled = {}
    for task_id, (weighted, weight, plain, count) in totals.items():
        s = result.tasks[str(task_id)]
        percent = weighted / weight if weight else (plain / count if count else 0.0)
        rolled[task_id] = (max(0, s.ef - s.es), min(100, int(percent + 0.5)))
    return rolled


def _write_schedule(plan: PlanRows, result: CpmResult) -> int:
    rows = []
    rolled = rolled_up_progress(plan, result)
    for t in plan.tasks:
        s = result.tasks[str(t["id"])]
        duration, percent = rolled.get(t["id"], (t["duration"], t["percent_complete"]))
        new = (s.start, s.finish, s.early_start, s.early_finish, s.late_start, s.late_finish,
               s.total_float, s.free_float, s.critical, t["id"] in plan.summary_ids, duration,
               percent)
        old = tuple(t[c] for c in SCHEDULE_COLUMNS)
        if new != old:
            rows.append((*new, t["id"]))
    if rows:
        if connection.vendor == "postgresql":
            _copy_update(rows)
        else:
            table = TaskRow._meta.db_table
            quote = connection.ops.quote_name
            assignments = ", ".join(f"{quote(c)} = %s" for c in SCHEDULE_COLUMNS)
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                                   rows)
    return len(rows)


_STAGING = "tandem_schedule_rows_v2"  # a new name whenever the columns change
_STAGING_COLUMNS = (
    "start date, finish date, early_start date, early_finish date, late_start date, "
    "late_finish date, total_float integer, free_float integer, is_critical boolean, "
    "is_summary boolean, duration integer, percent_complete smallint, id bigint"
)


def _copy_update(rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY the new schedules into a session's temporary table and update the tasks
    from it in one statement. Measured on 5,000 rows: about 0.1 s, against 0.25 s for a pipelined
    statement per row (whose cost is mostly building 5,000 statements in Python). With no
    schedule column indexed and free space in the table's pages (migration 0002), PostgreSQL
    updates the rows in place without touching any index."""
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in SCHEDULE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} ({_STAGING_COLUMNS}) "
                       "ON COMMIT DELETE ROWS")
        cursor.execute(f"TRUNCATE {_STAGING}")  # earlier reschedules of this transaction
        with cursor.cursor.copy(f"COPY {_STAGING} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"UPDATE {TaskRow._meta.db_table} AS t SET {sets} "  # noqa: S608
                       f"FROM {_STAGING} AS s WHERE t.id = s.id")


def schedule_status(
    project: Project, plan: PlanRows, result: CpmResult
) -> tuple[str, list[str]]:
    """On track, at risk or late, with the reasons, from float and milestone slippage against
    the first baseline. Reasons are stable codes with figures, rendered by the pages."""
    if not plan.tasks:
        return ScheduleStatus.ON_TRACK, []
    late: list[str] = []
    risk: list[str] = []
    open_tasks = [t for t in plan.tasks
                  if t["actual_finish"] is None and t["percent_complete"] < 100]
    negative = [t for t in open_tasks if result.tasks[str(t["id"])].total_float < 0]
    if negative:
        late.append(f"negative_float:{len(negative)}")
    if project.target_finish and result.finish and result.finish > project.target_finish:
        late.append(f"finish_after_target:{(result.finish - project.target_finish).days}")
    elif project.target_finish and result.finish and result.calendar is not None:
        cal = result.calendar
        room = cal.index_of(project.target_finish) - cal.index_of(result.finish)
        if room < AT_RISK_FLOAT_DAYS:
            risk.append(f"little_float_to_target:{room}")
    slip = _milestone_slip(project, plan, result)
    if slip > LATE_SLIP_DAYS:
        late.append(f"milestone_slip:{slip}")
    elif slip > 0:
        risk.append(f"milestone_slip:{slip}")
    today = project.status_date or timezone.localdate()
    overdue = [
        t for t in open_tasks
        if t["duration"] == 0 and t["id"] not in plan.summary_ids
        and (f := result.tasks[str(t["id"])].finish) is not None and f < today
    ]
    if overdue:
        late.append(f"milestones_overdue:{len(overdue)}")
    if late:
        return ScheduleStatus.LATE, late + risk
    if risk:
        return ScheduleStatus.AT_RISK, risk
    return ScheduleStatus.ON_TRACK, []


def _milestone_slip(project: Project, plan: PlanRows, result: CpmResult) -> int:
    """The largest slippage, in working days, of an open milestone's finish past its finish in
    the project's first baseline (0 without a baseline)."""
    baseline = Baseline.objects.filter(project_id=project.pk).order_by("number").first()
    if baseline is None or result.calendar is None:
        return 0
    milestones = {
        t["id"] for t in plan.tasks
        if t["duration"] == 0 and t["id"] not in plan.summary_ids and t["actual_finish"] is None
    }
    planned = BaselineTask.objects.filter(baseline=baseline, task_id__in=milestones).values_list(
        "task_id", "finish"
    )
    cal = result.calendar
    worst = 0
    for task_id, finish in planned:
        now = result.tasks[str(task_id)].finish
        if finish is not None and now is not None and now > finish:
            worst = max(worst, cal.index_of(now) - cal.index_of(finish))
    return worst
