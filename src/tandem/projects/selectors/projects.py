"""Reads of projects, charters, teams and scope items, already scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.core.actor import Actor
from tandem.core.scoping import get_scoped, scoped
from tandem.projects.models import (
    Charter,
    Project,
    ProjectMember,
    ScopeItem,
    Task,
    WorkCalendar,
)


def project_list(
    actor: Actor,
    *,
    status: str | None = None,
    client_id: int | None = None,
    manager_id: int | None = None,
    schedule_status: str | None = None,
    search: str = "",
) -> QuerySet[Project]:
    projects = scoped(Project, actor).select_related("client", "manager", "calendar")
    if status:
        projects = projects.filter(status=status)
    if client_id is not None:
        projects = projects.filter(client_id=client_id)
    if manager_id is not None:
        projects = projects.filter(manager_id=manager_id)
    if schedule_status:
        projects = projects.filter(schedule_status=schedule_status)
    if search.strip():
        text = search.strip()
        projects = projects.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(client__name__icontains=text)
        )
    return projects.order_by("code", "id")


def project_get(actor: Actor, project_id: Any) -> Project:
    queryset = scoped(Project, actor).select_related("client", "client__owner", "manager",
                                                     "calendar")
    return get_scoped(queryset, actor, pk=project_id)


def project_counts(project: Project) -> dict[str, int]:
    """Tasks, milestones and open issues of a project, in one query."""
    row = Task.objects.filter(project_id=project.pk, is_summary=False).aggregate(
        n_tasks=Count("id"),
        n_milestones=Count("id", filter=Q(duration=0)),
        n_critical=Count("id", filter=Q(is_critical=True)),
    )
    return {k.removeprefix("n_"): int(v or 0) for k, v in row.items()}


def charter_get(actor: Actor, project: Project) -> Charter:
    return get_scoped(Charter, actor, project_id=project.pk)


def member_list(actor: Actor, project: Project) -> QuerySet[ProjectMember]:
    return (scoped(ProjectMember, actor).filter(project=project).select_related("user")
            .order_by("user__full_name", "user__email", "id"))


def member_get(actor: Actor, member_id: Any) -> ProjectMember:
    queryset = scoped(ProjectMember, actor).select_related("project", "user")
    return get_scoped(queryset, actor, pk=member_id)


def scope_item_list(actor: Actor, project: Project) -> QuerySet[ScopeItem]:
    return (scoped(ScopeItem, actor).filter(project=project).select_related("need")
            .annotate(task_count=Count("tasks", distinct=True),
                      deliverable_count=Count("deliverables", distinct=True))
            .order_by("-in_scope", "id"))


def scope_item_get(actor: Actor, item_id: Any) -> ScopeItem:
    queryset = scoped(ScopeItem, actor).select_related("project", "need")
    return get_scoped(queryset, actor, pk=item_id)


def calendar_list(actor: Actor) -> QuerySet[WorkCalendar]:
    return scoped(WorkCalendar, actor).prefetch_related("exceptions").order_by("-is_default",
                                                                                "name")


def calendar_get(actor: Actor, calendar_id: Any) -> WorkCalendar:
    return get_scoped(WorkCalendar, actor, pk=calendar_id)
