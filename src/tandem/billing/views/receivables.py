"""Billing pages: receivables (aging per client and currency, totals in the base currency, DSO
and expected cash by week) and the FX rates finance enters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.billing import selectors_money as selectors
from tandem.billing.forms_payments import FxRateForm, ReceivablesFilterForm
from tandem.billing.services import fx
from tandem.billing.services import receivables as calc
from tandem.billing.services.fx import base_currency_of
from tandem.core.actor import Actor
from tandem.core.errors import DomainError, NotFound
from tandem.core.money import format_money
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

CHART_WIDTH = 100  # percent


def _ensure_reader(actor: Actor) -> None:
    try:
        selectors.ensure_reads_money(actor)
    except NotFound:
        raise Http404 from None


def _money(amount: Decimal | None, currency: str) -> str:
    if amount is None or not currency:
        return ""
    return format_money(amount, currency, (get_language() or "en")[:2])


def receivables_view(actor: Actor, data: selectors.Receivables) -> dict[str, Any]:
    """The receivables with every amount formatted for the page (shared with the finance
    dashboard)."""
    aging = data.aging
    base = aging.base_currency
    rows = [{
        "client_id": r.client_id, "client_name": r.client_name, "currency": r.currency,
        "invoices": r.invoices,
        "buckets": [_money(r.buckets[b], r.currency) if r.buckets[b] else ""
                    for b in calc.BUCKETS],
        "total": _money(r.total, r.currency), "total_base": _money(r.total_base, base),
        "overdue": any(r.buckets[b] for b in calc.BUCKETS[1:]),
    } for r in aging.rows]
    totals = [{
        "currency": t.currency,
        "buckets": [_money(t.buckets[b], t.currency) for b in calc.BUCKETS],
        "total": _money(t.total, t.currency), "rate": t.rate,
        "total_base": _money(t.total_base, base),
    } for t in aging.totals]
    peak = data.cash_max
    cash = []
    for week in data.cash:
        value = week.amount_base or Decimal(0)
        share = int(value * CHART_WIDTH / peak) if peak > 0 else 0
        cash.append({"start": week.start, "end": week.end, "overdue": week.includes_overdue,
                     "amount": _money(value, base), "width": max(share, 1 if value else 0),
                     "amounts": [_money(v, c) for c, v in sorted(week.amounts.items())]})
    return {
        "as_of": data.as_of, "base": base, "rows": rows, "totals": totals,
        "bucket_labels": [_(calc.BUCKET_LABELS[b]) for b in calc.BUCKETS],
        "base_buckets": ([_money(aging.buckets_base[b], base) for b in calc.BUCKETS]
                         if aging.buckets_base is not None else []),
        "total_base": _money(aging.total_base, base),
        "overdue_base": _money(aging.overdue_base, base),
        "dso": data.dso_base, "dso_by_currency": data.dso, "cash": cash,
        "unconverted": data.unconverted, "has_items": bool(data.items),
    }


@require_safe
@actor_required
def receivables_page(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    filters = ReceivablesFilterForm(request.GET or None, actor=actor)
    data = selectors.receivables(actor, **filters.filters())
    context = {"filters": filters, "r": receivables_view(actor, data),
               "sees_all": actor.role in selectors.SEES_ALL_MONEY}
    return render(request, "billing/receivables/receivables.html", context)


@require_http_methods(["GET", "POST"])
@actor_required
def fx_rates_page(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    may_edit = selectors.runs_billing(actor)
    if request.method == "POST" and not may_edit:
        raise Http404
    form = FxRateForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                fx.fx_rate_create(actor=actor, currency=data["currency"], rate=data["rate"],
                                  valid_on=data["valid_on"])
            except DomainError as refusal:
                field = str(refusal.details.get("field") or "")
                form.add_error(field if field in form.fields else None, message_for(refusal))
                status = refusal.status
            else:
                messages.success(request, _("Rate saved."))
                return redirect("billing:fx_rates")
        else:
            status = 422
    rates = list(selectors.fx_rates(actor)[:500])
    return render(request, "billing/receivables/fx_rates.html", {
        "form": form, "rates": rates, "may_edit": may_edit,
        "base": base_currency_of(actor.organization.pk),
    }, status=status)


@require_POST
@actor_required
def fx_rate_delete(request: ActorRequest, fx_rate_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    rate = selectors.fx_rate_get(actor, fx_rate_id)
    fx.fx_rate_delete(actor=actor, fx_rate=rate)  # a refusal is the 403 page
    messages.success(request, _("Rate deleted."))
    return redirect("billing:fx_rates")


urlpatterns = [
    path("receivables/", receivables_page, name="receivables"),
    path("fx-rates/", fx_rates_page, name="fx_rates"),
    path("fx-rates/<int:fx_rate_id>/delete/", fx_rate_delete, name="fx_rate_delete"),
]


def dashboard_panels(actor: Actor, *, owner_id: int | None = None) -> dict[str, Any]:
    """The money panels of the home dashboards: for finance the organization's receivables,
    overdue invoices, recent payments and reminders; for account managers and executives the
    overdue invoices of the book. A fixed number of queries."""
    from tandem.core.roles import Role

    overdue, more = selectors.overdue_invoices(actor, owner_id=owner_id)
    for invoice in overdue:
        invoice.open_text = _money(invoice.open_amount, invoice.currency)  # type: ignore[attr-defined]
    panels: dict[str, Any] = {"overdue": overdue, "overdue_more": more}
    if actor.role in {Role.FINANCE, Role.ADMIN}:
        panels["receivables"] = receivables_view(actor, selectors.receivables(actor))
        payments = selectors.recent_payments(actor)
        for payment in payments:
            payment.amount_text = _money(payment.amount, payment.currency)  # type: ignore[attr-defined]
        panels["payments"] = payments
        reminders = selectors.recent_reminders(actor)
        for reminder in reminders:
            reminder.days = abs(reminder.offset_days)  # type: ignore[attr-defined]
        panels["reminders"] = reminders
    return panels
