"""The issue log pages and the escalation panel on a client issue page."""

from __future__ import annotations

import pytest

from tandem.clients.services.issues import issue_open
from tandem.projects.models import ProjectIssue
from tandem.projects.services.issues import escalate_client_issue, project_issue_create
from tests.personas import ALL_PERSONAS
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
READERS = {"admin", "executive", "finance", "account_manager", "project_manager"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture
def issue(personas, project):
    return project_issue_create(actor=personas.project_manager.actor, project=project,
                                title="Vendor API rate limit", priority="high")


@pytest.fixture
def client_issue(personas):
    return issue_open(actor=personas.account_manager.actor, client=personas.client_company,
                      title="Trucks vanish from the map", description="", severity="high")


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_issue_log(personas, project, issue, name):
    browser = personas[name].browser()
    listing = browser.get(f"/projects/{project.pk}/issues/")
    detail = browser.get(f"/projects/{project.pk}/issues/{issue.pk}/")
    expected = 200 if name in READERS else 404
    assert (listing.status_code, detail.status_code) == (expected, expected)
    if expected == 200:
        assert "Vendor API rate limit" in html(listing)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_logs_an_issue(personas, project, name):
    response = personas[name].browser().get(f"/projects/{project.pk}/issues/new/")
    expected = {"admin": 200, "project_manager": 200, "executive": 403, "finance": 403,
                "account_manager": 403}
    assert response.status_code == expected.get(name, 404)


def test_the_pm_logs_filters_and_resolves_an_issue(personas, project, issue):
    browser = personas.project_manager.browser()
    created = browser.post(f"/projects/{project.pk}/issues/new/",
                           {"title": "Typo on login", "priority": "low",
                            "owner": personas.project_manager.user.pk})
    assert created.status_code == 302
    filtered = browser.get(f"/projects/{project.pk}/issues/?priority=low", headers=HTMX)
    assert "Typo on login" in html(filtered)
    assert "Vendor API" not in html(filtered)
    assert "<html" not in html(filtered)
    url = f"/projects/{project.pk}/issues/{issue.pk}/transition/"
    missing = browser.post(url, {"to_status": "resolved", "version": 1}, headers=HTMX)
    assert missing.status_code == 422
    assert "Say how the issue was resolved" in html(missing)
    done = browser.post(url, {"to_status": "resolved", "version": 1,
                              "resolution": "Quota raised"}, headers=HTMX)
    assert done.status_code == 200
    assert "Quota raised" in html(done)
    issue.refresh_from_db()
    assert issue.status == "resolved"
    stale = browser.post(url, {"to_status": "closed", "version": 1}, headers=HTMX)
    assert stale.status_code == 409
    assert "Someone else changed this" in html(stale)


def test_the_pm_edits_an_issue_and_others_may_not(personas, project, issue):
    url = f"/projects/{project.pk}/issues/{issue.pk}/edit/"
    saved = personas.project_manager.browser().post(
        url, {"title": "Rate limit", "priority": "critical", "version": 1})
    assert saved.status_code == 302
    issue.refresh_from_db()
    assert (issue.title, issue.priority) == ("Rate limit", "critical")
    assert personas.account_manager.browser().get(url).status_code == 403
    assert personas.account_manager.browser().post(
        f"/projects/{project.pk}/issues/{issue.pk}/transition/",
        {"to_status": "in_progress", "version": 2}).status_code == 302  # refused, with a message
    issue.refresh_from_db()
    assert issue.status == "open"


def test_the_client_issue_page_loads_the_escalation_panel(personas, client_issue):
    page = html(personas.account_manager.browser().get(f"/clients/issues/{client_issue.pk}/"))
    assert f"/projects/client-issues/{client_issue.pk}/escalation/" in page


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_escalation_panel(personas, project, client_issue, name):
    response = personas[name].browser().get(
        f"/projects/client-issues/{client_issue.pk}/escalation/", headers=HTMX)
    expected = 200 if name in {"admin", "executive", "account_manager", "client"} else 404
    assert response.status_code == expected
    if expected == 200:
        shows_form = "Escalate to a project" in html(response)
        assert shows_form == (name in {"admin", "account_manager"})
        if shows_form:
            assert project.code in html(response)


def test_the_am_escalates_from_the_client_issue_page(personas, project, client_issue):
    browser = personas.account_manager.browser()
    url = f"/projects/client-issues/{client_issue.pk}/escalation/"
    response = browser.post(url, {"project": project.pk, "priority": ""}, headers=HTMX)
    assert response.status_code == 200
    issue = ProjectIssue.objects.get(client_issue=client_issue)
    assert f"/projects/{project.pk}/issues/{issue.pk}/" in html(response)
    # escalated once: the form is gone, a second post is refused
    assert "Escalate to a project" not in html(browser.get(url, headers=HTMX))
    assert browser.post(url, {"project": project.pk}, headers=HTMX).status_code == 403
    assert ProjectIssue.objects.count() == 1
    # the PM's issue page links back to the client issue
    page = html(personas.project_manager.browser().get(
        f"/projects/{project.pk}/issues/{issue.pk}/"))
    assert f"/clients/issues/{client_issue.pk}/" in page
    assert "Trucks vanish" in page


def test_the_client_sees_that_delivery_took_it_over(personas, project, client_issue):
    escalate_client_issue(actor=personas.account_manager.actor, client_issue=client_issue,
                          project=project)
    response = personas.client.browser().get(
        f"/projects/client-issues/{client_issue.pk}/escalation/", headers=HTMX)
    assert response.status_code == 200
    assert f"project {project.code}" in html(response)
    assert "Escalate to a project" not in html(response)
    assert personas.client.browser().post(
        f"/projects/client-issues/{client_issue.pk}/escalation/",
        {"project": project.pk}, headers=HTMX).status_code == 403
