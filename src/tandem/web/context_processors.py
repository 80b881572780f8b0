"""What every page's shell needs: the actor, the navigation, the organizations to switch to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.core import selectors
from tandem.web.navigation import items_for


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return {"actor": None}
    return {
        "actor": actor,
        "navigation": items_for(actor.role),
        "switchable_memberships": selectors.memberships_of_user(actor.user),
    }
