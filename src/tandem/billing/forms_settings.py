"""The billing settings page's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.billing.services.settings import MAX_LOGO_BYTES, tax_rates


class BillingSettingsForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), required=False, max_length=200)
    address = forms.CharField(label=_("Address"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    tax_code = forms.CharField(label=_("Tax code"), required=False, max_length=40)
    number_format = forms.CharField(label=_("Invoice number format"), max_length=60,
                                    help_text=_("With {year} and {seq}, e.g. "
                                                "INV-{year}-{seq:05d}."))
    credit_note_format = forms.CharField(label=_("Credit note number format"), max_length=60)
    tax_rates = forms.CharField(label=_("Tax rates (%)"), max_length=200,
                                help_text=_("Separated by commas, e.g. 0, 5, 8, 10."))
    base_currency = forms.RegexField(label=_("Base currency"), regex=r"^[A-Za-z]{3}$",
                                     max_length=3)
    reminder_offsets = forms.CharField(
        label=_("Reminders (days from the due date)"), required=False, max_length=200,
        help_text=_("Separated by commas; negative is before the due date, e.g. -3, 0, 3, 7, "
                    "14."))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "legal_name": data["legal_name"], "address": data["address"],
            "tax_code": data["tax_code"], "number_format": data["number_format"],
            "credit_note_format": data["credit_note_format"],
            "tax_rates": _items(data["tax_rates"]),
            "base_currency": data["base_currency"].upper(),
            "reminder_offsets": _items(data["reminder_offsets"]),
        }


def settings_initial(current: Any) -> dict[str, Any]:
    return {
        "legal_name": current.legal_name, "address": current.address,
        "tax_code": current.tax_code, "number_format": current.number_format,
        "credit_note_format": current.credit_note_format,
        "tax_rates": ", ".join(format(r.normalize(), "f") for r in tax_rates(current)),
        "base_currency": current.base_currency,
        "reminder_offsets": ", ".join(str(o) for o in current.reminder_offsets or []),
        "version": current.version,
    }


class LogoForm(forms.Form):
    logo = forms.FileField(label=_("Logo"), required=False,
                           help_text=_("PNG or JPEG, 512 KB at most."))
    remove = forms.BooleanField(label=_("Remove the logo"), required=False)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo is not None and logo.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo is larger than 512 KB."))
        return logo


def _items(text: str) -> list[str]:
    return [item.strip() for item in (text or "").replace(";", ",").split(",") if item.strip()]
