"""API of the organization's billing settings: finance and administrators change them,
executives read them. The logo is sent base64-encoded in JSON.

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from tandem.billing.schemas_settings import BillingSettingsOut, BillingSettingsPatch, LogoIn
from tandem.billing.services import settings as services
from tandem.core.api_auth import actor_of
from tandem.core.errors import NotFound, ValidationError
from tandem.core.schemas import Error

router = Router(tags=["billing"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


@router.get("/billing-settings", response={200: BillingSettingsOut, **ERRORS})
def read_billing_settings(request: HttpRequest) -> object:
    actor = actor_of(request)
    services.ensure_reads_settings(actor)
    return services.billing_settings_for(actor.organization)


@router.patch("/billing-settings", response={200: BillingSettingsOut, **ERRORS})
def update_billing_settings(request: HttpRequest, body: BillingSettingsPatch) -> object:
    changes = body.model_dump(exclude={"version"}, exclude_unset=True, exclude_none=True)
    return services.billing_settings_update(actor=actor_of(request),
                                            expected_version=body.version, **changes)


@router.put("/billing-settings/logo", response={200: BillingSettingsOut, **ERRORS})
def set_billing_logo(request: HttpRequest, body: LogoIn) -> object:
    content = body.content()
    if not content:
        raise ValidationError("The logo is not valid base64.", field="data_base64")
    return services.billing_settings_set_logo(actor=actor_of(request),
                                              expected_version=body.version, content=content,
                                              content_type=body.content_type)


@router.delete("/billing-settings/logo", response={200: BillingSettingsOut, **ERRORS})
def remove_billing_logo(request: HttpRequest,
                        version: int = Query(..., ge=1, le=2**31 - 1)) -> object:
    return services.billing_settings_set_logo(actor=actor_of(request), expected_version=version,
                                              content=b"", content_type="")


@router.get("/billing-settings/logo", response={200: None, **ERRORS},
            openapi_extra={"responses": {200: {
                "description": "The logo printed on invoices",
                "content": {"image/png": {}, "image/jpeg": {}},
            }}})
def read_billing_logo(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    services.ensure_reads_settings(actor)
    current = services.billing_settings_for(actor.organization)
    if not current.logo:
        raise NotFound("No logo is set.")
    return HttpResponse(bytes(current.logo), content_type=current.logo_type)
