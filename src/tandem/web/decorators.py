"""View guards: a signed-in person who acts in an organization."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from tandem.core.actor import Actor


class ActorRequest(HttpRequest):
    """What a view behind ``actor_required`` receives: the middleware set ``actor`` and ``htmx``."""

    actor: Actor
    htmx: HtmxDetails
    request_id: str


View = Callable[..., HttpResponse]


def actor_required(view: View) -> View:
    """Sign-in first; then the person must belong to an organization (else an explaining page)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "actor", None) is None:
            return render(request, "web/no_organization.html", status=403)
        return view(request, *args, **kwargs)

    return guarded
