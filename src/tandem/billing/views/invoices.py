"""Pages of invoices and credit notes: the list (filters, overdue marker), a new draft, and an
invoice's page: a draft's lines edited in place with HTMX (the line and invoice totals follow
as you type, computed by the same arithmetic as saving), issue, void with a reason, delete a
draft, and the PDF. The client's people see their own issued invoices and credit notes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from tandem.billing import selectors_invoices as selectors
from tandem.billing.access import can_bill_client
from tandem.billing.forms_invoices import (
    InvoiceCreateForm,
    InvoiceFilterForm,
    InvoiceHeaderForm,
    IssueForm,
    LineForm,
    MoveLineForm,
    VoidForm,
)
from tandem.billing.models import Invoice, InvoiceKind, InvoiceStatus
from tandem.billing.services import invoices as services
from tandem.billing.services import pdf
from tandem.billing.services.settings import billing_settings_for, tax_rates
from tandem.clients.selectors import clients as client_selectors
from tandem.core.actor import Actor
from tandem.core.errors import DomainError
from tandem.core.money import format_money
from tandem.core.roles import SEES_MONEY, Role
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50
BODY_TEMPLATE = "billing/invoices/partials/body.html"
EDITOR_TEMPLATE = "billing/invoices/partials/line_editor.html"
PREVIEW_TEMPLATE = "billing/invoices/partials/preview.html"


def _ensure_sees_invoices(actor: Actor) -> None:
    # Members and project managers see no money: for them the pages do not exist.
    if actor.role not in SEES_MONEY and actor.role != Role.CLIENT:
        raise Http404


def _invoice(actor: Actor, invoice_id: int) -> Invoice:
    _ensure_sees_invoices(actor)
    return selectors.invoice_for_detail(actor, invoice_id)


def _money(amount: Any, currency: str) -> str:
    return format_money(Decimal(amount), currency, translation.get_language() or "en")


def _rates(actor: Actor) -> list[Decimal]:
    return tax_rates(billing_settings_for(actor.organization))


# ------------------------------------------------------------------------------ list, new
@require_safe
@actor_required
def invoice_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_sees_invoices(actor)
    filters = InvoiceFilterForm(request.GET)
    invoices = selectors.invoice_list(actor, selectors.InvoiceFilters(**filters.filters()))
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"invoice": invoice, "overdue": selectors.is_overdue(invoice),
             "total": _money(invoice.total, invoice.currency),
             "balance": _money(invoice.total - invoice.amount_paid, invoice.currency)}
            for invoice in page.object_list]
    return render(request, "billing/invoices/list.html", {
        "filters": filters, "page": page, "rows": rows,
        "can_create": selectors.billable_clients(actor).exists(),
    })


@require_http_methods(["GET", "POST"])
@actor_required
def invoice_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_sees_invoices(actor)
    clients = list(selectors.billable_clients(actor))
    if not clients:
        raise Http404
    initial = {"client": request.GET.get("client")}
    form = InvoiceCreateForm(request.POST or None, initial=initial, clients=clients,
                             contracts=list(selectors.billable_contracts(actor)))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                client = client_selectors.client_for_detail(actor, form.cleaned_data["client"])
                invoice = services.invoice_create(actor=actor, client=client, **form.values())
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Draft invoice created; add its lines."))
                return redirect("billing:invoice_detail", invoice.pk)
        else:
            status = 422
    return render(request, "billing/invoices/form.html", {"form": form}, status=status)


# ------------------------------------------------------------------------------ detail
@require_safe
@actor_required
def invoice_detail(request: ActorRequest, invoice_id: int) -> HttpResponse:
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    return render(request, "billing/invoices/detail.html", _context(actor, invoice))


def _context(actor: Actor, invoice: Invoice, **extra: Any) -> dict[str, Any]:
    currency = invoice.currency
    lines = list(invoice.lines.all())
    totals = services.totals_of(lines, currency)
    editable = invoice.status == InvoiceStatus.DRAFT and can_bill_client(actor, invoice.client)
    has_payments = selectors.has_live_payments(invoice)
    context: dict[str, Any] = {
        "invoice": invoice,
        "is_credit_note": invoice.kind == InvoiceKind.CREDIT_NOTE,
        "overdue": selectors.is_overdue(invoice),
        "lines": [{"line": line, "unit_price": _money(line.unit_price, currency),
                   "net": _money(line.net, currency), "tax": _money(line.tax, currency),
                   "quantity": _plain(line.quantity), "discount": _plain(line.discount_percent),
                   "tax_rate": _plain(line.tax_rate)} for line in lines],
        "tax_rows": [{"rate": _plain(rate), "net": _money(v[0], currency),
                      "tax": _money(v[1], currency)} for rate, v in sorted(totals.by_rate.items())],
        "subtotal": _money(invoice.subtotal, currency),
        "tax_total": _money(invoice.tax_total, currency),
        "total": _money(invoice.total, currency),
        "amount_paid": _money(invoice.amount_paid, currency),
        "balance": _money(invoice.total - invoice.amount_paid, currency),
        "editable": editable,
        "can_issue": editable,
        "can_void": (invoice.kind == InvoiceKind.INVOICE and not has_payments
                     and invoice.status == InvoiceStatus.ISSUED
                     and can_bill_client(actor, invoice.client)),
        "has_payments": has_payments,
        "credit_note": selectors.credit_note_of(actor, invoice)
        if invoice.status == InvoiceStatus.VOID else None,
    }
    if editable:
        context.setdefault("line_form", _line_form(actor, invoice))
        context["header_form"] = InvoiceHeaderForm(initial={
            "language": invoice.language, "payment_terms_days": invoice.payment_terms_days,
            "notes": invoice.notes, "version": invoice.version})
        context["issue_form"] = IssueForm(initial={"version": invoice.version})
    if context["can_void"]:
        context["void_form"] = VoidForm(initial={"version": invoice.version})
    context.update(extra)
    return context


def _line_form(actor: Actor, invoice: Invoice, line: Any = None,
               data: Any = None) -> LineForm:
    rates = _rates(actor)
    initial: dict[str, Any] = {"version": invoice.version, "quantity": Decimal(1),
                               "discount_percent": Decimal(0), "tax_rate": str(rates[-1])}
    if line is not None:
        initial.update({"line_id": line.pk, "description": line.description,
                        "quantity": line.quantity.normalize(),
                        "unit_price": line.unit_price.normalize(),
                        "discount_percent": line.discount_percent.normalize(),
                        "tax_rate": str(Decimal(line.tax_rate).normalize())})
    return LineForm(data, initial=initial, rates=rates)


def _plain(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _body(request: ActorRequest, invoice_id: int, *, status: int = 200,
          **extra: Any) -> HttpResponse:
    fresh = _invoice(request.actor, invoice_id)
    return render(request, BODY_TEMPLATE, _context(request.actor, fresh, **extra),
                  status=status)


def _done(request: ActorRequest, invoice_id: int, notice: str) -> HttpResponse:
    if request.htmx:
        return _body(request, invoice_id, notice=notice)
    messages.success(request, notice)
    return redirect("billing:invoice_detail", invoice_id)


def _refused(request: ActorRequest, invoice_id: int, refusal: DomainError,
             **extra: Any) -> HttpResponse:
    if refusal.status == 403:
        raise refusal
    if request.htmx:
        return _body(request, invoice_id, status=refusal.status, error=message_for(refusal),
                     **extra)
    messages.error(request, message_for(refusal))
    return redirect("billing:invoice_detail", invoice_id)


# ------------------------------------------------------------------------------ lines
@require_POST
@actor_required
def line_save(request: ActorRequest, invoice_id: int) -> HttpResponse:
    """Add a line (no ``line_id``) or change one; HTMX gets the invoice's body back."""
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    form = LineForm(request.POST, rates=_rates(actor))
    if not form.is_valid():
        return _editor_error(request, invoice, form)
    line_id = form.cleaned_data.get("line_id")
    try:
        if line_id:
            services.line_update(actor=actor, invoice=invoice, line_id=line_id,
                                 expected_version=form.cleaned_data["version"],
                                 changes=form.values())
        else:
            services.line_add(actor=actor, invoice=invoice,
                              expected_version=form.cleaned_data["version"],
                              values=form.values())
    except DomainError as refusal:
        if refusal.status == 422:
            _form_error(form, refusal)
            return _editor_error(request, invoice, form, status=422)
        return _refused(request, invoice_id, refusal)
    return _done(request, invoice_id, _("Line saved."))


