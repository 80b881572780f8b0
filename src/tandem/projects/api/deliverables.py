"""API of deliverables and their acceptance: plan them (PM), submit them for acceptance, accept
or reject them with a reason (the client, their AM or an administrator), reopen an accepted one
(an administrator), and read their history.

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.pagination import PageNumber
from tandem.projects.models import DeliverableStatus
from tandem.projects.schemas_deliverables import (
    DeliverableCreate,
    DeliverableDecision,
    DeliverableEventOut,
    DeliverableOut,
    DeliverablePatch,
    DeliverableReason,
)
from tandem.projects.selectors import deliverables as selectors
from tandem.projects.services import deliverables as services

router = Router(tags=["projects"])


@router.get("/projects/{project_id}/deliverables", response={200: list[DeliverableOut], **ERRORS})
@paginate(PageNumber)
def list_deliverables(
    request: HttpRequest, project_id: int, status: DeliverableStatus | None = None,
) -> object:
    actor = actor_of(request)
    project = selectors.project_get(actor, project_id)
    return selectors.deliverable_list(actor, project=project, status=status or "")


@router.post("/projects/{project_id}/deliverables", response={201: DeliverableOut, **ERRORS})
def create_deliverable(request: HttpRequest, project_id: int,
                       body: DeliverableCreate) -> Status[object]:
    actor = actor_of(request)
    project = selectors.project_get(actor, project_id)
    deliverable = services.deliverable_create(actor=actor, project=project, **body.model_dump())
    return Status(201, selectors.deliverable_get(actor, deliverable.pk))


@router.get("/deliverables/{deliverable_id}", response={200: DeliverableOut, **ERRORS})
def deliverable_detail(request: HttpRequest, deliverable_id: int) -> object:
    return selectors.deliverable_get(actor_of(request), deliverable_id)


@router.patch("/deliverables/{deliverable_id}", response={200: DeliverableOut, **ERRORS})
def update_deliverable(request: HttpRequest, deliverable_id: int,
                       body: DeliverablePatch) -> object:
    actor = actor_of(request)
    deliverable = selectors.deliverable_get(actor, deliverable_id)
    changes = body.model_dump(exclude={"version", "comment"}, exclude_unset=True)
    services.deliverable_update(actor=actor, deliverable=deliverable,
                                expected_version=body.version, changes=changes,
                                comment=body.comment)
    return selectors.deliverable_get(actor, deliverable_id)


@router.delete("/deliverables/{deliverable_id}", response={204: None, **ERRORS})
def delete_deliverable(request: HttpRequest, deliverable_id: int) -> Status[None]:
    actor = actor_of(request)
    services.deliverable_delete(actor=actor,
                                deliverable=selectors.deliverable_get(actor, deliverable_id))
    return Status(204, None)


@router.post("/deliverables/{deliverable_id}/submit", response={200: DeliverableOut, **ERRORS})
def submit_deliverable(request: HttpRequest, deliverable_id: int,
                       body: DeliverableDecision) -> object:
    actor = actor_of(request)
    deliverable = selectors.deliverable_get(actor, deliverable_id)
    services.deliverable_submit(actor=actor, deliverable=deliverable,
                                expected_version=body.version, comment=body.comment)
    return selectors.deliverable_get(actor, deliverable_id)


@router.post("/deliverables/{deliverable_id}/accept", response={200: DeliverableOut, **ERRORS})
def accept_deliverable(request: HttpRequest, deliverable_id: int,
                       body: DeliverableDecision) -> object:
    actor = actor_of(request)
    deliverable = selectors.deliverable_get(actor, deliverable_id)
    services.deliverable_accept(actor=actor, deliverable=deliverable,
                                expected_version=body.version, comment=body.comment)
    return selectors.deliverable_get(actor, deliverable_id)


@router.post("/deliverables/{deliverable_id}/reject", response={200: DeliverableOut, **ERRORS})
def reject_deliverable(request: HttpRequest, deliverable_id: int,
                       body: DeliverableReason) -> object:
    actor = actor_of(request)
    deliverable = selectors.deliverable_get(actor, deliverable_id)
    services.deliverable_reject(actor=actor, deliverable=deliverable,
                                expected_version=body.version, reason=body.reason)
    return selectors.deliverable_get(actor, deliverable_id)


@router.post("/deliverables/{deliverable_id}/reopen", response={200: DeliverableOut, **ERRORS})
def reopen_deliverable(request: HttpRequest, deliverable_id: int,
                       body: DeliverableReason) -> object:
    actor = actor_of(request)
    deliverable = selectors.deliverable_get(actor, deliverable_id)
    services.deliverable_reopen(actor=actor, deliverable=deliverable,
                                expected_version=body.version, reason=body.reason)
    return selectors.deliverable_get(actor, deliverable_id)


@router.get("/deliverables/{deliverable_id}/events",
            response={200: list[DeliverableEventOut], **ERRORS})
@paginate(PageNumber)
def deliverable_history(request: HttpRequest, deliverable_id: int) -> object:
    actor = actor_of(request)
    return selectors.deliverable_events(actor, selectors.deliverable_get(actor, deliverable_id))
