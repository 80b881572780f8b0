"""Drafts, issuing, numbering, voiding with a credit note, and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, LineSource
from tandem.billing.services import invoices as services
from tandem.billing.services.settings import billing_settings_update
from tandem.core.errors import Conflict, PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry
from tests.billing.factories import make_contract, make_draft_invoice, make_issued_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def audit_of(invoice: Invoice, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="billing.invoice",
                                          object_id=str(invoice.pk), action=action))


def test_line_amounts_round_the_net_then_the_tax_of_the_rounded_net():
    amounts = services.line_amounts(quantity=D("3"), unit_price=D("33.33"),
                                    discount_percent=D("10"), tax_rate=D("8"), currency="USD")
    # 3 x 33.33 x 0.9 = 89.991 -> 89.99; 89.99 x 8 % = 7.1992 -> 7.20
    assert (amounts.net, amounts.tax) == (D("89.99"), D("7.20"))
    vnd = services.line_amounts(quantity=D("1.5"), unit_price=D("1000001"),
                                discount_percent=D("0"), tax_rate=D("10"), currency="VND")
    assert (vnd.net, vnd.tax) == (D("1500002"), D("150000"))  # 1500001.5 rounds half up


def test_a_draft_stores_totals_as_sums_of_rounded_lines(personas):
    invoice = make_draft_invoice(personas, "USD", [
        {"description": "Design", "quantity": D("3"), "unit_price": D("33.33"),
         "discount_percent": D("10"), "tax_rate": D("8")},
        {"description": "Hosting", "quantity": D("1"), "unit_price": D("0.05"),
         "tax_rate": D("10")},
    ])
    invoice.refresh_from_db()
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (D("90.04"), D("7.21"),
                                                                    D("97.25"))
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.number == ""
    assert invoice.payment_terms_days == 30
    assert invoice.language == "en"  # the client's language


def test_defaults_come_from_the_contract(personas):
    contract = make_contract(personas, currency="USD", payment_terms_days=15)
    invoice = services.invoice_create(actor=personas.finance.actor, client=personas.client_company,
                                      contract_id=contract.pk, language="vi")
    assert (invoice.currency, invoice.payment_terms_days, invoice.language) == ("USD", 15, "vi")
    with pytest.raises(ValidationError) as refusal:
        services.invoice_create(actor=personas.finance.actor, client=personas.client_company,
                                contract_id=contract.pk, currency="VND")
    assert refusal.value.code == "currency_mismatch"


@pytest.mark.parametrize(("values", "field"), [
    ({"unit_price": D("1.5")}, "unit_price"),  # VND has no decimals
    ({"quantity": D("0")}, "quantity"),
    ({"quantity": D("1.00001")}, "quantity"),
    ({"discount_percent": D("101")}, "discount_percent"),
    ({"tax_rate": D("7")}, "tax_rate"),  # not one of the organization's rates
    ({"description": " "}, "description"),
    ({"unit_price": D("-1")}, "unit_price"),
])
def test_bad_lines_are_refused_with_the_field(personas, values, field):
    draft = make_draft_invoice(personas)
    line = {"description": "X", "quantity": D(1), "unit_price": D(1000), "tax_rate": D(10),
            **values}
    with pytest.raises(ValidationError) as refusal:
        services.line_add(actor=personas.finance.actor, invoice=draft,
                          expected_version=draft.version, values=line)
    assert refusal.value.details["field"] == field


def test_line_edits_recompute_totals_and_take_the_version(personas):
    actor = personas.finance.actor
    draft = make_draft_invoice(personas, lines=[("A", 1, 1_000_000)])
    line = services.line_add(actor=actor, invoice=draft, expected_version=draft.version,
                             values={"description": "B", "quantity": D(2),
                                     "unit_price": D(500_000), "tax_rate": D(10)})
    draft.refresh_from_db()
    assert (draft.subtotal, draft.tax_total, draft.total) == (D(2_000_000), D(100_000),
                                                              D(2_100_000))
    services.line_update(actor=actor, invoice=draft, line_id=line.pk,
                         expected_version=draft.version, changes={"discount_percent": D(50)})
    draft.refresh_from_db()
    assert draft.total == D(1_550_000)
    draft.refresh_from_db()
    with pytest.raises(StaleVersion):
        services.line_update(actor=actor, invoice=draft, line_id=line.pk,
                             expected_version=draft.version - 1, changes={"quantity": D(3)})
    first = draft.lines.get(description="A")
    services.lines_reorder(actor=actor, invoice=draft, expected_version=draft.version,
                           line_ids=[line.pk, first.pk])
    assert list(draft.lines.values_list("description", flat=True)) == ["B", "A"]
    draft.refresh_from_db()
    services.line_remove(actor=actor, invoice=draft, line_id=first.pk,
                         expected_version=draft.version)
    draft.refresh_from_db()
    assert draft.total == D(550_000)
    assert draft.version == 5  # created, then four edits
    actions = set(AuditEntry.objects.filter(organization=personas.organization)
                  .values_list("action", flat=True))
    assert {"invoice.create", "invoice.line_add", "invoice.line_update", "invoice.lines_reorder",
            "invoice.line_remove"} <= actions


def test_issuing_numbers_invoices_per_year_without_gaps(personas):
    first = make_issued_invoice(personas, issue_date=dt.date(2026, 3, 1))
    second = make_issued_invoice(personas, issue_date=dt.date(2026, 3, 2))
    next_year = make_issued_invoice(personas, issue_date=dt.date(2027, 1, 5))
    assert [first.number, second.number, next_year.number] == [
        "INV-2026-00001", "INV-2026-00002", "INV-2027-00001"]
    assert first.status == InvoiceStatus.ISSUED
    assert first.due_date == dt.date(2026, 3, 31)
    [entry] = audit_of(first, "invoice.issue")
    assert entry.changes["status"] == ["draft", "issued"]
    assert entry.changes["number"] == ["", "INV-2026-00001"]


def test_a_refused_issue_uses_no_number(personas):
    empty = make_draft_invoice(personas, lines=[])
    with pytest.raises(ValidationError):
        services.invoice_issue(actor=personas.finance.actor, invoice=empty,
                               expected_version=empty.version, issue_date=dt.date(2026, 3, 1))
    assert make_issued_invoice(personas, issue_date=dt.date(2026, 3, 1)).number == \
        "INV-2026-00001"


def test_the_number_format_comes_from_the_settings(personas):
    billing_settings_update(actor=personas.finance.actor, expected_version=1,
                            number_format="HD{year}/{seq:04d}")
    assert make_issued_invoice(personas, issue_date=dt.date(2026, 5, 1)).number == "HD2026/0001"


def test_an_issued_invoice_is_never_edited_or_deleted(personas):
    actor = personas.finance.actor
    invoice = make_issued_invoice(personas)
    line = invoice.lines.get()
    for attempt in (
        lambda: services.line_add(actor=actor, invoice=invoice, expected_version=invoice.version,
                                  values={"description": "X", "unit_price": D(1)}),
        lambda: services.line_update(actor=actor, invoice=invoice, line_id=line.pk,
                                     expected_version=invoice.version,
                                     changes={"quantity": D(2)}),
        lambda: services.line_remove(actor=actor, invoice=invoice, line_id=line.pk,
                                     expected_version=invoice.version),
        lambda: services.invoice_update(actor=actor, invoice=invoice,
                                        expected_version=invoice.version,
                                        changes={"notes": "x"}),
        lambda: services.invoice_delete(actor=actor, invoice=invoice),
        lambda: services.invoice_issue(actor=actor, invoice=invoice,
                                       expected_version=invoice.version),
    ):
        with pytest.raises(Conflict) as refusal:
            attempt()
        assert refusal.value.code == "invoice_not_draft"


def test_voiding_creates_an_issued_credit_note_with_its_own_number(personas):
    actor = personas.finance.actor
    invoice = make_issued_invoice(personas, "USD", [
        {"description": "Design", "quantity": D("3"), "unit_price": D("33.33"),
         "discount_percent": D("10"), "tax_rate": D("8")}])
    credit = services.invoice_void(actor=actor, invoice=invoice,
                                   expected_version=invoice.version, reason="Wrong client")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID
    assert invoice.void_reason == "Wrong client"
    assert credit.kind == InvoiceKind.CREDIT_NOTE
    assert credit.credits_id == invoice.pk
    assert credit.status == InvoiceStatus.ISSUED
    assert credit.due_date is None
    assert credit.number.startswith("CN-")
    assert credit.number.endswith("-00001")
    assert credit.total == invoice.total
    assert set(credit.lines.values_list("source", flat=True)) == {LineSource.CREDIT}
    [entry] = audit_of(invoice, "invoice.void")
    assert entry.changes["status"] == ["issued", "void"]
    assert audit_of(credit, "credit_note.issue")
    with pytest.raises(Conflict):
        services.invoice_void(actor=actor, invoice=invoice, expected_version=invoice.version,
                              reason="again")


def test_voiding_needs_a_reason_and_the_current_version(personas):
    invoice = make_issued_invoice(personas)
    with pytest.raises(ValidationError):
        services.invoice_void(actor=personas.finance.actor, invoice=invoice,
                              expected_version=invoice.version, reason="  ")
    with pytest.raises(StaleVersion):
        services.invoice_void(actor=personas.finance.actor, invoice=invoice,
                              expected_version=invoice.version - 1, reason="Typo")


def test_drafts_are_deleted_with_an_audit_entry(personas):
    draft = make_draft_invoice(personas)
    pk = draft.pk
    services.invoice_delete(actor=personas.finance.actor, invoice=draft)
    assert not Invoice.objects.filter(pk=pk).exists()
    assert not InvoiceLine.objects.filter(invoice_id=pk).exists()
    assert AuditEntry.objects.filter(action="invoice.delete", object_id=str(pk)).exists()


@pytest.mark.parametrize("who", ["executive", "project_manager", "member", "client"])
def test_only_finance_admins_and_the_owner_am_prepare_invoices(personas, who):
    with pytest.raises(PermissionDenied):
        make_draft_invoice(personas, actor=personas[who].actor)


def test_the_owner_am_prepares_and_issues(personas):
    invoice = make_issued_invoice(personas, actor=personas.account_manager.actor)
    assert invoice.status == InvoiceStatus.ISSUED
