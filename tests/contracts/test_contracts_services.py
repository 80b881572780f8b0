"""Contract services: the terms each type needs, the rate card and billing schedule rules,
the lifecycle, signing (the project and its scope), amendments and their history, the audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.contracts.models import Amendment, BillingLine, Contract, RateCardLine
from tandem.contracts.services import amendments, schedule
from tandem.contracts.services.common import line_amount
from tandem.contracts.services.contracts import (
    contract_sign,
    contract_transition,
    contract_update,
)
from tandem.core.errors import Conflict, PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry
from tandem.projects.models import Project, ScopeItem
from tests.clients.factories import ClientFactory, NeedFactory
from tests.contracts.factories import START, make_contract, sign
from tests.projects.factories import add_tasks, make_project


def audit_of(contract, action):
    return AuditEntry.objects.filter(object_type="contracts.contract",
                                     object_id=str(contract.pk), action=action)


# --- terms ------------------------------------------------------------------------------------


def test_a_new_contract_is_a_draft_with_its_creation_audited(personas):
    contract = make_contract(personas, code="SML-01", total_value="1250000000")

    assert contract.status == "draft"
    assert contract.total_value == Decimal("1250000000")
    entry = audit_of(contract, "contract.create").get()
    assert entry.changes["total_value"] == [None, "1250000000"]
    assert entry.changes["status"] == [None, "draft"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"type": "fixed_price", "total_value": None}, "total_value"),
    ({"type": "retainer", "monthly_fee": None}, "monthly_fee"),
    ({"type": "time_materials", "monthly_fee": "1000"}, "monthly_fee"),
    ({"type": "fixed_price", "monthly_fee": "1000"}, "monthly_fee"),
    ({"currency": "XYZ"}, "currency"),
    ({"total_value": "1000.5"}, "total_value"),  # VND has no decimals
    ({"total_value": "-5"}, "total_value"),
    ({"total_value": 0.1}, "total_value"),  # never a float
    ({"end_date": START - dt.timedelta(days=1)}, "end_date"),
    ({"payment_terms_days": 366}, "payment_terms_days"),
    ({"payment_terms_days": -1}, "payment_terms_days"),
])
def test_the_terms_follow_the_type_and_the_money_rules(personas, fields, field):
    with pytest.raises(ValidationError) as refused:
        make_contract(personas, **fields)
    assert refused.value.details["field"] == field


def test_types_with_their_own_terms(personas):
    tm = make_contract(personas, type="time_materials", currency="usd")
    retainer = make_contract(personas, type="retainer", monthly_fee="12500.50", currency="USD",
                             payment_terms_days=0)

    assert (tm.currency, tm.total_value, tm.monthly_fee) == ("USD", None, None)
    assert retainer.monthly_fee == Decimal("12500.50")
    assert retainer.payment_terms_days == 0  # due on receipt


def test_codes_are_unique_in_the_organization(personas):
    make_contract(personas, code="DUP")
    with pytest.raises(Conflict):
        make_contract(personas, code="DUP")


def test_who_makes_contracts(personas):
    other = ClientFactory(organization=personas.organization, owner=personas["admin"].user)
    make_contract(personas, actor=personas["account_manager"].actor)  # their own client
    with pytest.raises(PermissionDenied):
        make_contract(personas, client=other, actor=personas["account_manager"].actor)
    for name in ("project_manager", "executive", "member"):
        with pytest.raises(PermissionDenied):
            make_contract(personas, actor=personas[name].actor)


def test_needs_must_be_the_clients(personas):
    other = ClientFactory(organization=personas.organization)
    theirs = NeedFactory(client=other, organization=personas.organization)
    with pytest.raises(ValidationError):
        make_contract(personas, need_ids=[theirs.pk])


def test_a_draft_changes_its_terms_with_the_version_and_audit(personas):
    contract = make_contract(personas)
    finance = personas["finance"].actor

    contract_update(actor=finance, contract=contract, expected_version=1,
                    changes={"total_value": "1100000000", "payment_terms_days": 45})

    contract.refresh_from_db()
    assert (contract.total_value, contract.payment_terms_days, contract.version) == (
        Decimal("1100000000"), 45, 2)
    assert audit_of(contract, "contract.update").get().changes == {
        "total_value": ["1000000000", "1100000000"], "payment_terms_days": [30, 45]}
    with pytest.raises(StaleVersion):
        contract_update(actor=finance, contract=contract, expected_version=1,
                        changes={"title": "Stale"})


def test_a_signed_contracts_terms_change_only_by_amendment(personas):
    contract = sign(personas, make_contract(personas))
    finance = personas["finance"].actor

    with pytest.raises(Conflict) as refused:
        contract_update(actor=finance, contract=contract, expected_version=contract.version,
                        changes={"total_value": "2000000000"})
    assert refused.value.code == "contract_not_draft"
    contract_update(actor=finance, contract=contract, expected_version=contract.version,
                    changes={"title": "ERP, phase 1", "total_value": "1000000000"})
    assert Contract.objects.get(pk=contract.pk).title == "ERP, phase 1"


# --- rate card --------------------------------------------------------------------------------


def test_rates_of_one_role_never_overlap(personas):
    contract = make_contract(personas, type="time_materials")
    finance = personas["finance"].actor
    schedule.rate_add(actor=finance, contract=contract, role="Developer", unit="day",
                      rate="4000000", valid_from=START, valid_to=dt.date(2026, 6, 30))
    schedule.rate_add(actor=finance, contract=contract, role="developer", unit="day",
                      rate="4400000", valid_from=dt.date(2026, 7, 1))

    with pytest.raises(ValidationError) as refused:
        schedule.rate_add(actor=finance, contract=contract, role="Developer", unit="hour",
                          rate="500000", valid_from=dt.date(2026, 6, 1))
    assert refused.value.code == "rates_overlap"
    person = personas["member"].user
    schedule.rate_add(actor=finance, contract=contract, person_id=person.pk, rate="450000",
                      valid_from=START)
    with pytest.raises(ValidationError):
        schedule.rate_add(actor=finance, contract=contract, person_id=person.pk,
                          rate="460000", valid_from=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError):  # a role or a person, not both
        schedule.rate_add(actor=finance, contract=contract, role="QA", person_id=person.pk,
                          rate="1", valid_from=START)
    assert RateCardLine.objects.filter(contract=contract).count() == 3


def test_rate_changes_are_audited_with_before_and_after(personas):
    contract = make_contract(personas, type="time_materials", currency="USD")
    finance = personas["finance"].actor
    rate = schedule.rate_add(actor=finance, contract=contract, role="Architect", unit="day",
                             rate="1200.00", valid_from=START)

    schedule.rate_update(actor=finance, rate=rate, changes={"rate": "1250.50"})
    schedule.rate_remove(actor=finance, rate=rate)

    key = f"rates.{rate.pk}"
    update = audit_of(contract, "contract.rate_update").get().changes[key]
    assert (update[0]["rate"], update[1]["rate"]) == ("1200.00", "1250.50")
    assert audit_of(contract, "contract.rate_remove").get().changes[key][1] is None


# --- billing schedule -------------------------------------------------------------------------


def test_milestones_never_add_up_to_more_than_the_value(personas):
    contract = make_contract(personas)
    finance = personas["finance"].actor
    schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                              name="Design", percentage="40")
    schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                              name="Build", amount="500000000")

    with pytest.raises(ValidationError) as refused:
        schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                                  name="Go-live", amount="100000001")
    assert refused.value.code == "schedule_exceeds_value"
    assert refused.value.status == 422
    assert "1.000.000.000" in refused.value.message or "1,000,000,000" in refused.value.message
    assert BillingLine.objects.filter(contract=contract).count() == 2
    with pytest.raises(ValidationError):  # nor by lowering the value afterwards
        contract_update(actor=finance, contract=contract, expected_version=1,
                        changes={"total_value": "800000000"})


@pytest.mark.parametrize(("values", "field"), [
    ({"kind": "milestone", "name": "Both", "amount": "1", "percentage": "1"}, "amount"),
    ({"kind": "milestone", "name": "Neither"}, "amount"),
    ({"kind": "milestone", "name": "Too much", "percentage": "100.5"}, "percentage"),
    ({"kind": "periodic", "name": "March", "amount": "1",
      "period_start": START, "period_end": START}, "kind"),
])
def test_billing_lines_fit_their_kind(personas, values, field):
    contract = make_contract(personas)
    with pytest.raises(ValidationError) as refused:
        schedule.billing_line_add(actor=personas["finance"].actor, contract=contract, **values)
    assert refused.value.details["field"] == field


def test_a_milestone_line_links_a_milestone_of_the_contracts_project(personas):
    project = make_project(personas, code="ERP")
    task, milestone = add_tasks(personas, project, 5, 0)
    other_milestone = add_tasks(personas, make_project(personas, code="OTHER"), 0)[0]
    contract = make_contract(personas, project_id=project.pk)
    finance = personas["finance"].actor

    line = schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                                     name="Done", percentage="50", milestone_id=milestone.pk)
    assert line.milestone_id == milestone.pk
    for bad in (task.pk, other_milestone.pk):
        with pytest.raises(ValidationError) as refused:
            schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                                      name="Bad", percentage="10", milestone_id=bad)
        assert refused.value.details["field"] == "milestone_id"


def test_retainer_periods_lie_within_the_contract_and_never_overlap(personas):
    contract = make_contract(personas, type="retainer", monthly_fee="45000000",
                             end_date=dt.date(2026, 12, 31))
    finance = personas["finance"].actor
    march = schedule.billing_line_add(actor=finance, contract=contract, kind="periodic",
                                      name="March", period_start=dt.date(2026, 3, 2),
                                      period_end=dt.date(2026, 3, 31))
    assert march.amount == Decimal("45000000")  # the monthly fee by default

    with pytest.raises(ValidationError) as refused:
        schedule.billing_line_add(actor=finance, contract=contract, kind="periodic",
                                  name="Overlap", period_start=dt.date(2026, 3, 15),
                                  period_end=dt.date(2026, 4, 14))
    assert refused.value.code == "periods_overlap"
    with pytest.raises(ValidationError):
        schedule.billing_line_add(actor=finance, contract=contract, kind="periodic",
                                  name="Next year", period_start=dt.date(2027, 1, 1),
                                  period_end=dt.date(2027, 1, 31))


def test_lines_reorder_and_a_stale_line_edit_is_refused(personas):
    contract = make_contract(personas)
    finance = personas["finance"].actor
    a, b = (schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                                      name=n, percentage="10") for n in "AB")

    schedule.billing_lines_reorder(actor=finance, contract=contract, line_ids=[b.pk, a.pk])
    assert list(BillingLine.objects.filter(contract=contract)) == [b, a]
    schedule.billing_line_update(actor=finance, line=a, expected_version=1,
                                 changes={"percentage": "20"})
    with pytest.raises(StaleVersion):
        schedule.billing_line_update(actor=finance, line=a, expected_version=1,
                                     changes={"percentage": "30"})
    with pytest.raises(ValidationError):
        schedule.billing_lines_reorder(actor=finance, contract=contract, line_ids=[a.pk])


def test_a_signed_contracts_lines_change_only_their_links(personas):
    contract = make_contract(personas)
    finance = personas["finance"].actor
    line = schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                                     name="Go-live", percentage="100")
    contract = sign(personas, contract)
    milestone = add_tasks(personas, contract.project, 0)[0]

    schedule.billing_line_update(actor=finance, line=line, expected_version=1,
                                 changes={"milestone_id": milestone.pk, "name": "Go live"})
    with pytest.raises(Conflict):
        schedule.billing_line_update(actor=finance, line=line, expected_version=2,
                                     changes={"percentage": "90"})
    with pytest.raises(Conflict):
        schedule.billing_line_remove(actor=finance, line=line)
    with pytest.raises(Conflict):
        schedule.rate_add(actor=finance, contract=contract, role="Dev", rate="1",
                          valid_from=START)


# --- lifecycle and signing --------------------------------------------------------------------


def test_signing_creates_the_project_with_the_needs_in_scope(personas):
    needs = [NeedFactory(client=personas.client_company, organization=personas.organization)
             for _ in range(2)]
    contract = make_contract(personas, code="SML-ERP-01", title="ERP for Sao Mai",
                             currency="USD", total_value="90000.00",
                             need_ids=[n.pk for n in needs])

    signed = sign(personas, contract, signed_on=dt.date(2026, 2, 27))

    project = Project.objects.get(pk=signed.project_id)
    assert (signed.status, signed.signed_on) == ("signed", dt.date(2026, 2, 27))
    assert signed.signed_by == personas["finance"].user
    assert (project.code, project.name, project.client_id, project.currency) == (
        "SML-ERP-01", "ERP for Sao Mai", personas.client_company.pk, "USD")
    assert project.manager == personas["project_manager"].user
    assert project.start_date == contract.start_date
    assert set(ScopeItem.objects.filter(project=project).values_list("need_id", flat=True)) \
        == {n.pk for n in needs}
    entry = audit_of(signed, "contract.sign").get()
    assert entry.changes["status"] == ["draft", "signed"]
    assert entry.changes["project_id"] == [None, project.pk]
    assert entry.changes["project_created"] == [None, True]
    assert AuditEntry.objects.filter(action="project.create", object_id=str(project.pk),
                                     actor=personas["finance"].user).exists()


def test_signing_links_an_existing_project_of_the_client(personas):
    project = make_project(personas, code="EXIST")
    need, new_need = (NeedFactory(client=personas.client_company,
                                  organization=personas.organization) for _ in range(2))
    from tandem.projects.services.projects import scope_item_create

    scope_item_create(actor=personas["admin"].actor, project=project, need_id=need.pk)
    contract = make_contract(personas, need_ids=[need.pk, new_need.pk],
                             actor=personas["account_manager"].actor)

    signed = contract_sign(actor=personas["account_manager"].actor, contract=contract,
                           expected_version=1, project_id=project.pk)

    assert signed.project_id == project.pk
    assert ScopeItem.objects.filter(project=project, need=need).count() == 1
    assert ScopeItem.objects.filter(project=project, need=new_need).count() == 1
    other = make_project(personas, code="NOCLIENT", client=False)
    with pytest.raises(ValidationError):
        contract_sign(actor=personas["finance"].actor, contract=make_contract(personas),
                      expected_version=1, project_id=other.pk)


def test_signing_a_new_project_needs_a_project_manager(personas):
    contract = make_contract(personas)
    with pytest.raises(ValidationError) as refused:
        contract_sign(actor=personas["finance"].actor, contract=contract, expected_version=1)
    assert refused.value.details["field"] == "manager_id"
    with pytest.raises(ValidationError):  # a member cannot manage a project
        sign(personas, contract, manager_id=personas["member"].user.pk)
    assert not Project.objects.exists()


def test_the_lifecycle(personas):
    finance = personas["finance"].actor
    contract = make_contract(personas)
    with pytest.raises(ValidationError):  # signing is its own action
        contract_transition(actor=finance, contract=contract, expected_version=1,
                            status="signed")
    with pytest.raises(Conflict):
        contract_transition(actor=finance, contract=contract, expected_version=1,
                            status="active")
    contract = sign(personas, contract)
    contract = contract_transition(actor=finance, contract=contract,
                                   expected_version=contract.version, status="active")
    with pytest.raises(ValidationError):
        contract_transition(actor=finance, contract=contract,
                            expected_version=contract.version, status="terminated")
    contract = contract_transition(actor=finance, contract=contract,
                                   expected_version=contract.version, status="terminated",
                                   reason="The client was acquired.")
    assert contract.ended_on is not None
    with pytest.raises(Conflict):
        contract_transition(actor=finance, contract=contract,
                            expected_version=contract.version, status="completed")
    changes = [e.changes for e in audit_of(contract, "contract.transition").order_by("id")]
    assert changes[0] == {"status": ["signed", "active"]}
    assert changes[1]["status"] == ["active", "terminated"]
    assert changes[1]["termination_reason"] == ["", "The client was acquired."]


# --- amendments -------------------------------------------------------------------------------


def test_amendments_number_and_keep_the_history(personas):
    finance = personas["finance"].actor
    contract = make_contract(personas)
    first = schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                                      name="Design", amount="400000000")
    contract = sign(personas, contract)

    one = amendments.amendment_create(
        actor=finance, contract=contract, reason="Bonded warehouse added",
        effective_date=dt.date(2026, 5, 1), source="CR-7",
        changes={"total_value": "1200000000", "end_date": "2027-06-30",
                 "billing_lines": {"add": [{"kind": "milestone", "name": "Bonded",
                                            "amount": "200000000"}],
                                   "update": [{"id": first.pk, "amount": "450000000"}]}})
    two = amendments.amendment_create(
        actor=finance, contract=contract, reason="Longer terms",
        effective_date=dt.date(2026, 6, 1), changes={"payment_terms_days": 45})

    assert (one.number, two.number) == (1, 2)
    assert one.changes["total_value"] == ["1000000000", "1200000000"]
    assert one.changes["end_date"] == ["2027-03-02", "2027-06-30"]
    assert one.changes[f"billing_lines.{first.pk}"][0]["amount"] == "400000000"
    assert one.changes[f"billing_lines.{first.pk}"][1]["amount"] == "450000000"
    added = [k for k, v in one.changes.items() if k.startswith("billing_lines.") and v[0] is None]
    assert len(added) == 1
    assert two.changes == {"payment_terms_days": [30, 45]}
    contract.refresh_from_db()
    assert (contract.total_value, contract.payment_terms_days) == (Decimal("1200000000"), 45)
    entries = audit_of(contract, "contract.amend").order_by("id")
    assert [e.changes["amendment"] for e in entries] == [[None, 1], [None, 2]]
    assert entries[0].changes["total_value"] == ["1000000000", "1200000000"]


def test_an_amendment_that_breaks_a_rule_changes_nothing(personas):
    finance = personas["finance"].actor
    contract = make_contract(personas)
    schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                              name="All", percentage="60")
    schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                              name="Fixed", amount="400000000")
    contract = sign(personas, contract)

    with pytest.raises(ValidationError) as refused:
        amendments.amendment_create(actor=finance, contract=contract, reason="Cut",
                                    effective_date=START,
                                    changes={"total_value": "900000000"})
    assert refused.value.code == "schedule_exceeds_value"
    contract.refresh_from_db()
    assert contract.total_value == Decimal("1000000000")
    assert not Amendment.objects.exists()


def test_amendments_need_a_signed_contract_a_reason_and_a_change(personas):
    finance = personas["finance"].actor
    draft = make_contract(personas)
    with pytest.raises(Conflict):
        amendments.amendment_create(actor=finance, contract=draft, reason="x",
                                    effective_date=START, changes={"payment_terms_days": 1})
    signed = sign(personas, make_contract(personas))
    with pytest.raises(ValidationError):
        amendments.amendment_create(actor=finance, contract=signed, reason=" ",
                                    effective_date=START, changes={"payment_terms_days": 1})
    with pytest.raises(ValidationError):
        amendments.amendment_create(actor=finance, contract=signed, reason="Nothing",
                                    effective_date=START, changes={"payment_terms_days": 30})
    with pytest.raises(ValidationError):
        amendments.amendment_create(actor=finance, contract=signed, reason="Unknown",
                                    effective_date=START, changes={"title": "x"})
    with pytest.raises(PermissionDenied):
        amendments.amendment_create(actor=personas["project_manager"].actor, contract=signed,
                                    reason="x", effective_date=START,
                                    changes={"payment_terms_days": 1})


def test_amendments_change_the_rate_card(personas):
    finance = personas["finance"].actor
    contract = make_contract(personas, type="time_materials")
    rate = schedule.rate_add(actor=finance, contract=contract, role="Dev", unit="day",
                             rate="4000000", valid_from=START)
    contract = sign(personas, contract)

    amendment = amendments.amendment_create(
        actor=finance, contract=contract, reason="New rates from July",
        effective_date=dt.date(2026, 7, 1),
        changes={"rates": {"update": [{"id": rate.pk, "valid_to": "2026-06-30"}],
                           "add": [{"role": "Dev", "unit": "day", "rate": "4400000",
                                    "valid_from": "2026-07-01"}]}})

    assert amendment.changes[f"rates.{rate.pk}"][1]["valid_to"] == "2026-06-30"
    assert RateCardLine.objects.filter(contract=contract).count() == 2
    with pytest.raises(ValidationError):  # overlapping again
        amendments.amendment_create(
            actor=finance, contract=contract, reason="Oops", effective_date=START,
            changes={"rates": {"add": [{"role": "dev", "rate": "1", "valid_from": START}]}})


# --- property: the schedule never exceeds the value -------------------------------------------

LINES = st.lists(st.one_of(
    st.tuples(st.just("amount"), st.integers(min_value=1, max_value=99_999_999)),
    st.tuples(st.just("percentage"), st.decimals(min_value=Decimal("0.001"),
                                                 max_value=Decimal(100), places=3)),
), min_size=1, max_size=6)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.integers(min_value=1, max_value=200_000_000), lines=LINES,
       currency=st.sampled_from(["VND", "USD", "KWD"]))
def test_milestones_never_exceed_the_value_whatever_the_lines(personas, value, lines,
                                                              currency):
    finance = personas["finance"].actor
    Contract.objects.filter(organization=personas.organization).delete()
    contract = make_contract(personas, currency=currency, total_value=str(value))
    codes: list[str] = []
    for kind, number in lines:
        try:
            schedule.billing_line_add(actor=finance, contract=contract, kind="milestone",
                                      name="L", **{kind: str(number)})
        except ValidationError as refused:
            codes.append(refused.code)
    total = sum((line_amount(ln, contract) for ln in BillingLine.objects.filter(
        contract=contract)), Decimal(0))
    assert total <= Decimal(value)
    assert set(codes) <= {"schedule_exceeds_value"}
