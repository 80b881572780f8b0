"""Invoices for tests, made through the billing services (so numbers, totals and audit are real).

``make_draft_invoice`` and ``make_issued_invoice`` take the ``personas`` fixture; lines are
``(description, quantity, unit_price)`` tuples or dicts of line fields (``discount_percent``,
``tax_rate``...). Contracts and billing lines are plain rows (``make_contract``,
``make_milestone_line``), so these factories do not depend on the contracts services.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from tandem.billing.models import Invoice
from tandem.billing.services import invoices as services
from tandem.clients.models import Client
from tandem.contracts.models import BillingKind, BillingLine, Contract, ContractStatus
from tandem.core.actor import Actor
from tests.personas import Personas

Line = tuple[str, Any, Any] | Mapping[str, Any]
_codes = itertools.count(1)


def line_values(line: Line) -> dict[str, Any]:
    if isinstance(line, Mapping):
        return dict(line)
    description, quantity, unit_price = line
    return {"description": description, "quantity": Decimal(str(quantity)),
            "unit_price": Decimal(str(unit_price)), "tax_rate": Decimal(0)}


def make_draft_invoice(
    personas: Personas,
    currency: str = "VND",
    lines: Iterable[Line] = (("Consulting", 1, 10_000_000),),
    *,
    client: Client | None = None,
    actor: Actor | None = None,
    **fields: Any,
) -> Invoice:
    """A draft of the persona client's company (or ``client``), made by finance."""
    return services.invoice_create(
        actor=actor or personas["finance"].actor, client=client or personas.client_company,
        currency=currency, lines=[line_values(line) for line in lines], **fields)


def make_issued_invoice(
    personas: Personas,
    currency: str = "VND",
    lines: Iterable[Line] = (("Consulting", 1, 10_000_000),),
    *,
    issue_date: dt.date | None = None,
    client: Client | None = None,
    actor: Actor | None = None,
    **fields: Any,
) -> Invoice:
    """An issued invoice (numbered, with its due date by the payment terms)."""
    actor = actor or personas["finance"].actor
    draft = make_draft_invoice(personas, currency, lines, client=client, actor=actor, **fields)
    return services.invoice_issue(actor=actor, invoice=draft, expected_version=draft.version,
                                  issue_date=issue_date)


# Backwards-friendly name for the brief's "InvoiceFactory".
InvoiceFactory = make_issued_invoice


def make_contract(personas: Personas, *, currency: str = "VND", project: Any = None,
                  client: Client | None = None, **fields: Any) -> Contract:
    values: dict[str, Any] = {
        "organization": personas.organization, "client": client or personas.client_company,
        "project": project, "code": f"C-{next(_codes)}", "title": "Delivery contract",
        "type": "fixed_price", "currency": currency, "total_value": Decimal(100_000_000),
        "start_date": dt.date(2026, 1, 1), "payment_terms_days": 15,
        "status": ContractStatus.ACTIVE,
    }
    values.update(fields)
    return Contract.objects.create(**values)


def make_milestone_line(contract: Contract, *, milestone: Any, deliverable: Any = None,
                        **fields: Any) -> BillingLine:
    values: dict[str, Any] = {
        "organization_id": contract.organization_id, "contract": contract,
        "kind": BillingKind.MILESTONE, "name": "Go-live", "milestone": milestone,
        "deliverable": deliverable, "percentage": Decimal(30),
    }
    values.update(fields)
    return BillingLine.objects.create(**values)
