"""Who sees and changes contracts.

Finance, administrators and executives see every contract; an account manager the contracts of
the clients they own; a project manager the contracts of their projects (scope and billing
schedule, read only: no rate card, no amendments' money); members and clients see none.
Finance, administrators and the client's account manager change them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.contracts.models import (
    Amendment,
    BillingLine,
    Contract,
    ContractNeed,
    RateCardLine,
)
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied
from tandem.core.roles import Role
from tandem.core.scoping import scope_rule

SEES_EVERY_CONTRACT = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.FINANCE})
MONEY_DETAIL = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.FINANCE, Role.ACCOUNT_MANAGER})


def narrow_contracts(contracts: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    if actor.role in SEES_EVERY_CONTRACT:
        return contracts
    if actor.role == Role.ACCOUNT_MANAGER:
        return contracts.filter(client__owner_id=actor.user_id)
    if actor.role == Role.PROJECT_MANAGER:
        from tandem.projects.access import visible_projects

        return contracts.filter(project__in=visible_projects(actor).values("pk"))
    return contracts.none()


@scope_rule(Contract)
def contracts_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return narrow_contracts(queryset, actor)


def _child_rule(model: type[Any], *, money: bool) -> None:
    @scope_rule(model)
    def rule(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
        if money and actor.role not in MONEY_DETAIL:
            return queryset.none()
        if actor.role in SEES_EVERY_CONTRACT:
            return queryset
        visible = narrow_contracts(Contract.objects.filter(organization_id=actor.organization.pk),
                                   actor)
        return queryset.filter(contract__in=visible.values("pk"))


_child_rule(BillingLine, money=False)
_child_rule(ContractNeed, money=False)
_child_rule(RateCardLine, money=True)
_child_rule(Amendment, money=True)


def can_edit_contract(actor: Actor, contract: Contract) -> bool:
    if actor.role in {Role.ADMIN, Role.FINANCE}:
        return True
    return actor.role == Role.ACCOUNT_MANAGER and contract.client.owner_id == actor.user_id


def ensure_can_edit_contract(actor: Actor, contract: Contract) -> None:
    if not can_edit_contract(actor, contract):
        raise PermissionDenied("Only finance, administrators and the client's account manager "
                               "can change this contract.")


def sees_contract_money(actor: Actor) -> bool:
    """Values, fees and rates; a project manager sees the scope and the billing milestones."""
    return actor.role in MONEY_DETAIL
