"""API of the AM side: client issues, their transitions, comments and timeline.

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""

from django.http import HttpRequest
from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from tandem.clients import selectors_activity as selectors
from tandem.clients.models import IssueStatus, Severity
from tandem.clients.schemas_activity import (
    IssueCommentIn,
    IssueCreate,
    IssueEventOut,
    IssueOut,
    IssuePatch,
    IssueTransition,
)
from tandem.clients.services import issues as services
from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import PageNumber

router = Router(tags=["issues"])


@router.get("/client-issues", response={200: list[IssueOut], **ERRORS})
@paginate(PageNumber)
def list_issues(
    request: HttpRequest,
    client: int | None = Query(None, ge=1, le=2**63 - 1),
    status: IssueStatus | None = None,
    severity: Severity | None = None,
    breached: bool | None = None,
) -> object:
    return selectors.issue_list(actor_of(request), client_id=client, status=status or "",
                                severity=severity or "", breached=breached)


@router.post("/client-issues", response={201: IssueOut, **ERRORS})
def open_issue(
    request: HttpRequest,
    body: IssueCreate,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    ),
) -> Status[object]:
    actor = actor_of(request)

    def create() -> tuple[int, object]:
        client = selectors.client_with_detail(actor, body.client_id)
        issue = services.issue_open(
            actor=actor, client=client, title=body.title, description=body.description,
            severity=body.severity, channel=body.channel, raised_by_id=body.raised_by_id,
            owner_id=body.owner_id, opened_at=body.opened_at, project_ref=body.project_ref,
        )
        return 201, IssueOut.from_orm(selectors.issue_get(actor, issue.pk)).model_dump(
            mode="json")

    status, response = run_once(actor=actor, endpoint="POST /client-issues",
                                key=idempotency_key, payload=body.model_dump(mode="json"),
                                create=create)
    return Status(status, response)


@router.get("/client-issues/{issue_id}", response={200: IssueOut, **ERRORS})
def issue_detail(request: HttpRequest, issue_id: int) -> object:
    return selectors.issue_get(actor_of(request), issue_id)


@router.patch("/client-issues/{issue_id}", response={200: IssueOut, **ERRORS})
def update_issue(request: HttpRequest, issue_id: int, body: IssuePatch) -> object:
    actor = actor_of(request)
    issue = selectors.issue_get(actor, issue_id)
    changes = body.model_dump(exclude={"version"}, exclude_unset=True)
    services.issue_update(actor=actor, issue=issue, expected_version=body.version, **changes)
    return selectors.issue_get(actor, issue_id)


@router.post("/client-issues/{issue_id}/transition", response={200: IssueOut, **ERRORS})
def transition_issue(request: HttpRequest, issue_id: int, body: IssueTransition) -> object:
    actor = actor_of(request)
    issue = selectors.issue_get(actor, issue_id)
    services.issue_transition(actor=actor, issue=issue, to_status=body.to_status,
                              expected_version=body.version, note=body.note, at=body.at)
    return selectors.issue_get(actor, issue_id)


@router.post("/client-issues/{issue_id}/comments", response={201: IssueEventOut, **ERRORS})
def comment_issue(request: HttpRequest, issue_id: int, body: IssueCommentIn) -> Status[object]:
    actor = actor_of(request)
    issue = selectors.issue_get(actor, issue_id)
    event = services.issue_comment(actor=actor, issue=issue, note=body.note)
    return Status(201, event)


@router.get("/client-issues/{issue_id}/timeline", response={200: list[IssueEventOut], **ERRORS})
@paginate(PageNumber)
def issue_timeline(request: HttpRequest, issue_id: int) -> object:
    actor = actor_of(request)
    return selectors.issue_timeline(actor, selectors.issue_get(actor, issue_id))
