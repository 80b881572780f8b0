"""Reads of the shell's pages that the core's selectors do not offer. Each starts from the
scoping door, so an object of another organization or out of the role's reach is ``NotFound``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from tandem.core import selectors
from tandem.core.actor import Actor
from tandem.core.models import ApiToken, Membership
from tandem.core.scoping import get_scoped, scoped


def member_for_update(actor: Actor, membership_id: int) -> Membership:
    """One membership of the actor's organization in their reach, with its user (for the row)."""
    return get_scoped(scoped(Membership, actor).select_related("user"), actor, pk=membership_id)


def own_membership(actor: Actor) -> Membership:
    """The acting person's own active membership (the one their new API token is bound to)."""
    return get_scoped(
        scoped(Membership, actor).select_related("user", "organization"),
        actor,
        user_id=actor.user_id,
        is_active=True,
    )


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    status: str  # "active", "expired" or "revoked"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


def token_rows(actor: Actor) -> list[TokenRow]:
    """The actor's own API tokens in this organization, newest first, each with its status."""
    now = timezone.now()
    rows = []
    for token in selectors.token_list(actor):
        if token.revoked_at is not None:
            status = "revoked"
        elif token.expires_at <= now:
            status = "expired"
        else:
            status = "active"
        rows.append(TokenRow(token, status))
    return rows
