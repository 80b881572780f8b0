"""Pages of the AM side's rules: the administrator's account management settings (contact
cadence per tier, business hours, holidays, SLA warning level and the SLA targets per severity
and tier, each cell saved on its own with HTMX), and a client's own contact cadence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from tandem.clients.access import can_edit_client
from tandem.clients.forms_settings import (
    AccountSettingsForm,
    CadenceForm,
    SlaTargetForm,
    settings_initial,
)
from tandem.clients.models import AccountSettings, Client, Severity, SlaTarget, Tier
from tandem.clients.selectors import clients as client_selectors
from tandem.clients.services import interactions as interaction_services
from tandem.clients.services import settings as services
from tandem.core.actor import Actor
from tandem.core.errors import DomainError, PermissionDenied, StaleVersion
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

SETTINGS_TEMPLATE = "clients/settings/settings.html"
CELL_TEMPLATE = "clients/settings/partials/sla_cell.html"
CADENCE_TEMPLATE = "clients/settings/cadence.html"
CADENCE_PARTIAL = "clients/settings/partials/cadence_form.html"


def _ensure_admin(actor: Actor) -> None:
    # Like the audit log: the page does not exist for anyone but an administrator.
    if not actor.is_admin:
        raise Http404


# --- SLA grid ---------------------------------------------------------------------------------


@dataclass
class SlaCell:
    severity: str
    tier: str
    first_response_minutes: int
    resolution_minutes: int
    is_default: bool
    day_minutes: int
    form: SlaTargetForm
    error: str = ""
    notice: str = ""

    @property
    def response(self) -> str:
        return business_duration(self.first_response_minutes, self.day_minutes)

    @property
    def resolution(self) -> str:
        return business_duration(self.resolution_minutes, self.day_minutes)

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label)

    @property
    def key(self) -> str:
        return f"{self.severity}-{self.tier}"


def business_duration(minutes: int, day_minutes: int) -> str:
    """``90`` → "1.5 h"; a duration of a business day or more also says how many days."""
    hours = _("%(hours)s h") % {"hours": _number(Decimal(minutes) / 60)}
    if day_minutes <= 0 or minutes < day_minutes:
        return hours
    days = Decimal(minutes) / day_minutes
    label = _("1 business day") if days == 1 else _("%(days)s business days") % {
        "days": _number(days)}
    return f"{hours} ({label})"


def _number(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.01"))
    if rounded == rounded.to_integral():
        return str(int(rounded))
    return number_format(rounded.normalize(), use_l10n=True)


def _day_minutes(account_settings: AccountSettings) -> int:
    # A row created a moment ago still holds its field defaults as text ("08:30").
    start, end = (_time(account_settings.business_day_start),
                  _time(account_settings.business_day_end))
    return (dt.datetime.combine(dt.date.min, end)
            - dt.datetime.combine(dt.date.min, start)).seconds // 60


def _time(value: dt.time | str) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def _hours(minutes: int) -> Decimal:
    """Business hours for the form: whole numbers without decimals, never as ``9E+1``."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return hours.quantize(Decimal(1)) if hours == hours.to_integral() else hours.normalize()


def _cell(organization_id: int, severity: str, tier: str, *, day_minutes: int,
          table: services.SlaTable | None = None, stored: set[tuple[str, str]] | None = None,
          form: SlaTargetForm | None = None, **extra: str) -> SlaCell:
    if table is None:
        table = services.sla_table(organization_id)
    if stored is None:
        stored = _stored(organization_id)
    response, resolution = table[(severity, tier)]
    if form is None:
        form = SlaTargetForm(initial={
            "severity": severity, "tier": tier, "first_response_hours": _hours(response),
            "resolution_hours": _hours(resolution)}, auto_id=_auto_id(severity, tier))
    return SlaCell(severity=severity, tier=tier, first_response_minutes=response,
                   resolution_minutes=resolution, is_default=(severity, tier) not in stored,
                   day_minutes=day_minutes, form=form, **extra)


def _auto_id(severity: str, tier: str) -> str:
    # Twelve small forms on one page: each field's id names its cell.
    return f"sla-{severity}-{tier}-%s"


def _stored(organization_id: int) -> set[tuple[str, str]]:
    return set(SlaTarget.objects.filter(organization_id=organization_id)
               .values_list("severity", "tier"))


def _grid(organization_id: int, day_minutes: int) -> list[tuple[str, list[SlaCell]]]:
    table = services.sla_table(organization_id)
    stored = _stored(organization_id)
    return [
        (str(label), [_cell(organization_id, severity, tier, day_minutes=day_minutes,
                            table=table, stored=stored) for tier in Tier.values])
        for severity, label in Severity.choices
    ]


