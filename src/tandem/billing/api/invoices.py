"""API of invoices and credit notes: list and read (the client's people read their issued ones),
drafts and their lines, issue, void (with a credit note) and the PDF.

No ``from __future__ import annotations`` here: ninja reads the parameter annotations at
runtime, and through ``@paginate``'s wrapper it cannot see this module's names."""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Header, Path, Query, Router, Status
from ninja.pagination import paginate

from tandem.billing import selectors_invoices as selectors
from tandem.billing.models import Invoice, InvoiceKind, InvoiceStatus
from tandem.billing.schemas_invoices import (
    Currency,
    InvoiceCreate,
    InvoiceIssue,
    InvoiceOut,
    InvoicePatch,
    InvoiceSummaryOut,
    InvoiceVoid,
    LineCreate,
    LinePatch,
    LinesReorder,
)
from tandem.billing.services import invoices as services
from tandem.billing.services import pdf
from tandem.clients.selectors import clients as client_selectors
from tandem.core.api_auth import actor_of
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import PageNumber
from tandem.core.schemas import Error

router = Router(tags=["billing"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
LINE_NUMBERS = ("quantity", "unit_price", "discount_percent", "tax_rate")


def _idempotency_key() -> Any:
    return Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    )


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    return selectors.invoice_for_detail(actor_of(request), invoice_id)


def _detail(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    invoice = selectors.invoice_for_detail(actor_of(request), invoice_id)
    data: dict[str, Any] = InvoiceOut.model_validate(
        invoice, context={"request": request}).model_dump(mode="json")
    return data


@router.get("/invoices", response={200: list[InvoiceSummaryOut], **ERRORS})
@paginate(PageNumber)
def list_invoices(
    request: HttpRequest,
    client_id: int | None = Query(None, ge=1, le=MAX_ID),
    status: InvoiceStatus | None = None,
    kind: InvoiceKind | None = None,
    currency: Currency | None = None,
    overdue: bool | None = Query(None, description="Only (or no) overdue invoices"),
    q: str = Query("", max_length=100, description="Number or client name"),
) -> object:
    filters = selectors.InvoiceFilters(client_id=client_id, status=status or "",
                                       kind=kind or "", currency=currency or "",
                                       overdue=overdue, search=q)
    return selectors.invoice_list(actor_of(request), filters)


@router.post("/invoices", response={201: InvoiceOut, **ERRORS})
def create_invoice(
    request: HttpRequest, body: InvoiceCreate, idempotency_key: str | None = _idempotency_key()
) -> Status[object]:
    actor = actor_of(request)
    client = client_selectors.client_for_detail(actor, body.client_id)
    values = body.model_dump(exclude={"client_id", "lines"})

    def create() -> tuple[int, object]:
        invoice = services.invoice_create(
            actor=actor, client=client, lines=[line.model_dump() for line in body.lines],
            **values)
        return 201, _detail(request, invoice.pk)

    status, response = run_once(actor=actor, endpoint="POST /invoices", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS})
def invoice_detail(request: HttpRequest, invoice_id: Id) -> object:
    return _invoice(request, invoice_id)


@router.patch("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS})
def update_invoice(request: HttpRequest, invoice_id: Id, body: InvoicePatch) -> object:
    actor = actor_of(request)
    invoice = _invoice(request, invoice_id)
    changes = body.model_dump(exclude={"version"}, exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "project_id"}
    services.invoice_update(actor=actor, invoice=invoice, expected_version=body.version,
                            changes=changes)
    return _invoice(request, invoice_id)


@router.delete("/invoices/{invoice_id}", response={204: None, **ERRORS})
def delete_invoice(request: HttpRequest, invoice_id: Id) -> Status[None]:
    """Only a draft; an issued invoice is voided instead."""
    services.invoice_delete(actor=actor_of(request), invoice=_invoice(request, invoice_id))
    return Status(204, None)


@router.post("/invoices/{invoice_id}/lines", response={201: InvoiceOut, **ERRORS})
def add_line(request: HttpRequest, invoice_id: Id, body: LineCreate) -> Status[object]:
    actor = actor_of(request)
    invoice = _invoice(request, invoice_id)
    values = body.model_dump(exclude={"version", "source"})
    services.line_add(actor=actor, invoice=invoice, expected_version=body.version,
                      values=values, source=body.source)
    return Status(201, _invoice(request, invoice_id))


@router.post("/invoices/{invoice_id}/lines/order", response={200: InvoiceOut, **ERRORS})
def reorder_lines(request: HttpRequest, invoice_id: Id, body: LinesReorder) -> object:
    actor = actor_of(request)
    invoice = _invoice(request, invoice_id)
    services.lines_reorder(actor=actor, invoice=invoice, expected_version=body.version,
                           line_ids=body.line_ids)
    return _invoice(request, invoice_id)


@router.patch("/invoices/{invoice_id}/lines/{line_id}", response={200: InvoiceOut, **ERRORS})
def update_line(request: HttpRequest, invoice_id: Id, line_id: Id, body: LinePatch) -> object:
    actor = actor_of(request)
    invoice = _invoice(request, invoice_id)
    changes = {k: v for k, v in body.model_dump(exclude={"version"}, exclude_unset=True).items()
               if v is not None}
    services.line_update(actor=actor, invoice=invoice, line_id=line_id,
                         expected_version=body.version, changes=changes)
    return _invoice(request, invoice_id)


@router.delete("/invoices/{invoice_id}/lines/{line_id}", response={200: InvoiceOut, **ERRORS})
def remove_line(request: HttpRequest, invoice_id: Id, line_id: Id,
                version: int = Query(..., ge=1, le=MAX_ID,
                                     description="The invoice's version")) -> object:
    actor = actor_of(request)
    invoice = _invoice(request, invoice_id)
    services.line_remove(actor=actor, invoice=invoice, line_id=line_id, expected_version=version)
    return _invoice(request, invoice_id)


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceOut, **ERRORS})
def issue_invoice(request: HttpRequest, invoice_id: Id, body: InvoiceIssue) -> object:
    """Give the draft its number, issue and due dates; it is never edited afterwards."""
    actor = actor_of(request)
    invoice = _invoice(request, invoice_id)
    services.invoice_issue(actor=actor, invoice=invoice, expected_version=body.version,
                           issue_date=body.issue_date)
    return _invoice(request, invoice_id)


@router.post("/invoices/{invoice_id}/void", response={200: InvoiceOut, **ERRORS})
def void_invoice(request: HttpRequest, invoice_id: Id, body: InvoiceVoid) -> object:
    """Void an issued invoice without payments; answers with the credit note issued for it."""
    actor = actor_of(request)
    invoice = _invoice(request, invoice_id)
    credit = services.invoice_void(actor=actor, invoice=invoice, expected_version=body.version,
                                   reason=body.reason)
    return _invoice(request, credit.pk)


@router.get("/invoices/{invoice_id}/pdf", response={200: None, **ERRORS},
            openapi_extra={"responses": {200: {
                "description": "The invoice or credit note as a PDF",
                "content": {"application/pdf": {}},
            }}})
def invoice_pdf(request: HttpRequest, invoice_id: Id) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.file_name(invoice)}"'
    return response
