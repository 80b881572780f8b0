"""Receivables arithmetic: aging, days sales outstanding and expected cash by week.

These functions take the open items and sales a selector read (``tandem.billing.selectors_money``)
and the FX rates of the day (``services.fx.Rates``), and compute; they never query.

Definitions (as of a date *D*):

* **Open amount** of an invoice: its total less the allocations of payments received on or before
  *D* that were not reversed. Only invoices (not credit notes) issued on or before *D* count, and
  not void ones (a void invoice is settled by its credit note).
* **Aging bucket** by days past due (*D* - due date): ``current`` (not yet due, or no due date),
  ``1-30``, ``31-60``, ``61-90`` and ``90+``.
* **DSO** (days sales outstanding) = open receivables at *D* ÷ credit sales of the 90 days ending
  on *D* (invoices issued in that window, their totals) x 90, to one decimal place (half up).
  With no sales in the window it is undefined (``None``), never infinite.
* **Expected cash** by week: open amounts by the week (Monday to Sunday) of their due date; what
  is overdue (or has no due date) is expected in the week of *D*; weeks after the last one shown
  add up in ``later``.
* Organization-wide figures are in the base currency, each amount converted at the latest rate
  valid on *D*; a currency without such a rate is left out of the base figures and listed in
  ``unconverted``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from tandem.billing.services.fx import Rates
from tandem.core.money import ZERO

BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "d90_plus")
BUCKET_LABELS = {"current": "Current", "d1_30": "1-30 days", "d31_60": "31-60 days",
                 "d61_90": "61-90 days", "d90_plus": "Over 90 days"}
DSO_WINDOW_DAYS = 90
CASH_WEEKS = 8


@dataclass(frozen=True)
class OpenItem:
    invoice_id: int
    number: str
    client_id: int
    client_name: str
    currency: str
    total: Decimal
    open_amount: Decimal
    issue_date: dt.date | None
    due_date: dt.date | None


def days_past_due(due_date: dt.date | None, as_of: dt.date) -> int:
    return 0 if due_date is None else (as_of - due_date).days


def bucket_of(days: int) -> str:
    if days <= 0:
        return "current"
    if days <= 30:
        return "d1_30"
    if days <= 60:
        return "d31_60"
    if days <= 90:
        return "d61_90"
    return "d90_plus"


def _zero_buckets() -> dict[str, Decimal]:
    return dict.fromkeys(BUCKETS, ZERO)


@dataclass
class AgingRow:
    client_id: int
    client_name: str
    currency: str
    buckets: dict[str, Decimal] = field(default_factory=_zero_buckets)
    total: Decimal = ZERO
    total_base: Decimal | None = None
    invoices: int = 0


@dataclass
class CurrencyTotal:
    currency: str
    buckets: dict[str, Decimal] = field(default_factory=_zero_buckets)
    total: Decimal = ZERO
    rate: Decimal | None = None
    buckets_base: dict[str, Decimal] | None = None
    total_base: Decimal | None = None


@dataclass
class Aging:
    as_of: dt.date
    base_currency: str
    converted: bool
    rows: list[AgingRow]
    totals: list[CurrencyTotal]
    buckets_base: dict[str, Decimal] | None
    total_base: Decimal | None
    unconverted: list[str]

    @property
    def overdue_base(self) -> Decimal | None:
        if self.buckets_base is None:
            return None
        return sum((v for k, v in self.buckets_base.items() if k != "current"), ZERO)


def aging_of(items: list[OpenItem], as_of: dt.date, rates: Rates | None) -> Aging:
    """Open amounts per client and currency and per bucket; totals per currency and, with
    ``rates``, in the base currency."""
    rows: dict[tuple[int, str], AgingRow] = {}
    totals: dict[str, CurrencyTotal] = {}
    for item in items:
        key = (item.client_id, item.currency)
        row = rows.get(key) or rows.setdefault(key, AgingRow(item.client_id, item.client_name,
                                                             item.currency))
        bucket = bucket_of(days_past_due(item.due_date, as_of))
        row.buckets[bucket] += item.open_amount
        row.total += item.open_amount
        row.invoices += 1
        total = totals.get(item.currency) or totals.setdefault(item.currency,
                                                               CurrencyTotal(item.currency))
        total.buckets[bucket] += item.open_amount
        total.total += item.open_amount
    unconverted: list[str] = []
    buckets_base: dict[str, Decimal] | None = None
    total_base: Decimal | None = None
    if rates is not None:
        buckets_base = _zero_buckets()
        for currency_total in totals.values():
            rate = rates.rate_of(currency_total.currency)
            if rate is None:
                unconverted.append(currency_total.currency)
                continue
            currency_total.rate = rate
            converted = {k: rates.convert(v, currency_total.currency) or ZERO
                         for k, v in currency_total.buckets.items()}
            currency_total.buckets_base = converted
            currency_total.total_base = sum(converted.values(), ZERO)
            for k, v in converted.items():
                buckets_base[k] += v
        total_base = sum(buckets_base.values(), ZERO)
        for row in rows.values():
            row.total_base = rates.convert(row.total, row.currency)
    ordered = sorted(rows.values(), key=lambda r: (r.client_name.casefold(), r.client_id,
                                                   r.currency))
    return Aging(as_of=as_of, base_currency=rates.base_currency if rates else "",
                 converted=rates is not None, rows=ordered,
                 totals=sorted(totals.values(), key=lambda t: t.currency),
                 buckets_base=buckets_base, total_base=total_base,
                 unconverted=sorted(unconverted))


def dso_days(receivables: Decimal, sales: Decimal,
             window_days: int = DSO_WINDOW_DAYS) -> Decimal | None:
    """Receivables ÷ sales of the window x the window's days, to 0.1 day; ``None`` without
    sales."""
    if sales <= 0:
        return None
    return (receivables / sales * window_days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Dso:
    currency: str
    receivables: Decimal
    sales: Decimal
    days: Decimal | None
    window_days: int = DSO_WINDOW_DAYS


def dso_by_currency(items: list[OpenItem], sales: dict[str, Decimal]) -> list[Dso]:
    """DSO in each currency on its own (no conversion needed)."""
    open_by: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        open_by[item.currency] += item.open_amount
    currencies = sorted(set(open_by) | set(sales))
    return [Dso(c, open_by[c], sales.get(c, ZERO), dso_days(open_by[c], sales.get(c, ZERO)))
            for c in currencies]


def dso_in_base(items: list[OpenItem], sales: dict[str, Decimal],
                rates: Rates) -> tuple[Dso, list[str]]:
    """The organization's DSO in the base currency, and the currencies left out (no rate)."""
    receivables = ZERO
    sold = ZERO
    unconverted: set[str] = set()
    for item in items:
        value = rates.convert(item.open_amount, item.currency)
        if value is None:
            unconverted.add(item.currency)
        else:
            receivables += value
    for currency, amount in sales.items():
        value = rates.convert(amount, currency)
        if value is None:
            unconverted.add(currency)
        else:
            sold += value
    return (Dso(rates.base_currency, receivables, sold, dso_days(receivables, sold)),
            sorted(unconverted))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class CashWeek:
    start: dt.date | None  # None: later than the weeks shown
    amounts: dict[str, Decimal] = field(default_factory=dict)
    amount_base: Decimal | None = None
    includes_overdue: bool = False

    @property
    def end(self) -> dt.date | None:
        return self.start + dt.timedelta(days=6) if self.start else None


def expected_cash(items: list[OpenItem], as_of: dt.date, rates: Rates | None,
                  weeks: int = CASH_WEEKS) -> list[CashWeek]:
    """``weeks`` weeks from the week of ``as_of``, then one ``later`` entry (start ``None``)."""
    first = week_start(as_of)
    result = [CashWeek(first + dt.timedelta(weeks=n)) for n in range(weeks)]
    later = CashWeek(None)
    for item in items:
        due = item.due_date
        if due is None or due < as_of:
            slot = result[0]
            slot.includes_overdue = True
        else:
            index = (week_start(due) - first).days // 7
            slot = result[index] if index < weeks else later
        slot.amounts[item.currency] = slot.amounts.get(item.currency, ZERO) + item.open_amount
    result.append(later)
    if rates is not None:
        for week in result:
            week.amount_base = sum((rates.convert(v, c) or ZERO for c, v in week.amounts.items()),
                                   ZERO)
    return result
