"""Helpers of the payments, receivables and reminders tests: issued invoices (through the
invoices services, so numbers and totals are real) and payments recorded through the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.billing.models import Invoice, Payment
from tandem.billing.services.payments import payment_record
from tandem.clients.models import Client
from tests.billing.factories import make_issued_invoice
from tests.personas import Personas


def issued(personas: Personas, amount: Any = 10_000_000, currency: str = "VND", *,
           client: Client | None = None, issue_date: dt.date | None = None,
           terms: int = 30, language: str | None = None) -> Invoice:
    """An issued invoice of one untaxed line of ``amount`` (due ``terms`` days after issue)."""
    fields: dict[str, Any] = {"payment_terms_days": terms}
    if language:
        fields["language"] = language
    return make_issued_invoice(personas, currency, (("Consulting", 1, Decimal(str(amount))),),
                               client=client, issue_date=issue_date, **fields)


def pay(personas: Personas, invoices_and_amounts: list[tuple[Invoice, Any]], *,
        amount: Any = None, currency: str | None = None, client: Client | None = None,
        received_on: dt.date | None = None, who: str = "finance") -> Payment:
    """A payment by bank transfer allocated as given (``amount``: the sum by default)."""
    first = invoices_and_amounts[0][0] if invoices_and_amounts else None
    currency = currency or (first.currency if first else "VND")
    client = client or (first.client if first else personas.client_company)
    total = amount if amount is not None else sum(
        (Decimal(str(a)) for _, a in invoices_and_amounts), Decimal(0))
    return payment_record(
        actor=personas[who].actor, client=client, currency=currency, amount=total,
        received_on=received_on or timezone.localdate(), method="bank_transfer", reference="UNC-1",
        allocations=[(i, Decimal(str(a))) for i, a in invoices_and_amounts],
    )


def other_client(personas: Personas, name: str = "Other Co", owner: Any = None) -> Client:
    return Client.objects.create(organization=personas.organization, name=name, tier="standard",
                                 status="active", owner=owner)
