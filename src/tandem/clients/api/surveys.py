"""API of the AM side: satisfaction surveys, a client's satisfaction trends and health.

No ``from __future__ import annotations`` here: ninja reads the parameter annotations at
runtime, and through ``@paginate``'s wrapper it cannot see this module's names."""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from tandem.clients import health
from tandem.clients.models import ClientIssue, Contact, SurveyKind
from tandem.clients.schemas_satisfaction import (
    HealthOut,
    SatisfactionOut,
    SurveyCreate,
    SurveyOut,
)
from tandem.clients.selectors_satisfaction import (
    satisfaction_client,
    satisfaction_trends,
    survey_detail,
    survey_list,
)
from tandem.clients.services.surveys import survey_send
from tandem.core.api_auth import actor_of
from tandem.core.errors import ValidationError
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import PageNumber
from tandem.core.schemas import Error
from tandem.core.scoping import scoped

router = Router(tags=["surveys"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


@router.get("/surveys", response={200: list[SurveyOut], **ERRORS})
@paginate(PageNumber)
def list_surveys(
    request: HttpRequest,
    client: int | None = Query(None, ge=1, le=2**63 - 1),
    kind: SurveyKind | None = None,
    answered: bool | None = None,
) -> object:
    return survey_list(actor_of(request), client_id=client, kind=kind, answered=answered)


@router.post("/surveys", response={201: SurveyOut, **ERRORS})
def send_survey(
    request: HttpRequest,
    body: SurveyCreate,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    ),
) -> Status[object]:
    """Send a CSAT or NPS survey to a contact of one of your clients (its link goes by email)."""
    actor = actor_of(request)

    def create() -> tuple[int, object]:
        client = satisfaction_client(actor, body.client_id)
        contact = None
        if body.contact_id is not None:
            contact = scoped(Contact, actor).filter(pk=body.contact_id,
                                                    client_id=client.pk).first()
            if contact is None:
                raise ValidationError("Choose a contact of this client.", code="invalid_contact")
        issue = None
        if body.issue_id is not None:
            issue = scoped(ClientIssue, actor).filter(pk=body.issue_id,
                                                      client_id=client.pk).first()
            if issue is None:
                raise ValidationError("Choose an issue of this client.", code="invalid_issue")
        survey, _token = survey_send(actor=actor, client=client, kind=body.kind,
                                     contact=contact, issue=issue, period=body.period)
        return 201, SurveyOut.from_orm(survey).model_dump(mode="json")

    status, response = run_once(actor=actor, endpoint="POST /surveys", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


@router.get("/surveys/{survey_id}", response={200: SurveyOut, **ERRORS})
def get_survey(request: HttpRequest, survey_id: int) -> object:
    return survey_detail(actor_of(request), survey_id)


@router.get("/clients/{client_id}/health", response={200: HealthOut, **ERRORS})
def client_health(
    request: HttpRequest, client_id: int, days: int = Query(180, ge=1, le=3660)
) -> object:
    """The current score, the factors that moved it, and its history over ``days``."""
    return asdict(health.health_of(actor_of(request), client_id, days=days))


@router.get("/clients/{client_id}/satisfaction", response={200: SatisfactionOut, **ERRORS})
def client_satisfaction(request: HttpRequest, client_id: int) -> object:
    """CSAT average per month (12 months) and NPS per quarter (8 quarters)."""
    actor = actor_of(request)
    trends = satisfaction_trends(actor, satisfaction_client(actor, client_id))
    return {**asdict(trends), "response_rate": trends.response_rate}
