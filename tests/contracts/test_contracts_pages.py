"""The contract pages: the list, the forms and the contract page for each role (another
organization and roles without money get 404), the money hidden from project managers, signing,
transitions, amendments and the billing schedule's in-place editing (HTMX)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.contracts.models import Amendment, BillingLine, Contract, RateCardLine
from tandem.contracts.services import schedule
from tests.clients.factories import NeedFactory
from tests.contracts.factories import make_contract, sign
from tests.personas import ALL_PERSONAS

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def signed(personas):
    contract = make_contract(personas, code="PAGE-1")
    schedule.billing_line_add(actor=personas["finance"].actor, contract=contract,
                              kind="milestone", name="Design phase", percentage="40")
    schedule.rate_add(actor=personas["finance"].actor, contract=contract, role="Dev",
                      rate="4000000", valid_from=contract.start_date)
    return sign(personas, contract)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_the_list_page(personas, signed, name):
    response = personas[name].browser().get(reverse("contracts:list"))

    if name in {"client"}:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    listed = "PAGE-1" in response.content.decode()
    assert listed == (name in {"admin", "executive", "finance", "account_manager",
                               "project_manager"})


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_the_contract_page(personas, signed, name):
    response = personas[name].browser().get(reverse("contracts:detail", args=[signed.pk]))

    if name in {"member", "client", "outsider"}:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "Design phase" in page
    money = "400.000.000" in page or "400,000,000" in page
    assert money == (name != "project_manager")
    assert ("Rate card" in page) == (name != "project_manager")
    assert ("Amend the contract" in page) == (name in {"admin", "finance", "account_manager"})


def test_the_list_filters_with_htmx(personas, signed):
    make_contract(personas, code="TM-9", type="time_materials")
    browser = personas["finance"].browser()

    response = browser.get(reverse("contracts:list") + "?type=time_materials", **HTMX)
    page = response.content.decode()
    assert "TM-9" in page
    assert "PAGE-1" not in page
    assert "<html" not in page


@pytest.mark.parametrize(("name", "status"), [
    ("finance", 200), ("account_manager", 200), ("admin", 200), ("project_manager", 404),
    ("executive", 404), ("member", 404), ("client", 404), ("outsider", 404),
])
def test_the_create_page(personas, name, status):
    url = reverse("contracts:create") + f"?client={personas.client_company.pk}"
    assert personas[name].browser().get(url).status_code == status


def test_creating_a_contract_from_the_client(personas):
    need = NeedFactory(client=personas.client_company, organization=personas.organization)
    browser = personas["account_manager"].browser()
    url = reverse("contracts:create") + f"?client={personas.client_company.pk}"
    assert need.title in browser.get(url).content.decode()  # the client's needs to choose

    form = {"client_id": personas.client_company.pk, "code": "WEB-1", "title": "Web work",
            "type": "fixed_price", "currency": "VND", "total_value": "",
            "start_date": "2026-04-01", "payment_terms_days": "30", "need_ids": [need.pk]}
    refused = browser.post(url, form)
    assert refused.status_code == 422
    assert "total value" in refused.content.decode()
    response = browser.post(url, {**form, "total_value": "250000000"})
    contract = Contract.objects.get(code="WEB-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:detail", args=[contract.pk])
    assert list(contract.needs.all()) == [need]


def test_editing_a_draft_and_a_stale_edit(personas):
    contract = make_contract(personas, code="EDIT-1")
    browser = personas["finance"].browser()
    url = reverse("contracts:edit", args=[contract.pk])
    form = {"code": "EDIT-1", "title": "Renamed", "type": "fixed_price", "currency": "VND",
            "total_value": "1000000000", "start_date": "2026-03-02",
            "payment_terms_days": "30", "version": "1"}

    assert browser.post(url, form).status_code == 302
    stale = browser.post(url, {**form, "title": "Again"})
    assert stale.status_code == 409
    assert Contract.objects.get(pk=contract.pk).title == "Renamed"
    assert personas["project_manager"].browser().get(url).status_code == 404
    assert personas["executive"].browser().get(url).status_code == 403


def test_signing_from_the_page(personas):
    contract = make_contract(personas, code="SIGN-2")
    browser = personas["account_manager"].browser()
    url = reverse("contracts:sign", args=[contract.pk])

    refused = browser.post(url, {"version": "1"})
    assert refused.status_code == 422
    response = browser.post(url, {"version": "1",
                                  "manager_id": personas["project_manager"].user.pk})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert contract.project.manager == personas["project_manager"].user


def test_transitions_and_amendments_from_the_page(personas, signed):
    browser = personas["finance"].browser()
    browser.post(reverse("contracts:transition", args=[signed.pk]),
                 {"version": signed.version, "status": "active"})
    signed.refresh_from_db()
    assert signed.status == "active"

    response = browser.post(reverse("contracts:amend", args=[signed.pk]), {
        "version": signed.version, "reason": "More scope", "effective_date": "2026-05-01",
        "total_value": "1200000000", "line_name": "Extension", "line_amount": "200000000",
        "rate_role": "QA", "rate_amount": "3000000", "rate_unit": "day",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    amendment = Amendment.objects.get(contract=signed)
    assert amendment.changes["total_value"] == ["1000000000", "1200000000"]
    assert BillingLine.objects.filter(contract=signed, name="Extension").exists()
    assert RateCardLine.objects.filter(contract=signed, role="QA").exists()
    page = browser.get(reverse("contracts:detail", args=[signed.pk])).content.decode()
    assert "Amendment 1" in page
    bad = browser.post(reverse("contracts:amend", args=[signed.pk]), {
        "version": signed.version + 1, "reason": "Cut", "effective_date": "2026-05-01",
        "total_value": "1"})
    assert bad.status_code == 422
    assert personas["project_manager"].browser().post(
        reverse("contracts:amend", args=[signed.pk]), {}).status_code == 403


def test_billing_lines_are_edited_in_place(personas):
    contract = make_contract(personas, code="HTMX-1")
    browser = personas["finance"].browser()

    added = browser.post(reverse("contracts:line_add", args=[contract.pk]),
                         {"kind": "milestone", "name": "Design", "percentage": "30"}, **HTMX)
    page = added.content.decode()
    assert added.status_code == 200
    assert 'id="billing-panel"' in page
    assert "300.000.000" in page or "300,000,000" in page
    line = BillingLine.objects.get(contract=contract)
    too_much = browser.post(reverse("contracts:line_add", args=[contract.pk]),
                            {"kind": "milestone", "name": "Build", "amount": "800000000"},
                            **HTMX)
    assert too_much.status_code == 422
    assert "more than the contract value" in too_much.content.decode()

    row = browser.get(reverse("contracts:line_edit", args=[contract.pk, line.pk]), **HTMX)
    assert '<form' in row.content.decode()
    saved = browser.post(reverse("contracts:line_edit", args=[contract.pk, line.pk]),
                         {"name": "Design", "amount": "", "percentage": "50",
                          "version": "1"}, **HTMX)
    assert saved.status_code == 200
    assert BillingLine.objects.get(pk=line.pk).percentage == 50
    stale = browser.post(reverse("contracts:line_edit", args=[contract.pk, line.pk]),
                         {"name": "Design", "percentage": "60", "version": "1"}, **HTMX)
    assert stale.status_code == 409
    assert stale["HX-Retarget"] == f"#line-{line.pk}"
    preview = browser.get(reverse("contracts:line_preview", args=[contract.pk])
                          + "?kind=milestone&percentage=60", **HTMX)
    assert "600" in preview.content.decode()
    assert "more than the contract value" in preview.content.decode()
    assert personas["project_manager"].browser().get(
        reverse("contracts:line_preview", args=[contract.pk])).status_code == 404
    removed = browser.post(reverse("contracts:line_remove", args=[contract.pk, line.pk]),
                           **HTMX)
    assert removed.status_code == 200
    assert not BillingLine.objects.filter(contract=contract).exists()


def test_rates_are_edited_in_place(personas):
    contract = make_contract(personas, code="RATE-1", type="time_materials", currency="USD")
    browser = personas["finance"].browser()

    added = browser.post(reverse("contracts:rate_add", args=[contract.pk]),
                         {"role": "Architect", "unit": "day", "rate": "1200.50",
                          "valid_from": "2026-03-02"}, **HTMX)
    assert added.status_code == 200
    assert "$1,200.50" in added.content.decode()
    rate = RateCardLine.objects.get(contract=contract)
    refused = browser.post(reverse("contracts:rate_add", args=[contract.pk]),
                           {"role": "architect", "unit": "day", "rate": "1",
                            "valid_from": "2026-04-01"}, **HTMX)
    assert refused.status_code == 422
    edited = browser.post(reverse("contracts:rate_edit", args=[contract.pk, rate.pk]),
                          {"role": "Architect", "unit": "day", "rate": "1300",
                           "valid_from": "2026-03-02"}, **HTMX)
    assert edited.status_code == 200
    assert browser.post(reverse("contracts:rate_remove", args=[contract.pk, rate.pk]),
                        **HTMX).status_code == 200
    assert not RateCardLine.objects.filter(contract=contract).exists()
    assert personas["outsider"].browser().post(
        reverse("contracts:rate_add", args=[contract.pk]), {}).status_code == 404
