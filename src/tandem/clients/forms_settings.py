"""Forms of the account management settings page and of a client's own contact cadence."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.clients.models import Severity, Tier
from tandem.clients.services.interactions import MAX_CADENCE_DAYS
from tandem.clients.services.settings import SETTINGS_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# SLA targets are edited in business hours, to the quarter hour; stored in business minutes.
HOURS_STEP = Decimal("0.25")
MAX_SLA_HOURS = Decimal(9999)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def _cadence_field(label: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_CADENCE_DAYS,
                              help_text=_("Days without contact before the client counts as "
                                          "quiet."))


class AccountSettingsForm(forms.Form):
    strategic_cadence_days = _cadence_field(_("Strategic clients: contact cadence (days)"))
    key_cadence_days = _cadence_field(_("Key clients: contact cadence (days)"))
    standard_cadence_days = _cadence_field(_("Standard clients: contact cadence (days)"))
    business_day_start = forms.TimeField(label=_("Business day starts"), widget=TimeInput)
    business_day_end = forms.TimeField(label=_("Business day ends"), widget=TimeInput)
    holiday_country = forms.RegexField(
        label=_("Public holidays of"), regex=r"^[A-Za-z]{2}$", min_length=2, max_length=2,
        help_text=_("Two-letter country code, such as VN or SG."),
        error_messages={"invalid": _("Use a two-letter country code, such as VN.")},
    )
    sla_warning_percent = forms.IntegerField(
        label=_("Warn at (% of an SLA target)"), min_value=1, max_value=99,
        help_text=_("An open issue is flagged once this share of its target has elapsed."),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in SETTINGS_FIELDS if name in data}


def settings_initial(account_settings: Any) -> dict[str, Any]:
    initial = {name: getattr(account_settings, name) for name in SETTINGS_FIELDS}
    initial["version"] = account_settings.version
    return initial


class SlaTargetForm(forms.Form):
    """One cell of the SLA grid: the targets of one severity and tier, in business hours."""

    severity = forms.ChoiceField(choices=Severity.choices, widget=forms.HiddenInput)
    tier = forms.ChoiceField(choices=Tier.choices, widget=forms.HiddenInput)
    first_response_hours = forms.DecimalField(
        label=_("First response (business hours)"), min_value=HOURS_STEP,
        max_value=MAX_SLA_HOURS, decimal_places=2, step_size=HOURS_STEP,
    )
    resolution_hours = forms.DecimalField(
        label=_("Resolution (business hours)"), min_value=HOURS_STEP, max_value=MAX_SLA_HOURS,
        decimal_places=2, step_size=HOURS_STEP,
    )

    def minutes(self) -> tuple[int, int]:
        data = self.cleaned_data
        return (int(data["first_response_hours"] * 60), int(data["resolution_hours"] * 60))


class CadenceForm(forms.Form):
    cadence_days = forms.IntegerField(
        label=_("Contact cadence (days)"), required=False, min_value=1,
        max_value=MAX_CADENCE_DAYS, help_text=_("Leave empty to use the tier's default."),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
