"""Billing API: payments — record (with an Idempotency-Key), list, read, allocate, reverse.

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""

from typing import Any

from django.http import HttpRequest
from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from tandem.billing import selectors_money as selectors
from tandem.billing.models import Invoice
from tandem.billing.schemas_payments import (
    PaymentAllocate,
    PaymentCreate,
    PaymentOut,
    PaymentReverse,
)
from tandem.billing.services import payments as services
from tandem.clients.models import Client
from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.errors import ValidationError
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import PageNumber
from tandem.core.schemas import IsoDate
from tandem.core.scoping import get_scoped, scoped

router = Router(tags=["billing"])
ID = {"ge": 1, "le": 2**63 - 1}
SINCE = Query(None, description="Received on or after this day")
UNTIL = Query(None, description="Received on or before this day")


@router.get("/payments", response={200: list[PaymentOut], **ERRORS})
@paginate(PageNumber)
def list_payments(
    request: HttpRequest,
    client_id: int | None = Query(None, **ID),
    currency: str | None = Query(None, min_length=3, max_length=3),
    since: IsoDate | None = SINCE,
    until: IsoDate | None = UNTIL,
) -> object:
    return selectors.payment_list(actor_of(request), client_id=client_id,
                                  currency=currency or "", since=since, until=until)


@router.post("/payments", response={201: PaymentOut, **ERRORS})
def record_payment(
    request: HttpRequest,
    body: PaymentCreate,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    ),
) -> Status[object]:
    actor = actor_of(request)
    selectors.ensure_reads_money(actor)

    def create() -> tuple[int, object]:
        client = get_scoped(Client, actor, pk=body.client_id)
        payment = services.payment_record(
            actor=actor, client=client, currency=body.currency, amount=body.amount,
            received_on=body.received_on, method=body.method, reference=body.reference,
            allocations=_allocations(actor, body.allocations),
        )
        fresh = selectors.payment_get(actor, payment.pk)
        return 201, PaymentOut.from_orm(fresh).model_dump(mode="json")

    status, response = run_once(actor=actor, endpoint="POST /payments", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERRORS})
def payment_detail(request: HttpRequest, payment_id: int) -> object:
    return selectors.payment_get(actor_of(request), payment_id)


@router.post("/payments/{payment_id}/allocate", response={200: PaymentOut, **ERRORS})
def allocate_payment(request: HttpRequest, payment_id: int, body: PaymentAllocate) -> object:
    actor = actor_of(request)
    payment = selectors.payment_get(actor, payment_id)
    services.payment_allocate(actor=actor, payment=payment,
                              allocations=_allocations(actor, body.allocations),
                              expected_version=body.version)
    return selectors.payment_get(actor, payment_id)


@router.post("/payments/{payment_id}/reverse", response={200: PaymentOut, **ERRORS})
def reverse_payment(request: HttpRequest, payment_id: int, body: PaymentReverse) -> object:
    actor = actor_of(request)
    payment = selectors.payment_get(actor, payment_id)
    services.payment_reverse(actor=actor, payment=payment, reason=body.reason,
                             expected_version=body.version)
    return selectors.payment_get(actor, payment_id)


def _allocations(actor: Any, items: list[Any]) -> list[tuple[int, object]]:
    """The requested allocations; an invoice the actor cannot see is refused like a missing one."""
    ids = [item.invoice_id for item in items]
    visible = set(scoped(Invoice, actor).filter(pk__in=ids).values_list("pk", flat=True))
    for invoice_id in ids:
        if invoice_id not in visible:
            raise ValidationError(f"Invoice {invoice_id} not found.", code="unknown_invoice",
                                  field="allocations")
    return [(item.invoice_id, item.amount) for item in items]

