"""Reads of the money side: payments, open invoices, receivables, overdue invoices, FX rates.

Every read starts from the scoping door; roles that see no money (project managers, members and
the client's people for payments and receivables) get ``NotFound``, like a page that does not
exist. Each function costs a fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.billing.access import RUNS_BILLING, SEES_ALL_MONEY
from tandem.billing.models import (
    OPEN_INVOICE_STATUSES,
    Allocation,
    FxRate,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    ReminderSent,
)
from tandem.billing.services import receivables as calc
from tandem.billing.services.fx import Rates, base_currency_of, rates_on
from tandem.clients.models import Client
from tandem.core.actor import Actor
from tandem.core.errors import NotFound
from tandem.core.money import ZERO
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped, scoped

MONEY_READERS = SEES_ALL_MONEY | {Role.ACCOUNT_MANAGER}
AMOUNT: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=3)


def ensure_reads_money(actor: Actor) -> None:
    """Payments, receivables and FX rates exist only for finance, administrators, executives and
    account managers; for anyone else they are not found."""
    if actor.role not in MONEY_READERS:
        raise NotFound("Not found.")


def runs_billing(actor: Actor) -> bool:
    return actor.role in RUNS_BILLING


# ------------------------------------------------------------------------------ payments


def payments(actor: Actor) -> QuerySet[Payment]:
    ensure_reads_money(actor)
    return (
        scoped(Payment, actor).select_related("client")
        .annotate(allocated=Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=AMOUNT))
        .prefetch_related(Prefetch("allocations", queryset=Allocation.objects
                                   .select_related("invoice").order_by("invoice_id")))
        .order_by("-received_on", "-id")
    )


def payment_list(
    actor: Actor, *, client_id: int | None = None, currency: str = "",
    since: dt.date | None = None, until: dt.date | None = None, reversed_too: bool = True,
) -> QuerySet[Payment]:
    queryset = payments(actor)
    if client_id:
        queryset = queryset.filter(client_id=client_id)
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    if since:
        queryset = queryset.filter(received_on__gte=since)
    if until:
        queryset = queryset.filter(received_on__lte=until)
    if not reversed_too:
        queryset = queryset.filter(reversed_at__isnull=True)
    return queryset


def payment_get(actor: Actor, payment_id: int) -> Payment:
    """One payment with its allocations and their invoices (two queries)."""
    return get_scoped(payments(actor), actor, pk=payment_id)


def unallocated_of(payment: Any) -> Decimal:
    """A payment's credit on account: what is not allocated (nothing once reversed)."""
    if payment.reversed_at is not None:
        return ZERO
    allocated = getattr(payment, "allocated", None)
    if allocated is None:
        allocated = sum((a.amount for a in payment.allocations.all()), ZERO)
    return Decimal(payment.amount) - Decimal(allocated)


def billable_clients(actor: Actor) -> QuerySet[Client]:
    """The clients whose payments the actor may record."""
    clients = scoped(Client, actor).order_by("name", "id")
    if actor.role in RUNS_BILLING:
        return clients
    if actor.role == Role.ACCOUNT_MANAGER:
        return clients.filter(owner_id=actor.user_id)
    return clients.none()


def client_for_billing(actor: Actor, client_id: int) -> Client:
    return get_scoped(billable_clients(actor), actor, pk=client_id)


def open_invoices(actor: Actor, *, client_id: int, currency: str = "") -> QuerySet[Invoice]:
    """A client's invoices open for payment (oldest due first), optionally in one currency."""
    ensure_reads_money(actor)
    queryset = scoped(Invoice, actor).filter(
        client_id=client_id, kind=InvoiceKind.INVOICE, status__in=OPEN_INVOICE_STATUSES,
    ).order_by(F("due_date").asc(nulls_last=True), "id")
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    return queryset


def open_currencies(actor: Actor, client_id: int) -> list[str]:
    return sorted(set(open_invoices(actor, client_id=client_id)
                      .values_list("currency", flat=True)))


# ------------------------------------------------------------------------------ receivables


def open_items(actor: Actor, *, as_of: dt.date, client_id: int | None = None,
               currency: str = "") -> list[calc.OpenItem]:
    """Invoices open on ``as_of`` with their open amount then (one query)."""
    ensure_reads_money(actor)
    paid = Coalesce(
        Sum("allocations__amount", filter=Q(allocations__payment__received_on__lte=as_of,
                                             allocations__payment__reversed_at__isnull=True)),
        Value(ZERO), output_field=AMOUNT,
    )
    queryset = (
        scoped(Invoice, actor)
        .filter(kind=InvoiceKind.INVOICE, issue_date__lte=as_of)
        .exclude(status__in=[InvoiceStatus.DRAFT, InvoiceStatus.VOID])
        .annotate(paid_as_of=paid).filter(total__gt=F("paid_as_of"))
    )
    if client_id:
        queryset = queryset.filter(client_id=client_id)
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    rows = queryset.order_by("client__name", "client_id", "currency", "due_date", "id").values(
        "pk", "number", "client_id", "client__name", "currency", "total", "paid_as_of",
        "issue_date", "due_date",
    )
    return [
        calc.OpenItem(invoice_id=r["pk"], number=r["number"], client_id=r["client_id"],
                      client_name=r["client__name"], currency=r["currency"], total=r["total"],
                      open_amount=r["total"] - r["paid_as_of"], issue_date=r["issue_date"],
                      due_date=r["due_date"])
        for r in rows
    ]


