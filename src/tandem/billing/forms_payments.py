"""Forms of the payments, receivables and FX-rate pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.billing import selectors_money as selectors
from tandem.billing.models import PaymentMethod
from tandem.core.actor import Actor
from tandem.core.errors import ValidationError as DomainValidationError
from tandem.core.money import check_currency
from tandem.core.scoping import scoped

ALLOCATION_PREFIX = "alloc-"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CurrencyField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("min_length", 3)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocapitalize": "characters", "size": "4",
                                  "pattern": "[A-Za-z]{3}"})

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        try:
            return check_currency(text)
        except DomainValidationError as error:
            raise forms.ValidationError(error.message) from None


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PaymentForm(forms.Form):
    client = ClientChoiceField(label=_("Client"), queryset=None)
    currency = CurrencyField(label=_("Currency"), initial="VND")
    amount = forms.CharField(label=_("Amount received"), max_length=40,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices,
                               initial=PaymentMethod.BANK_TRANSFER)
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False,
                                help_text=_("The bank's transaction reference, a receipt number…"))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = selectors.billable_clients(actor)  # type: ignore[attr-defined]
        self.fields["received_on"].initial = timezone.localdate()


def allocations_from(data: Any) -> tuple[list[tuple[int, str]], list[str]]:
    """``[(invoice id, amount text)]`` from the ``alloc-<id>`` inputs with an amount, and the
    names of inputs that were not understood."""
    found: list[tuple[int, str]] = []
    bad: list[str] = []
    for name in sorted(data.keys()):
        if not name.startswith(ALLOCATION_PREFIX):
            continue
        value = str(data.get(name) or "").strip().replace(" ", "")
        if not value:
            continue
        try:
            invoice_id = int(name.removeprefix(ALLOCATION_PREFIX))
        except ValueError:
            bad.append(name)
            continue
        found.append((invoice_id, value))
    return found, bad


class PaymentFilterForm(forms.Form):
    client = ClientChoiceField(label=_("Client"), queryset=None, required=False,
                               empty_label=_("All clients"))
    currency = CurrencyField(label=_("Currency"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = _money_clients(actor)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"client_id": data["client"].pk if data.get("client") else None,
                "currency": data.get("currency") or "", "since": data.get("since"),
                "until": data.get("until")}


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ReceivablesFilterForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    client = ClientChoiceField(label=_("Client"), queryset=None, required=False,
                               empty_label=_("All clients"))
    currency = CurrencyField(label=_("Currency"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = _money_clients(actor)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"as_of": data.get("as_of"),
                "client_id": data["client"].pk if data.get("client") else None,
                "currency": data.get("currency") or ""}


class FxRateForm(forms.Form):
    currency = CurrencyField(label=_("Currency"))
    rate = forms.DecimalField(label=_("Rate"), min_value=Decimal("0.0000000001"),
                              max_digits=24, decimal_places=10,
                              help_text=_("Units of the base currency one unit is worth."))
    valid_on = forms.DateField(label=_("Valid from"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_on"].initial = timezone.localdate()


def _money_clients(actor: Actor) -> Any:
    from tandem.clients.models import Client
    from tandem.core.roles import Role

    clients = scoped(Client, actor).order_by("name", "id")
    if actor.role == Role.ACCOUNT_MANAGER:
        return clients.filter(owner_id=actor.user_id)
    return clients
