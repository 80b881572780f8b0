"""Property: whatever payments, allocations and reversals happen, no invoice is ever paid below
zero or above its total, no payment is allocated beyond its amount, and each invoice's paid
amount is the sum of its live allocations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.billing.models import Allocation, Invoice, InvoiceStatus, Payment
from tandem.billing.services import payments as services
from tandem.core.errors import DomainError
from tests.billing.payment_fixtures import issued
from tests.personas import Personas

pytestmark = pytest.mark.django_db

CURRENCY_AMOUNTS = {"VND": st.integers(1, 5_000_000).map(Decimal),
                    "USD": st.integers(1, 500_000).map(lambda c: Decimal(c) / 100)}

step = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 20_000_000),
              st.lists(st.tuples(st.integers(0, 2), st.integers(1, 6_000_000)), max_size=3)),
    st.tuples(st.just("allocate"), st.integers(0, 5),
              st.lists(st.tuples(st.integers(0, 2), st.integers(1, 6_000_000)), max_size=2)),
    st.tuples(st.just("reverse"), st.integers(0, 5), st.just([])),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(currency=st.sampled_from(["VND", "USD"]), totals=st.lists(
    st.integers(1, 5_000_000), min_size=3, max_size=3), steps=st.lists(step, max_size=8))
def test_payments_never_exceed_what_is_owed(django_db_blocker, currency, totals, steps):
    from django.db import transaction

    scale = Decimal(1) if currency == "VND" else Decimal("0.01")
    with django_db_blocker.unblock(), transaction.atomic():
        personas = Personas()
        finance = personas.finance.actor
        invoices = [issued(personas, Decimal(t) * scale, currency) for t in totals]
        payments: list[Payment] = []
        for kind, number, parts in steps:
            allocations = [(invoices[i].pk, Decimal(a) * scale) for i, a in parts]
            try:
                with transaction.atomic():
                    if kind == "pay":
                        payments.append(services.payment_record(
                            actor=finance, client=personas.client_company, currency=currency,
                            amount=max(Decimal(number) * scale, scale),
                            received_on=timezone.localdate(), method="cash",
                            allocations=allocations))
                    elif kind == "allocate" and payments:
                        services.payment_allocate(actor=finance,
                                                  payment=payments[number % len(payments)],
                                                  allocations=allocations)
                    elif kind == "reverse" and payments:
                        services.payment_reverse(actor=finance,
                                                 payment=payments[number % len(payments)],
                                                 reason="property")
            except DomainError:
                pass
            _check_invariants(invoices, payments)
        transaction.set_rollback(True)


def _check_invariants(invoices: list[Invoice], payments: list[Payment]) -> None:
    for invoice in Invoice.objects.filter(pk__in=[i.pk for i in invoices]):
        assert 0 <= invoice.amount_paid <= invoice.total
        live = Allocation.objects.filter(invoice=invoice, payment__reversed_at__isnull=True)
        assert invoice.amount_paid == (live.aggregate(s=Sum("amount"))["s"] or 0)
        expected = (InvoiceStatus.ISSUED if invoice.amount_paid == 0 else InvoiceStatus.PAID
                    if invoice.amount_paid == invoice.total else InvoiceStatus.PARTIALLY_PAID)
        assert invoice.status == expected
    for payment in Payment.objects.filter(pk__in=[p.pk for p in payments]):
        assert services.allocated_of(payment) <= payment.amount
