"""URL map: the web UI, the API under /api/v1/, health."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path, re_path
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from tandem.config.api import api
from tandem.core.health import healthz


@csrf_exempt  # a write to an unknown API path is a JSON 404, not a CSRF page
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found, name="api_not_found"),
    path("accounts/", include("tandem.core.urls")),
    path("clients/", include("tandem.clients.urls")),
    path("projects/", include("tandem.projects.urls")),
    path("contracts/", include("tandem.contracts.urls")),
    path("billing/", include("tandem.billing.urls")),
    path("inbox/", include("tandem.notifications.urls")),
    path("", include("tandem.web.urls")),
]

handler404 = page_not_found
