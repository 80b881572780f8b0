"""Projects through the API: who lists, reads, creates and edits them, the lifecycle, the
charter, the team and the scope items, versions, validation and rescheduling on the status
date."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.clients.models import Need
from tandem.core.models import AuditEntry
from tandem.projects.models import Project, ScopeItem
from tandem.projects.services.plan import task_create
from tandem.projects.services.projects import member_add
from tests.clients.factories import NeedFactory
from tests.personas import ALL_PERSONAS
from tests.projects.factories import START, make_project

pytestmark = pytest.mark.django_db

READERS = {"admin", "executive", "finance", "account_manager", "project_manager", "member"}
EDITORS = {"admin", "project_manager"}


@pytest.fixture
def project(personas):
    """P-1 of the persona client, managed by the project manager, the member on its team."""
    project = make_project(personas)
    member_add(actor=personas.admin.actor, project=project, user_id=personas.member.user.pk,
               project_role="Developer", allocation=50)
    project.refresh_from_db()
    return project


def expected(name, *, allowed, client=404, forbidden=403, outsider=404):
    if name == "outsider":
        return outsider
    if name == "client":
        return client
    return allowed if name in EDITORS else forbidden


# --- projects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_lists_which_projects(personas, project, name):
    internal = make_project(personas, code="INT-1", client=False,
                            manager_id=personas.admin.user.pk)

    body = personas[name].api().get("/api/v1/projects").json()

    listed = {item["code"] for item in body["items"]}
    sees_all = name in {"admin", "executive", "finance"}
    sees_p1 = name in READERS | {"client"}
    assert ("P-1" in listed) == sees_p1
    assert ("INT-1" in listed) == sees_all
    assert body["count"] == len(listed)
    if sees_p1:
        item = next(i for i in body["items"] if i["code"] == "P-1")
        assert item["client_name"] == "Sao Mai Logistics"
        assert item["manager_name"] == "Project Manager"
    assert internal.pk


def test_a_member_not_on_the_team_sees_nothing(personas):
    project = make_project(personas)
    api = personas.member.api()

    assert api.get("/api/v1/projects").json()["count"] == 0
    assert api.get(f"/api/v1/projects/{project.pk}").status_code == 404


def test_the_list_filters(personas, project):
    make_project(personas, code="INT-7", name="Warehouse", client=False)
    api = personas.admin.api()

    def codes(query):
        return [i["code"] for i in api.get(f"/api/v1/projects?{query}").json()["items"]]

    assert codes("q=ware") == ["INT-7"]
    assert codes(f"client_id={personas.client_company.pk}") == ["P-1"]
    assert codes("status=active") == []
    assert codes("schedule_status=on_track") == ["INT-7", "P-1"]
    assert codes(f"manager_id={personas.project_manager.user.pk}") == ["INT-7", "P-1"]
    assert api.get("/api/v1/projects?status=nope").status_code == 422


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_a_project(personas, project, name):
    response = personas[name].api().get(f"/api/v1/projects/{project.pk}")

    assert response.status_code == (200 if name in READERS | {"client"} else 404)
    if response.status_code == 200:
        body = response.json()
        assert body["code"] == "P-1"
        assert body["calendar_name"] == "Standard"
        assert body["schedule_status"] == "on_track"
        assert body["counts"] == {"tasks": 0, "milestones": 0, "critical": 0}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_creates_projects(personas, name):
    response = personas[name].api().post("/api/v1/projects", {
        "code": "NEW-1", "name": "Portal", "client_id": personas.client_company.pk,
        "manager_id": personas.project_manager.user.pk, "start_date": "2026-03-02",
        "target_finish": "2026-06-30",
    })

    # A PM may start a project for any client of the organization; an AM for their own.
    allowed = {"admin", "account_manager", "project_manager"}
    if name in allowed:
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["code"], body["status"], body["currency"]) == ("NEW-1", "planning", "VND")
        assert body["manager_id"] == personas.project_manager.user.pk
        assert body["version"] == 1
    elif name == "outsider":  # acme's client is not in their organization
        assert response.status_code == 422
        assert response.json()["field"] in {"client_id", "manager_id"}
    else:
        assert response.status_code == 403
    assert Project.objects.filter(code="NEW-1").exists() == (name in allowed)


def test_a_pm_creates_an_internal_project_managed_by_themselves(personas):
    response = personas.project_manager.api().post("/api/v1/projects", {
        "code": "OPS-1", "name": "Office move", "start_date": "2026-03-02", "currency": "usd",
    })

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["client_id"], body["client_name"]) == (None, "")
    assert body["manager_id"] == personas.project_manager.user.pk
    assert body["currency"] == "USD"


def test_needs_of_the_client_become_scope_items(personas):
    need = NeedFactory(client=personas.client_company, title="Track parcels", status="agreed")

    response = personas.admin.api().post("/api/v1/projects", {
        "code": "NEW-2", "name": "Tracking", "client_id": personas.client_company.pk,
        "manager_id": personas.project_manager.user.pk, "start_date": "2026-03-02",
        "need_ids": [need.pk],
    })

    assert response.status_code == 201, response.content
    item = ScopeItem.objects.get(project_id=response.json()["id"])
    assert (item.title, item.need_id) == ("Track parcels", need.pk)
    assert Need.objects.get(pk=need.pk).status == "in_scope"


@pytest.mark.parametrize(("changes", "status", "field"), [
    ({"target_finish": "2026-01-01"}, 422, "target_finish"),
    ({"manager_id": "member"}, 422, "manager_id"),
    ({"start_date": "1800-01-01"}, 422, "start_date"),
    ({"calendar_id": 999999}, 422, "calendar_id"),
    ({"code": "P-1"}, 409, "code"),
])
def test_bad_projects_are_refused_naming_the_field(personas, project, changes, status, field):
    values = {"code": "NEW-3", "name": "X", "manager_id": personas.project_manager.user.pk,
              "start_date": "2026-03-02", **changes}
    if values["manager_id"] == "member":
        values["manager_id"] = personas.member.user.pk

    response = personas.admin.api().post("/api/v1/projects", values)

    assert response.status_code == status, response.content
    assert response.json()["field"] == field


def test_schema_errors_are_422(personas):
    api = personas.admin.api()

    assert api.post("/api/v1/projects", {"name": "No code", "start_date": "2026-03-02"}
                    ).status_code == 422
    assert api.post("/api/v1/projects", {"code": "X", "name": "Y", "start_date": "soon"}
                    ).status_code == 422
    assert api.post("/api/v1/projects", {"code": "X", "name": "Y", "start_date": "2026-03-02",
                                         "status": "closed"}).json()["field"] == "status"


def test_creating_with_an_idempotency_key_twice_makes_one_project(personas):
    api = personas.project_manager.api()
    body = {"code": "IDEM-1", "name": "Once", "start_date": "2026-03-02"}

    first = api.post("/api/v1/projects", body, **{"Idempotency-Key": "k-1"})
    second = api.post("/api/v1/projects", body, **{"Idempotency-Key": "k-1"})

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Project.objects.filter(code="IDEM-1").count() == 1


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_edits_a_project(personas, project, name):
    response = personas[name].api().patch(f"/api/v1/projects/{project.pk}",
                                          {"version": project.version, "name": "Renamed"})

    assert response.status_code == expected(name, allowed=200, client=403), response.content
    project.refresh_from_db()
    assert (project.name == "Renamed") == (name in EDITORS)


def test_an_edit_is_versioned_audited_and_a_stale_one_refused(personas, project):
    api = personas.project_manager.api()

    response = api.patch(f"/api/v1/projects/{project.pk}",
                         {"version": project.version, "target_finish": "2026-12-31"})
    stale = api.patch(f"/api/v1/projects/{project.pk}",
                      {"version": project.version, "name": "Late"})

    assert response.status_code == 200
    assert response.json()["version"] == project.version + 1
    assert response.json()["target_finish"] == "2026-12-31"
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert AuditEntry.objects.filter(action="project.update", object_id=str(project.pk)).exists()
    cleared = api.patch(f"/api/v1/projects/{project.pk}",
                        {"version": project.version + 1, "target_finish": None})
    assert cleared.json()["target_finish"] is None


def test_setting_the_status_date_reschedules(personas, project):
    # A milestone on the project's start day, not done: late once the status date is past it.
    task_create(actor=personas.admin.actor, project=project, name="Kick-off", duration=0)
    api = personas.project_manager.api()
    before = api.get(f"/api/v1/projects/{project.pk}").json()

    response = api.patch(f"/api/v1/projects/{project.pk}",
                         {"version": before["version"], "status_date": "2026-03-20"})

    body = response.json()
    assert response.status_code == 200, response.content
    assert body["status_date"] == "2026-03-20"
    assert body["schedule_status"] == "late"
    assert "milestones_overdue:1" in body["schedule_reasons"]
    assert body["scheduled_at"] > before["scheduled_at"]
    assert body["counts"]["milestones"] == 1


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_moves_a_project_through_its_lifecycle(personas, project, name):
    response = personas[name].api().post(f"/api/v1/projects/{project.pk}/transition",
                                         {"version": project.version, "status": "active"})

    assert response.status_code == expected(name, allowed=200, client=403)
    if response.status_code == 200:
        assert response.json()["status"] == "active"


def test_a_transition_not_allowed_is_refused(personas, project):
    api = personas.project_manager.api()

    skipped = api.post(f"/api/v1/projects/{project.pk}/transition",
                       {"version": project.version, "status": "closing"})
    stale = api.post(f"/api/v1/projects/{project.pk}/transition",
                     {"version": project.version + 3, "status": "active"})
    unknown = api.post(f"/api/v1/projects/{project.pk}/transition",
                       {"version": project.version, "status": "done"})

    assert (skipped.status_code, skipped.json()["code"]) == (409, "invalid_transition")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    assert unknown.status_code == 422


def test_an_unknown_project_is_404(personas):
    api = personas.admin.api()

    assert api.get("/api/v1/projects/999999").status_code == 404
    assert api.get("/api/v1/projects/999999/charter").status_code == 404


# --- charter ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_the_charter(personas, project, name):
    response = personas[name].api().get(f"/api/v1/projects/{project.pk}/charter")

    assert response.status_code == (200 if name in READERS else 404)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_edits_the_charter(personas, project, name):
    response = personas[name].api().patch(f"/api/v1/projects/{project.pk}/charter",
                                          {"version": 1, "objectives": "Ship the portal"})

    assert response.status_code == expected(name, allowed=200), response.content
    if response.status_code == 200:
        body = response.json()
        assert (body["objectives"], body["version"]) == ("Ship the portal", 2)


def test_the_charter_lists_the_needs_it_serves_and_is_versioned(personas, project):
    need = NeedFactory(client=personas.client_company, title="Live map")
    api = personas.project_manager.api()
    api.post(f"/api/v1/projects/{project.pk}/scope-items", {"need_id": need.pk})
    api.post(f"/api/v1/projects/{project.pk}/scope-items", {"title": "Training"})

    body = api.patch(f"/api/v1/projects/{project.pk}/charter",
                     {"version": 1, "scope_out": "Mobile apps"}).json()
    stale = api.patch(f"/api/v1/projects/{project.pk}/charter",
                      {"version": 1, "scope_out": "Nothing"})

    assert body["scope_out"] == "Mobile apps"
    assert [(n["need_id"], n["title"], n["in_scope"]) for n in body["needs"]] == [
        (need.pk, "Live map", True)]
    assert stale.status_code == 409


# --- team -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_the_team(personas, project, name):
    response = personas[name].api().get(f"/api/v1/projects/{project.pk}/members")

    assert response.status_code == (200 if name in READERS else 404)
    if response.status_code == 200:
        [member] = response.json()["items"]
        assert (member["user_id"], member["project_role"], member["allocation"]) == (
            personas.member.user.pk, "Developer", 50)
        assert member["email"] == "member@acme.test"


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_staffs_the_team(personas, project, name):
    response = personas[name].api().post(f"/api/v1/projects/{project.pk}/members",
                                         {"user_id": personas.finance.user.pk,
                                          "project_role": "Controller", "allocation": 10})

    assert response.status_code == expected(name, allowed=201), response.content


def test_team_changes_are_checked_versioned_and_removable(personas, project):
    api = personas.project_manager.api()
    url = f"/api/v1/projects/{project.pk}/members"

    again = api.post(url, {"user_id": personas.member.user.pk})
    a_client = api.post(url, {"user_id": personas.client.user.pk})
    too_much = api.post(url, {"user_id": personas.finance.user.pk, "allocation": 101})
    member_id = api.get(url).json()["items"][0]["id"]
    changed = api.patch(f"{url}/{member_id}", {"version": 1, "allocation": 80})
    stale = api.patch(f"{url}/{member_id}", {"version": 1, "allocation": 70})
    forbidden = personas.account_manager.api().delete(f"{url}/{member_id}")
    other = make_project(personas, code="P-2")
    elsewhere = api.delete(f"/api/v1/projects/{other.pk}/members/{member_id}")
    removed = api.delete(f"{url}/{member_id}")

    assert (again.status_code, again.json()["code"]) == (409, "already_member")
    assert (a_client.status_code, a_client.json()["field"]) == (422, "user_id")
    assert too_much.status_code == 422
    assert (changed.status_code, changed.json()["allocation"]) == (200, 80)
    assert stale.status_code == 409
    assert forbidden.status_code == 403
    assert elsewhere.status_code == 404
    assert removed.status_code == 204
    assert api.get(url).json()["count"] == 0
    # Off the team, the member no longer sees the project.
    assert personas.member.api().get(f"/api/v1/projects/{project.pk}").status_code == 404


# --- scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_and_adds_scope_items(personas, project, name):
    api = personas[name].api()
    created = api.post(f"/api/v1/projects/{project.pk}/scope-items",
                       {"title": "Reporting", "description": "Monthly KPIs"})
    listed = api.get(f"/api/v1/projects/{project.pk}/scope-items")

    assert created.status_code == expected(name, allowed=201), created.content
    assert listed.status_code == (200 if name in READERS else 404)
    if name in EDITORS:
        item = listed.json()["items"][0]
        assert (item["title"], item["in_scope"], item["task_count"]) == ("Reporting", True, 0)


def test_scope_items_trace_needs_and_are_edited_and_deleted(personas, project):
    need = NeedFactory(client=personas.client_company, title="Invoices by email")
    foreign = NeedFactory(organization=personas.organization, title="Someone else's")
    api = personas.project_manager.api()
    url = f"/api/v1/projects/{project.pk}/scope-items"

    traced = api.post(url, {"need_id": need.pk})
    wrong_need = api.post(url, {"need_id": foreign.pk})
    untitled = api.post(url, {"description": "no title"})
    item = traced.json()
    task_create(actor=personas.admin.actor, project=project, name="Mailer",
                scope_item_id=item["id"])
    detail = personas.account_manager.api().get(f"/api/v1/scope-items/{item['id']}")
    patched = api.patch(f"/api/v1/scope-items/{item['id']}", {"version": 1, "in_scope": False})
    stale = api.patch(f"/api/v1/scope-items/{item['id']}", {"version": 1, "title": "X"})
    am_delete = personas.account_manager.api().delete(f"/api/v1/scope-items/{item['id']}")
    client_read = personas.client.api().get(f"/api/v1/scope-items/{item['id']}")
    deleted = api.delete(f"/api/v1/scope-items/{item['id']}")

    assert traced.status_code == 201, traced.content
    assert (item["title"], item["need_id"], item["need_title"]) == (
        "Invoices by email", need.pk, "Invoices by email")
    assert (wrong_need.status_code, wrong_need.json()["field"]) == (422, "need_id")
    assert (untitled.status_code, untitled.json()["field"]) == (422, "title")
    assert (detail.status_code, detail.json()["task_count"]) == (200, 1)
    assert (patched.json()["in_scope"], patched.json()["version"]) == (False, 2)
    assert stale.status_code == 409
    assert am_delete.status_code == 403
    assert client_read.status_code == 404
    assert deleted.status_code == 204
    assert api.get(f"/api/v1/scope-items/{item['id']}").status_code == 404


def test_a_project_of_another_organization_is_404_everywhere(personas, project):
    api = personas.outsider.api()
    paths = [f"/api/v1/projects/{project.pk}", f"/api/v1/projects/{project.pk}/charter",
             f"/api/v1/projects/{project.pk}/members",
             f"/api/v1/projects/{project.pk}/scope-items"]

    assert [api.get(p).status_code for p in paths] == [404] * 4
    assert api.patch(f"/api/v1/projects/{project.pk}", {"version": 1, "name": "x"}
                     ).status_code == 404
    assert project.start_date == START
    assert dt.date(2026, 3, 2) == START


def test_an_account_manager_creates_projects_for_their_own_clients_only(personas):
    from tests.clients.factories import ClientFactory

    someone_elses = ClientFactory(organization=personas.organization,
                                  owner=personas.admin.user)
    response = personas.account_manager.api().post("/api/v1/projects", {
        "code": "NEW-9", "name": "Portal", "client_id": someone_elses.pk,
        "manager_id": personas.project_manager.user.pk, "start_date": "2026-03-02",
    })
    assert response.status_code == 403
    assert not Project.objects.filter(code="NEW-9").exists()