def _editor_error(request: ActorRequest, invoice: Invoice, form: LineForm,
                  status: int = 422) -> HttpResponse:
    if request.htmx:
        return render(request, EDITOR_TEMPLATE, {"invoice": invoice, "line_form": form,
                                                 "editable": True}, status=status)
    return render(request, "billing/invoices/detail.html",
                  _context(request.actor, invoice, line_form=form), status=status)


@require_safe
@actor_required
def line_edit(request: ActorRequest, invoice_id: int, line_id: int) -> HttpResponse:
    """The editor filled with one line (HTMX swaps it in place of the new-line editor)."""
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    if invoice.status != InvoiceStatus.DRAFT or not can_bill_client(actor, invoice.client):
        raise Http404
    line = next((line for line in invoice.lines.all() if line.pk == line_id), None)
    if line is None:
        raise Http404
    form = _line_form(actor, invoice, line)
    if not request.htmx:
        return render(request, "billing/invoices/detail.html",
                      _context(actor, invoice, line_form=form))
    return render(request, EDITOR_TEMPLATE, {"invoice": invoice, "line_form": form,
                                             "editable": True})


@require_POST
@actor_required
def line_preview(request: ActorRequest, invoice_id: int) -> HttpResponse:
    """The line's net and tax and the invoice's totals for what is typed; saves nothing."""
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    if invoice.status != InvoiceStatus.DRAFT:
        raise Http404
    form = LineForm(request.POST, rates=_rates(actor))
    context: dict[str, Any] = {"invoice": invoice}
    if not form.is_valid():
        context["preview_error"] = _("Fill in the line to see its amounts.")
    else:
        try:
            amounts, totals = services.preview_line(
                invoice, line_id=form.cleaned_data.get("line_id"), values=form.values())
        except DomainError as refusal:
            context["preview_error"] = message_for(refusal)
        else:
            currency = invoice.currency
            context.update({
                "line_net": _money(amounts.net, currency),
                "line_tax": _money(amounts.tax, currency),
                "preview_subtotal": _money(totals.subtotal, currency),
                "preview_tax": _money(totals.tax_total, currency),
                "preview_total": _money(totals.total, currency),
            })
    return render(request, PREVIEW_TEMPLATE, context)


