"""API of the AM side: interactions (calls, meetings, emails, notes).

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""


from django.http import HttpRequest
from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from tandem.clients import selectors_activity as selectors
from tandem.clients.models import InteractionKind
from tandem.clients.schemas_activity import InteractionCreate, InteractionOut, InteractionPatch
from tandem.clients.services import interactions as services
from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import PageNumber
from tandem.core.schemas import IsoDate

router = Router(tags=["interactions"])


SINCE = Query(None, description="On or after this day")
UNTIL = Query(None, description="On or before this day")


@router.get("/interactions", response={200: list[InteractionOut], **ERRORS})
@paginate(PageNumber)
def list_interactions(
    request: HttpRequest,
    client: int | None = Query(None, ge=1, le=2**63 - 1),
    kind: InteractionKind | None = None,
    since: IsoDate | None = SINCE,
    until: IsoDate | None = UNTIL,
    follow_up_due: bool = Query(False, description="Only follow-ups due and not done"),
) -> object:
    return selectors.interaction_list(
        actor_of(request), client_id=client, kind=kind or "", since=since, until=until,
        follow_up_due=follow_up_due,
    )


@router.post("/interactions", response={201: InteractionOut, **ERRORS})
def log_interaction(
    request: HttpRequest,
    body: InteractionCreate,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    ),
) -> Status[object]:
    actor = actor_of(request)

    def create() -> tuple[int, object]:
        client = selectors.client_with_detail(actor, body.client_id)
        interaction = services.interaction_log(
            actor=actor, client=client, kind=body.kind, occurred_at=body.occurred_at,
            summary=body.summary, outcome=body.outcome, next_step=body.next_step,
            follow_up_on=body.follow_up_on, contact_ids=body.contact_ids,
            participant_ids=body.participant_ids,
        )
        fresh = selectors.interaction_get(actor, interaction.pk)
        return 201, InteractionOut.from_orm(fresh).model_dump(mode="json")

    status, response = run_once(actor=actor, endpoint="POST /interactions", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


@router.get("/interactions/{interaction_id}", response={200: InteractionOut, **ERRORS})
def interaction_detail(request: HttpRequest, interaction_id: int) -> object:
    actor = actor_of(request)
    return selectors.interaction_get(actor, interaction_id)


@router.patch("/interactions/{interaction_id}", response={200: InteractionOut, **ERRORS})
def update_interaction(
    request: HttpRequest, interaction_id: int, body: InteractionPatch
) -> object:
    actor = actor_of(request)
    interaction = selectors.interaction_get(actor, interaction_id)
    changes = body.model_dump(exclude={"version", "follow_up_done"}, exclude_unset=True)
    version = body.version
    if set(changes) - {"clear_follow_up"} or body.clear_follow_up:
        interaction = services.interaction_update(
            actor=actor, interaction=interaction, expected_version=version, **changes
        )
        version = interaction.version
    if body.follow_up_done is not None:
        services.follow_up_done(actor=actor, interaction=interaction,
                                expected_version=version, done=body.follow_up_done)
    return selectors.interaction_get(actor, interaction_id)


@router.delete("/interactions/{interaction_id}", response={204: None, **ERRORS})
def delete_interaction(
    request: HttpRequest,
    interaction_id: int,
    version: int | None = Query(None, ge=1, description="Refuse (409) if it changed since"),
) -> Status[None]:
    actor = actor_of(request)
    interaction = selectors.interaction_get(actor, interaction_id)
    services.interaction_delete(actor=actor, interaction=interaction, expected_version=version)
    return Status(204, None)
