"""Deliverables through the API: who reads, plans and decides, the client person's view, the
acceptance flow with its history, and stale versions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.projects.services.deliverables import deliverable_create, deliverable_submit
from tandem.projects.services.plan import task_create
from tests.clients.factories import ClientFactory
from tests.personas import ALL_PERSONAS
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
READERS = {"admin", "executive", "finance", "account_manager", "project_manager", "client"}


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture
def deliverable(personas, project):
    return deliverable_create(actor=personas.project_manager.actor, project=project,
                              name="Tracking dashboard", acceptance_criteria="Live map")


@pytest.fixture
def submitted(personas, deliverable):
    return deliverable_submit(actor=personas.project_manager.actor, deliverable=deliverable,
                              expected_version=1)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_deliverables(personas, project, deliverable, name):
    api = personas[name].api()
    listing = api.get(f"/api/v1/projects/{project.pk}/deliverables")
    detail = api.get(f"/api/v1/deliverables/{deliverable.pk}")
    events = api.get(f"/api/v1/deliverables/{deliverable.pk}/events")
    expected = 200 if name in READERS else 404
    assert (listing.status_code, detail.status_code, events.status_code) == (expected,) * 3
    if expected == 200:
        assert [d["id"] for d in listing.json()["items"]] == [deliverable.pk]
        assert detail.json()["status"] == "planned"
        assert [e["action"] for e in events.json()["items"]] == ["created"]


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_plans_deliverables(personas, project, name):
    response = personas[name].api().post(
        f"/api/v1/projects/{project.pk}/deliverables",
        {"name": "Manual", "acceptance_criteria": "Covers every screen"})
    expected = {"admin": 201, "project_manager": 201, "executive": 403, "finance": 403,
                "account_manager": 403, "client": 403}
    assert response.status_code == expected.get(name, 404), response.content


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_accepts(personas, submitted, name):
    response = personas[name].api().post(f"/api/v1/deliverables/{submitted.pk}/accept",
                                         {"version": 2, "comment": "Fine"})
    expected = {"admin": 200, "account_manager": 200, "client": 200, "executive": 403,
                "finance": 403, "project_manager": 403}
    assert response.status_code == expected.get(name, 404), response.content
    if response.status_code == 200:
        body = response.json()
        assert body["status"] == "accepted"
        assert body["decided_by_id"] == personas[name].user.pk


def test_the_client_person_sees_only_their_clients_deliverables(personas, deliverable):
    other_client = ClientFactory(organization=personas.organization,
                                 owner=personas.account_manager.user)
    theirs = make_project(personas, code="OTHER", client_id=other_client.pk)
    foreign = deliverable_create(actor=personas.admin.actor, project=theirs, name="X",
                                 acceptance_criteria="Y")
    api = personas.client.api()
    assert api.get(f"/api/v1/projects/{theirs.pk}/deliverables").status_code == 404
    assert api.get(f"/api/v1/deliverables/{foreign.pk}").status_code == 404
    assert api.post(f"/api/v1/deliverables/{foreign.pk}/reject",
                    {"version": 1, "reason": "No"}).status_code == 404
    assert api.get(f"/api/v1/deliverables/{deliverable.pk}").status_code == 200


def test_reject_needs_a_reason_and_resubmission_keeps_the_history(personas, submitted):
    client = personas.client.api()
    no_reason = client.post(f"/api/v1/deliverables/{submitted.pk}/reject", {"version": 2})
    assert no_reason.status_code == 422
    rejected = client.post(f"/api/v1/deliverables/{submitted.pk}/reject",
                           {"version": 2, "reason": "The map is empty"})
    assert rejected.json()["status"] == "rejected"
    pm = personas.project_manager.api()
    again = pm.post(f"/api/v1/deliverables/{submitted.pk}/submit", {"version": 3})
    assert again.json()["status"] == "submitted"
    history = client.get(f"/api/v1/deliverables/{submitted.pk}/events").json()["items"]
    assert [(e["action"], e["comment"]) for e in history] == [
        ("created", ""), ("submitted", ""), ("rejected", "The map is empty"), ("submitted", "")]


def test_a_stale_version_answers_409(personas, submitted):
    pm = personas.project_manager.api()
    patch = pm.patch(f"/api/v1/deliverables/{submitted.pk}", {"version": 1, "name": "New"})
    assert patch.status_code == 409
    accept = personas.client.api().post(f"/api/v1/deliverables/{submitted.pk}/accept",
                                        {"version": 1})
    assert accept.status_code == 409
    assert accept.json()["code"] == "stale_version"


def test_only_an_admin_reopens_an_accepted_deliverable(personas, submitted):
    personas.client.api().post(f"/api/v1/deliverables/{submitted.pk}/accept", {"version": 2})
    body = {"version": 3, "reason": "Accepted by mistake"}
    assert personas.project_manager.api().post(
        f"/api/v1/deliverables/{submitted.pk}/reopen", body).status_code == 403
    reopened = personas.admin.api().post(f"/api/v1/deliverables/{submitted.pk}/reopen", body)
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "planned"


def test_patch_links_a_milestone_and_delete_is_for_the_pm(personas, project, deliverable):
    milestone = task_create(actor=personas.admin.actor, project=project, name="Go-live",
                            duration=0)
    pm = personas.project_manager.api()
    patched = pm.patch(f"/api/v1/deliverables/{deliverable.pk}",
                       {"version": 1, "milestone_id": milestone.pk, "due_date": "2026-04-01"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["milestone_name"] == "Go-live"
    assert patched.json()["milestone_accepted"] is False
    assert personas.client.api().delete(
        f"/api/v1/deliverables/{deliverable.pk}").status_code == 403
    assert pm.delete(f"/api/v1/deliverables/{deliverable.pk}").status_code == 204
    assert pm.get(f"/api/v1/deliverables/{deliverable.pk}").status_code == 404


def test_the_list_costs_the_same_queries_for_many_rows(personas, project):
    api = personas.admin.api()
    milestone = task_create(actor=personas.admin.actor, project=project, name="M", duration=0)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/v1/projects/{project.pk}/deliverables").status_code == 200
        return len(queries)

    deliverable_create(actor=personas.admin.actor, project=project, name="A",
                       acceptance_criteria="a", milestone_id=milestone.pk)
    count()  # the token's first use is recorded once
    one = count()
    for i in range(5):
        deliverable_create(actor=personas.admin.actor, project=project, name=f"B{i}",
                           acceptance_criteria="b", milestone_id=milestone.pk)
    assert count() == one
