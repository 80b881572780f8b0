"""API of the AM side: clients, contacts, needs (with their links), import and export.

No ``from __future__ import annotations`` here: ninja reads the parameter annotations at
runtime, and through ``@paginate``'s wrapper it cannot see this module's names."""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Header, Path, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tandem.clients import importing
from tandem.clients.models import ClientStatus, NeedPriority, NeedStatus, Tier
from tandem.clients.schemas_clients import (
    ClientCreate,
    ClientOut,
    ClientPatch,
    ContactCreate,
    ContactOut,
    ContactPatch,
    ImportResult,
    NeedCreate,
    NeedLinkIn,
    NeedOut,
    NeedPatch,
    NeedTransition,
)
from tandem.clients.selectors import clients as client_selectors
from tandem.clients.selectors import needs as need_selectors
from tandem.clients.selectors.clients import ClientFilters
from tandem.clients.selectors.needs import NeedFilters
from tandem.clients.services import clients as client_services
from tandem.clients.services import contacts as contact_services
from tandem.clients.services import needs as need_services
from tandem.core.api_auth import actor_of
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import PageNumber
from tandem.core.schemas import Error

router = Router(tags=["clients"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
SEARCH = Query("", max_length=100, description="Name, legal name, tax code or contact name")
# Fields a PATCH may set to null; for the others null means "unchanged", like leaving them out.
NULLABLE = frozenset({"owner_id", "cadence_days"})
MAX_ID = 2**63 - 1  # the largest id a database stores; larger ones exist nowhere
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _idempotency_key() -> Any:
    return Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    )


def _given(body: Any, *, exclude: tuple[str, ...] = ("version",)) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True, mode="json")
    return {k: v for k, v in values.items()
            if k not in exclude and (v is not None or k in NULLABLE)}


def _out(schema: Any, obj: Any, request: HttpRequest) -> dict[str, Any]:
    context = {"request": request, "response_status": 201}
    data: dict[str, Any] = schema.model_validate(obj, context=context).model_dump(mode="json")
    return data


# --- clients ----------------------------------------------------------------------------------


@router.get("/clients", response={200: list[ClientOut], **ERRORS})
@paginate(PageNumber)
def list_clients(
    request: HttpRequest,
    q: str = SEARCH,
    tier: Tier | None = None,
    status: ClientStatus | None = None,
    owner_id: int | None = Query(None, ge=1, le=MAX_ID),
    tag: str = Query("", max_length=50),
    industry: str = Query("", max_length=100),
) -> object:
    filters = ClientFilters(search=q, tier=tier or "", status=status or "", owner_id=owner_id,
                            tag=tag.strip(), industry=industry)
    return client_selectors.client_list(actor_of(request), filters)


