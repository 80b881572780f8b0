"""``tandem demo`` adds contracts of every type, in VND and USD, at every stage, on stable codes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tandem.contracts.demo_data import CODES
from tandem.contracts.models import Amendment, BillingLine, Contract, RateCardLine
from tandem.contracts.services.common import line_amount
from tandem.core.demo import demo_load


@pytest.fixture
def demo(db):
    return demo_load()


def test_the_demo_tells_the_contracts_story(demo):
    """One test, as loading the demo takes a few seconds."""
    _every_type_and_stage(demo)
    _fixed_price_milestones_linked_and_within_the_value(demo)
    _rate_card_and_periods(demo)


def _every_type_and_stage(demo):
    contracts = {c.code: c for c in Contract.objects.filter(organization=demo.organization)}

    assert set(contracts) == set(CODES)
    assert {c.type for c in contracts.values()} == {"fixed_price", "time_materials", "retainer"}
    assert {c.currency for c in contracts.values()} == {"VND", "USD"}
    assert {c.status for c in contracts.values()} == {"draft", "active", "completed",
                                                     "terminated"}
    assert all(c.project_id for c in contracts.values())
    assert contracts["CT-PLR-APP"].termination_reason


def _fixed_price_milestones_linked_and_within_the_value(demo):
    sml = Contract.objects.get(organization=demo.organization, code="CT-SML-ERP")
    lines = list(BillingLine.objects.filter(contract=sml))

    assert len(lines) == 6
    assert all(ln.milestone_id and ln.milestone.project_id == sml.project_id for ln in lines)
    assert sum(line_amount(ln, sml) for ln in lines) == Decimal(sml.total_value) \
        == Decimal("5150000000")
    amendment = Amendment.objects.get(contract=sml)
    assert amendment.number == 1
    assert amendment.changes["total_value"] == ["4800000000", "5150000000"]


def _rate_card_and_periods(demo):
    htb = Contract.objects.get(organization=demo.organization, code="CT-HTB-SSO")
    assert RateCardLine.objects.filter(contract=htb).count() == 5
    care = Contract.objects.get(organization=demo.organization, code="CT-NWH-CARE")
    periods = BillingLine.objects.filter(contract=care, kind="periodic")
    assert periods.count() == 18
    assert {p.amount for p in periods} == {Decimal("12500.00")}
