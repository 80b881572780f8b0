"""The payments, receivables and FX-rate pages: the role matrix, recording with allocations,
reversal, the dashboards' money panels."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.billing.models import FxRate, InvoiceStatus, Payment
from tandem.billing.services import fx
from tests.billing.payment_fixtures import issued, pay

pytestmark = pytest.mark.django_db

READ = {"admin": 200, "executive": 200, "finance": 200, "account_manager": 200,
        "project_manager": 404, "member": 404, "client": 404, "outsider": 404}


@pytest.mark.parametrize("name", list(READ))
def test_who_opens_the_money_pages(personas, name):
    payment = pay(personas, [(issued(personas), 1_000_000)])
    browser = personas[name].browser()
    pages = ["/billing/payments/", f"/billing/payments/{payment.pk}/", "/billing/receivables/",
             "/billing/fx-rates/"]
    expected = READ[name]
    for url in pages:
        status = browser.get(url).status_code
        if name == "outsider" and url in {"/billing/payments/", "/billing/receivables/",
                                          "/billing/fx-rates/"}:
            assert status == 200  # their own organization's (empty) pages
        else:
            assert status == expected, url
    create = browser.get("/billing/payments/new/").status_code
    assert create == (200 if name in {"admin", "finance", "account_manager"} else 404)


def test_recording_a_payment_with_allocations(personas):
    invoice = issued(personas, 10_000_000)
    browser = personas.account_manager.browser()
    rows = browser.get(f"/billing/payments/new/invoices/?client={invoice.client_id}"
                       "&currency=VND", headers={"HX-Request": "true"})
    assert invoice.number in rows.content.decode()
    response = browser.post("/billing/payments/new/", {
        "client": invoice.client_id, "currency": "VND", "amount": "12000000",
        "received_on": timezone.localdate().isoformat(), "method": "bank_transfer",
        "reference": "UNC 9", f"alloc-{invoice.pk}": "10000000"})
    assert response.status_code == 302
    Payment.objects.get()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    detail = browser.get(response["Location"]).content.decode()
    assert "2.000.000" in detail or "2,000,000" in detail  # on account


def test_over_allocation_shows_the_form_again(personas):
    invoice = issued(personas, 10_000_000)
    response = personas.finance.browser().post("/billing/payments/new/", {
        "client": invoice.client_id, "currency": "VND", "amount": "1000",
        "received_on": timezone.localdate().isoformat(), "method": "cash",
        f"alloc-{invoice.pk}": "2000"})
    assert response.status_code == 422
    assert "more than the payment has left" in response.content.decode()
    assert not Payment.objects.exists()


def test_reversing_from_the_detail_page(personas):
    invoice = issued(personas, 1000)
    payment = pay(personas, [(invoice, 1000)])
    browser = personas.finance.browser()
    refused = browser.post(f"/billing/payments/{payment.pk}/reverse/", {"reason": ""})
    assert refused.status_code == 422
    done = browser.post(f"/billing/payments/{payment.pk}/reverse/",
                        {"reason": "Bounced", "version": payment.version})
    assert done.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    executive = personas.executive.browser().post(f"/billing/payments/{payment.pk}/reverse/",
                                                  {"reason": "x"})
    assert executive.status_code in {403, 409}


def test_finance_enters_and_deletes_rates_and_others_cannot(personas):
    browser = personas.finance.browser()
    response = browser.post("/billing/fx-rates/", {"currency": "USD", "rate": "25400.5",
                                                   "valid_on": "2026-06-01"})
    assert response.status_code == 302
    rate = FxRate.objects.get()
    assert personas.account_manager.browser().post(
        f"/billing/fx-rates/{rate.pk}/delete/").status_code == 403
    assert personas.account_manager.browser().post(
        "/billing/fx-rates/", {"currency": "USD", "rate": "1",
                               "valid_on": "2026-06-02"}).status_code == 404
    assert browser.post(f"/billing/fx-rates/{rate.pk}/delete/").status_code == 302
    assert not FxRate.objects.exists()


def test_the_receivables_page_shows_aging_and_totals(personas):
    fx.fx_rate_create(actor=personas.finance.actor, currency="USD", rate="25000",
                      valid_on=timezone.localdate())
    issued(personas, "100.00", "USD")
    issued(personas, 1_000_000)
    html = personas.finance.browser().get("/billing/receivables/").content.decode()
    assert "data-aging" in html
    assert "data-cash" in html
    assert "3.500.000" in html or "3,500,000" in html  # 2,500,000 + 1,000,000 in VND


def test_dashboards_show_overdue_invoices_and_the_receivables(personas):
    late = issued(personas, 1000, issue_date=timezone.localdate() - dt.timedelta(days=60),
                  terms=10)
    am = personas.account_manager.browser().get("/").content.decode()
    assert f'data-overdue="{late.pk}"' in am
    finance = personas.finance.browser().get("/").content.decode()
    assert f'data-overdue="{late.pk}"' in finance
    assert "data-summary" in finance
    member = personas.member.browser().get("/").content.decode()
    assert "data-overdue" not in member
