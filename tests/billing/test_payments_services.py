"""Recording, allocating and reversing payments: the rules and the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.billing.models import Allocation, InvoiceStatus, Payment
from tandem.billing.services import payments as services
from tandem.billing.services.invoices import invoice_void
from tandem.core.errors import Conflict, PermissionDenied, ValidationError
from tandem.core.models import AuditEntry
from tests.billing.factories import make_draft_invoice
from tests.billing.payment_fixtures import issued, other_client, pay

pytestmark = pytest.mark.django_db


def test_a_partial_payment_leaves_the_invoice_partially_paid(personas):
    invoice = issued(personas, 10_000_000)
    pay(personas, [(invoice, 4_000_000)])
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal(4_000_000)
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID


def test_one_payment_settles_several_invoices_and_keeps_the_rest_on_account(personas):
    first, second = issued(personas, 1_000_000), issued(personas, 2_500_000)
    payment = pay(personas, [(first, 1_000_000), (second, 2_000_000)], amount=3_500_000)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (InvoiceStatus.PAID, InvoiceStatus.PARTIALLY_PAID)
    assert services.allocated_of(payment) == Decimal(3_000_000)
    services.payment_allocate(actor=personas.finance.actor, payment=payment,
                              allocations=[(second, Decimal(500_000))])
    second.refresh_from_db()
    assert second.status == InvoiceStatus.PAID
    assert services.allocated_of(payment) == Decimal(3_500_000)
    assert Allocation.objects.get(payment=payment, invoice=second).amount == Decimal(2_500_000)


def test_over_allocation_is_refused_with_a_clear_message(personas):
    first, second = issued(personas, 1_000_000), issued(personas, 1_000_000)
    with pytest.raises(ValidationError) as refusal:
        pay(personas, [(first, 1_000_000), (second, 1_000_000)], amount=1_500_000)
    assert refusal.value.code == "over_allocation"
    assert refusal.value.status == 422
    assert "more than the payment has left" in refusal.value.message
    assert Payment.objects.count() == 0


def test_an_allocation_above_the_open_amount_is_refused(personas):
    invoice = issued(personas, 1_000_000)
    pay(personas, [(invoice, 600_000)])
    with pytest.raises(ValidationError) as refusal:
        pay(personas, [(invoice, 500_000)])
    assert refusal.value.code == "over_allocation"
    assert "open on invoice" in refusal.value.message


@pytest.mark.parametrize(("case", "code"), [
    ("other_currency", "allocation_other_currency"),
    ("other_client", "allocation_other_client"),
    ("draft", "invoice_not_open"),
    ("void", "invoice_not_open"),
    ("credit_note", "invoice_not_open"),
    ("paid", "invoice_not_open"),
])
def test_only_open_invoices_of_the_client_in_the_currency_take_payments(personas, case, code):
    finance = personas.finance.actor
    if case == "other_currency":
        invoice = issued(personas, 100, "USD")
    elif case == "other_client":
        invoice = issued(personas, 100, client=other_client(personas))
    elif case == "draft":
        invoice = make_draft_invoice(personas)
    elif case in {"void", "credit_note"}:
        invoice = issued(personas, 100)
        credit = invoice_void(actor=finance, invoice=invoice, expected_version=invoice.version,
                              reason="Wrong client")
        if case == "credit_note":
            invoice = credit
    else:
        invoice = issued(personas, 100)
        pay(personas, [(invoice, 100)])
    with pytest.raises(ValidationError) as refusal:
        services.payment_record(
            actor=finance, client=personas.client_company, currency="VND", amount=100,
            received_on=timezone.localdate(), method="cash", allocations=[(invoice, 100)])
    assert refusal.value.code == code


def test_amounts_follow_the_currency_minor_unit(personas):
    with pytest.raises(ValidationError):
        services.payment_record(actor=personas.finance.actor, client=personas.client_company,
                                currency="VND", amount="100.5", received_on=timezone.localdate(),
                                method="cash")
    payment = services.payment_record(
        actor=personas.finance.actor, client=personas.client_company, currency="USD",
        amount="100.50", received_on=timezone.localdate(), method="card")
    assert payment.amount == Decimal("100.50")


def test_reversal_takes_the_money_back_off_the_invoices_and_keeps_the_payment(personas):
    first, second = issued(personas, 1_000_000), issued(personas, 2_000_000)
    pay(personas, [(second, 500_000)])
    payment = pay(personas, [(first, 1_000_000), (second, 1_000_000)])
    services.payment_reverse(actor=personas.finance.actor, payment=payment,
                             reason="Bounced transfer")
    first.refresh_from_db()
    second.refresh_from_db()
    payment.refresh_from_db()
    assert (first.amount_paid, first.status) == (0, InvoiceStatus.ISSUED)
    assert (second.amount_paid, second.status) == (500_000, InvoiceStatus.PARTIALLY_PAID)
    assert payment.reversed_at is not None
    assert payment.reversal_reason == "Bounced transfer"
    assert Allocation.objects.filter(payment=payment).count() == 2
    with pytest.raises(Conflict):
        services.payment_reverse(actor=personas.finance.actor, payment=payment, reason="again")
    with pytest.raises(Conflict):
        services.payment_allocate(actor=personas.finance.actor, payment=payment,
                                  allocations=[(first, 1)])


def test_a_reversal_needs_a_reason(personas):
    payment = pay(personas, [(issued(personas, 100), 100)])
    with pytest.raises(ValidationError):
        services.payment_reverse(actor=personas.finance.actor, payment=payment, reason="  ")


def test_a_stale_version_is_refused(personas):
    invoice = issued(personas, 1000)
    payment = pay(personas, [(invoice, 100)], amount=1000)
    services.payment_allocate(actor=personas.finance.actor, payment=payment,
                              allocations=[(invoice, 100)], expected_version=1)
    with pytest.raises(Conflict):
        services.payment_reverse(actor=personas.finance.actor, payment=payment,
                                 reason="x", expected_version=1)


def test_every_state_change_is_audited_with_before_and_after(personas):
    invoice = issued(personas, 1_000_000)
    payment = pay(personas, [(invoice, 400_000)], amount=1_000_000)
    services.payment_allocate(actor=personas.finance.actor, payment=payment,
                              allocations=[(invoice, 600_000)])
    services.payment_reverse(actor=personas.finance.actor, payment=payment, reason="Duplicate")
    entries = {(e.action, e.object_id): e for e in AuditEntry.objects.filter(
        action__in=["payment.record", "payment.allocate", "payment.reverse",
                    "invoice.payment_applied", "invoice.payment_reversed"])}
    recorded = entries[("payment.record", str(payment.pk))]
    assert recorded.changes["amount"] == [None, "1000000"]
    reversed_ = entries[("payment.reverse", str(payment.pk))]
    assert reversed_.changes["reversal_reason"] == ["", "Duplicate"]
    assert reversed_.changes["reversed_at"][0] is None
    applied = AuditEntry.objects.filter(action="invoice.payment_applied",
                                        object_id=str(invoice.pk)).order_by("id")
    assert [e.changes["amount_paid"] for e in applied] == [["0", "400000"],
                                                           ["400000", "1000000"]]
    assert applied[1].changes["status"] == ["partially_paid", "paid"]
    back = entries[("invoice.payment_reversed", str(invoice.pk))]
    assert back.changes["status"] == ["paid", "issued"]
    assert back.changes["amount_paid"] == ["1000000", "0"]


def test_who_may_record_payments(personas):
    invoice = issued(personas, 100)
    for name in ("executive", "project_manager", "member", "client"):
        with pytest.raises(PermissionDenied):
            services.payment_record(actor=personas[name].actor, client=personas.client_company,
                                    currency="VND", amount=100, received_on=timezone.localdate(),
                                    method="cash", allocations=[(invoice, 100)])
    pay(personas, [(invoice, 50)], who="account_manager")
    stranger = other_client(personas)
    with pytest.raises(PermissionDenied):
        services.payment_record(actor=personas.account_manager.actor, client=stranger,
                                currency="VND", amount=100, received_on=timezone.localdate(),
                                method="cash")
