"""Who sees and changes invoices and payments.

Finance, administrators and executives see everything; an account manager the invoices and
payments of the clients they own; a client's person their own client's issued invoices and
credit notes (never drafts); project managers and members see no money.
Finance and administrators do everything; an account manager prepares and issues their clients'
invoices and records their payments.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.billing.models import (
    Allocation,
    FxRate,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    NumberSequence,
    Payment,
    ReminderSent,
)
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied
from tandem.core.roles import Role
from tandem.core.scoping import scope_rule

SEES_ALL_MONEY = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.FINANCE})
RUNS_BILLING = frozenset({Role.ADMIN, Role.FINANCE})


def narrow_by_client(
    queryset: QuerySet[Any], actor: Actor, *, via: str = "client"
) -> QuerySet[Any]:
    if actor.role in SEES_ALL_MONEY:
        return queryset
    if actor.role == Role.ACCOUNT_MANAGER:
        return queryset.filter(**{f"{via}__owner_id": actor.user_id})
    return queryset.none()


@scope_rule(Invoice)
def invoices_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    if actor.role == Role.CLIENT:
        if not actor.client_id:
            return queryset.none()
        return queryset.filter(client_id=actor.client_id).exclude(status=InvoiceStatus.DRAFT)
    return narrow_by_client(queryset, actor)


@scope_rule(InvoiceLine)
def invoice_lines_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    visible = invoices_in_reach(Invoice.objects.filter(organization_id=actor.organization.pk),
                                actor)
    if actor.role in SEES_ALL_MONEY:
        return queryset
    return queryset.filter(invoice__in=visible.values("pk"))


@scope_rule(Payment)
def payments_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return narrow_by_client(queryset, actor)


@scope_rule(Allocation)
def allocations_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return narrow_by_client(queryset, actor, via="payment__client")


@scope_rule(ReminderSent)
def reminders_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return narrow_by_client(queryset, actor, via="invoice__client")


@scope_rule(FxRate)
def fx_rates_for_money_roles(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset if actor.role in SEES_ALL_MONEY | {Role.ACCOUNT_MANAGER} else queryset.none()


@scope_rule(NumberSequence)
def sequences_for_billing(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset if actor.role in RUNS_BILLING else queryset.none()


def can_bill_client(actor: Actor, client: Any) -> bool:
    """Prepare, issue and void invoices and record payments of ``client``."""
    if actor.role in RUNS_BILLING:
        return True
    return actor.role == Role.ACCOUNT_MANAGER and client.owner_id == actor.user_id


def ensure_can_bill_client(actor: Actor, client: Any) -> None:
    if not can_bill_client(actor, client):
        raise PermissionDenied("Only finance, administrators and the client's account manager "
                               "can do this.")


def ensure_runs_billing(actor: Actor) -> None:
    if actor.role not in RUNS_BILLING:
        raise PermissionDenied("Only finance and administrators can do this.")
