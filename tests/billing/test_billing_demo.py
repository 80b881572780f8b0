"""The billing demo: a year of invoices and payments in VND and USD, overdue and partially paid
invoices, a void one with its credit note, USD rates; loaded once."""

from __future__ import annotations

import itertools

import pytest
from django.db.models import F

from tandem.billing import selectors_money
from tandem.billing.models import FxRate, Invoice, InvoiceKind, InvoiceStatus, Payment
from tandem.core.actor import Actor
from tandem.core.demo import demo_load
from tandem.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_billing():
    context = demo_load()
    org = context.organization
    invoices = Invoice.objects.filter(organization=org, kind=InvoiceKind.INVOICE)
    assert set(invoices.values_list("currency", flat=True)) >= {"VND", "USD"}
    assert invoices.filter(status=InvoiceStatus.PAID).count() >= 10
    assert invoices.filter(status=InvoiceStatus.PARTIALLY_PAID).exists()
    assert invoices.filter(status=InvoiceStatus.VOID, credit_note__isnull=False).count() == 1
    assert Payment.objects.filter(organization=org).count() >= 10
    assert FxRate.objects.filter(organization=org, currency="USD").count() == 13
    finance = Actor.system(org)
    overdue, _more = selectors_money.overdue_invoices(finance)
    assert overdue
    numbers = list(invoices.exclude(number="").order_by("issue_date", "id")
                   .values_list("sequence", "year"))
    assert all(b[0] - a[0] >= 0 or b[1] > a[1] for a, b in itertools.pairwise(numbers))
    assert not invoices.filter(amount_paid__gt=F("total")).exists()
    data = selectors_money.receivables(Actor(organization=org, role=Role.FINANCE))
    assert data.aging.total_base
    assert not data.unconverted
    before = Invoice.objects.count()
    demo_load()
    assert Invoice.objects.count() == before
