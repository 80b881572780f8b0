"""Contracts for tests, made through the services (so the rules and the audit are the real ones)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tandem.clients.models import Client
from tandem.contracts.models import Contract
from tandem.contracts.services.contracts import contract_create, contract_sign
from tandem.core.actor import Actor
from tests.personas import Personas

START = dt.date(2026, 3, 2)
_codes = itertools.count(1)


def make_contract(personas: Personas, *, client: Client | None = None,
                  actor: Actor | None = None, **fields: Any) -> Contract:
    """A draft fixed-price contract of 1,000,000,000 ₫ for the persona client's company."""
    values: dict[str, Any] = {
        "code": f"C-{next(_codes)}", "title": "ERP implementation", "type": "fixed_price",
        "currency": "VND", "total_value": "1000000000", "start_date": START,
        "end_date": START + dt.timedelta(days=365), "payment_terms_days": 30,
    }
    values.update(fields)
    if values["type"] != "fixed_price" and "total_value" not in fields:
        values["total_value"] = None
    return contract_create(actor=actor or personas["finance"].actor,
                           client=client or personas.client_company, **values)


def sign(personas: Personas, contract: Contract, **fields: Any) -> Contract:
    """Signed by finance; a new project managed by the project_manager persona."""
    values: dict[str, Any] = {"manager_id": personas["project_manager"].user.pk}
    values.update(fields)
    contract.refresh_from_db()
    return contract_sign(actor=personas["finance"].actor, contract=contract,
                         expected_version=contract.version, **values)
