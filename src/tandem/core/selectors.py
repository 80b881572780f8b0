"""Reads of the core, each starting from the scoping door (or from the user's own rows)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tandem.core.actor import Actor
from tandem.core.models import ApiToken, AuditEntry, Membership, User
from tandem.core.scoping import scoped


def memberships_of_user(user: User) -> QuerySet[Membership]:
    """The organizations a signed-in person can switch between (their own memberships)."""
    return (
        Membership.objects.select_related("organization")
        .filter(user=user, is_active=True)
        .order_by("organization__name", "organization_id")
    )


def member_list(actor: Actor, *, role: str | None = None, search: str = "") -> QuerySet[Membership]:
    members = scoped(Membership, actor).select_related("user")
    if role:
        members = members.filter(role=role)
    if search:
        members = members.filter(
            Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        )
    return members.order_by("user__full_name", "user__email")


def token_list(actor: Actor) -> QuerySet[ApiToken]:
    return scoped(ApiToken, actor).order_by("-created_at", "-id")


def audit_list(
    actor: Actor, *, object_type: str = "", object_id: str = "", action: str = ""
) -> QuerySet[AuditEntry]:
    entries = scoped(AuditEntry, actor)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-created_at", "-id")
