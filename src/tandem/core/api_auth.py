"""API authentication: a bearer token, or the browser's session (with CSRF) for HTMX calls.

Both resolve to an ``Actor``, which endpoints read with ``actor_of(request)``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from tandem.core.actor import Actor
from tandem.core.errors import NotAuthenticated, PermissionDenied
from tandem.core.tokens import token_resolve


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        try:
            return token_resolve(token, request_id=getattr(request, "request_id", ""))
        except NotAuthenticated:
            return None


class BrowserSession(SessionAuth):
    """The signed-in browser (``request.actor``, set by ``ActorMiddleware``).

    CSRF is checked only once a session actually authenticates the request, so an API client
    without a session (a missing, expired or revoked token) gets 401, not a CSRF 403. A request
    that presents an ``Authorization`` header is judged by that header alone: a revoked token
    sent from a signed-in browser does not quietly fall back to the session."""

    def __call__(self, request: HttpRequest) -> Actor | None:
        actor = self.authenticate(request, None)
        if actor is None or "Authorization" in request.headers:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise PermissionDenied(
                "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.",
                code="csrf_failed",
            )
        return actor

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        actor = getattr(request, "actor", None)
        return actor if isinstance(actor, Actor) else None


def actor_of(request: HttpRequest) -> Actor:
    actor: Any = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise NotAuthenticated("Sign in, or send Authorization: Bearer <token>.")
    return actor
