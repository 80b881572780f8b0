"""FX rates entered by finance, and conversion to the organization's base currency.

A rate says how many units of the base currency one unit of ``currency`` is worth from
``valid_on`` on. Converting an amount on a date uses the latest rate valid on that date (the one
with the greatest ``valid_on`` not after it); an amount in the base currency converts at 1. When no
rate is valid on the date the amount stays unconverted and is listed as such: a rate is never
guessed (no inverse, no later rate, no cross rate). A converted amount is rounded to the base
currency's minor unit by ``core.money.round_money``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from tandem.billing.access import ensure_runs_billing
from tandem.billing.models import BillingSettings, FxRate
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, ValidationError
from tandem.core.money import check_currency, round_money

DEFAULT_BASE_CURRENCY = "VND"
RATE_PLACES = 10
MAX_RATE = Decimal(10) ** 13


def base_currency_of(organization_id: int) -> str:
    """The currency reports convert to: the organization's billing settings, or VND."""
    base = (BillingSettings.objects.filter(organization_id=organization_id)
            .values_list("base_currency", flat=True).first())
    return base or DEFAULT_BASE_CURRENCY


@dataclass(frozen=True)
class Rates:
    """The rates valid on one date, per currency, into one base currency (one query to load)."""

    base_currency: str
    on: dt.date
    rates: dict[str, Decimal]

    def rate_of(self, currency: str) -> Decimal | None:
        if currency == self.base_currency:
            return Decimal(1)
        return self.rates.get(currency)

    def convert(self, amount: Decimal, currency: str) -> Decimal | None:
        """``amount`` in the base currency, rounded to its minor unit; ``None`` without a rate."""
        rate = self.rate_of(currency)
        if rate is None:
            return None
        return round_money(amount * rate, self.base_currency)


def rates_on(organization_id: int, base_currency: str, on: dt.date,
             currencies: Iterable[str] | None = None) -> Rates:
    """The latest rate of each currency valid on ``on`` (one query)."""
    queryset = FxRate.objects.filter(organization_id=organization_id,
                                     base_currency=base_currency, valid_on__lte=on)
    if currencies is not None:
        queryset = queryset.filter(currency__in=list(set(currencies) - {base_currency}))
    found: dict[str, Decimal] = {}
    for currency, rate in queryset.order_by("currency", "-valid_on").values_list("currency",
                                                                               "rate"):
        found.setdefault(currency, rate)
    return Rates(base_currency=base_currency, on=on, rates=found)


def convert(organization_id: int, amount: Decimal, currency: str, on: dt.date) -> Decimal | None:
    """One amount on one date in the organization's base currency, or ``None`` without a rate."""
    base = base_currency_of(organization_id)
    return rates_on(organization_id, base, on, [currency]).convert(amount, currency)


def _parse_rate(value: object) -> Decimal:
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError("The rate must be a number.", field="rate") from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationError("The rate must be a number above zero.", field="rate")
    if rate >= MAX_RATE:
        raise ValidationError("The rate is too large.", field="rate")
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_PLACES)):
        raise ValidationError(f"A rate has {RATE_PLACES} decimal places at most.", field="rate")
    return rate


def fx_rate_create(*, actor: Actor, currency: str, rate: object, valid_on: dt.date) -> FxRate:
    """Finance enters how many units of the base currency one ``currency`` is worth from
    ``valid_on``; one rate per currency and day (a second one is a 409: delete the first)."""
    ensure_runs_billing(actor)
    code = check_currency(currency)
    base = base_currency_of(actor.organization.pk)
    if code == base:
        raise ValidationError(f"{base} is the base currency: it needs no rate.",
                              code="fx_base_currency", field="currency")
    value = _parse_rate(rate)
    if not isinstance(valid_on, dt.date):
        raise ValidationError("Give the date the rate is valid from.", field="valid_on")
    try:
        with transaction.atomic():
            fx = FxRate.objects.create(organization=actor.organization, currency=code,
                                       base_currency=base, rate=value, valid_on=valid_on,
                                       created_by=actor.user)
            audit.record(actor=actor, action="fx_rate.create", target=fx, changes={
                "currency": [None, code], "base_currency": [None, base],
                "rate": [None, str(value)], "valid_on": [None, valid_on.isoformat()],
            })
    except IntegrityError:
        raise Conflict(f"There is already a {code} rate valid from {valid_on.isoformat()}; "
                       "delete it first to enter another.", code="fx_rate_exists") from None
    return fx


def fx_rate_delete(*, actor: Actor, fx_rate: FxRate) -> None:
    ensure_runs_billing(actor)
    with transaction.atomic():
        audit.record(actor=actor, action="fx_rate.delete", target=fx_rate, changes={
            "currency": [fx_rate.currency, None], "base_currency": [fx_rate.base_currency, None],
            "rate": [str(fx_rate.rate), None], "valid_on": [fx_rate.valid_on.isoformat(), None],
        })
        FxRate.objects.filter(pk=fx_rate.pk).delete()