@require_POST
@actor_required
def line_remove(request: ActorRequest, invoice_id: int, line_id: int) -> HttpResponse:
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    form = MoveLineForm({**request.POST.dict(), "line_id": line_id, "direction": "up"})
    if not form.is_valid():
        return _bad_request(request, invoice_id)
    try:
        services.line_remove(actor=actor, invoice=invoice, line_id=line_id,
                             expected_version=form.cleaned_data["version"])
    except DomainError as refusal:
        return _refused(request, invoice_id, refusal)
    return _done(request, invoice_id, _("Line removed."))


@require_POST
@actor_required
def line_move(request: ActorRequest, invoice_id: int) -> HttpResponse:
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    form = MoveLineForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, invoice_id)
    order = [line.pk for line in invoice.lines.all()]
    line_id = form.cleaned_data["line_id"]
    if line_id not in order:
        raise Http404
    index = order.index(line_id)
    other = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    try:
        services.lines_reorder(actor=actor, invoice=invoice, line_ids=order,
                               expected_version=form.cleaned_data["version"])
    except DomainError as refusal:
        return _refused(request, invoice_id, refusal)
    return _done(request, invoice_id, _("Lines reordered."))


def _bad_request(request: ActorRequest, invoice_id: int) -> HttpResponse:
    message = _("Reload the page and try again.")
    if request.htmx:
        return _body(request, invoice_id, status=422, error=message)
    messages.error(request, message)
    return redirect("billing:invoice_detail", invoice_id)


