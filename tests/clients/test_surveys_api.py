"""The surveys API and a client's satisfaction trends, per persona: the owning account manager,
executives and admins, the client's own people; everyone else gets 404 (like a missing row)."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.utils import timezone

from tandem.clients.models import Survey
from tandem.core.models import AuditEntry
from tests.clients.factories import ClientFactory, ClientIssueFactory, ContactFactory
from tests.factories import MembershipFactory
from tests.personas import ALL_PERSONAS

READERS = {"admin", "executive", "account_manager", "client"}


def _survey(client, contact, *, kind="nps", period="2026-Q1", score=None, answered_at=None,
            issue=None, digest=None):
    return Survey.objects.create(
        organization=client.organization, client=client, contact=contact, kind=kind,
        period=period if kind == "nps" else "", issue=issue,
        token_digest=digest or secrets.token_hex(32),
        expires_at=timezone.now() + dt.timedelta(days=30), score=score, answered_at=answered_at,
    )


@pytest.fixture
def surveys(personas):
    own = personas.client_company
    own_contact = ContactFactory(client=own, is_primary=True, email="mai@saomai.example")
    colleague = MembershipFactory(organization=personas.organization, role="account_manager")
    theirs = ClientFactory(organization=personas.organization, owner=colleague.user,
                           name="Someone Else's")
    their_contact = ContactFactory(client=theirs, is_primary=True)
    foreign = ClientFactory(organization=personas.other_organization)
    foreign_contact = ContactFactory(client=foreign, is_primary=True)
    return {
        "own": _survey(own, own_contact, digest="a" * 64),
        "theirs": _survey(theirs, their_contact, digest="b" * 64),
        "foreign": _survey(foreign, foreign_contact, digest="c" * 64),
        "own_client": own, "own_contact": own_contact, "their_client": theirs,
        "foreign_client": foreign,
    }


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_the_list_holds_exactly_the_surveys_the_persona_may_see(personas, surveys, name):
    response = personas[name].api().get("/api/v1/surveys")
    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    expected = {
        "admin": {surveys["own"].pk, surveys["theirs"].pk},
        "executive": {surveys["own"].pk, surveys["theirs"].pk},
        "account_manager": {surveys["own"].pk},
        "client": {surveys["own"].pk},
        "outsider": {surveys["foreign"].pk},
    }.get(name, set())
    assert ids == expected


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_a_survey_outside_reach_is_404(personas, surveys, name):
    api = personas[name].api()
    own = api.get(f"/api/v1/surveys/{surveys['own'].pk}")
    theirs = api.get(f"/api/v1/surveys/{surveys['theirs'].pk}")
    assert own.status_code == (200 if name in READERS else 404)
    assert theirs.status_code == (200 if name in {"admin", "executive"} else 404)
    if own.status_code == 200:
        body = own.json()
        assert body["client_name"] == "Sao Mai Logistics"
        assert body["kind"] == "nps"
        assert "token" not in body
        assert "token_digest" not in body
    else:
        assert own.json()["code"] == "not_found"


def test_filters_by_client_and_kind(personas, surveys):
    own = surveys["own_client"]
    _survey(own, surveys["own_contact"], kind="csat", score=5, answered_at=timezone.now(),
            digest="d" * 64)
    api = personas.admin.api()
    items = api.get(f"/api/v1/surveys?client={own.pk}&kind=csat").json()["items"]
    assert [i["kind"] for i in items] == ["csat"]
    assert api.get("/api/v1/surveys?kind=nps").json()["count"] == 2
    assert api.get("/api/v1/surveys?answered=true").json()["count"] == 1
    assert api.get("/api/v1/surveys?kind=ces").status_code == 422


SEND = {"admin": 201, "account_manager": 201, "executive": 403, "client": 403,
        "project_manager": 404, "finance": 404, "member": 404, "outsider": 404}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sends_a_survey(personas, surveys, name, django_capture_on_commit_callbacks):
    body = {"client_id": surveys["own_client"].pk, "kind": "nps", "period": "2026-Q3"}
    with django_capture_on_commit_callbacks(execute=True):
        response = personas[name].api().post("/api/v1/surveys", body)
    assert response.status_code == SEND[name], response.content
    if response.status_code == 201:
        assert response.json()["contact_id"] == surveys["own_contact"].pk
        assert response.json()["period"] == "2026-Q3"


def test_an_account_manager_cannot_send_to_a_colleagues_client(personas, surveys):
    body = {"client_id": surveys["their_client"].pk, "kind": "nps"}
    response = personas.account_manager.api().post("/api/v1/surveys", body)
    assert response.status_code == 404


def test_sending_is_idempotent_with_a_key(personas, surveys, django_capture_on_commit_callbacks):
    api = personas.account_manager.api()
    body = {"client_id": surveys["own_client"].pk, "kind": "nps", "period": "2026-Q4"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = api.post("/api/v1/surveys", body, **{"Idempotency-Key": "send-1"})
        again = api.post("/api/v1/surveys", body, **{"Idempotency-Key": "send-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Survey.objects.filter(period="2026-Q4").count() == 1
    assert len(callbacks) == 1
    assert AuditEntry.objects.filter(action="survey.send").count() == 1


def test_a_second_nps_for_the_quarter_is_a_conflict(personas, surveys):
    api = personas.account_manager.api()
    body = {"client_id": surveys["own_client"].pk, "kind": "nps", "period": "2026-Q1"}
    response = api.post("/api/v1/surveys", body)
    assert response.status_code == 409
    assert response.json()["code"] == "survey_already_sent"


def test_a_csat_names_an_issue_of_the_same_client(personas, surveys):
    api = personas.account_manager.api()
    foreign_issue = ClientIssueFactory(client=surveys["their_client"])
    body = {"client_id": surveys["own_client"].pk, "kind": "csat", "issue_id": foreign_issue.pk}
    assert api.post("/api/v1/surveys", body).json()["code"] == "invalid_issue"
    issue = ClientIssueFactory(client=surveys["own_client"], status="resolved")
    body["issue_id"] = issue.pk
    response = api.post("/api/v1/surveys", body)
    assert response.status_code == 201
    assert response.json()["issue_id"] == issue.pk


# --- satisfaction trends ---------------------------------------------------------------------

TRENDS = {"admin": 200, "executive": 200, "account_manager": 200, "client": 200,
          "project_manager": 404, "finance": 404, "member": 404, "outsider": 404}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_a_clients_satisfaction(personas, surveys, name):
    response = personas[name].api().get(
        f"/api/v1/clients/{surveys['own_client'].pk}/satisfaction")
    assert response.status_code == TRENDS[name]
    theirs = personas[name].api().get(
        f"/api/v1/clients/{surveys['their_client'].pk}/satisfaction")
    assert theirs.status_code == (200 if name in {"admin", "executive"} else 404)


def test_satisfaction_trends_average_csat_per_month_and_nps_per_quarter(personas, surveys):
    client, contact = surveys["own_client"], surveys["own_contact"]
    now = timezone.now()
    for n, score in enumerate((5, 3)):
        _survey(client, contact, kind="csat", score=score, answered_at=now, digest=f"{n}" * 64)
    Survey.objects.filter(pk=surveys["own"].pk).update(score=10, answered_at=now)
    other = ContactFactory(client=client)
    for n, score in enumerate((3, 8)):
        _survey(client, other if n else ContactFactory(client=client), kind="nps",
                period="2026-Q1", score=score, answered_at=now, digest=f"e{n}".ljust(64, "e"))

    body = personas.account_manager.api().get(
        f"/api/v1/clients/{client.pk}/satisfaction").json()

    assert body["sent"] == 5
    assert body["answered"] == 5
    [month] = body["csat_by_month"]
    assert (month["average"], month["answers"]) == (4.0, 2)
    [quarter] = body["nps_by_quarter"]
    assert quarter == {"period": "2026-Q1", "nps": 0, "promoters": 1, "passives": 1,
                       "detractors": 1, "answers": 3}
