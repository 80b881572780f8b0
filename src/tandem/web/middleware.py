"""Maps domain errors raised under a web view to the page a person should see."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core.errors import DomainError, NotFound
from tandem.web.errors import message_for


class DomainErrorMiddleware:
    """A ``NotFound`` becomes Django's 404 (the same page as a missing URL, so nothing hints that
    the object exists); any other domain error renders ``web/error.html`` with its status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        return render(
            request,
            "web/error.html",
            {"message": message_for(exception), "code": exception.code},
            status=exception.status,
        )
