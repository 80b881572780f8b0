"""Request plumbing: a request id, the acting membership, the user's language, extra headers."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from tandem.core.actor import Actor, new_request_id
from tandem.core.models import Membership

SESSION_ORGANIZATION_KEY = "tandem_organization_id"
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
Handler = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Gives each request an id (a sane incoming ``X-Request-ID`` is kept) for logs and audit."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else new_request_id()  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class ActorMiddleware:
    """Sets ``request.actor`` for a signed-in browser session: the user in the organization they
    chose last (or their first one). API requests with a bearer token get theirs from the token."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = session_actor(request)  # type: ignore[attr-defined]
        return self.get_response(request)


def session_actor(request: HttpRequest) -> Actor | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("organization", "user").filter(
        user=user, is_active=True
    )
    chosen = request.session.get(SESSION_ORGANIZATION_KEY)
    membership = memberships.filter(organization_id=chosen).first() if chosen else None
    if membership is None:
        membership = memberships.order_by("organization__name", "organization_id").first()
        if membership is None:
            return None
        request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    return Actor.for_membership(membership, request_id=getattr(request, "request_id", ""))


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's, on any device."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language and language != cookie and not request.path.startswith("/api/"):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and language != cookie and not request.path.startswith("/api/"):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "private, no-store")
        return response
