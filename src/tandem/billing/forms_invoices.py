"""Forms of the invoice pages: filters, a new draft, a draft's header, one line (with the live
totals preview), issuing and voiding."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.billing.models import InvoiceKind, InvoiceStatus
from tandem.billing.services.invoices import MAX_TERMS_DAYS

LANGUAGE_CHOICES = [("en", _("English")), ("vi", _("Vietnamese"))]


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.SearchInput(attrs={"placeholder": _("Number or client")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *InvoiceStatus.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Invoices and credit notes")),
                                      *InvoiceKind.choices])
    currency = forms.RegexField(label=_("Currency"), required=False, regex=r"^[A-Za-z]{3}$",
                                max_length=3)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"search": (data.get("q") or "").strip(), "status": data.get("status") or "",
                "kind": data.get("kind") or "", "currency": (data.get("currency") or "").upper(),
                "overdue": True if data.get("overdue") else None}


class InvoiceCreateForm(forms.Form):
    client = forms.TypedChoiceField(label=_("Client"), coerce=int)
    contract = forms.TypedChoiceField(label=_("Contract"), coerce=int, required=False,
                                      empty_value=None)
    currency = forms.RegexField(label=_("Currency"), regex=r"^[A-Za-z]{3}$", max_length=3,
                                required=False,
                                help_text=_("ISO 4217, e.g. VND or USD; the contract's by "
                                            "default."))
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("The client's")), *LANGUAGE_CHOICES])
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), required=False, min_value=0, max_value=MAX_TERMS_DAYS,
        help_text=_("0 is due on receipt; the contract's, or 30, by default."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, clients: list[Any], contracts: list[Any],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client_field: Any = self.fields["client"]
        client_field.choices = [("", "—"), *((c.pk, c.name) for c in clients)]
        contract_field: Any = self.fields["contract"]
        contract_field.choices = [("", _("None")), *(
            (c.pk, f"{c.code} · {c.title} ({c.client.name})") for c in contracts)]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"contract_id": data.get("contract"),
                "currency": (data.get("currency") or "").upper() or None,
                "language": data.get("language") or None,
                "payment_terms_days": data.get("payment_terms_days"),
                "notes": data.get("notes") or ""}


class InvoiceHeaderForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    payment_terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0,
                                            max_value=MAX_TERMS_DAYS)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class LineForm(forms.Form):
    """One line of a draft; posted as you type to the preview, which answers with the line's
    and the invoice's totals computed by the same arithmetic as the saved invoice."""

    line_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    description = forms.CharField(label=_("Description"), max_length=500)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.0001"),
                                  max_digits=14, decimal_places=4, initial=Decimal(1))
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=Decimal(0), max_digits=18,
                                    decimal_places=3)
    discount_percent = forms.DecimalField(label=_("Discount %"), min_value=Decimal(0),
                                          max_value=Decimal(100), decimal_places=3,
                                          initial=Decimal(0), required=False)
    tax_rate = forms.TypedChoiceField(label=_("Tax %"), coerce=Decimal)

    def __init__(self, *args: Any, rates: list[Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["tax_rate"]
        field.choices = [(str(rate), f"{format(rate.normalize(), 'f')} %") for rate in rates]
        for name in ("quantity", "unit_price", "discount_percent"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"description": data["description"], "quantity": data["quantity"],
                "unit_price": data["unit_price"],
                "discount_percent": data.get("discount_percent") or Decimal(0),
                "tax_rate": data["tax_rate"]}


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class MoveLineForm(VersionForm):
    line_id = forms.IntegerField(min_value=1)
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class IssueForm(VersionForm):
    issue_date = forms.DateField(label=_("Issue date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))


class VoidForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


