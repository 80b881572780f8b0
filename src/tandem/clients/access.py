"""Who sees and changes what on the AM side.

Reading (the scope rules): admins and executives see everything; account managers see every
client in lists (with health) but the details (contacts, needs, interactions, issues, surveys)
only of the clients they own; finance sees clients and their contacts (for billing); project
managers and team members see the clients of the projects they work on, with contacts and needs,
through the reach the projects app registers (``register_project_reach``), and no interactions,
issues or satisfaction; a client's person sees only their own client, its issues and surveys.

Changing: an administrator, or the account manager who owns the client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

from tandem.clients.models import (
    AccountSettings,
    Client,
    ClientIssue,
    ClientTag,
    Contact,
    HealthSnapshot,
    Interaction,
    IssueEvent,
    Need,
    NeedLink,
    SlaTarget,
    Survey,
)
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied
from tandem.core.roles import Role
from tandem.core.scoping import scope_rule

# Gives the ids of the clients an actor reaches through the projects they work on (a queryset
# of ids or a list). The projects app registers one; until then PMs and members reach none.
ProjectReach = Callable[[Actor], Iterable[int] | QuerySet[Any]]
_project_reach: list[ProjectReach] = []

# Which roles see which kind of record, beyond the client itself.
DETAIL_READERS = {
    Contact: {Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.FINANCE,
              Role.PROJECT_MANAGER, Role.MEMBER},
    Need: {Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER, Role.MEMBER},
    Interaction: {Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER},
    ClientIssue: {Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.CLIENT},
    Survey: {Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.CLIENT},
    HealthSnapshot: {Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.FINANCE,
                     Role.PROJECT_MANAGER, Role.MEMBER},
}


def register_project_reach(reach: ProjectReach) -> ProjectReach:
    _project_reach.append(reach)
    return reach


def narrow_clients(clients: QuerySet[Any], actor: Actor, *, detail: bool) -> QuerySet[Any]:
    """``clients`` narrowed to those ``actor`` may see; ``detail`` means beyond the list (an
    account manager sees every client's name and health, but the details of their own only)."""
    role = actor.role
    if role in {Role.ADMIN, Role.EXECUTIVE, Role.FINANCE}:
        return clients
    if role == Role.ACCOUNT_MANAGER:
        return clients.filter(owner_id=actor.user_id) if detail else clients
    if role == Role.CLIENT:
        return clients.filter(pk=actor.client_id) if actor.client_id else clients.none()
    if not _project_reach:
        return clients.none()
    reached = Q(pk__in=[])
    for reach in _project_reach:
        reached |= Q(pk__in=reach(actor))
    return clients.filter(reached)


def _detail_rule(model: type[Any], *, via: str = "client") -> None:
    readers = DETAIL_READERS[model]

    @scope_rule(model)
    def rule(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
        if actor.role not in readers:
            return queryset.none()
        if actor.role in {Role.ADMIN, Role.EXECUTIVE}:
            return queryset
        # Health is shown in the AM's list of all clients; the rest is detail.
        detail = model is not HealthSnapshot
        visible = narrow_clients(
            Client.objects.filter(organization_id=actor.organization.pk), actor, detail=detail
        )
        return queryset.filter(**{f"{via}__in": visible.values("pk")})


@scope_rule(Client)
def clients_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return narrow_clients(queryset, actor, detail=False)


@scope_rule(ClientTag)
def tags_for_staff(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.none() if actor.role == Role.CLIENT else queryset


for _model in (Contact, Need, Interaction, ClientIssue, Survey, HealthSnapshot):
    _detail_rule(_model)
DETAIL_READERS[NeedLink] = DETAIL_READERS[Need]
DETAIL_READERS[IssueEvent] = DETAIL_READERS[ClientIssue]
_detail_rule(NeedLink, via="need__client")
_detail_rule(IssueEvent, via="issue__client")


def can_see_client_detail(actor: Actor, client: Client) -> bool:
    return narrow_clients(Client.objects.filter(pk=client.pk), actor, detail=True).exists()


def can_edit_client(actor: Actor, client: Client) -> bool:
    """Administrators, and the account manager who owns the client."""
    if actor.is_admin:
        return True
    return actor.role == Role.ACCOUNT_MANAGER and client.owner_id == actor.user_id


def ensure_can_edit_client(actor: Actor, client: Client) -> None:
    if not can_edit_client(actor, client):
        raise PermissionDenied("Only the client's account manager or an administrator can "
                               "change this client.")


def can_create_client(actor: Actor) -> bool:
    return actor.role in {Role.ADMIN, Role.ACCOUNT_MANAGER}


@scope_rule(AccountSettings)
def settings_for_staff(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.none() if actor.role == Role.CLIENT else queryset


@scope_rule(SlaTarget)
def sla_targets_for_staff(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.none() if actor.role == Role.CLIENT else queryset
