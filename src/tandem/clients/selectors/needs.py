"""Reads of needs and what serves them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from tandem.clients.models import Need, NeedLink
from tandem.core.actor import Actor
from tandem.core.scoping import get_scoped, scoped

SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class NeedFilters:
    client_id: int | None = None
    status: str = ""
    priority: str = ""
    search: str = ""


def need_list(actor: Actor, filters: NeedFilters | None = None) -> QuerySet[Need]:
    """The needs the actor may see, with their client and links (two queries)."""
    filters = filters or NeedFilters()
    needs = (
        scoped(Need, actor)
        .select_related("client")
        .prefetch_related(Prefetch("links", queryset=NeedLink.objects.order_by("id")))
    )
    if filters.client_id is not None:
        needs = needs.filter(client_id=filters.client_id)
    if filters.status:
        needs = needs.filter(status=filters.status)
    if filters.priority:
        needs = needs.filter(priority=filters.priority)
    search = filters.search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        needs = needs.filter(Q(title__icontains=search) | Q(description__icontains=search))
    return needs.order_by("client__name", "client_id", "-created_at", "-id")


def need_for_detail(actor: Actor, need_id: int) -> Need:
    return get_scoped(need_list(actor), actor, pk=need_id)


def needs_served_by(actor: Actor, target_type: str, target_id: str) -> QuerySet[Need]:
    """The needs a scope item, task or deliverable serves (for the apps that link them)."""
    linked = scoped(NeedLink, actor).filter(target_type=target_type, target_id=str(target_id))
    return need_list(actor).filter(pk__in=linked.values("need_id"))
