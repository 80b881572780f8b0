"""Reads of the plan: tasks in WBS order with their WBS codes, dependencies, baselines and the
comparison of the current schedule with a baseline. Each costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tandem.core.actor import Actor
from tandem.core.errors import NotFound
from tandem.core.scoping import get_scoped, scoped
from tandem.engine import WorkCalendar as EngineCalendar
from tandem.projects.models import Baseline, BaselineTask, Dependency, Project, Task
from tandem.projects.scheduling import project_calendar_spec


def task_list(actor: Actor, project: Project) -> QuerySet[Task]:
    return (scoped(Task, actor).filter(project=project).select_related("assignee")
            .order_by("sequence"))


def task_get(actor: Actor, task_id: Any) -> Task:
    queryset = scoped(Task, actor).select_related("project", "project__client", "assignee")
    return get_scoped(queryset, actor, pk=task_id)


def wbs_codes(rows: Iterable[tuple[int, int | None]]) -> dict[int, str]:
    """WBS codes ("1", "1.2", "1.2.3") of ``(id, parent_id)`` rows given in WBS order."""
    codes: dict[int, str] = {}
    children: dict[int | None, int] = {}
    for task_id, parent_id in rows:
        children[parent_id] = children.get(parent_id, 0) + 1
        prefix = codes.get(parent_id, "") if parent_id is not None else ""
        codes[task_id] = f"{prefix}.{children[parent_id]}" if prefix else str(children[parent_id])
    return codes


def outline_levels(rows: Iterable[tuple[int, int | None]]) -> dict[int, int]:
    """Indentation (1 = top level) of ``(id, parent_id)`` rows given in WBS order."""
    levels: dict[int, int] = {}
    for task_id, parent_id in rows:
        levels[task_id] = 1 if parent_id is None else levels.get(parent_id, 0) + 1
    return levels


def dependency_list(actor: Actor, project: Project) -> QuerySet[Dependency]:
    return (scoped(Dependency, actor).filter(project=project)
            .select_related("predecessor", "successor").order_by("id"))


def dependency_get(actor: Actor, dependency_id: Any) -> Dependency:
    queryset = scoped(Dependency, actor).select_related("project", "project__client")
    return get_scoped(queryset, actor, pk=dependency_id)


def baseline_list(actor: Actor, project: Project) -> QuerySet[Baseline]:
    return (scoped(Baseline, actor).filter(project=project).select_related("saved_by")
            .order_by("number"))


def baseline_get(actor: Actor, baseline_id: Any) -> Baseline:
    queryset = scoped(Baseline, actor).select_related("project", "project__client")
    return get_scoped(queryset, actor, pk=baseline_id)


@dataclass
class Variance:
    """One task of the current plan against a baseline; variances in working days (positive =
    later or longer than planned), ``None`` when the task is not in the baseline."""

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
    baseline_duration: int | None
    start_variance: int | None
    finish_variance: int | None
    duration_variance: int | None


def baseline_compare(
    actor: Actor, project: Project, number: int
) -> tuple[Baseline, list[Variance]]:
    """Every task of ``project`` beside its row in baseline ``number`` (three queries)."""
    baseline = scoped(Baseline, actor).filter(project=project, number=number).first()
    if baseline is None:
        raise NotFound("Baseline not found.")
    tasks = list(scoped(Task, actor).filter(project=project).order_by("sequence").values_list(
        "id", "parent_id", "name", "is_summary", "start", "finish", "duration"))
    saved = {
        row[0]: row[1:]
        for row in BaselineTask.objects.filter(baseline=baseline).values_list(
            "task_id", "start", "finish", "duration")
    }
    codes = wbs_codes((t[0], t[1]) for t in tasks)
    calendar = EngineCalendar(project_calendar_spec(project), around=project.start_date)

    def days(later: dt.date | None, earlier: dt.date | None) -> int | None:
        if later is None or earlier is None:
            return None
        return calendar.index_of(later) - calendar.index_of(earlier)

    rows = []
    for task_id, _parent, name, summary, start, finish, duration in tasks:
        b_start, b_finish, b_duration = saved.get(task_id, (None, None, None))
        rows.append(Variance(
            task_id, codes[task_id], name, summary, duration == 0 and not summary, start, finish,
            duration, b_start, b_finish, b_duration, days(start, b_start),
            days(finish, b_finish),
            None if b_duration is None else duration - b_duration,
        ))
    return baseline, rows
