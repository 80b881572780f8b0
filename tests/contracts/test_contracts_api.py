"""The contracts API: who lists, reads and changes which contracts (another organization gets
404), project managers read the scope and milestones without the money, optimistic versions
(409), Idempotency-Key on creates, the sign, transition, rate card, schedule and amendments."""

from __future__ import annotations

import pytest

from tandem.contracts.models import Amendment, Contract
from tandem.contracts.services import schedule
from tests.clients.factories import ClientFactory, NeedFactory
from tests.contracts.factories import make_contract, sign
from tests.personas import ALL_PERSONAS

BASE = "/api/v1/contracts"


@pytest.fixture
def book(personas):
    """The AM's client's contract, signed, with a project the PM manages; another AM's client's
    draft; the outsider's own contract."""
    mine = make_contract(personas, code="MINE")
    schedule.billing_line_add(actor=personas["finance"].actor, contract=mine, kind="milestone",
                              name="Design", percentage="40")
    schedule.rate_add(actor=personas["finance"].actor, contract=mine, role="Dev",
                      rate="4000000", valid_from=mine.start_date)
    mine = sign(personas, mine)
    theirs_client = ClientFactory(organization=personas.organization,
                                  owner=personas["admin"].user)
    theirs = make_contract(personas, client=theirs_client, code="THEIRS")
    foreign_client = ClientFactory(organization=personas.other_organization)
    foreign = make_contract(personas, client=foreign_client, code="FOREIGN",
                            actor=personas["outsider"].actor)
    return {"mine": mine, "theirs": theirs, "foreign": foreign}


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_the_list_follows_the_role(personas, book, name):
    expected = {
        "admin": {"mine", "theirs"}, "executive": {"mine", "theirs"},
        "finance": {"mine", "theirs"}, "account_manager": {"mine"},
        "project_manager": {"mine"}, "member": set(), "client": set(),
        "outsider": {"foreign"},
    }[name]
    assert ids(personas[name].api().get(BASE)) == {book[k].pk for k in expected}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_the_detail_follows_the_role_and_pms_see_no_money(personas, book, name):
    response = personas[name].api().get(f"{BASE}/{book['mine'].pk}")

    if name in {"member", "client", "outsider"}:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    data = response.json()
    if name == "project_manager":
        assert (data["total_value"], data["money_visible"]) == (None, False)
    else:
        assert (data["total_value"], data["money_visible"]) == ("1000000000", True)


def test_pms_read_the_milestones_without_amounts_and_never_the_rates(personas, book):
    pm = personas["project_manager"].api()
    lines = pm.get(f"{BASE}/{book['mine'].pk}/billing-lines").json()["items"]

    assert [(ln["name"], ln["percentage"], ln["billed_amount"]) for ln in lines] == [
        ("Design", None, None)]
    assert pm.get(f"{BASE}/{book['mine'].pk}/rates").status_code == 403
    assert pm.get(f"{BASE}/{book['mine'].pk}/amendments").status_code == 403
    finance_lines = personas["finance"].api().get(
        f"{BASE}/{book['mine'].pk}/billing-lines").json()["items"]
    assert (finance_lines[0]["percentage"], finance_lines[0]["billed_amount"]) == (
        "40", "400000000")


def test_filters_and_search(personas, book):
    api = personas["finance"].api()
    tm = make_contract(personas, code="TM-1", type="time_materials", title="Support hours")

    assert ids(api.get(f"{BASE}?type=time_materials")) == {tm.pk}
    assert ids(api.get(f"{BASE}?status=signed")) == {book["mine"].pk}
    assert ids(api.get(f"{BASE}?client_id={personas.client_company.pk}")) == {
        book["mine"].pk, tm.pk}
    assert ids(api.get(f"{BASE}?q=support")) == {tm.pk}
    assert ids(api.get(f"{BASE}?q=sao mai")) == {book["mine"].pk, tm.pk}