# ------------------------------------------------------------------------------ the invoice
@require_POST
@actor_required
def invoice_edit(request: ActorRequest, invoice_id: int) -> HttpResponse:
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    form = InvoiceHeaderForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, invoice_id)
    data = form.cleaned_data
    try:
        services.invoice_update(actor=actor, invoice=invoice, expected_version=data["version"],
                                changes={"language": data["language"], "notes": data["notes"],
                                         "payment_terms_days": data["payment_terms_days"]})
    except DomainError as refusal:
        return _refused(request, invoice_id, refusal)
    return _done(request, invoice_id, _("Invoice saved."))


@require_POST
@actor_required
def invoice_issue(request: ActorRequest, invoice_id: int) -> HttpResponse:
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, invoice_id)
    try:
        issued = services.invoice_issue(actor=actor, invoice=invoice,
                                        expected_version=form.cleaned_data["version"],
                                        issue_date=form.cleaned_data.get("issue_date"))
    except DomainError as refusal:
        return _refused(request, invoice_id, refusal)
    notice = _("Invoice %(number)s issued.") % {"number": issued.number}
    if request.htmx:
        messages.success(request, notice)
        return HttpResponseClientRedirect(issued_url(issued))
    messages.success(request, notice)
    return redirect("billing:invoice_detail", invoice_id)


@require_POST
@actor_required
def invoice_void(request: ActorRequest, invoice_id: int) -> HttpResponse:
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    form = VoidForm(request.POST)
    if not form.is_valid():
        message = _("Say why the invoice is voided.")
        if request.htmx:
            return _body(request, invoice_id, status=422, error=message)
        messages.error(request, message)
        return redirect("billing:invoice_detail", invoice_id)
    try:
        credit = services.invoice_void(actor=actor, invoice=invoice,
                                       expected_version=form.cleaned_data["version"],
                                       reason=form.cleaned_data["reason"])
    except DomainError as refusal:
        return _refused(request, invoice_id, refusal)
    messages.success(request, _("Invoice voided; credit note %(number)s issued.")
                     % {"number": credit.number})
    if request.htmx:
        return HttpResponseClientRedirect(issued_url(credit))
    return redirect("billing:invoice_detail", credit.pk)


@require_POST
@actor_required
def invoice_delete(request: ActorRequest, invoice_id: int) -> HttpResponse:
    actor = request.actor
    invoice = _invoice(actor, invoice_id)
    try:
        services.invoice_delete(actor=actor, invoice=invoice)
    except DomainError as refusal:
        return _refused(request, invoice_id, refusal)
    messages.success(request, _("Draft deleted."))
    if request.htmx:
        return HttpResponseClientRedirect(_list_url())
    return redirect("billing:invoices")


@require_safe
@actor_required
def invoice_pdf(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request.actor, invoice_id)
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.file_name(invoice)}"'
    return response


def issued_url(invoice: Invoice) -> str:
    return reverse("billing:invoice_detail", args=[invoice.pk])


def _list_url() -> str:
    return reverse("billing:invoices")


def _form_error(form: Any, refusal: DomainError) -> None:
    field = str(refusal.details.get("field") or "").removesuffix("_id")
    form.add_error(field if field in form.fields else None, message_for(refusal))


urlpatterns: list[URLPattern] = [
    path("invoices/", invoice_list, name="invoices"),
    path("invoices/new/", invoice_create, name="invoice_create"),
    path("invoices/<int:invoice_id>/", invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/edit/", invoice_edit, name="invoice_edit"),
    path("invoices/<int:invoice_id>/lines/", line_save, name="invoice_line_save"),
    path("invoices/<int:invoice_id>/lines/preview/", line_preview, name="invoice_line_preview"),
    path("invoices/<int:invoice_id>/lines/move/", line_move, name="invoice_line_move"),
    path("invoices/<int:invoice_id>/lines/<int:line_id>/edit/", line_edit,
         name="invoice_line_edit"),
    path("invoices/<int:invoice_id>/lines/<int:line_id>/remove/", line_remove,
         name="invoice_line_remove"),
    path("invoices/<int:invoice_id>/issue/", invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/void/", invoice_void, name="invoice_void"),
    path("invoices/<int:invoice_id>/delete/", invoice_delete, name="invoice_delete"),
    path("invoices/<int:invoice_id>/pdf/", invoice_pdf, name="invoice_pdf"),
]
