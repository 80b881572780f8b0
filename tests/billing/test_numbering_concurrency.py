"""Gapless numbering under real concurrency (PostgreSQL only): invoices issued at the same
moment, each in its own thread, connection and transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tandem.billing.models import Invoice, NumberSequence
from tandem.billing.services import invoices as services
from tests.api.test_concurrency import at_once
from tests.billing.factories import make_draft_invoice

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one write transaction at a time (BEGIN IMMEDIATE): no race to test",
    ),
    pytest.mark.django_db(transaction=True),
]
COUNT = 50


def test_fifty_invoices_issued_at_once_get_fifty_consecutive_numbers(personas):
    actor = personas.finance.actor
    drafts = [make_draft_invoice(personas) for _ in range(COUNT)]
    day = dt.date(2026, 6, 1)  # the first issue of the year creates the sequence row in the race

    def issue(draft: Invoice):
        return lambda: services.invoice_issue(actor=actor, invoice=draft,
                                              expected_version=draft.version, issue_date=day)

    results = at_once(*(issue(draft) for draft in drafts))

    errors = [r for r in results if not isinstance(r, Invoice)]
    assert errors == []
    numbers = sorted(Invoice.objects.filter(pk__in=[d.pk for d in drafts])
                     .values_list("number", flat=True))
    assert numbers == [f"INV-2026-{n:05d}" for n in range(1, COUNT + 1)]
    assert NumberSequence.objects.get(organization=personas.organization, kind="invoice",
                                      year=2026).last == COUNT


def test_the_same_draft_issued_twice_at_once_is_issued_once(personas):
    actor = personas.finance.actor
    draft = make_draft_invoice(personas)

    results = at_once(*(lambda: services.invoice_issue(actor=actor, invoice=draft,
                                                       expected_version=draft.version)
                        for _ in range(2)))

    assert sum(isinstance(r, Invoice) for r in results) == 1, results
    assert NumberSequence.objects.get(organization=personas.organization, kind="invoice").last == 1
