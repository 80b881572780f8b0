"""Reads of clients, their contacts and tags, and a client's timeline of changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from tandem.clients.access import can_see_client_detail, narrow_clients
from tandem.clients.models import Client, ClientTag, Contact, Need
from tandem.core.actor import Actor
from tandem.core.audit import object_type_of
from tandem.core.models import AuditEntry, Membership
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped, scoped

SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class ClientFilters:
    search: str = ""
    tier: str = ""
    status: str = ""
    owner_id: int | None = None
    tag: str = ""
    industry: str = ""


def client_list(actor: Actor, filters: ClientFilters | None = None) -> QuerySet[Client]:
    """The clients the actor may list, filtered, with their owner and tags (two queries)."""
    filters = filters or ClientFilters()
    clients = (
        scoped(Client, actor)
        .select_related("owner")
        .prefetch_related(Prefetch("tags", queryset=ClientTag.objects.order_by("name")))
    )
    search = filters.search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        # Contacts are matched only among those the actor may see.
        by_contact = scoped(Contact, actor).filter(name__icontains=search).values("client_id")
        clients = clients.filter(
            Q(name__icontains=search) | Q(legal_name__icontains=search)
            | Q(tax_code__icontains=search) | Q(pk__in=by_contact)
        )
    if filters.tier:
        clients = clients.filter(tier=filters.tier)
    if filters.status:
        clients = clients.filter(status=filters.status)
    if filters.owner_id is not None:
        clients = clients.filter(owner_id=filters.owner_id)
    if filters.tag:
        clients = clients.filter(
            pk__in=Client.tags.through.objects.filter(clienttag__name__iexact=filters.tag)
            .values("client_id")
        )
    if filters.industry:
        clients = clients.filter(industry__iexact=filters.industry.strip())
    return clients.order_by("name", "id")


def client_export_rows(actor: Actor, filters: ClientFilters | None = None) -> QuerySet[Client]:
    """The listed clients with their primary contact (when the actor may see it)."""
    primary = scoped(Contact, actor).filter(is_primary=True)
    return client_list(actor, filters).prefetch_related(
        Prefetch("contacts", queryset=primary, to_attr="primary_contacts")
    )


def client_details(actor: Actor) -> QuerySet[Client]:
    """The clients whose details (contacts, needs, history) the actor may see."""
    return narrow_clients(scoped(Client, actor), actor, detail=True).select_related("owner")


def client_for_detail(actor: Actor, client_id: int) -> Client:
    """One client the actor may see in detail, with owner and tags, or ``NotFound``."""
    return get_scoped(
        client_details(actor).prefetch_related(
            Prefetch("tags", queryset=ClientTag.objects.order_by("name"))
        ),
        actor, pk=client_id,
    )


def tag_list(actor: Actor) -> QuerySet[ClientTag]:
    return scoped(ClientTag, actor).order_by("name")


def industry_list(actor: Actor) -> list[str]:
    return list(
        scoped(Client, actor).exclude(industry="").order_by("industry")
        .values_list("industry", flat=True).distinct()
    )


def owner_choices(actor: Actor) -> QuerySet[Membership]:
    """Who may own a client: the active account managers and administrators."""
    return (
        scoped(Membership, actor)
        .filter(is_active=True, role__in=[Role.ACCOUNT_MANAGER, Role.ADMIN])
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def contact_list(
    actor: Actor, *, client_id: int | None = None, search: str = ""
) -> QuerySet[Contact]:
    contacts = scoped(Contact, actor).select_related("client")
    if client_id is not None:
        contacts = contacts.filter(client_id=client_id)
    search = search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        contacts = contacts.filter(
            Q(name__icontains=search) | Q(email__icontains=search) | Q(title__icontains=search)
        )
    return contacts.order_by("client__name", "client_id", "-is_primary", "name", "id")


def contact_for_detail(actor: Actor, contact_id: int) -> Contact:
    return get_scoped(scoped(Contact, actor).select_related("client"), actor, pk=contact_id)


def client_timeline(actor: Actor, client: Client, *, limit: int = 100) -> list[AuditEntry]:
    """The latest changes of a client, its contacts and its needs, newest first.

    The audit log itself is for administrators; a person who may see the client's details sees
    the entries about this client through here. One query for the ids, one for the entries."""
    if not can_see_client_detail(actor, client):
        return []
    contact_ids = [str(pk) for pk in
                   Contact.objects.filter(client=client).values_list("pk", flat=True)]
    need_ids = [str(pk) for pk in Need.objects.filter(client=client).values_list("pk", flat=True)]
    about = Q(object_type=object_type_of(Client), object_id=str(client.pk))
    if contact_ids and Contact in _detail_models(actor):
        about |= Q(object_type=object_type_of(Contact), object_id__in=contact_ids)
    if need_ids and Need in _detail_models(actor):
        about |= Q(object_type=object_type_of(Need), object_id__in=need_ids)
    entries = AuditEntry.objects.filter(about, organization_id=actor.organization.pk)
    return list(entries.select_related("actor").order_by("-created_at", "-id")[:limit])


def _detail_models(actor: Actor) -> set[type]:
    from tandem.clients.access import DETAIL_READERS

    return {model for model, roles in DETAIL_READERS.items() if actor.role in roles}
