"""Billing API: receivables (aging, DSO, expected cash) and the FX rates finance enters.

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""


from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.billing import selectors_money as selectors
from tandem.billing.schemas_receivables import (
    AgingOut,
    FxRateIn,
    FxRateOut,
    SummaryOut,
    aging_out,
    summary_out,
)
from tandem.billing.services import fx
from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.pagination import PageNumber
from tandem.core.schemas import IsoDate

router = Router(tags=["billing"])
ID = {"ge": 1, "le": 2**63 - 1}
AS_OF = Query(None, description="The day to look from (default today)")


@router.get("/receivables/aging", response={200: AgingOut, **ERRORS})
def receivables_aging(
    request: HttpRequest,
    as_of: IsoDate | None = AS_OF,
    client_id: int | None = Query(None, **ID),
    currency: str | None = Query(None, min_length=3, max_length=3),
    convert: bool = Query(False, description="Add totals in the base currency (FX rates)"),
) -> object:
    data = selectors.receivables(actor_of(request), as_of=as_of, client_id=client_id,
                                 currency=currency or "", convert=convert)
    return aging_out(data)


@router.get("/receivables/summary", response={200: SummaryOut, **ERRORS})
def receivables_summary(
    request: HttpRequest,
    as_of: IsoDate | None = AS_OF,
    client_id: int | None = Query(None, **ID),
    currency: str | None = Query(None, min_length=3, max_length=3),
) -> object:
    data = selectors.receivables(actor_of(request), as_of=as_of, client_id=client_id,
                                 currency=currency or "", convert=True)
    return summary_out(data)


@router.get("/fx-rates", response={200: list[FxRateOut], **ERRORS})
@paginate(PageNumber)
def list_fx_rates(
    request: HttpRequest, currency: str | None = Query(None, min_length=3, max_length=3),
) -> object:
    return selectors.fx_rates(actor_of(request), currency=currency or "")


@router.post("/fx-rates", response={201: FxRateOut, **ERRORS})
def create_fx_rate(request: HttpRequest, body: FxRateIn) -> Status[object]:
    actor = actor_of(request)
    selectors.ensure_reads_money(actor)
    rate = fx.fx_rate_create(actor=actor, currency=body.currency, rate=body.rate,
                             valid_on=body.valid_on)
    return Status(201, rate)


@router.delete("/fx-rates/{fx_rate_id}", response={204: None, **ERRORS})
def delete_fx_rate(request: HttpRequest, fx_rate_id: int) -> Status[None]:
    actor = actor_of(request)
    fx.fx_rate_delete(actor=actor, fx_rate=selectors.fx_rate_get(actor, fx_rate_id))
    return Status(204, None)