def sales_by_currency(actor: Actor, *, since: dt.date, until: dt.date,
                      client_id: int | None = None, currency: str = "") -> dict[str, Decimal]:
    """Totals of the invoices issued from ``since`` to ``until`` (not void), per currency."""
    queryset = (scoped(Invoice, actor)
                .filter(kind=InvoiceKind.INVOICE, issue_date__gte=since, issue_date__lte=until)
                .exclude(status__in=[InvoiceStatus.DRAFT, InvoiceStatus.VOID]))
    if client_id:
        queryset = queryset.filter(client_id=client_id)
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    return dict(queryset.order_by().values("currency").annotate(s=Sum("total"))
                .values_list("currency", "s"))


def rates_for(actor: Actor, as_of: dt.date) -> Rates:
    """The organization's base currency and the rates valid on ``as_of`` (two queries)."""
    base = base_currency_of(actor.organization.pk)
    return rates_on(actor.organization.pk, base, as_of)


@dataclass
class Receivables:
    as_of: dt.date
    aging: calc.Aging
    dso: list[calc.Dso]
    dso_base: calc.Dso | None
    cash: list[calc.CashWeek]
    unconverted: list[str]
    items: list[calc.OpenItem]

    @property
    def cash_max(self) -> Decimal:
        values = [w.amount_base or ZERO for w in self.cash]
        return max(values, default=ZERO)


def receivables(actor: Actor, *, as_of: dt.date | None = None, client_id: int | None = None,
                currency: str = "", convert: bool = True) -> Receivables:
    """Aging, DSO and expected cash as of a date (today by default): four queries."""
    ensure_reads_money(actor)
    as_of = as_of or timezone.localdate()
    items = open_items(actor, as_of=as_of, client_id=client_id, currency=currency)
    since = as_of - dt.timedelta(days=calc.DSO_WINDOW_DAYS - 1)
    sales = sales_by_currency(actor, since=since, until=as_of, client_id=client_id,
                              currency=currency)
    rates = rates_for(actor, as_of) if convert else None
    aging = calc.aging_of(items, as_of, rates)
    dso_base, unconverted = (calc.dso_in_base(items, sales, rates) if rates is not None
                             else (None, []))
    return Receivables(
        as_of=as_of, aging=aging, dso=calc.dso_by_currency(items, sales), dso_base=dso_base,
        cash=calc.expected_cash(items, as_of, rates),
        unconverted=sorted(set(unconverted) | set(aging.unconverted)), items=items,
    )


# ------------------------------------------------------------------------------ dashboards


def overdue_invoices(actor: Actor, *, today: dt.date | None = None, owner_id: int | None = None,
                     limit: int = 10) -> tuple[list[Invoice], bool]:
    """The actor's overdue invoices, the most overdue first, and whether there are more than
    ``limit`` (one query). Empty for roles that see no money."""
    if actor.role not in MONEY_READERS:
        return [], False
    today = today or timezone.localdate()
    queryset = scoped(Invoice, actor).filter(
        kind=InvoiceKind.INVOICE, status__in=OPEN_INVOICE_STATUSES, due_date__lt=today,
    )
    if owner_id:
        queryset = queryset.filter(client__owner_id=owner_id)
    rows: list[Invoice] = list(
        queryset.select_related("client")
        .annotate(last_reminder=Max("reminders__offset_days"))
        .order_by("due_date", "id")[:limit + 1]
    )
    for invoice in rows:
        invoice.days_overdue = (today - invoice.due_date).days  # type: ignore[attr-defined,operator]
        invoice.open_amount = invoice.total - invoice.amount_paid  # type: ignore[attr-defined]
    return rows[:limit], len(rows) > limit


def recent_payments(actor: Actor, *, limit: int = 8) -> list[Payment]:
    if actor.role not in MONEY_READERS:
        return []
    return list(payments(actor)[:limit])


def recent_reminders(actor: Actor, *, days: int = 14, limit: int = 10) -> list[ReminderSent]:
    if actor.role not in MONEY_READERS:
        return []
    since = timezone.now() - dt.timedelta(days=days)
    return list(scoped(ReminderSent, actor).filter(sent_at__gte=since)
                .select_related("invoice__client").order_by("-sent_at", "-id")[:limit])


# ------------------------------------------------------------------------------ FX rates


def fx_rates(actor: Actor, *, currency: str = "") -> QuerySet[FxRate]:
    ensure_reads_money(actor)
    queryset = scoped(FxRate, actor).order_by("currency", "-valid_on", "-id")
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    return queryset


def fx_rate_get(actor: Actor, fx_rate_id: int) -> FxRate:
    return get_scoped(fx_rates(actor), actor, pk=fx_rate_id)
