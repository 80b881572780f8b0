"""Reads of invoices and credit notes, through the scoping door (``billing.access``).

Finance, administrators and executives see every invoice; an account manager their clients'; a
client's person their own client's issued invoices and credit notes (never drafts); project
managers and members none (their lists are empty, a detail is a 404). Overdue is derived: issued
or partially paid with a due date before today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.billing.access import RUNS_BILLING
from tandem.billing.models import (
    OPEN_INVOICE_STATUSES,
    Allocation,
    Invoice,
    InvoiceKind,
    InvoiceLine,
)
from tandem.clients.models import Client
from tandem.contracts.models import Contract, ContractStatus
from tandem.core.actor import Actor
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped, scoped


@dataclass(frozen=True)
class InvoiceFilters:
    client_id: int | None = None
    status: str = ""
    kind: str = ""
    currency: str = ""
    overdue: bool | None = None
    search: str = ""


def is_overdue(invoice: Invoice, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (invoice.kind == InvoiceKind.INVOICE and invoice.status in OPEN_INVOICE_STATUSES
            and invoice.due_date is not None and invoice.due_date < today)


def has_live_payments(invoice: Invoice) -> bool:
    """Payments not reversed are allocated to it (it cannot be voided until they are)."""
    return Allocation.objects.filter(invoice=invoice, payment__reversed_at=None).exists()


def invoice_list(actor: Actor, filters: InvoiceFilters | None = None) -> QuerySet[Invoice]:
    filters = filters or InvoiceFilters()
    invoices = scoped(Invoice, actor).select_related("client", "contract", "project")
    if filters.client_id is not None:
        invoices = invoices.filter(client_id=filters.client_id)
    if filters.status:
        invoices = invoices.filter(status=filters.status)
    if filters.kind:
        invoices = invoices.filter(kind=filters.kind)
    if filters.currency:
        invoices = invoices.filter(currency=filters.currency.upper())
    if filters.search:
        text = filters.search.strip()
        invoices = invoices.filter(Q(number__icontains=text) | Q(client__name__icontains=text))
    overdue = {"kind": InvoiceKind.INVOICE, "status__in": OPEN_INVOICE_STATUSES,
               "due_date__lt": timezone.localdate()}
    if filters.overdue is True:
        invoices = invoices.filter(**overdue)
    elif filters.overdue is False:
        invoices = invoices.exclude(**overdue)
    # Drafts (no issue date) first, then the newest issued.
    return invoices.order_by(F("issue_date").desc(nulls_first=True), "-id")


def invoice_for_detail(actor: Actor, invoice_id: int) -> Invoice:
    """One invoice in the actor's reach with its lines, client and credit links, or 404."""
    invoices = scoped(Invoice, actor).select_related(
        "client", "contract", "project", "credits", "created_by",
    ).prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")))
    return get_scoped(invoices, actor, pk=invoice_id)


def credit_note_of(actor: Actor, invoice: Invoice) -> Invoice | None:
    return scoped(Invoice, actor).filter(credits=invoice).first()


def billable_clients(actor: Actor) -> QuerySet[Client]:
    """Clients this person may invoice: all for finance and administrators, their own for an
    account manager."""
    clients = scoped(Client, actor).order_by("name")
    if actor.role in RUNS_BILLING:
        return clients
    if actor.role == Role.ACCOUNT_MANAGER:
        return clients.filter(owner_id=actor.user_id)
    return clients.none()


def billable_contracts(actor: Actor) -> QuerySet[Contract]:
    contracts = scoped(Contract, actor).filter(
        client__in=billable_clients(actor).values("pk"),
        status__in=[ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.COMPLETED],
    ).select_related("client")
    return contracts.order_by("client__name", "code")