# --- the settings page ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def account_settings(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_admin(actor)
    current = services.account_settings_for(actor.organization)
    form = AccountSettingsForm(request.POST or None, initial=settings_initial(current))
    status, stale_message = 200, ""
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                services.account_settings_update(
                    actor=actor, expected_version=form.cleaned_data["version"],
                    **form.changes(),
                )
            except StaleVersion as refusal:
                # Show what is stored now, with the current version, and say why.
                current = services.account_settings_for(actor.organization)
                form = AccountSettingsForm(initial=settings_initial(current))
                stale_message, status = message_for(refusal), refusal.status
            except DomainError as refusal:
                field = str(refusal.details.get("field") or "")
                form.add_error(field if field in form.fields else None, message_for(refusal))
                status = refusal.status
            else:
                messages.success(request, _("Account management settings saved."))
                return redirect("clients:settings")
    context = {
        "form": form,
        "stale_message": stale_message,
        "account_settings": current,
        "grid": _grid(actor.organization.pk, _day_minutes(current)),
        "tiers": Tier.choices,
    }
    return render(request, SETTINGS_TEMPLATE, context, status=status)


@require_POST
@actor_required
def sla_target_update(request: ActorRequest) -> HttpResponse:
    """One cell of the SLA grid; HTMX swaps the cell, a plain post goes back to the page."""
    actor = request.actor
    _ensure_admin(actor)
    severity, tier = request.POST.get("severity", ""), request.POST.get("tier", "")
    if severity not in Severity.values or tier not in Tier.values:
        raise Http404
    form = SlaTargetForm(request.POST, auto_id=_auto_id(severity, tier))
    error, status = "", 200
    if not form.is_valid():
        error, status = _("Give both targets in business hours, in steps of a quarter hour."), 422
    else:
        response, resolution = form.minutes()
        try:
            services.sla_target_set(actor=actor, severity=severity, tier=tier,
                                    first_response_minutes=response,
                                    resolution_minutes=resolution)
        except DomainError as refusal:
            error, status = message_for(refusal), refusal.status
    notice = "" if error else _("Saved.")
    if not request.htmx:
        (messages.error if error else messages.success)(request, error or notice)
        return redirect("clients:settings")
    current = services.account_settings_for(actor.organization)
    cell = _cell(actor.organization.pk, severity, tier, day_minutes=_day_minutes(current),
                 form=form if error else None, error=error, notice=notice)
    return render(request, CELL_TEMPLATE, {"cell": cell}, status=status)


# --- a client's own cadence -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def client_cadence(request: ActorRequest, client_id: int) -> HttpResponse:
    """The owner AM or an administrator sets how often this client should hear from us (empty:
    its tier's default). HTMX gets the form alone; a save sends the browser to the client."""
    actor = request.actor
    client = client_selectors.client_for_detail(actor, client_id)
    if not can_edit_client(actor, client):
        raise PermissionDenied(_("Only the client's account manager or an administrator can "
                                 "change this client."))
    form = CadenceForm(request.POST or None, initial=_cadence_initial(client))
    status, stale_message = 200, ""
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                interaction_services.client_set_cadence(
                    actor=actor, client=client, cadence_days=form.cleaned_data["cadence_days"],
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersion as refusal:
                client = client_selectors.client_for_detail(actor, client_id)
                form = CadenceForm(initial=_cadence_initial(client))
                stale_message, status = message_for(refusal), refusal.status
            except DomainError as refusal:
                field = str(refusal.details.get("field") or "")
                form.add_error(field if field in form.fields else None, message_for(refusal))
                status = refusal.status
            else:
                messages.success(request, _("Contact cadence saved."))
                if request.htmx:
                    return HttpResponseClientRedirect(_detail_url(client))
                return redirect("clients:detail", client_id=client.pk)
    account_settings = services.account_settings_for(actor.organization)
    context = {
        "client": client,
        "form": form,
        "stale_message": stale_message,
        "tier_cadence": services.tier_cadence(client.tier, account_settings),
        "effective_cadence": services.cadence_days(client, account_settings),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = CADENCE_PARTIAL if partial else CADENCE_TEMPLATE
    return render(request, template, context, status=status)


def _cadence_initial(client: Client) -> dict[str, Any]:
    return {"cadence_days": client.cadence_days, "version": client.version}


def _detail_url(client: Client) -> str:
    return reverse("clients:detail", kwargs={"client_id": client.pk})


urlpatterns: list[URLPattern] = [
    path("settings/", account_settings, name="settings"),
    path("settings/sla/", sla_target_update, name="settings_sla"),
    path("<int:client_id>/cadence/", client_cadence, name="client_cadence"),
]
