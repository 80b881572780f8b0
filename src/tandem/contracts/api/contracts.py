"""API of contracts: the contracts, their rate cards, billing schedules and amendments.

No ``from __future__ import annotations`` here: ninja reads the parameter annotations at
runtime, and through ``@paginate``'s wrapper it cannot see this module's names."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Header, Path, Query, Router, Status
from ninja.pagination import paginate

from tandem.clients.models import Client
from tandem.contracts import selectors
from tandem.contracts.models import ContractStatus, ContractType
from tandem.contracts.schemas import (
    AmendmentCreate,
    AmendmentOut,
    BillingLineCreate,
    BillingLineOut,
    BillingLinePatch,
    BillingOrder,
    ContractCreate,
    ContractOut,
    ContractPatch,
    ContractSign,
    ContractTransition,
    RateCreate,
    RateOut,
    RatePatch,
)
from tandem.contracts.selectors import ContractFilters
from tandem.contracts.services import amendments as amendment_services
from tandem.contracts.services import contracts as services
from tandem.contracts.services import schedule as schedule_services
from tandem.core.api_auth import actor_of
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import PageNumber
from tandem.core.schemas import Error
from tandem.core.scoping import get_scoped

router = Router(tags=["contracts"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# Fields a PATCH may set to null; for the others null means "unchanged", like leaving them out.
NULLABLE = frozenset({"total_value", "monthly_fee", "end_date", "project_id", "valid_to",
                      "person_id", "amount", "percentage", "milestone_id", "deliverable_id",
                      "period_start", "period_end", "due_date"})


def _idempotency_key() -> Any:
    return Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    )


def _given(body: Any, *, exclude: tuple[str, ...] = ("version",)) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True)
    return {k: v for k, v in values.items()
            if k not in exclude and (v is not None or k in NULLABLE)}


def _out(schema: Any, obj: Any, request: HttpRequest) -> dict[str, Any]:
    context = {"request": request, "response_status": 201}
    data: dict[str, Any] = schema.model_validate(obj, context=context).model_dump(mode="json")
    return data


def _editable(request: HttpRequest, contract_id: int) -> Any:
    return selectors.contract_for_detail(actor_of(request), contract_id)


# --- contracts --------------------------------------------------------------------------------


@router.get("/contracts", response={200: list[ContractOut], **ERRORS})
@paginate(PageNumber)
def list_contracts(
    request: HttpRequest,
    client_id: int | None = Query(None, ge=1, le=MAX_ID),
    status: ContractStatus | None = None,
    type: ContractType | None = None,
    q: str = Query("", max_length=100, description="Code, title or client name"),
) -> object:
    filters = ContractFilters(client_id=client_id, status=status or "", type=type or "",
                              search=q)
    return selectors.contract_list(actor_of(request), filters).prefetch_related("needs")


@router.post("/contracts", response={201: ContractOut, **ERRORS})
def create_contract(
    request: HttpRequest, body: ContractCreate, idempotency_key: str | None = _idempotency_key()
) -> Status[object]:
    """A draft contract for a client (finance, administrators, the client's account manager)."""
    actor = actor_of(request)
    client = get_scoped(Client, actor, pk=body.client_id)

    def create() -> tuple[int, object]:
        values = body.model_dump(exclude={"client_id"})
        contract = services.contract_create(actor=actor, client=client, **values)
        return 201, _out(ContractOut, selectors.contract_for_detail(actor, contract.pk),
                         request)

    status, response = run_once(actor=actor, endpoint="POST /contracts", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


@router.get("/contracts/{contract_id}", response={200: ContractOut, **ERRORS})
def contract_detail(request: HttpRequest, contract_id: Id) -> object:
    return selectors.contract_for_detail(actor_of(request), contract_id)


@router.patch("/contracts/{contract_id}", response={200: ContractOut, **ERRORS})
def update_contract(request: HttpRequest, contract_id: Id, body: ContractPatch) -> object:
    """Change a draft's terms and needs, or any contract's title and notes (until it ends)."""
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    changes = _given(body)
    need_ids = changes.pop("need_ids", None)
    services.contract_update(actor=actor, contract=contract, expected_version=body.version,
                             changes=changes, need_ids=need_ids)
    return selectors.contract_for_detail(actor, contract_id)


@router.post("/contracts/{contract_id}/transition", response={200: ContractOut, **ERRORS})
def transition_contract(request: HttpRequest, contract_id: Id,
                        body: ContractTransition) -> object:
    """signed → active → completed, or terminated with a reason (signing is ``/sign``)."""
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    services.contract_transition(actor=actor, contract=contract, expected_version=body.version,
                                 status=body.status, reason=body.reason, on=body.on)
    return selectors.contract_for_detail(actor, contract_id)


@router.post("/contracts/{contract_id}/sign", response={200: ContractOut, **ERRORS})
def sign_contract(request: HttpRequest, contract_id: Id, body: ContractSign) -> object:
    """Sign a draft: create the client's project with ``manager_id`` as its PM (or link
    ``project_id``) and carry the contract's needs into its scope."""
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    services.contract_sign(actor=actor, contract=contract, expected_version=body.version,
                           manager_id=body.manager_id, project_id=body.project_id,
                           project_code=body.project_code, project_name=body.project_name,
                           signed_on=body.signed_on)
    return selectors.contract_for_detail(actor, contract_id)


# --- rate card --------------------------------------------------------------------------------


@router.get("/contracts/{contract_id}/rates", response={200: list[RateOut], **ERRORS})
@paginate(PageNumber)
def list_rates(request: HttpRequest, contract_id: Id) -> object:
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    return selectors.rate_list(actor, contract).select_related("contract")


@router.post("/contracts/{contract_id}/rates", response={201: RateOut, **ERRORS})
def create_rate(
    request: HttpRequest, contract_id: Id, body: RateCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """A rate of a draft contract (a signed one's rates change through amendments)."""
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)

    def create() -> tuple[int, object]:
        rate = schedule_services.rate_add(actor=actor, contract=contract, **body.model_dump())
        return 201, _out(RateOut, selectors.rate_for_detail(actor, contract, rate.pk), request)

    status, response = run_once(
        actor=actor, endpoint=f"POST /contracts/{contract.pk}/rates", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.patch("/contracts/{contract_id}/rates/{rate_id}", response={200: RateOut, **ERRORS})
def update_rate(request: HttpRequest, contract_id: Id, rate_id: Id, body: RatePatch) -> object:
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    rate = selectors.rate_for_detail(actor, contract, rate_id)
    schedule_services.rate_update(actor=actor, rate=rate, changes=_given(body))
    return selectors.rate_for_detail(actor, contract, rate_id)


@router.delete("/contracts/{contract_id}/rates/{rate_id}", response={204: None, **ERRORS})
def delete_rate(request: HttpRequest, contract_id: Id, rate_id: Id) -> Status[None]:
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    rate = selectors.rate_for_detail(actor, contract, rate_id)
    schedule_services.rate_remove(actor=actor, rate=rate)
    return Status(204, None)


# --- billing schedule -------------------------------------------------------------------------


@router.get("/contracts/{contract_id}/billing-lines",
            response={200: list[BillingLineOut], **ERRORS})
@paginate(PageNumber)
def list_billing_lines(request: HttpRequest, contract_id: Id) -> object:
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    return selectors.billing_line_list(actor, contract)


@router.post("/contracts/{contract_id}/billing-lines", response={201: BillingLineOut, **ERRORS})
def create_billing_line(
    request: HttpRequest, contract_id: Id, body: BillingLineCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """A milestone (fixed price) or period (retainer) of a draft contract's schedule."""
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)

    def create() -> tuple[int, object]:
        line = schedule_services.billing_line_add(actor=actor, contract=contract,
                                                  **_given(body, exclude=()))
        out = selectors.billing_line_for_detail(actor, contract, line.pk)
        return 201, _out(BillingLineOut, out, request)

    status, response = run_once(
        actor=actor, endpoint=f"POST /contracts/{contract.pk}/billing-lines",
        key=idempotency_key, payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.post("/contracts/{contract_id}/billing-lines/order",
             response={200: list[BillingLineOut], **ERRORS})
def reorder_billing_lines(request: HttpRequest, contract_id: Id, body: BillingOrder) -> object:
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    schedule_services.billing_lines_reorder(actor=actor, contract=contract,
                                            line_ids=body.line_ids)
    return selectors.billing_line_list(actor, contract)


@router.patch("/contracts/{contract_id}/billing-lines/{line_id}",
              response={200: BillingLineOut, **ERRORS})
def update_billing_line(request: HttpRequest, contract_id: Id, line_id: Id,
                        body: BillingLinePatch) -> object:
    """Any field of a draft's line; a signed contract's name, date, milestone, deliverable."""
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    line = selectors.billing_line_for_detail(actor, contract, line_id)
    schedule_services.billing_line_update(actor=actor, line=line, expected_version=body.version,
                                          changes=_given(body))
    return selectors.billing_line_for_detail(actor, contract, line_id)


@router.delete("/contracts/{contract_id}/billing-lines/{line_id}",
               response={204: None, **ERRORS})
def delete_billing_line(request: HttpRequest, contract_id: Id, line_id: Id) -> Status[None]:
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    line = selectors.billing_line_for_detail(actor, contract, line_id)
    schedule_services.billing_line_remove(actor=actor, line=line)
    return Status(204, None)


# --- amendments -------------------------------------------------------------------------------


@router.get("/contracts/{contract_id}/amendments", response={200: list[AmendmentOut], **ERRORS})
@paginate(PageNumber)
def list_amendments(request: HttpRequest, contract_id: Id) -> object:
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    return selectors.amendment_list(actor, contract)


@router.post("/contracts/{contract_id}/amendments", response={201: AmendmentOut, **ERRORS})
def create_amendment(
    request: HttpRequest, contract_id: Id, body: AmendmentCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """Amend a signed or active contract: its value, monthly fee, end date, payment terms,
    rate card and billing schedule, with the reason and the date it takes effect."""
    actor = actor_of(request)
    contract = selectors.contract_for_detail(actor, contract_id)
    changes = body.changes.model_dump(exclude_unset=True, mode="json")

    def create() -> tuple[int, object]:
        amendment = amendment_services.amendment_create(
            actor=actor, contract=contract, reason=body.reason,
            effective_date=body.effective_date, changes=changes, source=body.source,
            expected_version=body.version,
        )
        out = selectors.amendment_for_detail(actor, contract, amendment.pk)
        return 201, _out(AmendmentOut, out, request)

    status, response = run_once(
        actor=actor, endpoint=f"POST /contracts/{contract.pk}/amendments", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)

