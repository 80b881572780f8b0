"""Billing pages: payments — the list with filters, recording one (choosing the client brings
its open invoices in that currency, by HTMX, to allocate), the detail with allocating the credit
on account and reversing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.billing import selectors_money as selectors
from tandem.billing.access import can_bill_client
from tandem.billing.forms_payments import (
    PaymentFilterForm,
    PaymentForm,
    ReverseForm,
    allocations_from,
)
from tandem.billing.services import payments as services
from tandem.core.actor import Actor
from tandem.core.errors import DomainError, NotFound
from tandem.core.money import check_currency, format_money, round_money
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50


def _ensure_reader(actor: Actor) -> None:
    try:
        selectors.ensure_reads_money(actor)
    except NotFound:
        raise Http404 from None


@require_safe
@actor_required
def payment_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    filters = PaymentFilterForm(request.GET or None, actor=actor)
    found = selectors.payment_list(actor, **filters.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for payment in page:
        _texts(payment)
    context = {
        "filters": filters,
        "page": page,
        "can_record": selectors.billable_clients(actor).exists(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("billing/payments/partials/results.html" if partial
                else "billing/payments/list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def money(amount: Any, currency: str) -> str:
    """An amount as people read it, in the page's language ("12.500.000 ₫", "$1,234.50")."""
    return format_money(Decimal(amount), currency, (get_language() or "en")[:2])


def _texts(payment: Any) -> Any:
    payment.amount_text = money(payment.amount, payment.currency)
    payment.unallocated_text = money(selectors.unallocated_of(payment), payment.currency)
    for allocation in payment.allocations.all():
        allocation.amount_text = money(allocation.amount, payment.currency)
    return payment


def invoice_texts(invoices: list[Any]) -> list[Any]:
    for invoice in invoices:
        open_amount = invoice.total - invoice.amount_paid
        invoice.open_value = round_money(open_amount, invoice.currency)
        invoice.open_text = money(open_amount, invoice.currency)
        invoice.total_text = money(invoice.total, invoice.currency)
    return invoices


def _open_invoices(actor: Actor, client_id: Any, currency: Any) -> list[Any]:
    try:
        client = selectors.client_for_billing(actor, int(client_id))
        code = check_currency(currency)
    except (TypeError, ValueError, DomainError):
        return []
    return invoice_texts(list(selectors.open_invoices(actor, client_id=client.pk,
                                                      currency=code)))


@require_safe
@actor_required
def payment_invoices(request: ActorRequest) -> HttpResponse:
    """HTMX: the chosen client's open invoices in the chosen currency, with amount inputs."""
    actor = request.actor
    _ensure_reader(actor)
    invoices = _open_invoices(actor, request.GET.get("client"), request.GET.get("currency"))
    return render(request, "billing/payments/partials/allocation_rows.html",
                  {"invoices": invoices, "chosen": bool(request.GET.get("client"))})


@require_http_methods(["GET", "POST"])
@actor_required
def payment_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    if not selectors.billable_clients(actor).exists():
        raise Http404
    initial: dict[str, Any] = {}
    if request.GET.get("client", "").isdigit():
        initial["client"] = request.GET["client"]
    form = PaymentForm(request.POST or None, actor=actor, initial=initial)
    data = request.POST if request.method == "POST" else request.GET
    client_id = data.get("client") or initial.get("client")
    invoices = _open_invoices(actor, client_id, data.get("currency") or "VND")
    values = dict(allocations_from(request.POST)[0])
    for invoice in invoices:
        invoice.entered = values.get(invoice.pk, "")
    status = 200
    if request.method == "POST":
        allocations, bad = allocations_from(request.POST)
        if form.is_valid() and not bad:
            cleaned = form.cleaned_data
            try:
                payment = services.payment_record(
                    actor=actor, client=cleaned["client"], currency=cleaned["currency"],
                    amount=cleaned["amount"], received_on=cleaned["received_on"],
                    method=cleaned["method"], reference=cleaned["reference"],
                    allocations=allocations,
                )
            except DomainError as refusal:
                field = str(refusal.details.get("field") or "")
                form.add_error(field if field in form.fields else None, message_for(refusal))
                status = refusal.status
            else:
                messages.success(request, _("Payment recorded."))
                return redirect("billing:payment_detail", payment.pk)
        else:
            status = 422
    return render(request, "billing/payments/form.html",
                  {"form": form, "invoices": invoices, "chosen": bool(client_id)}, status=status)


@require_safe
@actor_required
def payment_detail(request: ActorRequest, payment_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    payment = selectors.payment_get(actor, payment_id)
    return _detail(request, payment, ReverseForm(initial={"version": payment.version}))


def _detail(request: ActorRequest, payment: Any, reverse_form: ReverseForm, *,
            allocate_error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    may_change = can_bill_client(actor, payment.client) and payment.reversed_at is None
    unallocated = selectors.unallocated_of(payment)
    invoices = (invoice_texts(list(selectors.open_invoices(
        actor, client_id=payment.client_id, currency=payment.currency)))
        if may_change and unallocated > 0 else [])
    _texts(payment)
    return render(request, "billing/payments/detail.html", {
        "payment": payment, "unallocated": unallocated, "may_change": may_change,
        "reverse_form": reverse_form, "invoices": invoices,
        "allocate_error": allocate_error, "chosen": True,
    }, status=status)


@require_POST
@actor_required
def payment_allocate(request: ActorRequest, payment_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    payment = selectors.payment_get(actor, payment_id)
    allocations, _bad = allocations_from(request.POST)
    try:
        services.payment_allocate(actor=actor, payment=payment, allocations=allocations,
                                  expected_version=_int(request.POST.get("version")) or None)
    except DomainError as refusal:
        payment = selectors.payment_get(actor, payment_id)
        return _detail(request, payment, ReverseForm(initial={"version": payment.version}),
                       allocate_error=message_for(refusal), status=refusal.status)
    messages.success(request, _("Payment allocated."))
    return redirect("billing:payment_detail", payment_id)


@require_POST
@actor_required
def payment_reverse(request: ActorRequest, payment_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    payment = selectors.payment_get(actor, payment_id)
    form = ReverseForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.payment_reverse(actor=actor, payment=payment,
                                     reason=form.cleaned_data["reason"],
                                     expected_version=form.cleaned_data["version"])
        except DomainError as refusal:
            form.add_error("reason" if refusal.status == 422 else None, message_for(refusal))
            status = refusal.status
        else:
            messages.success(request, _("Payment reversed."))
            return redirect("billing:payment_detail", payment_id)
    payment = selectors.payment_get(actor, payment_id)
    return _detail(request, payment, form, status=status)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


urlpatterns = [
    path("payments/", payment_list, name="payments"),
    path("payments/new/", payment_create, name="payment_create"),
    path("payments/new/invoices/", payment_invoices, name="payment_invoices"),
    path("payments/<int:payment_id>/", payment_detail, name="payment_detail"),
    path("payments/<int:payment_id>/allocate/", payment_allocate, name="payment_allocate"),
    path("payments/<int:payment_id>/reverse/", payment_reverse, name="payment_reverse"),
]
