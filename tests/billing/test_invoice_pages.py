"""Invoice pages: list with overdue marker, a new draft, HTMX line editing with live totals,
issue, void, delete, PDF; who sees what (another organization gets 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.billing.models import Invoice, InvoiceStatus
from tests.billing.factories import make_draft_invoice, make_issued_invoice

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"billing:{name}", args=args)


def test_the_list_marks_overdue_invoices(personas):
    late = make_issued_invoice(personas, issue_date=dt.date(2020, 1, 1))
    make_draft_invoice(personas)
    page = personas.finance.browser().get(url("invoices"))
    assert page.status_code == 200
    html = page.content.decode()
    assert late.number in html
    assert "Overdue" in html
    only_late = personas.finance.browser().get(url("invoices") + "?overdue=on")
    assert only_late.content.decode().count('class="is-overdue"') == 1


def test_finance_creates_a_draft_from_the_page(personas):
    browser = personas.finance.browser()
    assert browser.get(url("invoice_create")).status_code == 200
    response = browser.post(url("invoice_create"), {
        "client": personas.client_company.pk, "currency": "usd", "language": "en"})
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("invoice_detail",
                                                                         invoice.pk)
    assert invoice.currency == "USD"
    bad = browser.post(url("invoice_create"), {"client": personas.client_company.pk})
    assert bad.status_code == 422  # no currency and no contract


def line_post(invoice, **values):
    return {"version": invoice.version, "description": "Design", "quantity": "3",
            "unit_price": "33.33", "discount_percent": "10", "tax_rate": "8", **values}


def test_the_preview_shows_line_and_invoice_totals_without_saving(personas):
    invoice = make_draft_invoice(personas, "USD", [("Hosting", 1, "10.00")])
    response = personas.finance.browser().post(url("invoice_line_preview", invoice.pk),
                                               line_post(invoice), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "$89.99" in html
    assert "$7.20" in html
    assert "$99.99" in html
    assert "$107.19" in html
    invoice.refresh_from_db()
    assert invoice.lines.count() == 1
    assert invoice.version == 1
    invalid = personas.finance.browser().post(url("invoice_line_preview", invoice.pk),
                                              line_post(invoice, unit_price="1.005"), **HX)
    assert "2 decimal places" in invalid.content.decode()


def test_lines_are_added_edited_moved_and_removed_with_htmx(personas):
    browser = personas.finance.browser()
    invoice = make_draft_invoice(personas, "USD", [("Hosting", 1, "10.00")])
    added = browser.post(url("invoice_line_save", invoice.pk), line_post(invoice), **HX)
    assert added.status_code == 200
    assert "$107.19" in added.content.decode()
    invoice.refresh_from_db()
    line = invoice.lines.get(description="Design")

    editor = browser.get(url("invoice_line_edit", invoice.pk, line.pk), **HX)
    assert editor.status_code == 200
    assert 'value="33.33"' in editor.content.decode()
    edited = browser.post(url("invoice_line_save", invoice.pk),
                          line_post(invoice, line_id=line.pk, quantity="1"), **HX)
    assert edited.status_code == 200
    invoice.refresh_from_db()
    assert invoice.total == Decimal("42.40")  # 10.00 + 30.00 + 2.40 tax

    stale = browser.post(url("invoice_line_save", invoice.pk),
                         line_post(invoice, line_id=line.pk, version=1), **HX)
    assert stale.status_code == 409

    moved = browser.post(url("invoice_line_move", invoice.pk),
                         {"version": invoice.version, "line_id": line.pk, "direction": "up"},
                         **HX)
    assert moved.status_code == 200
    assert list(invoice.lines.values_list("description", flat=True)) == ["Design", "Hosting"]
    invoice.refresh_from_db()
    removed = browser.post(url("invoice_line_remove", invoice.pk, line.pk),
                           {"version": invoice.version}, **HX)
    assert removed.status_code == 200
    assert invoice.lines.count() == 1

    invoice.refresh_from_db()
    bad = browser.post(url("invoice_line_save", invoice.pk),
                       line_post(invoice, tax_rate="7"), **HX)
    assert bad.status_code == 422


def test_issue_void_and_delete_from_the_page(personas):
    browser = personas.finance.browser()
    invoice = make_draft_invoice(personas)
    issued = browser.post(url("invoice_issue", invoice.pk), {"version": invoice.version})
    assert issued.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.number
    no_reason = browser.post(url("invoice_void", invoice.pk), {"version": invoice.version})
    assert no_reason.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    voided = browser.post(url("invoice_void", invoice.pk), {"version": invoice.version,
                                                            "reason": "Duplicate"}, **HX)
    assert voided.status_code == 200
    assert "HX-Redirect" in voided
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID
    page = browser.get(url("invoice_detail", invoice.pk)).content.decode()
    assert invoice.credit_note.number in page

    draft = make_draft_invoice(personas)
    assert browser.post(url("invoice_delete", draft.pk)).status_code == 302
    assert not Invoice.objects.filter(pk=draft.pk).exists()


def test_an_issued_invoice_page_has_no_editor(personas):
    invoice = make_issued_invoice(personas)
    html = personas.finance.browser().get(url("invoice_detail", invoice.pk)).content.decode()
    assert 'id="line-editor"' not in html
    assert "Void with a credit note" in html
    refused = personas.finance.browser().post(url("invoice_line_save", invoice.pk),
                                              line_post(invoice, unit_price="1000"), **HX)
    assert refused.status_code == 409


@pytest.mark.parametrize(("who", "status"), [
    ("admin", 200), ("executive", 200), ("finance", 200), ("account_manager", 200),
    ("project_manager", 404), ("member", 404), ("client", 200), ("outsider", 404),
])
def test_who_sees_the_pages(personas, who, status):
    draft = make_draft_invoice(personas)
    issued = make_issued_invoice(personas)
    browser = personas[who].browser()
    if who == "outsider":
        assert browser.get(url("invoice_detail", issued.pk)).status_code == 404
        assert browser.get(url("invoice_pdf", issued.pk)).status_code == 404
        return
    assert browser.get(url("invoices")).status_code == status
    assert browser.get(url("invoice_detail", issued.pk)).status_code == status
    pdf = browser.get(url("invoice_pdf", issued.pk))
    assert pdf.status_code == status
    if status == 200:
        assert pdf.content.startswith(b"%PDF")
    draft_status = 404 if who in {"client", "project_manager", "member"} else 200
    assert browser.get(url("invoice_detail", draft.pk)).status_code == draft_status


@pytest.mark.parametrize(("who", "status"), [
    ("executive", 403), ("client", 404), ("member", 404), ("outsider", 404),
])
def test_who_may_not_change_invoices_from_the_pages(personas, who, status):
    draft = make_draft_invoice(personas)
    browser = personas[who].browser()
    response = browser.post(url("invoice_issue", draft.pk), {"version": draft.version})
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.DRAFT


@pytest.mark.parametrize(("who", "status"), [
    ("finance", 200), ("account_manager", 200), ("executive", 404), ("client", 404),
    ("member", 404),
])
def test_who_opens_the_new_invoice_page(personas, who, status):
    assert personas[who].browser().get(url("invoice_create")).status_code == status
