"""API shapes of receivables (aging, DSO, expected cash) and FX rates.

Amounts are decimal strings in their currency's minor unit; base-currency figures are ``null``
when conversion was not asked for, and currencies without a valid rate are listed in
``unconverted`` (their amounts are left out of every base-currency figure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from tandem.billing.selectors_money import Receivables
from tandem.billing.services import receivables as calc
from tandem.core.money import round_money


class Buckets(Schema):
    current: str
    d1_30: str = Field(description="1 to 30 days past due")
    d31_60: str
    d61_90: str
    d90_plus: str = Field(description="More than 90 days past due")


class AgingRowOut(Schema):
    client_id: int
    client_name: str
    currency: str
    invoices: int
    buckets: Buckets
    total: str
    total_base: str | None


class CurrencyTotalOut(Schema):
    currency: str
    buckets: Buckets
    total: str
    rate: str | None = Field(description="Base-currency units per unit, valid on as_of")
    total_base: str | None


class AgingOut(Schema):
    as_of: dt.date
    base_currency: str | None
    rows: list[AgingRowOut]
    totals: list[CurrencyTotalOut]
    buckets_base: Buckets | None
    total_base: str | None
    unconverted: list[str]


class DsoOut(Schema):
    currency: str
    receivables: str
    sales: str = Field(description="Invoiced in the window (credit sales)")
    window_days: int
    days: str | None = Field(description="receivables ÷ sales x window_days; null without sales")


class CashWeekOut(Schema):
    week_start: dt.date | None = Field(description="Monday; null for later than the weeks shown")
    week_end: dt.date | None
    includes_overdue: bool
    amounts: dict[str, str]
    amount_base: str | None


class SummaryOut(Schema):
    as_of: dt.date
    base_currency: str | None
    dso: DsoOut | None = Field(description="In the base currency (needs the FX rates)")
    dso_by_currency: list[DsoOut]
    expected_cash: list[CashWeekOut]
    overdue_base: str | None
    total_base: str | None
    unconverted: list[str]


class FxRateIn(Schema):
    currency: str = Field(min_length=3, max_length=3)
    rate: Decimal = Field(gt=0, allow_inf_nan=False,
                          description="Base-currency units per one unit of currency")
    valid_on: dt.date


class FxRateOut(Schema):
    id: int
    currency: str
    base_currency: str
    rate: str
    valid_on: dt.date
    created_by_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_rate(obj: Any) -> str:
        return rate_text(obj.rate)


def rate_text(rate: Decimal) -> str:
    text = format(rate.normalize(), "f")
    return text


def _money(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else str(round_money(value, currency))


def _buckets(values: dict[str, Decimal], currency: str) -> dict[str, str]:
    return {k: str(round_money(values[k], currency)) for k in calc.BUCKETS}


def aging_out(data: Receivables) -> dict[str, Any]:
    aging = data.aging
    base = aging.base_currency or None
    return {
        "as_of": aging.as_of,
        "base_currency": base,
        "rows": [{
            "client_id": r.client_id, "client_name": r.client_name, "currency": r.currency,
            "invoices": r.invoices, "buckets": _buckets(r.buckets, r.currency),
            "total": str(round_money(r.total, r.currency)),
            "total_base": _money(r.total_base, base) if base else None,
        } for r in aging.rows],
        "totals": [{
            "currency": t.currency, "buckets": _buckets(t.buckets, t.currency),
            "total": str(round_money(t.total, t.currency)),
            "rate": rate_text(t.rate) if t.rate is not None else None,
            "total_base": _money(t.total_base, base) if base else None,
        } for t in aging.totals],
        "buckets_base": (_buckets(aging.buckets_base, base)
                         if aging.buckets_base is not None and base else None),
        "total_base": _money(aging.total_base, base) if base else None,
        "unconverted": data.unconverted,
    }


def _dso(dso: calc.Dso) -> dict[str, Any]:
    return {"currency": dso.currency, "receivables": str(round_money(dso.receivables,
                                                                        dso.currency)),
            "sales": str(round_money(dso.sales, dso.currency)), "window_days": dso.window_days,
            "days": None if dso.days is None else str(dso.days)}


def summary_out(data: Receivables) -> dict[str, Any]:
    base = data.aging.base_currency or None
    return {
        "as_of": data.as_of,
        "base_currency": base,
        "dso": _dso(data.dso_base) if data.dso_base is not None else None,
        "dso_by_currency": [_dso(d) for d in data.dso],
        "expected_cash": [{
            "week_start": w.start, "week_end": w.end, "includes_overdue": w.includes_overdue,
            "amounts": {c: str(round_money(v, c)) for c, v in sorted(w.amounts.items())},
            "amount_base": _money(w.amount_base, base) if base else None,
        } for w in data.cash],
        "overdue_base": _money(data.aging.overdue_base, base) if base else None,
        "total_base": _money(data.aging.total_base, base) if base else None,
        "unconverted": data.unconverted,
    }
