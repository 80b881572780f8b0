"""The client-issues API: permission matrix, filters, transitions, timeline, 409, idempotency."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tandem.clients.models import ClientIssue
from tandem.clients.services import issues as services
from tests.clients.factories import ClientFactory
from tests.factories import MembershipFactory, UserFactory
from tests.personas import ALL_PERSONAS, Persona

URL = "/api/v1/client-issues"
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
READERS = {"admin", "executive", "account_manager", "client"}


@pytest.fixture
def issue(personas):
    return services.issue_open(actor=personas.account_manager.actor,
                               client=personas.client_company, title="Late deliveries",
                               description="", severity="high")


@pytest.fixture
def other_am_api(personas):
    membership = MembershipFactory(organization=personas.organization,
                                   user=UserFactory(email="am2@acme.test"),
                                   role="account_manager")
    return Persona("am2", membership).api()


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_lists_and_reads_issues(personas, issue, name):
    api = personas[name].api()
    listed = [i["id"] for i in api.get(URL).json()["items"]]
    assert listed == ([issue.pk] if name in READERS else [])
    response = api.get(f"{URL}/{issue.pk}")
    assert response.status_code == (200 if name in READERS else 404)
    timeline = api.get(f"{URL}/{issue.pk}/timeline")
    assert timeline.status_code == (200 if name in READERS else 404)


def test_the_client_sees_only_its_own_clients_issues(personas, issue):
    other = ClientFactory(organization=personas.organization, owner=personas.admin.user)
    theirs = services.issue_open(actor=personas.admin.actor, client=other, title="Other",
                                 description="", severity="low")
    api = personas.client.api()
    assert [i["id"] for i in api.get(URL).json()["items"]] == [issue.pk]
    assert api.get(f"{URL}/{theirs.pk}").status_code == 404


CREATE = {"admin": 201, "account_manager": 201, "executive": 403, "finance": 403,
          "client": 403, "project_manager": 404, "member": 404, "outsider": 404}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_opens_an_issue(personas, name):
    response = personas[name].api().post(URL, {"client_id": personas.client_company.pk,
                                               "title": "Broken export", "severity": "critical"})
    assert response.status_code == CREATE[name], response.content
    if response.status_code == 201:
        data = response.json()
        assert (data["status"], data["version"], data["breached"]) == ("new", 1, False)
        assert data["first_response_due_at"]
        assert data["resolution_due_at"]


CHANGE = {"admin": 200, "account_manager": 200, "executive": 403, "client": 403,
          "finance": 404, "project_manager": 404, "member": 404, "outsider": 404}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_moves_an_issue(personas, issue, name):
    response = personas[name].api().post(f"{URL}/{issue.pk}/transition",
                                         {"to_status": "acknowledged", "version": 1})
    assert response.status_code == CHANGE[name], response.content
    if response.status_code == 200:
        assert response.json()["first_response_at"] is not None


COMMENT = {**CHANGE, "admin": 201, "account_manager": 201, "executive": 201}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_comments(personas, issue, name):
    response = personas[name].api().post(f"{URL}/{issue.pk}/comments", {"note": "On it"})
    assert response.status_code == COMMENT[name], response.content


def test_another_am_gets_404_everywhere(personas, issue, other_am_api):
    assert other_am_api.get(f"{URL}/{issue.pk}").status_code == 404
    assert other_am_api.patch(f"{URL}/{issue.pk}", {"version": 1, "title": "x"}).status_code == 404
    assert other_am_api.post(f"{URL}/{issue.pk}/transition",
                             {"to_status": "acknowledged", "version": 1}).status_code == 404


def test_patch_changes_severity_and_refuses_a_stale_version(personas, issue):
    api = personas.account_manager.api()
    response = api.patch(f"{URL}/{issue.pk}", {"version": 1, "severity": "critical"})
    assert response.status_code == 200
    assert (response.json()["severity"], response.json()["version"]) == ("critical", 2)
    stale = api.patch(f"{URL}/{issue.pk}", {"version": 1, "severity": "low"})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    stale = api.post(f"{URL}/{issue.pk}/transition", {"to_status": "acknowledged", "version": 1})
    assert stale.status_code == 409


def test_an_invalid_transition_is_422(personas, issue):
    response = personas.account_manager.api().post(f"{URL}/{issue.pk}/transition",
                                                   {"to_status": "closed", "version": 1})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_transition")


def test_the_timeline_lists_every_change_in_order(personas, issue):
    api = personas.account_manager.api()
    api.post(f"{URL}/{issue.pk}/transition", {"to_status": "acknowledged", "version": 1,
                                             "note": "Looking"})
    api.post(f"{URL}/{issue.pk}/comments", {"note": "Called the client"})
    items = personas.client.api().get(f"{URL}/{issue.pk}/timeline").json()["items"]
    assert [(e["kind"], e["to_status"], e["note"]) for e in items] == [
        ("opened", "new", ""), ("status", "acknowledged", "Looking"),
        ("comment", "", "Called the client")]
    assert items[1]["actor_name"] == "Account Manager"


def test_filters(personas, issue):
    old = services.issue_open(actor=personas.account_manager.actor,
                              client=personas.client_company, title="Old", description="",
                              severity="low",
                              opened_at=dt.datetime(2026, 1, 5, 9, tzinfo=HCM))
    api = personas.admin.api()

    def ids(query):
        return [i["id"] for i in api.get(f"{URL}?{query}").json()["items"]]

    assert ids("severity=low") == [old.pk]
    assert ids("breached=true") == [old.pk]  # long past its due dates
    assert ids("breached=false") == [issue.pk]
    assert ids("status=new") == [issue.pk, old.pk]
    assert ids(f"client={personas.client_company.pk}&severity=high") == [issue.pk]
    assert api.get(f"{URL}/{old.pk}").json()["breached"] is True


def test_an_idempotency_key_opens_one_issue(personas):
    api = personas.account_manager.api()
    data = {"client_id": personas.client_company.pk, "title": "Once", "severity": "low"}
    first = api.post(URL, data, **{"Idempotency-Key": "k-1"})
    second = api.post(URL, data, **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert ClientIssue.objects.count() == 1


def test_the_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    api = personas.account_manager.api()
    api.get(URL)
    for number in range(12):
        services.issue_open(actor=personas.account_manager.actor,
                            client=personas.client_company, title=f"Issue {number}",
                            description="", severity="medium")
    # token (and its last use), count, page with client and owner
    with django_assert_num_queries(4):
        assert api.get(URL).json()["count"] == 12
