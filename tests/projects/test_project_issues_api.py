"""The project issue log through the API: who reads and changes it, filters, stale versions, and
the escalation of a client issue (once, by the client's AM or an administrator)."""

from __future__ import annotations

import pytest

from tandem.clients.services.issues import issue_open
from tandem.projects.services.issues import project_issue_create
from tests.personas import ALL_PERSONAS
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
READERS = {"admin", "executive", "finance", "account_manager", "project_manager"}


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture
def issue(personas, project):
    return project_issue_create(actor=personas.project_manager.actor, project=project,
                                title="Vendor API rate limit", priority="high",
                                owner_id=personas.project_manager.user.pk)


@pytest.fixture
def client_issue(personas):
    return issue_open(actor=personas.account_manager.actor, client=personas.client_company,
                      title="Trucks vanish from the map", description="", severity="critical")


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_the_issue_log(personas, project, issue, name):
    api = personas[name].api()
    listing = api.get(f"/api/v1/projects/{project.pk}/issues")
    detail = api.get(f"/api/v1/project-issues/{issue.pk}")
    expected = 200 if name in READERS else 404
    assert (listing.status_code, detail.status_code) == (expected, expected)
    if expected == 200:
        assert [i["id"] for i in listing.json()["items"]] == [issue.pk]
        assert detail.json()["owner_name"] == "Project Manager"


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_logs_issues(personas, project, name):
    response = personas[name].api().post(f"/api/v1/projects/{project.pk}/issues",
                                         {"title": "Server room flooded", "priority": "critical"})
    expected = {"admin": 201, "project_manager": 201, "executive": 403, "finance": 403,
                "account_manager": 403}
    assert response.status_code == expected.get(name, 404), response.content
    if response.status_code == 201:
        assert response.json()["status"] == "open"


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_moves_an_issue(personas, issue, name):
    response = personas[name].api().post(f"/api/v1/project-issues/{issue.pk}/transition",
                                         {"version": 1, "to_status": "in_progress"})
    expected = {"admin": 200, "project_manager": 200, "executive": 403, "finance": 403,
                "account_manager": 403}
    assert response.status_code == expected.get(name, 404), response.content


def test_filters_by_status_priority_and_owner(personas, project, issue):
    other = project_issue_create(actor=personas.project_manager.actor, project=project,
                                 title="Typo on the login page", priority="low")
    api = personas.project_manager.api()
    url = f"/api/v1/projects/{project.pk}/issues"

    def ids(query: str) -> list[int]:
        return [i["id"] for i in api.get(url + query).json()["items"]]

    assert ids("?priority=low") == [other.pk]
    assert ids(f"?owner={personas.project_manager.user.pk}") == [issue.pk]
    assert ids("?status=resolved") == []
    assert set(ids("?status=open")) == {issue.pk, other.pk}
    assert api.get(url + "?status=bogus").status_code == 422


def test_resolving_needs_a_resolution_and_a_stale_version_answers_409(personas, issue):
    api = personas.project_manager.api()
    url = f"/api/v1/project-issues/{issue.pk}"
    assert api.post(url + "/transition", {"version": 1, "to_status": "resolved"}
                    ).status_code == 422
    stale = api.patch(url, {"version": 5, "title": "Rate limit"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    done = api.post(url + "/transition", {"version": 1, "to_status": "resolved",
                                          "resolution": "Quota raised"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["resolution"]) == ("resolved", "Quota raised")


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_escalates_a_client_issue(personas, project, client_issue, name):
    response = personas[name].api().post(f"/api/v1/client-issues/{client_issue.pk}/escalate",
                                         {"project_id": project.pk})
    # Only those who see the client issue learn it exists: the client's person sees it but
    # may not escalate; project managers, finance and members do not see client issues.
    expected = {"admin": 201, "account_manager": 201, "executive": 403, "client": 403}
    assert response.status_code == expected.get(name, 404), response.content
    if response.status_code == 201:
        body = response.json()
        assert body["client_issue_id"] == client_issue.pk
        assert (body["priority"], body["owner_id"]) == ("critical",
                                                        personas.project_manager.user.pk)


def test_a_second_escalation_answers_409(personas, project, client_issue):
    api = personas.account_manager.api()
    url = f"/api/v1/client-issues/{client_issue.pk}/escalate"
    first = api.post(url, {"project_id": project.pk, "priority": "high",
                           "due_date": "2026-03-20"})
    assert first.status_code == 201
    assert (first.json()["priority"], first.json()["due_date"]) == ("high", "2026-03-20")
    again = api.post(url, {"project_id": project.pk})
    assert again.status_code == 409
    assert again.json()["code"] == "already_escalated"
    linked = api.get(f"/api/v1/client-issues/{client_issue.pk}").json()
    assert linked["project_ref"] == project.code


def test_escalating_to_an_unknown_or_foreign_project_is_refused(personas, client_issue):
    api = personas.account_manager.api()
    url = f"/api/v1/client-issues/{client_issue.pk}/escalate"
    assert api.post(url, {"project_id": 999999}).status_code == 422
    internal = make_project(personas, code="INT", client=False)
    assert api.post(url, {"project_id": internal.pk}).status_code == 422
