"""Who may see and do what with the core's own records (memberships, tokens, audit log)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied
from tandem.core.models import ApiToken, AuditEntry, IdempotencyRecord, Membership
from tandem.core.roles import Role
from tandem.core.scoping import scope_rule


@scope_rule(Membership)
def memberships_in_reach(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    # Colleagues are a directory every staff role needs (to pick an owner, a PM, an assignee);
    # a client's people see only themselves.
    if actor.role == Role.CLIENT:
        return queryset.filter(user_id=actor.user_id)
    if actor.is_admin:
        return queryset
    return queryset.filter(is_active=True)


@scope_rule(ApiToken)
def own_tokens(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.filter(user_id=actor.user_id)


@scope_rule(IdempotencyRecord)
def own_idempotency_records(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset.filter(user_id=actor.user_id)


@scope_rule(AuditEntry)
def audit_for_admins(queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return queryset if actor.is_admin else queryset.none()


def ensure_admin(actor: Actor, action: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"Only an administrator can {action}.")


def can_manage_members(actor: Actor) -> bool:
    return actor.is_admin


def can_read_audit(actor: Actor) -> bool:
    return actor.is_admin
