"""Property: for any lines, discounts and tax rates in any supported currency, the stored total
is the sum of the rounded nets plus the sum of the rounded taxes, and every amount has the
currency's minor digits. The expected values are computed here independently, with fractions."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.billing.services import invoices as services
from tandem.core.money import minor_digits

pytestmark = pytest.mark.django_db
CURRENCIES = ("VND", "USD", "JPY", "KWD")
# PostgreSQL stores NUMERIC exactly, up to core.money's limit of 10^15. SQLite keeps about 15
# significant digits (a REAL beyond that), so there totals stay below 10^12 (with 3 decimals).
EXACT_DB = connection.vendor == "postgresql"
MAX_QUANTITY = Decimal(100_000) if EXACT_DB else Decimal(1_000)
MAX_PRICE = Decimal(10**9) if EXACT_DB else Decimal(10**8)
RATES = (Decimal(0), Decimal(5), Decimal(8), Decimal(10))


def half_up(value: Fraction, digits: int) -> Fraction:
    """Round half away from zero to ``digits`` decimals (all values here are >= 0)."""
    scale = 10 ** digits
    scaled = value * scale
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole, scale)


@st.composite
def invoices(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    digits = minor_digits(currency)
    lines = draw(st.lists(st.fixed_dictionaries({
        "quantity": st.decimals(min_value=Decimal("0.0001"), max_value=MAX_QUANTITY, places=4),
        "unit_price": st.decimals(min_value=Decimal(0), max_value=MAX_PRICE, places=digits),
        "discount_percent": st.one_of(st.just(Decimal(0)), st.decimals(
            min_value=Decimal(0), max_value=Decimal(100), places=3)),
        "tax_rate": st.sampled_from(RATES),
    }), min_size=1, max_size=8))
    return currency, lines


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=invoices())
def test_stored_totals_are_sums_of_rounded_lines(personas, case):
    currency, lines = case
    digits = minor_digits(currency)
    invoice = services.invoice_create(
        actor=personas.finance.actor, client=personas.client_company, currency=currency,
        lines=[{"description": f"Line {i}", **line} for i, line in enumerate(lines)])
    invoice.refresh_from_db()

    nets, taxes = [], []
    for line in lines:
        gross = (Fraction(line["quantity"]) * Fraction(line["unit_price"])
                 * (1 - Fraction(line["discount_percent"]) / 100))
        net = half_up(gross, digits)
        nets.append(net)
        taxes.append(half_up(net * Fraction(line["tax_rate"]) / 100, digits))
    assert Fraction(invoice.subtotal) == sum(nets)
    assert Fraction(invoice.tax_total) == sum(taxes)
    assert Fraction(invoice.total) == sum(nets) + sum(taxes)

    quantum = Decimal(1).scaleb(-digits)
    stored = list(invoice.lines.order_by("position").values_list("net", "tax"))
    assert [(Fraction(n), Fraction(t)) for n, t in stored] == list(zip(nets, taxes, strict=True))
    for amount in [invoice.subtotal, invoice.tax_total, invoice.total,
                   *(a for pair in stored for a in pair)]:
        assert amount == amount.quantize(quantum)
    assert invoice.total == invoice.subtotal + invoice.tax_total