def body(personas, **fields):
    values = {"client_id": personas.client_company.pk, "code": "NEW-1", "title": "New work",
              "type": "fixed_price", "currency": "USD", "total_value": "25000.00",
              "start_date": "2026-04-01", "payment_terms_days": 0}
    values.update(fields)
    return values


@pytest.mark.parametrize(("name", "status"), [
    ("admin", 201), ("finance", 201), ("account_manager", 201), ("executive", 403),
    ("project_manager", 404), ("member", 404), ("client", 403), ("outsider", 404),
])
def test_who_creates_contracts(personas, name, status):
    response = personas[name].api().post(BASE, body(personas))
    assert response.status_code == status, response.content


def test_an_am_cannot_create_for_another_ams_client(personas):
    other = ClientFactory(organization=personas.organization, owner=personas["admin"].user)
    response = personas["account_manager"].api().post(BASE, body(personas, client_id=other.pk))
    assert response.status_code == 403


def test_create_validates_and_is_idempotent(personas):
    api = personas["finance"].api()
    need = NeedFactory(client=personas.client_company, organization=personas.organization)

    assert api.post(BASE, body(personas, total_value="1.005")).status_code == 422
    assert api.post(BASE, body(personas, total_value=None)).status_code == 422
    assert api.post(BASE, body(personas, currency="ZZZ")).status_code == 422
    first = api.post(BASE, body(personas, need_ids=[need.pk]), **{"Idempotency-Key": "k1"})
    again = api.post(BASE, body(personas, need_ids=[need.pk]), **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["needs"] == [{"id": need.pk, "title": need.title, "status": "captured"}]
    assert Contract.objects.filter(code="NEW-1").count() == 1
    assert api.post(BASE, body(personas, title="Other"),
                    **{"Idempotency-Key": "k1"}).status_code == 422


@pytest.mark.parametrize(("name", "status"), [
    ("admin", 200), ("finance", 200), ("account_manager", 200), ("executive", 403),
    ("project_manager", 403), ("member", 404), ("client", 404), ("outsider", 404),
])
def test_who_changes_a_contract(personas, book, name, status):
    response = personas[name].api().patch(f"{BASE}/{book['mine'].pk}",
                                          {"version": book["mine"].version, "notes": "Hi"})
    assert response.status_code == status, response.content


def test_a_stale_update_is_a_409(personas, book):
    api = personas["finance"].api()
    url = f"{BASE}/{book['theirs'].pk}"
    assert api.patch(url, {"version": 1, "total_value": "1200000000"}).status_code == 200
    response = api.patch(url, {"version": 1, "total_value": "1300000000"})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert api.patch(f"{BASE}/{book['mine'].pk}", {"version": book["mine"].version,
                                                  "total_value": "1"}).status_code == 409


def test_sign_and_transition(personas, book):
    api = personas["account_manager"].api()
    contract = make_contract(personas, code="SIGN-ME")
    url = f"{BASE}/{contract.pk}"

    assert api.post(f"{url}/sign", {"version": 1}).status_code == 422  # no PM named
    signed = api.post(f"{url}/sign", {"version": 1, "project_code": "PRJ-SIGN",
                                      "manager_id": personas["project_manager"].user.pk})
    assert signed.status_code == 200, signed.content
    assert (signed.json()["status"], signed.json()["project_code"]) == ("signed", "PRJ-SIGN")
    version = signed.json()["version"]
    assert api.post(f"{url}/sign", {"version": version,
                                    "manager_id": 1}).status_code == 409
    active = api.post(f"{url}/transition", {"version": version, "status": "active"})
    assert active.json()["status"] == "active"
    assert api.post(f"{url}/transition", {"version": version,
                                          "status": "completed"}).status_code == 409
    assert personas["project_manager"].api().post(
        f"{url}/transition", {"version": version + 1, "status": "completed"}).status_code == 403


def test_rates_and_billing_lines_of_a_draft(personas, book):
    api = personas["finance"].api()
    url = f"{BASE}/{book['theirs'].pk}"

    rate = api.post(f"{url}/rates", {"role": "Architect", "unit": "day", "rate": "6500000",
                                     "valid_from": "2026-03-02"})
    assert rate.status_code == 201, rate.content
    rate_url = f"{url}/rates/{rate.json()['id']}"
    assert api.patch(rate_url, {"rate": "7000000"}).json()["rate"] == "7000000"
    assert api.post(f"{url}/rates", {"role": "architect", "rate": "1",
                                     "valid_from": "2026-04-01"}).status_code == 422
    assert api.delete(rate_url).status_code == 204

    line = api.post(f"{url}/billing-lines", {"kind": "milestone", "name": "Go-live",
                                             "percentage": "60"})
    assert line.status_code == 201, line.content
    assert line.json()["billed_amount"] == "600000000"
    too_much = api.post(f"{url}/billing-lines", {"kind": "milestone", "name": "More",
                                                 "amount": "400000001"})
    assert too_much.status_code == 422
    assert too_much.json()["code"] == "schedule_exceeds_value"
    line_url = f"{url}/billing-lines/{line.json()['id']}"
    patched = api.patch(line_url, {"version": 1, "percentage": None, "amount": "100000000"})
    assert patched.json()["amount"] == "100000000"
    assert api.patch(line_url, {"version": 1, "name": "Stale"}).status_code == 409
    assert api.delete(line_url).status_code == 204
    assert personas["account_manager"].api().get(f"{url}/billing-lines").status_code == 404


def test_a_signed_contracts_money_changes_by_amendment(personas, book):
    api = personas["finance"].api()
    contract = book["mine"]
    url = f"{BASE}/{contract.pk}"
    assert api.post(f"{url}/rates", {"role": "QA", "rate": "1",
                                     "valid_from": "2026-03-02"}).status_code == 409

    payload = {"version": contract.version, "reason": "Scope grew",
               "effective_date": "2026-05-01",
               "changes": {"total_value": "1100000000",
                           "billing_lines": {"add": [{"kind": "milestone", "name": "Extra",
                                                      "amount": "100000000"}]}}}
    created = api.post(f"{url}/amendments", payload, **{"Idempotency-Key": "am-1"})
    assert created.status_code == 201, created.content
    replay = api.post(f"{url}/amendments", payload, **{"Idempotency-Key": "am-1"})
    assert replay.json() == created.json()
    assert created.json()["number"] == 1
    assert created.json()["changes"]["total_value"] == ["1000000000", "1100000000"]
    assert Amendment.objects.filter(contract=contract).count() == 1
    assert api.post(f"{url}/amendments", payload).status_code == 409  # stale version
    listed = api.get(f"{url}/amendments").json()["items"]
    assert [a["number"] for a in listed] == [1]
    assert personas["account_manager"].api().post(f"{url}/amendments", {
        **payload, "version": contract.version + 1,
        "changes": {"payment_terms_days": 60}}).status_code == 201
    assert personas["executive"].api().get(f"{url}/amendments").status_code == 200


@pytest.mark.parametrize("path", ["", "/rates", "/billing-lines", "/amendments"])
def test_another_organization_gets_404(personas, book, path):
    assert personas["outsider"].api().get(f"{BASE}/{book['mine'].pk}{path}").status_code == 404
    assert personas["member"].api().get(f"{BASE}/{book['mine'].pk}{path}").status_code == 404


def test_the_list_costs_the_same_queries_whatever_its_length(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = personas["finance"].api()
    api.get(BASE)  # warm up (token, membership)
    make_contract(personas, need_ids=[NeedFactory(client=personas.client_company,
                                                   organization=personas.organization).pk])
    with CaptureQueriesContext(connection) as one:
        api.get(BASE)
    for _ in range(4):
        make_contract(personas, need_ids=[NeedFactory(
            client=personas.client_company, organization=personas.organization).pk])
    with CaptureQueriesContext(connection) as five:
        assert len(api.get(BASE).json()["items"]) == 5
    assert len(five) == len(one)
