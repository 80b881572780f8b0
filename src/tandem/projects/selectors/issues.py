"""Reads of the project issue log, from the scoping door, with the joins its pages and endpoints
need (a fixed number of queries whatever the number of rows)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tandem.clients.models import ClientIssue
from tandem.core.actor import Actor
from tandem.core.errors import NotFound, ValidationError
from tandem.core.models import Membership, User
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped, scoped
from tandem.projects.access import SEES_EVERY_PROJECT
from tandem.projects.models import (
    OPEN_PROJECT_STATUSES,
    Project,
    ProjectIssue,
    ProjectIssueStatus,
    ProjectMember,
)

ISSUE_JOINS = ("project", "project__client", "project__client__owner", "project__manager",
               "owner", "raised_by", "client_issue")
OPEN = (ProjectIssueStatus.OPEN, ProjectIssueStatus.IN_PROGRESS)


def issue_list(
    actor: Actor,
    *,
    project: Project | None = None,
    status: str = "",
    open_only: bool = False,
    priority: str = "",
    owner_id: int | None = None,
) -> QuerySet[ProjectIssue]:
    issues = scoped(ProjectIssue, actor).select_related(*ISSUE_JOINS)
    if project is not None:
        issues = issues.filter(project=project)
    if status:
        issues = issues.filter(status=status)
    if open_only:
        issues = issues.filter(status__in=OPEN)
    if priority:
        issues = issues.filter(priority=priority)
    if owner_id is not None:
        issues = issues.filter(owner_id=owner_id)
    return issues.order_by("-created_at", "-id")


def project_for_issues(actor: Actor, project_id: Any) -> Project:
    """A project whose issue log the actor may read (a client's people never do)."""
    if actor.role == Role.CLIENT:
        raise NotFound("Project not found.")
    queryset = scoped(Project, actor).select_related("client", "client__owner", "manager")
    return get_scoped(queryset, actor, pk=project_id)


def issue_get(actor: Actor, issue_id: Any, project_id: Any | None = None) -> ProjectIssue:
    queryset = scoped(ProjectIssue, actor).select_related(*ISSUE_JOINS)
    if project_id is not None:
        return get_scoped(queryset, actor, pk=issue_id, project_id=project_id)
    return get_scoped(queryset, actor, pk=issue_id)


def client_issue_get(actor: Actor, client_issue_id: Any) -> ClientIssue:
    queryset = scoped(ClientIssue, actor).select_related("client", "client__owner")
    return get_scoped(queryset, actor, pk=client_issue_id)


def escalation_of(actor: Actor, client_issue: ClientIssue) -> ProjectIssue | None:
    """The project issue a client issue was escalated to, if the actor may see it."""
    return issue_list(actor).filter(client_issue=client_issue).first()


def was_escalated(client_issue: ClientIssue) -> bool:
    """Whether the client issue was escalated, even to a project issue the actor cannot see (the
    page then says so without showing it)."""
    return ProjectIssue.objects.filter(client_issue_id=client_issue.pk).exists()


def escalation_project(actor: Actor, client_issue: ClientIssue, project_id: Any) -> Project:
    """The project named to escalate to: one the actor sees (else a validation error; the
    service checks it is the client's)."""
    queryset = scoped(Project, actor).select_related("client", "manager")
    try:
        return get_scoped(queryset, actor, pk=project_id)
    except NotFound:
        raise ValidationError("Unknown project.", field="project_id") from None


def escalation_projects(actor: Actor, client_issue: ClientIssue) -> QuerySet[Project]:
    """The client's open projects the actor sees, to escalate to."""
    return (scoped(Project, actor).filter(client_id=client_issue.client_id,
                                          status__in=OPEN_PROJECT_STATUSES)
            .order_by("code", "id"))


def owner_choices(actor: Actor, project: Project) -> QuerySet[User]:
    """Active staff who can see the project, and so can own its issues: its manager and team,
    the client's account manager, and the roles that see every project."""
    team = ProjectMember.objects.filter(project=project).values("user_id")
    reach = (Q(role__in=list(SEES_EVERY_PROJECT)) | Q(user_id=project.manager_id)
             | Q(user_id__in=team))
    if project.client is not None and project.client.owner_id is not None:
        reach |= Q(user_id=project.client.owner_id, role=Role.ACCOUNT_MANAGER)
    memberships = (scoped(Membership, actor).filter(reach, is_active=True, user__is_active=True)
                   .exclude(role=Role.CLIENT))
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name",
                                                                               "email")
