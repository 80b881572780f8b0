"""The invoices API: drafts and lines, issue, void, PDF, filters, Idempotency-Key, and who may
do what (another organization gets 404)."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.billing.models import Invoice, InvoiceStatus
from tests.billing.factories import make_draft_invoice, make_issued_invoice

pytestmark = pytest.mark.django_db
BASE = "/api/v1/invoices"


def new_body(personas, **extra):
    return {"client_id": personas.client_company.pk, "currency": "USD", "lines": [
        {"description": "Design", "quantity": "3", "unit_price": "33.33",
         "discount_percent": "10", "tax_rate": "8"}], **extra}


def test_finance_creates_edits_issues_and_voids_through_the_api(personas):
    api = personas.finance.api()
    created = api.post(BASE, new_body(personas))
    assert created.status_code == 201, created.json()
    invoice = created.json()
    assert (invoice["subtotal"], invoice["tax_total"], invoice["total"]) == (
        "89.99", "7.20", "97.19")
    assert invoice["lines"][0]["net"] == "89.99"
    assert invoice["status"] == "draft"

    url = f"{BASE}/{invoice['id']}"
    added = api.post(f"{url}/lines", {"version": invoice["version"], "description": "Hosting",
                                      "unit_price": "10.00", "tax_rate": "10"})
    assert added.status_code == 201, added.json()
    invoice = added.json()
    assert invoice["total"] == "108.19"
    line_id = invoice["lines"][1]["id"]

    stale = api.patch(f"{url}/lines/{line_id}", {"version": invoice["version"] - 1,
                                                 "quantity": "2"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"

    patched = api.patch(f"{url}/lines/{line_id}", {"version": invoice["version"],
                                                   "quantity": "2"})
    assert patched.status_code == 200
    assert patched.json()["total"] == "119.19"
    invoice = patched.json()
    reordered = api.post(f"{url}/lines/order", {"version": invoice["version"],
                                                "line_ids": [line_id, invoice["lines"][0]["id"]]})
    assert reordered.status_code == 200
    assert [line["description"] for line in reordered.json()["lines"]] == ["Hosting", "Design"]
    invoice = reordered.json()
    removed = api.delete(f"{url}/lines/{line_id}?version={invoice['version']}")
    assert removed.status_code == 200
    assert removed.json()["total"] == "97.19"
    invoice = removed.json()

    header = api.patch(url, {"version": invoice["version"], "language": "vi",
                             "payment_terms_days": 10})
    assert header.status_code == 200
    assert header.json()["language"] == "vi"
    invoice = header.json()

    issued = api.post(f"{url}/issue", {"version": invoice["version"],
                                       "issue_date": "2026-04-01"})
    assert issued.status_code == 200, issued.json()
    issued_invoice = issued.json()
    assert issued_invoice["number"] == "INV-2026-00001"
    assert issued_invoice["due_date"] == "2026-04-11"

    refused = api.patch(url, {"version": issued_invoice["version"], "notes": "x"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "invoice_not_draft"
    assert api.delete(url).status_code == 409

    voided = api.post(f"{url}/void", {"version": issued_invoice["version"], "reason": "Typo"})
    assert voided.status_code == 200, voided.json()
    credit = voided.json()
    assert credit["kind"] == "credit_note"
    assert credit["credits_id"] == issued_invoice["id"]
    assert credit["number"].startswith("CN-")
    assert api.get(url).json()["credit_note_id"] == credit["id"]


def test_drafts_are_deleted(personas):
    draft = make_draft_invoice(personas)
    assert personas.finance.api().delete(f"{BASE}/{draft.pk}").status_code == 204
    assert not Invoice.objects.filter(pk=draft.pk).exists()


def test_an_idempotency_key_creates_one_invoice(personas):
    api = personas.finance.api()
    first = api.post(BASE, new_body(personas), **{"Idempotency-Key": "inv-1"})
    again = api.post(BASE, new_body(personas), **{"Idempotency-Key": "inv-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Invoice.objects.count() == 1
    other = api.post(BASE, new_body(personas, notes="else"), **{"Idempotency-Key": "inv-1"})
    assert other.status_code == 422


@pytest.mark.parametrize(("body", "field"), [
    ({"currency": "XXQ"}, "currency"),
    ({"lines": [{"description": "x", "unit_price": "1.005", "tax_rate": "0"}]}, "unit_price"),
    ({"lines": [{"description": "x", "unit_price": "1", "tax_rate": "7"}]}, "tax_rate"),
])
def test_bad_bodies_are_422(personas, body, field):
    response = personas.finance.api().post(BASE, {**new_body(personas), **body})
    assert response.status_code == 422, response.json()


def test_the_list_filters_and_marks_overdue(personas):
    old = make_issued_invoice(personas, issue_date=dt.date(2020, 1, 1))
    make_issued_invoice(personas, "USD", [("Design", 1, 100)])
    make_draft_invoice(personas)
    api = personas.finance.api()
    everything = api.get(BASE).json()
    assert everything["count"] == 3
    overdue = api.get(f"{BASE}?overdue=true").json()
    assert [i["id"] for i in overdue["items"]] == [old.pk]
    assert overdue["items"][0]["overdue"] is True
    assert api.get(f"{BASE}?currency=USD").json()["count"] == 1
    assert api.get(f"{BASE}?status=draft").json()["count"] == 1
    assert api.get(f"{BASE}?client_id={personas.client_company.pk}").json()["count"] == 3


def test_the_pdf(personas):
    invoice = make_issued_invoice(personas)
    response = personas.client.api().get(f"{BASE}/{invoice.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


READERS = ["admin", "executive", "finance", "account_manager"]
BLIND = ["project_manager", "member"]


@pytest.mark.parametrize("who", READERS + BLIND + ["client", "outsider"])
def test_who_reads_invoices(personas, who):
    draft = make_draft_invoice(personas)
    issued = make_issued_invoice(personas)
    api = personas[who].api()
    listed = {i["id"] for i in api.get(BASE).json()["items"]}
    if who in READERS:
        assert listed == {draft.pk, issued.pk}
        assert api.get(f"{BASE}/{draft.pk}").status_code == 200
    elif who == "client":
        assert listed == {issued.pk}  # never drafts
        assert api.get(f"{BASE}/{issued.pk}").status_code == 200
        assert api.get(f"{BASE}/{draft.pk}").status_code == 404
        assert api.get(f"{BASE}/{draft.pk}/pdf").status_code == 404
    else:
        assert listed == set()
        assert api.get(f"{BASE}/{issued.pk}").status_code == 404
        assert api.get(f"{BASE}/{issued.pk}/pdf").status_code == 404


@pytest.mark.parametrize(("who", "status"), [
    ("admin", 201), ("finance", 201), ("account_manager", 201), ("executive", 403),
    ("project_manager", 404), ("member", 404), ("client", 403), ("outsider", 404),
])
def test_who_creates_invoices(personas, who, status):
    response = personas[who].api().post(BASE, new_body(personas))
    assert response.status_code == status, response.json()


@pytest.mark.parametrize(("who", "status"), [
    ("admin", 200), ("finance", 200), ("account_manager", 200), ("executive", 403),
    ("project_manager", 404), ("member", 404), ("client", 404), ("outsider", 404),
])
def test_who_issues_and_edits_drafts(personas, who, status):
    draft = make_draft_invoice(personas)
    api = personas[who].api()
    edited = api.patch(f"{BASE}/{draft.pk}/lines/{draft.lines.get().pk}",
                       {"version": draft.version, "quantity": "2"})
    assert edited.status_code == status
    draft.refresh_from_db()
    issued = api.post(f"{BASE}/{draft.pk}/issue", {"version": draft.version})
    assert issued.status_code == status
    draft.refresh_from_db()
    assert (draft.status == InvoiceStatus.ISSUED) == (status == 200)


@pytest.mark.parametrize(("who", "status"), [
    ("finance", 200), ("account_manager", 200), ("executive", 403), ("client", 403),
    ("member", 404), ("outsider", 404),
])
def test_who_voids(personas, who, status):
    invoice = make_issued_invoice(personas)
    response = personas[who].api().post(f"{BASE}/{invoice.pk}/void",
                                        {"version": invoice.version, "reason": "Wrong"})
    assert response.status_code == status


def test_an_am_does_not_see_other_clients_invoices(personas):
    from tests.clients.factories import ClientFactory

    other = ClientFactory(organization=personas.organization, owner=personas.admin.user)
    invoice = make_issued_invoice(personas, client=other)
    api = personas.account_manager.api()
    assert api.get(f"{BASE}/{invoice.pk}").status_code == 404
    response = api.post(BASE, {**new_body(personas), "client_id": other.pk})
    assert response.status_code in {403, 404}  # 404 when the AM does not see the client at all
    assert not Invoice.objects.filter(client=other, status="draft").exists()
