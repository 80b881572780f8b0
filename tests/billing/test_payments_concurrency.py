"""On PostgreSQL: the same payment posted 10 times at once with one Idempotency-Key is recorded
once, and every request gets the same answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from tandem.billing.models import Allocation, Payment
from tandem.billing.services import payments as services
from tandem.core.models import IdempotencyRecord
from tests.api.test_concurrency import at_once, slowed
from tests.billing.payment_fixtures import issued

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite runs one write transaction at a time: no race to test"),
    pytest.mark.django_db(transaction=True),
]


def test_ten_identical_posts_with_one_key_record_one_payment(personas, monkeypatch):
    monkeypatch.setattr(services, "payment_record", slowed(services.payment_record, 0.2))
    invoice = issued(personas, 10_000_000)
    body = {"client_id": invoice.client_id, "currency": "VND", "amount": "4000000",
            "received_on": timezone.localdate().isoformat(), "method": "bank_transfer",
            "allocations": [{"invoice_id": invoice.pk, "amount": "4000000"}]}
    apis = [personas.finance.api() for _ in range(10)]

    responses = at_once(*[
        (lambda api=api: api.post("/api/v1/payments", body, **{"Idempotency-Key": "race-pay"}))
        for api in apis
    ])

    assert [r.status_code for r in responses] == [201] * 10, responses
    assert len({r.content for r in responses}) == 1
    assert Payment.objects.count() == 1
    assert Allocation.objects.count() == 1
    assert IdempotencyRecord.objects.filter(key="race-pay").count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_paid == 4_000_000


def test_two_payments_at_once_cannot_overpay_one_invoice(personas):
    invoice = issued(personas, 1_000_000)
    finance = personas.finance.actor

    def pay_all():
        return services.payment_record(
            actor=finance, client=invoice.client, currency="VND", amount=1_000_000,
            received_on=timezone.localdate(), method="cash",
            allocations=[(invoice.pk, 1_000_000)])

    results = at_once(pay_all, pay_all)
    assert sum(isinstance(r, Payment) for r in results) == 1, results
    invoice.refresh_from_db()
    assert invoice.amount_paid == 1_000_000
