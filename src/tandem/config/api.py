"""The one NinjaAPI under /api/v1/: authentication, error mapping, and every app's router.

Every error the API answers with is JSON ``{"detail": str, "code": str}``: domain errors,
invalid requests, authentication, unknown methods and unexpected failures alike."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from csp.decorators import csp_update
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from tandem.billing.api import router as billing_router
from tandem.clients.api import router as clients_router
from tandem.contracts.api import router as contracts_router
from tandem.core.api import router as core_router
from tandem.core.api_auth import BearerToken, BrowserSession
from tandem.core.errors import BadRequest, DomainError, ValidationError
from tandem.notifications.api import router as notifications_router
from tandem.projects.api import router as projects_router

logger = logging.getLogger("tandem.api")

# Codes for the errors django-ninja raises itself (HttpError carries only a status).
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    429: "throttled",
}
# Where a request part came from, as ninja names it in a validation error's location.
PARAMETER_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


class StrictParser(Parser):
    """Reads request bodies and query strings, refusing what no endpoint should ever see.

    A body is JSON and says so: one sent as a form or multipart is refused (400) before any
    endpoint runs, so nothing downstream parses it another way. (django-axes reads
    ``request.POST`` when a sign-in fails; a broken multipart body would crash it there and the
    failure would go uncounted, lifting the sign-in throttle.)

    No text may contain the NUL character: PostgreSQL cannot store or even compare it, and
    Django's forms refuse it too (422)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        media_type = (request.content_type or "").lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise BadRequest(
                "The request body must be JSON, sent with Content-Type: application/json."
            )
        data = super().parse_body(request)
        _refuse_nul(data, "")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for name, values in data.lists():
            _refuse_nul(values, name)
        return super().parse_querydict(data, list_fields, request)


def _refuse_nul(value: Any, where: str) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError(
                f"Invalid request. {where or 'body'}: must not contain the NUL character.",
                field=where,
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, where)
            _refuse_nul(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item, where)


class TandemAPI(NinjaAPI):
    """A NinjaAPI whose "405 Method Not Allowed" is JSON like every other error."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and not isinstance(
                pattern.callback, functools.partial
            ):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return patterns


def _json_method_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)  # keeps csrf_exempt: ninja checks CSRF itself, for sessions only
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(
                request, 405, f"{request.method} is not allowed here; use {allowed}.",
                "method_not_allowed",
            )
            response["Allow"] = allowed
        return response

    return wrapper


api = TandemAPI(
    title="Tandem API",
    version="1",
    description=(
        "Tandem's JSON API. Get a token with `POST /api/v1/auth/token` and send it as "
        "`Authorization: Bearer <token>`. Errors are `{\"detail\", \"code\"}`; lists are paged "
        "with `page` and `page_size`; updates carry the `version` they are based on (409 when "
        "stale); creates honour an `Idempotency-Key` header."
    ),
    urls_namespace="api-v1",
    parser=StrictParser(),
    auth=[BearerToken(), BrowserSession()],
    # Swagger UI sets inline styles; the rest of the site keeps the strict policy.
    docs_decorator=csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]}),
)
api.add_router("/", core_router)
api.add_router("/", clients_router)
api.add_router("/", projects_router)
api.add_router("/", contracts_router)
api.add_router("/", billing_router)
api.add_router("/", notifications_router)


def error_response(
    request: HttpRequest, status: int, detail: str, code: str, **extra: object
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = error_response(request, error.status, error.message, error.code, **error.details)
    if error.status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    problems = []
    for item in error.errors:
        where = ".".join(str(part) for part in item.get("loc", ()) if part not in PARAMETER_SOURCES)
        message = item.get("msg", "invalid")
        problems.append(f"{where}: {message}" if where else message)
    detail = "Invalid request. " + "; ".join(problems)
    return error_response(request, 422, detail, "invalid", errors=error.errors)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "Authentication required: send Authorization: Bearer <token>.",
        "not_authenticated",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if isinstance(error.__cause__, DomainError):  # raised by StrictParser, wrapped by ninja
        return domain_error(request, error.__cause__)
    code = HTTP_ERROR_CODES.get(error.status_code, "http_error")
    detail = str(error)
    if error.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = "The request body is not valid JSON."
    return error_response(request, error.status_code, detail, code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, 404, "Not found.", "not_found")


@api.exception_handler(Exception)
def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    # Called from inside ninja's ``except`` block: the traceback is still at hand. The signal
    # lets Django's test client re-raise the error and error reporters see it, as for a view.
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    got_request_exception.send(sender=None, request=request)
    return error_response(
        request, 500, "Something went wrong on our side; it has been logged.", "server_error"
    )
