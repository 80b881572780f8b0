"""Needs through the API: the lifecycle with its allowed transitions, a reason to drop, every
change audited, links to what serves a need, and who sees and changes them."""

from __future__ import annotations

import pytest

from tandem.clients.models import Need, NeedLink
from tandem.core.models import AuditEntry
from tandem.projects.models import Deliverable
from tests.clients.factories import ClientFactory, NeedFactory
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project


@pytest.fixture
def need(personas):
    return NeedFactory(client=personas.client_company, title="Real-time tracking")


def transition(api, need_id, version, status, reason=""):
    return api.post(f"/api/v1/needs/{need_id}/transition",
                    {"version": version, "status": status, "reason": reason})


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_needs(personas, need, name):
    api = personas[name].api()
    sees = name in {"admin", "executive", "account_manager"}

    listed = {item["id"] for item in api.get("/api/v1/needs").json()["items"]}

    assert (need.pk in listed) == sees
    assert api.get(f"/api/v1/needs/{need.pk}").status_code == (200 if sees else 404)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_captures_needs(personas, name):
    response = personas[name].api().post(
        "/api/v1/needs", {"client_id": personas.client_company.pk, "title": "Dashboards",
                          "priority": "must", "source": "rfp"},
    )
    expected = {"admin": 201, "account_manager": 201, "executive": 403, "finance": 403,
                "client": 403}
    assert response.status_code == expected.get(name, 404), response.content
    if response.status_code == 201:
        assert response.json()["status"] == "captured"
        assert response.json()["links"] == []


def test_an_am_gets_404_on_another_ams_needs(personas):
    theirs = NeedFactory(client=ClientFactory(organization=personas.organization,
                                              owner=personas.admin.user))
    api = personas.account_manager.api()

    assert api.get(f"/api/v1/needs/{theirs.pk}").status_code == 404
    assert transition(api, theirs.pk, 1, "agreed").status_code == 404


def test_the_whole_lifecycle_is_audited(personas, need):
    api = personas.account_manager.api()
    version = 1
    for status in ("agreed", "in_scope", "delivered", "accepted"):
        response = transition(api, need.pk, version, status)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
        version = response.json()["version"]

    entries = AuditEntry.objects.filter(action="need.transition", object_id=str(need.pk))
    assert [e.changes["status"] for e in entries.order_by("id")] == [
        ["captured", "agreed"], ["agreed", "in_scope"], ["in_scope", "delivered"],
        ["delivered", "accepted"],
    ]


def test_a_skipped_step_is_refused(personas, need):
    response = transition(personas.account_manager.api(), need.pk, 1, "delivered")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    need.refresh_from_db()
    assert need.status == "captured"


def test_dropping_needs_a_reason(personas, need):
    api = personas.account_manager.api()

    assert transition(api, need.pk, 1, "dropped").status_code == 422
    response = transition(api, need.pk, 1, "dropped", "Out of budget this year")

    assert response.json()["dropped_reason"] == "Out of budget this year"
    reopened = transition(api, need.pk, 2, "captured")
    assert reopened.json()["dropped_reason"] == ""


def test_an_accepted_need_is_final(personas, need):
    need.status = "accepted"
    need.save()

    response = transition(personas.admin.api(), need.pk, 1, "dropped", "late")

    assert response.status_code == 409


def test_a_stale_transition_is_refused(personas, need):
    api = personas.account_manager.api()
    transition(api, need.pk, 1, "agreed")

    assert transition(api, need.pk, 1, "dropped", "x").status_code == 409


def test_editing_a_need_is_versioned_and_audited(personas, need):
    api = personas.account_manager.api()

    response = api.patch(f"/api/v1/needs/{need.pk}", {"version": 1, "priority": "must"})

    assert response.json()["priority"] == "must"
    assert response.json()["version"] == 2
    assert api.patch(f"/api/v1/needs/{need.pk}", {"version": 1, "priority": "could"}
                     ).status_code == 409
    assert AuditEntry.objects.get(action="need.update").changes == {"priority": ["should", "must"]}


def test_links_add_and_remove(personas, need):
    api = personas.account_manager.api()
    project = make_project(personas)
    (task,) = add_tasks(personas, project, 3)
    deliverable = Deliverable.objects.create(organization=personas.organization, project=project,
                                             name="Tracking app", acceptance_criteria="Works")
    task_id, deliverable_id = str(task.pk), str(deliverable.pk)

    added = api.post(f"/api/v1/needs/{need.pk}/links",
                     {"target_type": "projects.task", "target_id": task_id})
    again = api.post(f"/api/v1/needs/{need.pk}/links",
                     {"target_type": "projects.task", "target_id": task_id})
    second = api.post(f"/api/v1/needs/{need.pk}/links",
                      {"target_type": "projects.deliverable", "target_id": deliverable_id})

    assert added.status_code == 201
    assert again.status_code == 409
    assert [(link["target_type"], link["target_id"]) for link in second.json()["links"]] == [
        ("projects.task", task_id), ("projects.deliverable", deliverable_id),
    ]
    removed = api.delete(
        f"/api/v1/needs/{need.pk}/links?target_type=projects.task&target_id={task_id}")
    assert removed.status_code == 204
    assert list(NeedLink.objects.values_list("target_type", flat=True)) == ["projects.deliverable"]
    assert api.delete(
        f"/api/v1/needs/{need.pk}/links?target_type=projects.task&target_id={task_id}"
    ).status_code == 404
    actions = list(AuditEntry.objects.filter(object_id=str(need.pk), action__startswith="need.link")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["need.link_add", "need.link_add", "need.link_remove"]


def test_a_link_to_an_installed_model_must_exist_in_the_organization(personas, need):
    foreign = ClientFactory(organization=personas.other_organization)
    api = personas.account_manager.api()

    response = api.post(f"/api/v1/needs/{need.pk}/links",
                        {"target_type": "clients.client", "target_id": str(foreign.pk)})

    assert response.status_code == 422
    assert response.json()["code"] == "target_not_found"


def test_the_need_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    api = personas.admin.api()
    for number in range(15):
        item = NeedFactory(client=ClientFactory(organization=personas.organization))
        NeedLink.objects.create(organization=personas.organization, need=item,
                                target_type="projects.task", target_id=str(number))
    # token, membership, last use, count, page with clients, their links
    with django_assert_num_queries(6):
        response = api.get("/api/v1/needs?page_size=100")
    assert len(response.json()["items"]) == 15
    assert Need.objects.count() == 15


def test_needs_filter_by_client_status_and_priority(personas, need):
    other = NeedFactory(client=personas.client_company, priority="must", status="agreed")
    api = personas.admin.api()

    def listed(query):
        return {item["id"] for item in api.get(f"/api/v1/needs?{query}").json()["items"]}

    assert listed("status=agreed") == {other.pk}
    assert listed("priority=should") == {need.pk}
    assert listed(f"client_id={personas.client_company.pk}") == {need.pk, other.pk}
    assert listed("q=tracking") == {need.pk}
