"""Reads the projects API needs beyond the shared selectors: the plan of a project (which a
client's person never sees), tasks with their WBS codes at a fixed number of queries, scope items
with their counts, the needs a charter serves, and working-day differences."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.core.actor import Actor
from tandem.core.errors import NotFound
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped, scoped
from tandem.engine import WorkCalendar as EngineCalendar
from tandem.projects.models import Project, ScopeItem, Task
from tandem.projects.scheduling import project_calendar_spec
from tandem.projects.selectors.plan import outline_levels, task_get, wbs_codes
from tandem.projects.selectors.projects import project_get


def plan_project_get(actor: Actor, project_id: Any) -> Project:
    """A project whose plan, team and charter the actor may read: a client's person sees a
    project's overview and deliverables only, so for them the plan does not exist."""
    if actor.role == Role.CLIENT:
        raise NotFound("Project not found.")
    return project_get(actor, project_id)


class WbsRows:
    """A project's tasks in WBS order, each with ``wbs`` and ``outline_level`` set, sliced by
    the paginator: the outline (ids and parents) is read once, and counts the rows; a page is one
    more query."""

    def __init__(self, queryset: QuerySet[Task], outline: list[tuple[int, int | None]]) -> None:
        self.queryset = queryset
        self.codes = wbs_codes(outline)
        self.levels = outline_levels(outline)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, window: slice) -> list[Task]:
        rows = list(self.queryset[window])
        for task in rows:
            task.wbs = self.codes[task.pk]  # type: ignore[attr-defined]
            task.outline_level = self.levels[task.pk]  # type: ignore[attr-defined]
        return rows


def _outline(project_id: int) -> list[tuple[int, int | None]]:
    return list(Task.objects.filter(project_id=project_id).order_by("sequence")
                .values_list("id", "parent_id"))


def task_rows(actor: Actor, project: Project) -> WbsRows:
    queryset = (scoped(Task, actor).filter(project=project).select_related("assignee")
                .order_by("sequence"))
    return WbsRows(queryset, _outline(project.pk))


def task_detail(actor: Actor, task_id: Any) -> Task:
    """One task in the actor's reach, with its WBS code and outline level (two queries)."""
    task = task_get(actor, task_id)
    return with_wbs(task)


def with_wbs(task: Task) -> Task:
    outline = _outline(task.project_id)
    task.wbs = wbs_codes(outline)[task.pk]  # type: ignore[attr-defined]
    task.outline_level = outline_levels(outline)[task.pk]  # type: ignore[attr-defined]
    return task


def project_counts(project: Project) -> dict[str, int]:
    """Tasks (not summaries), milestones and critical tasks of a project, in one query.

    (``selectors.projects.project_counts`` names its aggregate ``tasks`` like the relation it
    filters on, which Django refuses; this one uses other names.)"""
    row = Task.objects.filter(project_id=project.pk, is_summary=False).aggregate(
        n_tasks=Count("id"),
        n_milestones=Count("id", filter=Q(duration=0)),
        n_critical=Count("id", filter=Q(is_critical=True)),
    )
    return {"tasks": int(row["n_tasks"] or 0), "milestones": int(row["n_milestones"] or 0),
            "critical": int(row["n_critical"] or 0)}


def scope_items(actor: Actor) -> QuerySet[ScopeItem]:
    return (scoped(ScopeItem, actor).select_related("project", "project__client", "need")
            .annotate(task_count=Count("tasks", distinct=True),
                      deliverable_count=Count("deliverables", distinct=True)))


def scope_item_detail(actor: Actor, item_id: Any) -> ScopeItem:
    return get_scoped(scope_items(actor), actor, pk=item_id)


def charter_needs(actor: Actor, project: Project) -> list[dict[str, Any]]:
    """The client's needs the project serves: its scope items that name a need."""
    rows = (scoped(ScopeItem, actor).filter(project=project, need__isnull=False)
            .order_by("id").values("id", "need_id", "need__title", "in_scope"))
    return [{"scope_item_id": r["id"], "need_id": r["need_id"], "title": r["need__title"],
             "in_scope": r["in_scope"]} for r in rows]


def working_days_between(project: Project, later: dt.date | None,
                         earlier: dt.date | None) -> int | None:
    """Working days of the project's calendar from ``earlier`` to ``later`` (negative when
    ``later`` is before), or None when either is missing."""
    if later is None or earlier is None:
        return None
    calendar = EngineCalendar(project_calendar_spec(project), around=project.start_date)
    return calendar.index_of(later) - calendar.index_of(earlier)
