"""The billing settings page: the issuer's details and logo, number formats, tax rates, base
currency and reminders. Finance and administrators change them; executives read them; for
everyone else the page does not exist."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tandem.billing.access import RUNS_BILLING, SEES_ALL_MONEY, ensure_runs_billing
from tandem.billing.forms_settings import BillingSettingsForm, LogoForm, settings_initial
from tandem.billing.services import settings as services
from tandem.core.actor import Actor
from tandem.core.errors import DomainError, StaleVersion
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

TEMPLATE = "billing/settings/settings.html"


def _ensure_reads(actor: Actor) -> None:
    if actor.role not in SEES_ALL_MONEY:
        raise Http404


@require_http_methods(["GET", "POST"])
@actor_required
def billing_settings(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reads(actor)
    current = services.billing_settings_for(actor.organization)
    can_edit = actor.role in RUNS_BILLING
    form = BillingSettingsForm(request.POST or None, initial=settings_initial(current))
    status, stale_message = 200, ""
    if request.method == "POST":
        ensure_runs_billing(actor)  # executives read the page; a post is a 403
        if not form.is_valid():
            status = 422
        else:
            try:
                services.billing_settings_update(
                    actor=actor, expected_version=form.cleaned_data["version"],
                    **form.changes())
            except StaleVersion as refusal:
                current = services.billing_settings_for(actor.organization)
                form = BillingSettingsForm(initial=settings_initial(current))
                stale_message, status = message_for(refusal), refusal.status
            except DomainError as refusal:
                field = str(refusal.details.get("field") or "")
                form.add_error(field if field in form.fields else None, message_for(refusal))
                status = refusal.status
            else:
                messages.success(request, _("Billing settings saved."))
                return redirect("billing:settings")
    return render(request, TEMPLATE, _context(current, form, can_edit,
                                              stale_message=stale_message), status=status)


def _context(current: object, form: BillingSettingsForm, can_edit: bool,
             **extra: object) -> dict[str, object]:
    logo = getattr(current, "logo", b"")
    logo_type = getattr(current, "logo_type", "")
    return {
        "form": form, "can_edit": can_edit, "settings": current,
        "logo_form": LogoForm(initial={"version": getattr(current, "version", 1)}),
        "logo_src": (f"data:{logo_type};base64,{base64.b64encode(bytes(logo)).decode()}"
                     if logo and logo_type else ""),
        **extra,
    }


@require_POST
@actor_required
def billing_logo(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reads(actor)
    form = LogoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
        return redirect("billing:settings")
    upload = form.cleaned_data.get("logo")
    remove = form.cleaned_data.get("remove")
    if upload is None and not remove:
        messages.error(request, _("Choose a PNG or JPEG file."))
        return redirect("billing:settings")
    content, content_type = b"", ""
    if upload is not None and not remove:
        content, content_type = upload.read(), upload.content_type or ""
    try:
        services.billing_settings_set_logo(actor=actor,
                                           expected_version=form.cleaned_data["version"],
                                           content=content, content_type=content_type)
    except DomainError as refusal:
        if refusal.status == 403:
            raise
        messages.error(request, message_for(refusal))
    else:
        messages.success(request, _("Logo removed.") if not content else _("Logo saved."))
    return redirect("billing:settings")


urlpatterns: list[URLPattern] = [
    path("settings/", billing_settings, name="settings"),
    path("settings/logo/", billing_logo, name="settings_logo"),
]
