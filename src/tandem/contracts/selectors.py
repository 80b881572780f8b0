"""Reads of contracts, their rate cards, billing schedules, needs and amendments.

Everything starts from the scoping door: finance, administrators and executives see every
contract; an account manager their own clients'; a project manager their projects' (the scope
and the billing milestones, never the rate card nor the amendments, and the output shapes hide
the money); members and the client's people none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tandem.clients.models import Client, Need
from tandem.contracts.access import can_edit_contract, sees_contract_money
from tandem.contracts.models import (
    Amendment,
    BillingKind,
    BillingLine,
    Contract,
    ContractNeed,
    RateCardLine,
)
from tandem.contracts.services.common import line_amount
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied
from tandem.core.models import Membership
from tandem.core.money import ZERO
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped, scoped
from tandem.projects.models import Deliverable, Project, Task

SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class ContractFilters:
    client_id: int | None = None
    status: str = ""
    type: str = ""
    search: str = ""


def contract_list(actor: Actor, filters: ContractFilters | None = None) -> QuerySet[Contract]:
    """The contracts the actor may see, filtered, with client and project (one query)."""
    filters = filters or ContractFilters()
    contracts = scoped(Contract, actor).select_related("client", "project")
    if filters.client_id is not None:
        contracts = contracts.filter(client_id=filters.client_id)
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    if filters.type:
        contracts = contracts.filter(type=filters.type)
    search = filters.search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        contracts = contracts.filter(Q(code__icontains=search) | Q(title__icontains=search)
                                     | Q(client__name__icontains=search))
    return contracts.order_by("-start_date", "code", "id")


def contract_for_detail(actor: Actor, contract_id: int) -> Contract:
    """One contract in the actor's scope with its client, project and the needs it covers, or
    ``NotFound``."""
    needs = Need.objects.filter(pk__in=scoped(ContractNeed, actor).filter(
        contract_id=contract_id).values("need_id")).order_by("id")
    queryset = (scoped(Contract, actor)
                .select_related("client", "client__owner", "project", "project__manager",
                                "signed_by", "created_by")
                .prefetch_related(Prefetch("needs", queryset=needs)))
    return get_scoped(queryset, actor, pk=contract_id)


def rate_list(actor: Actor, contract: Contract) -> QuerySet[RateCardLine]:
    """The contract's rate card; refused (403) to a role that does not see rates."""
    ensure_sees_money(actor)
    return (scoped(RateCardLine, actor).filter(contract=contract).select_related("person")
            .order_by("role", "person_id", "valid_from", "id"))


def rate_for_detail(actor: Actor, contract: Contract, rate_id: int) -> RateCardLine:
    ensure_sees_money(actor)
    return get_scoped(scoped(RateCardLine, actor).filter(contract=contract), actor,
                      pk=rate_id)


def billing_line_list(actor: Actor, contract: Contract) -> list[BillingLine]:
    """The billing schedule in order, each line with ``billed_amount`` (its amount, or its
    percentage of the value) set (two queries)."""
    lines = list(scoped(BillingLine, actor).filter(contract=contract)
                 .select_related("milestone", "deliverable").order_by("position", "id"))
    for line in lines:
        line.contract = contract
        line.billed_amount = line_amount(line, contract)  # type: ignore[attr-defined]
    return lines


def billing_line_for_detail(actor: Actor, contract: Contract, line_id: int) -> BillingLine:
    line = get_scoped(scoped(BillingLine, actor).filter(contract=contract)
                      .select_related("milestone", "deliverable"), actor, pk=line_id)
    line.contract = contract
    line.billed_amount = line_amount(line, contract)  # type: ignore[attr-defined]
    return line


def amendment_list(actor: Actor, contract: Contract) -> QuerySet[Amendment]:
    """The contract's amendments, newest first; refused (403) to a role without the money."""
    ensure_sees_money(actor)
    return (scoped(Amendment, actor).filter(contract=contract).select_related("created_by")
            .order_by("-number"))


def amendment_for_detail(actor: Actor, contract: Contract, number_or_id: int) -> Amendment:
    ensure_sees_money(actor)
    return get_scoped(scoped(Amendment, actor).filter(contract=contract)
                      .select_related("created_by"), actor, pk=number_or_id)


def schedule_summary(contract: Contract, lines: list[BillingLine]) -> dict[str, Any]:
    """The milestones' total against the contract's value, and what is left to schedule."""
    milestones = [ln for ln in lines if ln.kind == BillingKind.MILESTONE]
    total = sum((getattr(ln, "billed_amount", None) or ZERO for ln in milestones), ZERO)
    value = contract.total_value
    return {
        "scheduled": total,
        "value": value,
        "unscheduled": (value - total) if value is not None else None,
        "periods": sum((ln.amount or ZERO for ln in lines if ln.kind == BillingKind.PERIODIC),
                       ZERO),
    }


def ensure_sees_money(actor: Actor) -> None:
    if not sees_contract_money(actor):
        raise PermissionDenied("Your role does not see contract rates, values or amendments.")


# --- choices for the forms --------------------------------------------------------------------


def contract_clients(actor: Actor) -> QuerySet[Client]:
    """The clients the actor may make contracts for."""
    clients = scoped(Client, actor).order_by("name", "id")
    if actor.role in {Role.ADMIN, Role.FINANCE}:
        return clients
    if actor.role == Role.ACCOUNT_MANAGER:
        return clients.filter(owner_id=actor.user_id)
    return clients.none()


def client_needs(actor: Actor, client_id: int) -> QuerySet[Need]:
    return (scoped(Need, actor).filter(client_id=client_id).exclude(status="dropped")
            .order_by("title", "id"))


def client_projects(actor: Actor, client_id: int) -> QuerySet[Project]:
    return Project.objects.filter(organization_id=actor.organization.pk,
                                  client_id=client_id).order_by("code", "id")


def project_managers(actor: Actor) -> QuerySet[Membership]:
    return (Membership.objects.filter(organization_id=actor.organization.pk, is_active=True,
                                      role__in=[Role.PROJECT_MANAGER, Role.ADMIN],
                                      user__is_active=True)
            .select_related("user").order_by("user__full_name", "user_id"))


def project_milestones(contract: Contract) -> QuerySet[Task]:
    if contract.project_id is None:
        return Task.objects.none()
    return (Task.objects.filter(project_id=contract.project_id, duration=0, is_summary=False)
            .order_by("start", "sequence", "id"))


def project_deliverables(contract: Contract) -> QuerySet[Deliverable]:
    if contract.project_id is None:
        return Deliverable.objects.none()
    return Deliverable.objects.filter(project_id=contract.project_id).order_by("due_date", "id")


def staff_people(actor: Actor) -> QuerySet[Membership]:
    return (Membership.objects.filter(organization_id=actor.organization.pk, is_active=True)
            .exclude(role=Role.CLIENT).select_related("user")
            .order_by("user__full_name", "user_id"))


def can_edit(actor: Actor, contract: Contract) -> bool:
    return can_edit_contract(actor, contract)

