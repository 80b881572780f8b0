"""Who sees and changes what on the PM side.

Reading (the scope rules): admins, executives and finance see every project; a project manager
sees the projects they manage or are on; a team member the projects they are on; an account
manager the projects of the clients they own; a client's person sees their own client's projects
and deliverables only (for acceptance), nothing of the plan.

Changing: administrators and the project's manager edit a project and its plan; a team member
updates the progress of the tasks assigned to them; deliverables are accepted or rejected by the
client's account manager, an administrator, or the client's person.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tandem.clients.access import register_project_reach
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied
from tandem.core.roles import Role
from tandem.core.scoping import scope_rule
from tandem.projects.models import (
    Baseline,
    BaselineTask,
    CalendarException,
    CalendarFeed,
    Charter,
    Deliverable,
    DeliverableEvent,
    Dependency,
    PlanAssignment,
    PlanResource,
    Project,
    ProjectIssue,
    ProjectMember,
    ScopeItem,
    Task,
    WorkCalendar,
)

SEES_EVERY_PROJECT = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.FINANCE})
CREATES_PROJECTS = frozenset({Role.ADMIN, Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER})


def narrow_projects(projects: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    role = actor.role
    if role in SEES_EVERY_PROJECT:
        return projects
    if role == Role.ACCOUNT_MANAGER:
        return projects.filter(client__owner_id=actor.user_id)
    if role == Role.CLIENT:
        return projects.filter(client_id=actor.client_id) if actor.client_id else projects.none()
    if actor.user_id is None:
        return projects.none()
    on_team = ProjectMember.objects.filter(
        organization_id=actor.organization.pk, user_id=actor.user_id
    ).values("project_id")
    if role == Role.PROJECT_MANAGER:
        return projects.filter(Q(manager_id=actor.user_id) | Q(pk__in=on_team))
    if role == Role.MEMBER:
        return projects.filter(pk__in=on_team)
    return projects.none()


def visible_projects(actor: Actor) -> QuerySet[Any]:
    return narrow_projects(Project.objects.filter(organization_id=actor.organization.pk), actor)


@scope_rule(Project)
def projects_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return narrow_projects(queryset, actor)


def _plan_rule(model: type[Any], via: str = "project") -> None:
    @scope_rule(model)
    def rule(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
        if actor.role == Role.CLIENT:
            return queryset.none()
        if actor.role in SEES_EVERY_PROJECT:
            return queryset
        return queryset.filter(**{f"{via}__in": visible_projects(actor).values("pk")})


for _model in (Charter, ScopeItem, ProjectMember, Task, Dependency, Baseline, ProjectIssue,
               PlanResource, PlanAssignment):
    _plan_rule(_model)
_plan_rule(BaselineTask, via="baseline__project")


@scope_rule(Deliverable)
def deliverables_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    if actor.role in SEES_EVERY_PROJECT:
        return queryset
    return queryset.filter(project__in=visible_projects(actor).values("pk"))


@scope_rule(DeliverableEvent)
def deliverable_events_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    if actor.role in SEES_EVERY_PROJECT:
        return queryset
    return queryset.filter(deliverable__project__in=visible_projects(actor).values("pk"))


@scope_rule(WorkCalendar)
def calendars_for_staff(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.none() if actor.role == Role.CLIENT else queryset


@scope_rule(CalendarException)
def calendar_exceptions_for_staff(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.none() if actor.role == Role.CLIENT else queryset


@scope_rule(CalendarFeed)
def own_feed(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.filter(user_id=actor.user_id)


@register_project_reach
def clients_of_my_projects(actor: Actor) -> QuerySet[Any]:
    """The clients a PM or member reaches through their projects (for the clients app)."""
    return visible_projects(actor).exclude(client=None).values("client_id")


# -- changing ---------------------------------------------------------------------------------


def can_create_project(actor: Actor) -> bool:
    return actor.role in CREATES_PROJECTS


def ensure_can_create_project(actor: Actor) -> None:
    if not can_create_project(actor):
        raise PermissionDenied("Only project managers, account managers and administrators "
                               "can create projects.")


def can_edit_project(actor: Actor, project: Project) -> bool:
    """Administrators and the project's manager."""
    return actor.is_admin or (
        actor.role == Role.PROJECT_MANAGER and project.manager_id == actor.user_id
    )


def ensure_can_edit_project(actor: Actor, project: Project) -> None:
    if not can_edit_project(actor, project):
        raise PermissionDenied("Only the project's manager or an administrator can change "
                               "this project.")


def can_update_progress(actor: Actor, task: Task, project: Project) -> bool:
    """The project's editors, and the person the task is assigned to."""
    if can_edit_project(actor, project):
        return True
    return actor.user_id is not None and task.assignee_id == actor.user_id


def ensure_can_update_progress(actor: Actor, task: Task, project: Project) -> None:
    if not can_update_progress(actor, task, project):
        raise PermissionDenied("Only the task's assignee or the project's manager can update "
                               "its progress.")


def can_decide_acceptance(actor: Actor, project: Project) -> bool:
    """The client decides; their account manager or an administrator records it for them."""
    if actor.is_admin:
        return True
    if project.client_id is None:
        return can_edit_project(actor, project)
    if actor.role == Role.CLIENT:
        return actor.client_id == project.client_id
    if actor.role == Role.ACCOUNT_MANAGER:
        return project.client is not None and project.client.owner_id == actor.user_id
    return False


def ensure_can_decide_acceptance(actor: Actor, project: Project) -> None:
    if not can_decide_acceptance(actor, project):
        raise PermissionDenied("Only the client, their account manager or an administrator can "
                               "accept or reject a deliverable.")


def can_escalate_client_issue(actor: Actor) -> bool:
    return actor.role in {Role.ADMIN, Role.ACCOUNT_MANAGER}


def can_manage_calendars(actor: Actor) -> bool:
    return actor.is_admin
