"""API authentication: a bearer token, or the browser's session (with CSRF) for HTMX calls.

Both resolve to an ``Actor``, which endpoints read with ``actor_of(request)``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from tandem.core.actor import Actor
from tandem.core.errors import NotAuthenticated
from tandem.core.tokens import token_resolve


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        try:
            return token_resolve(token, request_id=getattr(request, "request_id", ""))
        except NotAuthenticated:
            return None


class BrowserSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        return getattr(request, "actor", None)


def actor_of(request: HttpRequest) -> Actor:
    actor: Any = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise NotAuthenticated("Sign in, or send Authorization: Bearer <token>.")
    return actor
