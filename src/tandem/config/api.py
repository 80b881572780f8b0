"""The one NinjaAPI under /api/v1/: authentication, error mapping, and every app's router."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from csp.decorators import csp_update
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tandem.core.api import router as core_router
from tandem.core.api_auth import BearerToken, BrowserSession
from tandem.core.errors import DomainError

api = NinjaAPI(
    title="Tandem API",
    version="1",
    description=(
        "Tandem's JSON API. Get a token with `POST /api/v1/auth/token` and send it as "
        "`Authorization: Bearer <token>`. Errors are `{\"detail\", \"code\"}`; lists are paged "
        "with `page` and `page_size`; updates carry the `version` they are based on (409 when "
        "stale); creates honour an `Idempotency-Key` header."
    ),
    urls_namespace="api-v1",
    auth=[BearerToken(), BrowserSession()],
    # Swagger UI sets inline styles; the rest of the site keeps the strict policy.
    docs_decorator=csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]}),
)
api.add_router("/", core_router)


def error_response(request: HttpRequest, status: int, detail: str, code: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return error_response(request, error.status, error.message, error.code, **error.details)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    problems = []
    for item in error.errors:
        where = ".".join(str(part) for part in item.get("loc", ()) if part not in {"body", "query"})
        problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else item.get("msg", ""))
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
    return error_response(request, error.status_code, str(error), "http_error")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, 404, "Not found.", "not_found")
