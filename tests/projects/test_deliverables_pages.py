"""The deliverable pages: who sees and plans them, the client accepting or rejecting with a
reason (HTMX swaps the panel), and a stale button explaining the conflict."""

from __future__ import annotations

import pytest

from tandem.projects.models import Deliverable
from tandem.projects.services.deliverables import deliverable_create, deliverable_submit
from tests.personas import ALL_PERSONAS
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
READERS = {"admin", "executive", "finance", "account_manager", "project_manager", "client"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture
def deliverable(personas, project):
    return deliverable_create(actor=personas.project_manager.actor, project=project,
                              name="Tracking dashboard", acceptance_criteria="Live map of trucks")


@pytest.fixture
def submitted(personas, deliverable):
    return deliverable_submit(actor=personas.project_manager.actor, deliverable=deliverable,
                              expected_version=1)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_deliverable_pages(personas, project, deliverable, name):
    browser = personas[name].browser()
    listing = browser.get(f"/projects/{project.pk}/deliverables/")
    detail = browser.get(f"/projects/{project.pk}/deliverables/{deliverable.pk}/")
    expected = 200 if name in READERS else 404
    assert (listing.status_code, detail.status_code) == (expected, expected)
    if expected == 200:
        assert "Tracking dashboard" in html(listing)
        assert "Live map of trucks" in html(detail)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_plans_a_deliverable(personas, project, name):
    response = personas[name].browser().get(f"/projects/{project.pk}/deliverables/new/")
    expected = {"admin": 200, "project_manager": 200, "executive": 403, "finance": 403,
                "account_manager": 403, "client": 403}
    assert response.status_code == expected.get(name, 404)


def test_the_pm_plans_and_submits_a_deliverable(personas, project):
    browser = personas.project_manager.browser()
    refused = browser.post(f"/projects/{project.pk}/deliverables/new/",
                           {"name": "Manual", "acceptance_criteria": ""})
    assert refused.status_code == 422
    created = browser.post(f"/projects/{project.pk}/deliverables/new/",
                           {"name": "Manual", "acceptance_criteria": "Covers every screen",
                            "due_date": "2026-04-01"})
    assert created.status_code == 302
    deliverable = Deliverable.objects.get(name="Manual")
    assert created["Location"] == f"/projects/{project.pk}/deliverables/{deliverable.pk}/"
    page = html(browser.get(created["Location"]))
    assert 'value="submit"' in page
    assert 'value="accept"' not in page
    response = browser.post(f"/projects/{project.pk}/deliverables/{deliverable.pk}/decide/",
                            {"action": "submit", "version": 1}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in html(response)
    assert "Submitted for the client" in html(response)
    deliverable.refresh_from_db()
    assert deliverable.status == "submitted"


def test_the_client_rejects_with_a_reason_then_accepts(personas, project, submitted):
    browser = personas.client.browser()
    page = html(browser.get(f"/projects/{project.pk}/deliverables/{submitted.pk}/"))
    assert 'value="accept"' in page
    assert 'value="reject"' in page
    assert f"/projects/{project.pk}/plan/" not in page  # the client's tabs: no plan
    url = f"/projects/{project.pk}/deliverables/{submitted.pk}/decide/"
    no_reason = browser.post(url, {"action": "reject", "version": 2}, headers=HTMX)
    assert no_reason.status_code == 422
    rejected = browser.post(url, {"action": "reject", "version": 2,
                                  "comment": "The map is empty"}, headers=HTMX)
    assert rejected.status_code == 200
    assert "The map is empty" in html(rejected)
    submitted.refresh_from_db()
    assert submitted.status == "rejected"
    listing = html(browser.get(f"/projects/{project.pk}/deliverables/"))
    assert "The map is empty" in listing  # the acceptance history in the list


def test_the_pm_sees_no_acceptance_buttons(personas, project, submitted):
    page = html(personas.project_manager.browser().get(
        f"/projects/{project.pk}/deliverables/{submitted.pk}/"))
    assert 'value="accept"' not in page
    refused = personas.project_manager.browser().post(
        f"/projects/{project.pk}/deliverables/{submitted.pk}/decide/",
        {"action": "accept", "version": 2}, headers=HTMX)
    assert refused.status_code == 403


def test_a_stale_button_explains_the_conflict(personas, project, submitted):
    response = personas.client.browser().post(
        f"/projects/{project.pk}/deliverables/{submitted.pk}/decide/",
        {"action": "accept", "version": 1}, headers=HTMX)
    assert response.status_code == 409
    assert "Someone else changed this" in html(response)


def test_a_deliverable_of_another_project_is_not_found_under_this_one(personas, project,
                                                                      deliverable):
    other = make_project(personas, code="P-2")
    response = personas.admin.browser().get(
        f"/projects/{other.pk}/deliverables/{deliverable.pk}/")
    assert response.status_code == 404


def test_the_pm_edits_and_deletes_a_planned_deliverable(personas, project, deliverable):
    browser = personas.project_manager.browser()
    url = f"/projects/{project.pk}/deliverables/{deliverable.pk}/"
    edit = browser.post(url + "edit/", {"name": "Live dashboard",
                                        "acceptance_criteria": "Live map", "version": 1,
                                        "comment": "Clearer name"})
    assert edit.status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.name, deliverable.version) == ("Live dashboard", 2)
    stale = browser.post(url + "edit/", {"name": "Old", "acceptance_criteria": "x",
                                         "version": 1})
    assert stale.status_code == 409
    assert personas.client.browser().post(url + "delete/").status_code == 403
    assert browser.post(url + "delete/").status_code == 302
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists()