@router.post("/clients", response={201: ClientOut, **ERRORS})
def create_client(
    request: HttpRequest, body: ClientCreate, idempotency_key: str | None = _idempotency_key()
) -> Status[object]:
    actor = actor_of(request)

    def create() -> tuple[int, object]:
        client = client_services.client_create(actor=actor, **body.model_dump())
        client = client_selectors.client_for_detail(actor, client.pk)
        return 201, _out(ClientOut, client, request)

    status, response = run_once(actor=actor, endpoint="POST /clients", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


@router.get("/clients/export", response={200: None, **ERRORS},
            openapi_extra={"responses": {200: {
                "description": "The listed clients as a file",
                "content": {importing.CONTENT_TYPES["csv"].split(";")[0]: {},
                            importing.CONTENT_TYPES["xlsx"]: {}},
            }}})
def export_clients(
    request: HttpRequest,
    format: str = Query("csv", pattern="^(csv|xlsx)$"),
    q: str = SEARCH,
    tier: Tier | None = None,
    status: ClientStatus | None = None,
    owner_id: int | None = Query(None, ge=1, le=MAX_ID),
    tag: str = Query("", max_length=50),
    industry: str = Query("", max_length=100),
) -> HttpResponse:
    filters = ClientFilters(search=q, tier=tier or "", status=status or "", owner_id=owner_id,
                            tag=tag.strip(), industry=industry)
    rows = client_selectors.client_export_rows(actor_of(request), filters)
    content = importing.export_clients(rows, format)
    response = HttpResponse(content, content_type=importing.CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="clients.{format}"'
    return response


@router.post("/clients/import", response={200: ImportResult, **ERRORS})
def import_clients(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False,
) -> object:
    """Import clients (and a primary contact each) from a CSV or XLSX file.

    Nothing is imported when a row is bad, unless ``skip_invalid``; ``dry_run`` only checks.
    The report lists every bad row (the header is row 1)."""
    actor = actor_of(request)
    file_format = importing.format_of(file.name or "")
    return importing.import_clients(actor=actor, file=file, file_format=file_format,
                                    dry_run=dry_run, skip_invalid=skip_invalid)


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def client_detail(request: HttpRequest, client_id: Id) -> object:
    return client_selectors.client_for_detail(actor_of(request), client_id)


@router.patch("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def update_client(request: HttpRequest, client_id: Id, body: ClientPatch) -> object:
    actor = actor_of(request)
    client = client_selectors.client_for_detail(actor, client_id)
    changes = _given(body)
    tags = changes.pop("tags", None)
    client_services.client_update(actor=actor, client=client, expected_version=body.version,
                                  changes=changes, tags=tags)
    return client_selectors.client_for_detail(actor, client_id)


# --- contacts ---------------------------------------------------------------------------------


@router.get("/clients/{client_id}/contacts", response={200: list[ContactOut], **ERRORS})
@paginate(PageNumber)
def list_client_contacts(request: HttpRequest, client_id: Id) -> object:
    actor = actor_of(request)
    client = client_selectors.client_for_detail(actor, client_id)
    return client_selectors.contact_list(actor, client_id=client.pk)


@router.post("/clients/{client_id}/contacts", response={201: ContactOut, **ERRORS})
def create_contact(
    request: HttpRequest, client_id: Id, body: ContactCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    actor = actor_of(request)
    client = client_selectors.client_for_detail(actor, client_id)

    def create() -> tuple[int, object]:
        contact = contact_services.contact_create(actor=actor, client=client, **body.model_dump())
        return 201, _out(ContactOut, contact, request)

    status, response = run_once(
        actor=actor, endpoint=f"POST /clients/{client.pk}/contacts", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.get("/contacts", response={200: list[ContactOut], **ERRORS})
@paginate(PageNumber)
def list_contacts(
    request: HttpRequest,
    client_id: int | None = Query(None, ge=1, le=MAX_ID),
    q: str = Query("", max_length=100, description="Name, email or title"),
) -> object:
    return client_selectors.contact_list(actor_of(request), client_id=client_id, search=q)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def contact_detail(request: HttpRequest, contact_id: Id) -> object:
    return client_selectors.contact_for_detail(actor_of(request), contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def update_contact(request: HttpRequest, contact_id: Id, body: ContactPatch) -> object:
    actor = actor_of(request)
    contact = client_selectors.contact_for_detail(actor, contact_id)
    return contact_services.contact_update(actor=actor, contact=contact,
                                           expected_version=body.version, changes=_given(body))


@router.delete("/contacts/{contact_id}", response={204: None, **ERRORS})
def delete_contact(request: HttpRequest, contact_id: Id) -> Status[None]:
    actor = actor_of(request)
    contact = client_selectors.contact_for_detail(actor, contact_id)
    contact_services.contact_delete(actor=actor, contact=contact)
    return Status(204, None)


# --- needs ------------------------------------------------------------------------------------


@router.get("/needs", response={200: list[NeedOut], **ERRORS})
@paginate(PageNumber)
def list_needs(
    request: HttpRequest,
    client_id: int | None = Query(None, ge=1, le=MAX_ID),
    status: NeedStatus | None = None,
    priority: NeedPriority | None = None,
    q: str = Query("", max_length=100, description="Title or description"),
) -> object:
    filters = NeedFilters(client_id=client_id, status=status or "", priority=priority or "",
                          search=q)
    return need_selectors.need_list(actor_of(request), filters)


@router.post("/needs", response={201: NeedOut, **ERRORS})
def create_need(
    request: HttpRequest, body: NeedCreate, idempotency_key: str | None = _idempotency_key()
) -> Status[object]:
    actor = actor_of(request)
    client = client_selectors.client_for_detail(actor, body.client_id)

    def create() -> tuple[int, object]:
        need = need_services.need_create(actor=actor, client=client,
                                         **body.model_dump(exclude={"client_id"}))
        return 201, _out(NeedOut, need_selectors.need_for_detail(actor, need.pk), request)

    status, response = run_once(actor=actor, endpoint="POST /needs", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


@router.get("/needs/{need_id}", response={200: NeedOut, **ERRORS})
def need_detail(request: HttpRequest, need_id: Id) -> object:
    return need_selectors.need_for_detail(actor_of(request), need_id)


@router.patch("/needs/{need_id}", response={200: NeedOut, **ERRORS})
def update_need(request: HttpRequest, need_id: Id, body: NeedPatch) -> object:
    actor = actor_of(request)
    need = need_selectors.need_for_detail(actor, need_id)
    need_services.need_update(actor=actor, need=need, expected_version=body.version,
                              changes=_given(body))
    return need_selectors.need_for_detail(actor, need_id)


@router.post("/needs/{need_id}/transition", response={200: NeedOut, **ERRORS})
def transition_need(request: HttpRequest, need_id: Id, body: NeedTransition) -> object:
    actor = actor_of(request)
    need = need_selectors.need_for_detail(actor, need_id)
    need_services.need_transition(actor=actor, need=need, expected_version=body.version,
                                  status=body.status, reason=body.reason)
    return need_selectors.need_for_detail(actor, need_id)


@router.post("/needs/{need_id}/links", response={201: NeedOut, **ERRORS})
def add_need_link(request: HttpRequest, need_id: Id, body: NeedLinkIn) -> Status[object]:
    actor = actor_of(request)
    need = need_selectors.need_for_detail(actor, need_id)
    need_services.need_link_add(actor=actor, need=need, target_type=body.target_type,
                                target_id=body.target_id)
    return Status(201, need_selectors.need_for_detail(actor, need_id))


@router.delete("/needs/{need_id}/links", response={204: None, **ERRORS})
def remove_need_link(
    request: HttpRequest,
    need_id: Id,
    target_type: str = Query(..., max_length=64),
    target_id: str = Query(..., max_length=64),
) -> Status[None]:
    actor = actor_of(request)
    need = need_selectors.need_for_detail(actor, need_id)
    need_services.need_link_remove(actor=actor, need=need, target_type=target_type,
                                   target_id=target_id)
    return Status(204, None)
