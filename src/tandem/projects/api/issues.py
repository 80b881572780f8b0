"""API of the project issue log, and the escalation of a client issue into it (hand-off 4).

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.pagination import PageNumber
from tandem.projects.models import IssuePriority, ProjectIssueStatus
from tandem.projects.schemas_issues import (
    EscalateIn,
    ProjectIssueCreate,
    ProjectIssueOut,
    ProjectIssuePatch,
    ProjectIssueTransition,
)
from tandem.projects.selectors import issues as selectors
from tandem.projects.services import issues as services

router = Router(tags=["projects"])


@router.get("/projects/{project_id}/issues", response={200: list[ProjectIssueOut], **ERRORS})
@paginate(PageNumber)
def list_issues(
    request: HttpRequest,
    project_id: int,
    status: ProjectIssueStatus | None = None,
    priority: IssuePriority | None = None,
    owner: int | None = Query(None, ge=1, le=2**63 - 1),
) -> object:
    actor = actor_of(request)
    project = selectors.project_for_issues(actor, project_id)
    return selectors.issue_list(actor, project=project, status=status or "",
                                priority=priority or "", owner_id=owner)


@router.post("/projects/{project_id}/issues", response={201: ProjectIssueOut, **ERRORS})
def create_issue(request: HttpRequest, project_id: int,
                 body: ProjectIssueCreate) -> Status[object]:
    actor = actor_of(request)
    project = selectors.project_for_issues(actor, project_id)
    issue = services.project_issue_create(actor=actor, project=project, **body.model_dump())
    return Status(201, selectors.issue_get(actor, issue.pk))


@router.get("/project-issues/{issue_id}", response={200: ProjectIssueOut, **ERRORS})
def issue_detail(request: HttpRequest, issue_id: int) -> object:
    return selectors.issue_get(actor_of(request), issue_id)


@router.patch("/project-issues/{issue_id}", response={200: ProjectIssueOut, **ERRORS})
def update_issue(request: HttpRequest, issue_id: int, body: ProjectIssuePatch) -> object:
    actor = actor_of(request)
    issue = selectors.issue_get(actor, issue_id)
    changes = body.model_dump(exclude={"version"}, exclude_unset=True)
    services.project_issue_update(actor=actor, issue=issue, expected_version=body.version,
                                  changes=changes)
    return selectors.issue_get(actor, issue_id)


@router.post("/project-issues/{issue_id}/transition", response={200: ProjectIssueOut, **ERRORS})
def transition_issue(request: HttpRequest, issue_id: int,
                     body: ProjectIssueTransition) -> object:
    actor = actor_of(request)
    issue = selectors.issue_get(actor, issue_id)
    services.project_issue_transition(actor=actor, issue=issue, expected_version=body.version,
                                      to_status=body.to_status, resolution=body.resolution)
    return selectors.issue_get(actor, issue_id)


@router.post("/client-issues/{issue_id}/escalate", response={201: ProjectIssueOut, **ERRORS})
def escalate_issue(request: HttpRequest, issue_id: int, body: EscalateIn) -> Status[object]:
    """Open a project issue from a client issue, linked to it (once per client issue)."""
    actor = actor_of(request)
    client_issue = selectors.client_issue_get(actor, issue_id)
    project = selectors.escalation_project(actor, client_issue, body.project_id)
    issue = services.escalate_client_issue(
        actor=actor, client_issue=client_issue, project=project, title=body.title,
        description=body.description, priority=body.priority, owner_id=body.owner_id,
        due_date=body.due_date,
    )
    return Status(201, selectors.issue_get(actor, issue.pk))
