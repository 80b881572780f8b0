"""The payment factor of client health: overdue invoices, how late and how much.

An invoice is overdue when it is issued or partially paid and its due date has passed (overdue is
derived, not a status). The factor costs points in two parts, at most 30 in all:

* **Lateness**, by the days the oldest overdue invoice is past due: 1-30 days 5 points, 31-60
  days 10, 61-90 days 15, over 90 days 20.
* **Amount overdue**, as the share of the client's open amount that is overdue (in the currency
  where that share is highest, so no exchange rate is needed): a quarter or more 3 points, half or
  more 6, three quarters or more 10.

A client with open invoices none of which is overdue gets 0 points and says so; a client with no
open invoices gets no payment factor at all. The data of a whole batch of clients is read in one
query (``_preload_open_invoices``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.billing.models import OPEN_INVOICE_STATUSES, Invoice, InvoiceKind
from tandem.clients.health import FactorResult, HealthContext, register_factor
from tandem.clients.models import Client
from tandem.core.money import ZERO, format_money

KEY = "payments"
LABEL = "Payments"
LATENESS_POINTS = ((90, 20), (60, 15), (30, 10), (0, 5))  # more than N days late: points
SHARE_POINTS = ((Decimal("0.75"), 10), (Decimal("0.5"), 6), (Decimal("0.25"), 3))
FLOOR = -30


def _preload_open_invoices(organization_id: int, client_ids: list[int],
                           now: dt.datetime) -> dict[int, list[dict[str, Any]]]:
    rows = Invoice.objects.filter(
        organization_id=organization_id, client_id__in=client_ids, kind=InvoiceKind.INVOICE,
        status__in=OPEN_INVOICE_STATUSES,
    ).values("client_id", "currency", "total", "amount_paid", "due_date")
    by_client: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_client[row["client_id"]].append(dict(row))
    return by_client


def lateness_points(days_late: int) -> int:
    for threshold, points in LATENESS_POINTS:
        if days_late > threshold:
            return points
    return 0


def share_points(share: Decimal) -> int:
    for threshold, points in SHARE_POINTS:
        if share >= threshold:
            return points
    return 0


@register_factor(KEY, preload=_preload_open_invoices)
def payments(client: Client, context: HealthContext) -> FactorResult | None:
    rows = context.data[KEY].get(client.pk, [])
    if not rows:
        return None
    today = timezone.localdate(context.now)
    open_by: dict[str, Decimal] = defaultdict(lambda: ZERO)
    overdue_by: dict[str, Decimal] = defaultdict(lambda: ZERO)
    oldest = 0
    late = 0
    for row in rows:
        amount = row["total"] - row["amount_paid"]
        open_by[row["currency"]] += amount
        if row["due_date"] is not None and row["due_date"] < today:
            late += 1
            overdue_by[row["currency"]] += amount
            oldest = max(oldest, (today - row["due_date"]).days)
    if not late:
        return FactorResult(KEY, LABEL, 0, "No overdue invoices")
    share = max((overdue_by[c] / open_by[c] for c in overdue_by if open_by[c] > 0),
                default=ZERO)
    impact = max(FLOOR, -(lateness_points(oldest) + share_points(share)))
    amounts = ", ".join(format_money(v, c) for c, v in sorted(overdue_by.items()))
    noun = "invoice" if late == 1 else "invoices"
    return FactorResult(KEY, LABEL, impact,
                        f"{late} overdue {noun} ({amounts}); the oldest {oldest} days late")
