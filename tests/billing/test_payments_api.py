"""The payments API: the role matrix, Idempotency-Key replays, over-allocation, reversal."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.billing.models import InvoiceStatus, Payment
from tests.billing.payment_fixtures import issued, other_client, pay

pytestmark = pytest.mark.django_db

READERS = {"admin": 200, "executive": 200, "finance": 200, "account_manager": 200,
           "project_manager": 404, "member": 404, "client": 404, "outsider": 404}
WRITERS = {"admin": 201, "finance": 201, "account_manager": 201, "executive": 403,
           "project_manager": 404, "member": 404, "client": 404, "outsider": 404}


def body(invoice, amount="4000000", **extra):
    return {"client_id": invoice.client_id, "currency": invoice.currency, "amount": amount,
            "received_on": timezone.localdate().isoformat(), "method": "bank_transfer",
            "reference": "UNC 123", "allocations": [{"invoice_id": invoice.pk,
                                                     "amount": amount}], **extra}


@pytest.mark.parametrize("name", list(READERS))
def test_who_reads_payments(personas, name):
    payment = pay(personas, [(issued(personas), 1_000_000)])
    api = personas[name].api()
    listing = api.get("/api/v1/payments")
    detail = api.get(f"/api/v1/payments/{payment.pk}")
    assert detail.status_code == READERS[name]
    if name == "outsider":  # an administrator of another organization: none of ours
        assert listing.json()["count"] == 0
        return
    assert listing.status_code == READERS[name]
    if READERS[name] == 200:
        assert listing.json()["count"] == 1
        assert detail.json()["amount"] == "1000000"
        assert detail.json()["allocations"][0]["amount"] == "1000000"


def test_an_account_manager_sees_only_their_clients_payments(personas):
    mine = pay(personas, [(issued(personas), 100)])
    theirs = pay(personas, [(issued(personas, client=other_client(personas)), 100)])
    api = personas.account_manager.api()
    assert [p["id"] for p in api.get("/api/v1/payments").json()["items"]] == [mine.pk]
    assert api.get(f"/api/v1/payments/{theirs.pk}").status_code == 404


@pytest.mark.parametrize("name", list(WRITERS))
def test_who_records_payments(personas, name):
    invoice = issued(personas)
    response = personas[name].api().post("/api/v1/payments", body(invoice))
    assert response.status_code == WRITERS[name], response.content
    if response.status_code == 201:
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.PARTIALLY_PAID
        assert response.json()["unallocated"] == "0"


def test_the_same_key_replays_the_same_response_and_records_once(personas):
    invoice = issued(personas)
    api = personas.finance.api()
    first = api.post("/api/v1/payments", body(invoice), **{"Idempotency-Key": "pay-1"})
    again = api.post("/api/v1/payments", body(invoice), **{"Idempotency-Key": "pay-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Payment.objects.count() == 1
    other = api.post("/api/v1/payments", body(invoice, "1000"), **{"Idempotency-Key": "pay-1"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_over_allocation_is_a_422_with_a_clear_message(personas):
    invoice = issued(personas, 10_000_000)
    response = personas.finance.api().post("/api/v1/payments", {
        **body(invoice, "1000000"), "allocations": [{"invoice_id": invoice.pk,
                                                     "amount": "2000000"}]})
    assert response.status_code == 422
    assert response.json()["code"] == "over_allocation"
    assert "more than the payment has left" in response.json()["detail"]


def test_an_invoice_of_another_organization_is_unknown(personas):
    from tests.billing.factories import make_issued_invoice

    foreign = make_issued_invoice(personas, actor=personas.outsider.actor,
                                  client=other_client(personas, "Mine"))
    foreign_client = other_client(personas, "Theirs")
    foreign_client.organization = personas.other_organization
    foreign_client.save()
    response = personas.finance.api().post("/api/v1/payments", {
        **body(issued(personas)), "allocations": [{"invoice_id": foreign.pk + 1000,
                                                   "amount": "1"}]})
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_invoice"


def test_allocate_later_and_reverse(personas):
    invoice = issued(personas, 3_000_000)
    api = personas.finance.api()
    created = api.post("/api/v1/payments", {**body(invoice, "5000000"), "allocations": []})
    assert created.json()["unallocated"] == "5000000"
    payment_id = created.json()["id"]
    allocated = api.post(f"/api/v1/payments/{payment_id}/allocate", {
        "allocations": [{"invoice_id": invoice.pk, "amount": 3000000}],
        "version": created.json()["version"]})
    assert allocated.status_code == 200, allocated.content
    assert allocated.json()["unallocated"] == "2000000"
    stale = api.post(f"/api/v1/payments/{payment_id}/reverse",
                     {"reason": "Wrong client", "version": created.json()["version"]})
    assert stale.status_code == 409
    reversed_ = api.post(f"/api/v1/payments/{payment_id}/reverse", {"reason": "Wrong client"})
    assert reversed_.status_code == 200
    assert reversed_.json()["reversed"] is True
    assert reversed_.json()["unallocated"] == "0"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    again = api.post(f"/api/v1/payments/{payment_id}/reverse", {"reason": "Twice"})
    assert again.status_code == 409


@pytest.mark.parametrize(("name", "status"), [
    ("finance", 200), ("admin", 200), ("account_manager", 200), ("executive", 403),
    ("project_manager", 404), ("member", 404), ("client", 404), ("outsider", 404)])
def test_who_allocates_and_reverses(personas, name, status):
    invoice = issued(personas, 1000)
    payment = pay(personas, [], amount=2000, client=personas.client_company, currency="VND")
    api = personas[name].api()
    allocate = api.post(f"/api/v1/payments/{payment.pk}/allocate",
                        {"allocations": [{"invoice_id": invoice.pk, "amount": "1000"}]})
    assert allocate.status_code == status
    reverse = api.post(f"/api/v1/payments/{payment.pk}/reverse", {"reason": "test"})
    assert reverse.status_code == status


def test_filters(personas):
    pay(personas, [(issued(personas, 100, "USD"), 100)])
    vnd = pay(personas, [(issued(personas), 100)])
    api = personas.finance.api()
    items = api.get("/api/v1/payments?currency=VND").json()["items"]
    assert [p["id"] for p in items] == [vnd.pk]
    today = timezone.localdate().isoformat()
    assert api.get(f"/api/v1/payments?since={today}&client_id="
                   f"{personas.client_company.pk}").json()["count"] == 2
