"""The plan through the API: tasks in WBS order, edits that reschedule (visible in the answers),
dragging a bar, moving rows, dependencies and loops, progress by the assignee, who may do what,
and a fixed number of queries for the task list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.models import AuditEntry
from tandem.projects.models import Dependency, Task
from tandem.projects.scheduling import reschedule
from tandem.projects.services.plan import task_create, task_update
from tandem.projects.services.projects import member_add
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db

READERS = {"admin", "executive", "finance", "account_manager", "project_manager", "member"}
EDITORS = {"admin", "project_manager"}


@pytest.fixture
def plan(personas):
    """P-1 with T1 (3 days) → T2 (2 days) and T3 (1 day, assigned to the member, who is on the
    team); starts Monday 2 March 2026."""
    project = make_project(personas)
    member_add(actor=personas.admin.actor, project=project, user_id=personas.member.user.pk)
    t1, t2 = add_tasks(personas, project, 3, 2)
    t3 = task_create(actor=personas.admin.actor, project=project, name="T3", duration=1,
                     assignee_id=personas.member.user.pk)
    project.refresh_from_db()
    return project, t1, t2, t3


def expected(name, *, allowed, forbidden=403):
    if name in {"client", "outsider"}:
        return 404
    return allowed if name in EDITORS else forbidden


def fresh(task):
    task.refresh_from_db()
    return task


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_the_plan(personas, plan, name):
    project, t1, *_ = plan
    api = personas[name].api()

    listed = api.get(f"/api/v1/projects/{project.pk}/tasks")
    detail = api.get(f"/api/v1/tasks/{t1.pk}")
    links = api.get(f"/api/v1/projects/{project.pk}/dependencies")

    status = 200 if name in READERS else 404
    assert (listed.status_code, detail.status_code, links.status_code) == (status,) * 3
    if status == 200:
        assert [t["name"] for t in listed.json()["items"]] == ["T1", "T2", "T3"]
        assert detail.json()["finish"] == "2026-03-04"


def test_tasks_come_in_wbs_order_with_codes_levels_and_schedule(personas, plan):
    project, t1, _t2, _t3 = plan
    actor = personas.admin.actor
    sub = task_create(actor=actor, project=project, name="T1.a", parent_id=t1.pk, duration=2)
    task_create(actor=actor, project=project, name="T1.a.i", parent_id=sub.pk, duration=1)
    task_create(actor=actor, project=project, name="M", duration=0, after_id=t1.pk)

    body = personas.member.api().get(f"/api/v1/projects/{project.pk}/tasks?page_size=1000"
                                     ).json()

    rows = [(t["name"], t["wbs"], t["outline_level"], t["is_summary"], t["is_milestone"])
            for t in body["items"]]
    assert rows == [
        ("T1", "1", 1, True, False),
        ("T1.a", "1.1", 2, True, False),
        ("T1.a.i", "1.1.1", 3, False, False),
        ("M", "2", 1, False, True),
        ("T2", "3", 1, False, False),
        ("T3", "4", 1, False, False),
    ]
    assert (body["count"], body["page_size"], body["pages"]) == (6, 1000, 1)
    third = body["items"][5]
    assert third["assignee_name"] == "Member"
    assert {"early_start", "late_finish", "total_float", "free_float", "is_critical",
            "version"} <= set(third)
    detail = personas.member.api().get(f"/api/v1/tasks/{sub.pk}").json()
    assert (detail["wbs"], detail["outline_level"]) == ("1.1", 2)


def test_the_task_list_pages_up_to_a_thousand_rows(personas, plan):
    project, *_ = plan
    api = personas.admin.api()

    second = api.get(f"/api/v1/projects/{project.pk}/tasks?page=2&page_size=2").json()

    assert [t["wbs"] for t in second["items"]] == ["3"]
    assert (second["count"], second["pages"]) == (3, 2)
    assert api.get(f"/api/v1/projects/{project.pk}/tasks?page_size=1001").status_code == 422
    assert api.get(f"/api/v1/projects/{project.pk}/tasks?page=3&page_size=2"
                   ).status_code == 404


def _bulk_plan(personas, code, n):
    project = make_project(personas, code=code)
    phase = Task.objects.create(organization=personas.organization, project=project,
                                sequence=1, name="Phase", duration=1)
    Task.objects.bulk_create([
        Task(organization=personas.organization, project=project, parent=phase, sequence=i + 2,
             name=f"Task {i}", duration=1 + i % 4, assignee=personas.member.user)
        for i in range(n - 1)
    ])
    reschedule(project)
    return project


def test_the_task_list_costs_the_same_queries_for_10_and_100_tasks(personas):
    small, large = _bulk_plan(personas, "S-10", 10), _bulk_plan(personas, "L-100", 100)
    api = personas.account_manager.api()
    api.get("/api/v1/me")  # the token's first use writes its "last used" time

    counts = []
    for project in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/projects/{project.pk}/tasks?page_size=1000")
        assert response.status_code == 200
        assert len(response.json()["items"]) == response.json()["count"]
        counts.append(len(queries))

    # The token and its membership, the project, the outline (ids and parents, which also
    # counts the rows) and the page with its assignees.
    assert counts == [5, 5]


# --- editing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_adds_tasks(personas, plan, name):
    project, *_ = plan

    response = personas[name].api().post(f"/api/v1/projects/{project.pk}/tasks",
                                         {"name": "Design", "duration": 4})

    assert response.status_code == expected(name, allowed=201), response.content
    if response.status_code == 201:
        body = response.json()
        assert (body["wbs"], body["start"], body["finish"]) == ("4", "2026-03-02", "2026-03-05")
    assert Task.objects.filter(project=project, name="Design").exists() == (name in EDITORS)


def test_adding_tasks_under_and_after_others(personas, plan):
    project, t1, t2, _t3 = plan
    api = personas.project_manager.api()
    url = f"/api/v1/projects/{project.pk}/tasks"

    child = api.post(url, {"name": "Child", "parent_id": t2.pk, "duration": 2,
                           "estimate_hours": 12.5, "optimistic": 1, "most_likely": 2,
                           "pessimistic": 4, "notes": "first"}).json()
    after = api.post(url, {"name": "After T1", "after_id": t1.pk, "duration": 0}).json()
    parent = api.get(f"/api/v1/tasks/{t2.pk}").json()

    assert (child["wbs"], child["parent_id"], child["estimate_hours"]) == ("2.1", t2.pk, 12.5)
    assert (child["optimistic"], child["most_likely"], child["pessimistic"]) == (1, 2, 4)
    assert (after["wbs"], after["is_milestone"]) == ("2", True)
    assert parent["is_summary"] is True


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "X", "constraint_type": "SNET"}, "constraint_date"),
    ({"name": "X", "assignee_id": "client"}, "assignee_id"),
    ({"name": "X", "optimistic": 5, "pessimistic": 2}, "most_likely"),
    ({"name": "X", "optimistic": 1}, "optimistic"),
    ({"name": "X", "parent_id": 999999}, "parent_id"),
    ({"name": "X", "constraint_type": "MSO", "constraint_date": "1850-01-01"},
     "constraint_date"),
])
def test_bad_tasks_are_refused_naming_the_field(personas, plan, body, field):
    project, *_ = plan
    if body.get("assignee_id") == "client":
        body = {**body, "assignee_id": personas.client.user.pk}

    response = personas.project_manager.api().post(f"/api/v1/projects/{project.pk}/tasks", body)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_schema_errors_on_tasks_are_422(personas, plan):
    project, t1, *_ = plan
    api = personas.project_manager.api()
    url = f"/api/v1/projects/{project.pk}/tasks"

    assert api.post(url, {"name": "X", "duration": -1}).status_code == 422
    assert api.post(url, {"name": ""}).status_code == 422
    assert api.post(url, {"name": "X", "constraint_type": "SOON"}).status_code == 422
    assert api.patch(f"/api/v1/tasks/{t1.pk}", {"duration": 2}).status_code == 422  # no version


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_edits_tasks(personas, plan, name):
    _project, t1, *_ = plan

    response = personas[name].api().patch(f"/api/v1/tasks/{t1.pk}",
                                          {"version": t1.version, "name": "Analysis"})

    assert response.status_code == expected(name, allowed=200), response.content
    assert (fresh(t1).name == "Analysis") == (name in EDITORS)


def test_a_longer_task_moves_its_successor_in_the_answers(personas, plan):
    project, t1, t2, _t3 = plan
    api = personas.project_manager.api()

    response = api.patch(f"/api/v1/tasks/{t1.pk}", {"version": t1.version, "duration": 5})
    successor = api.get(f"/api/v1/tasks/{t2.pk}").json()
    listed = api.get(f"/api/v1/projects/{project.pk}/tasks").json()["items"]
    overview = api.get(f"/api/v1/projects/{project.pk}").json()

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["duration"], body["finish"]) == (t1.version + 1, 5,
                                                                    "2026-03-06")
    assert successor["start"] == "2026-03-09"  # after the weekend
    assert listed[1]["start"] == "2026-03-09"
    assert overview["finish_date"] == "2026-03-10"
    assert AuditEntry.objects.filter(action="task.update", object_id=str(t1.pk)).exists()


def test_dragging_a_bar_pins_its_start_and_answers_the_new_dates(personas, plan):
    _project, t1, t2, _t3 = plan
    api = personas.project_manager.api()

    response = api.patch(f"/api/v1/tasks/{t1.pk}", {"version": t1.version,
                                                    "start": "2026-03-10"})
    body = response.json()

    assert response.status_code == 200, response.content
    assert (body["start"], body["finish"], body["version"]) == ("2026-03-10", "2026-03-12",
                                                                t1.version + 1)
    assert (body["constraint_type"], body["constraint_date"]) == ("SNET", "2026-03-10")
    assert api.get(f"/api/v1/tasks/{t2.pk}").json()["start"] == "2026-03-13"


def test_a_stale_edit_is_refused_and_changes_nothing(personas, plan):
    _project, t1, *_ = plan
    api = personas.project_manager.api()
    api.patch(f"/api/v1/tasks/{t1.pk}", {"version": t1.version, "duration": 4})

    stale = api.patch(f"/api/v1/tasks/{t1.pk}", {"version": t1.version, "duration": 9})

    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    assert fresh(t1).duration == 4


def test_clearing_fields_with_null(personas, plan):
    _project, _t1, _t2, t3 = plan
    api = personas.project_manager.api()

    body = api.patch(f"/api/v1/tasks/{t3.pk}", {"version": t3.version, "assignee_id": None,
                                                "estimate_hours": 6}).json()

    assert (body["assignee_id"], body["assignee_name"], body["estimate_hours"]) == (None, "", 6)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_deletes_tasks(personas, plan, name):
    _project, t1, t2, _t3 = plan
    task_create(actor=personas.admin.actor, project=t1.project, name="Sub", parent_id=t1.pk)

    response = personas[name].api().delete(f"/api/v1/tasks/{t1.pk}")

    assert response.status_code == expected(name, allowed=204)
    remaining = set(Task.objects.filter(project_id=t1.project_id).values_list("name", flat=True))
    assert remaining == ({"T2", "T3"} if name in EDITORS else {"T1", "Sub", "T2", "T3"})
    if name in EDITORS:
        assert fresh(t2).start == t1.start  # no longer waiting for T1


def test_moving_indenting_and_outdenting_rows(personas, plan):
    project, t1, t2, t3 = plan
    api = personas.project_manager.api()

    indented = api.post(f"/api/v1/tasks/{t3.pk}/indent", {"version": fresh(t3).version})
    moved = api.post(f"/api/v1/tasks/{t1.pk}/move", {"version": fresh(t1).version,
                                                     "parent_id": None, "after_id": t2.pk})
    first_cannot = api.post(f"/api/v1/tasks/{t2.pk}/indent", {"version": fresh(t2).version})
    under_itself = api.post(f"/api/v1/tasks/{t2.pk}/move", {"version": fresh(t2).version,
                                                            "parent_id": t3.pk})
    outdented = api.post(f"/api/v1/tasks/{t3.pk}/outdent", {"version": fresh(t3).version})
    top_cannot = api.post(f"/api/v1/tasks/{t3.pk}/outdent", {"version": fresh(t3).version})
    stale = api.post(f"/api/v1/tasks/{t3.pk}/move", {"version": 1, "parent_id": None})

    assert (indented.status_code, indented.json()["wbs"]) == (200, "2.1")
    assert (moved.json()["wbs"], moved.json()["outline_level"]) == ("2", 1)
    assert (first_cannot.status_code, first_cannot.json()["code"]) == (422, "cannot_indent")
    assert (under_itself.status_code, under_itself.json()["field"]) == (422, "parent_id")
    assert (outdented.json()["wbs"], outdented.json()["parent_id"]) == ("2", None)
    assert (top_cannot.status_code, top_cannot.json()["code"]) == (422, "cannot_outdent")
    assert stale.status_code == 409
    rows = api.get(f"/api/v1/projects/{project.pk}/tasks").json()["items"]
    assert [(t["name"], t["wbs"]) for t in rows] == [("T2", "1"), ("T3", "2"), ("T1", "3")]
    assert rows[0]["start"] == "2026-03-05"  # still after T1, wherever its row is


def test_a_task_cannot_go_under_its_own_predecessor(personas, plan):
    _project, _t1, t2, _t3 = plan

    response = personas.project_manager.api().post(f"/api/v1/tasks/{t2.pk}/indent",
                                                   {"version": t2.version})

    assert (response.status_code, response.json()["code"]) == (422, "summary_link")
    assert "remove the link between T1 and T2" in response.json()["detail"]
    assert fresh(t2).parent_id is None


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_moves_rows(personas, plan, name):
    _project, _t1, _t2, t3 = plan

    response = personas[name].api().post(f"/api/v1/tasks/{t3.pk}/indent",
                                         {"version": t3.version})

    assert response.status_code == expected(name, allowed=200), response.content


# --- progress ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_records_progress_on_the_members_task(personas, plan, name):
    _project, _t1, _t2, t3 = plan

    response = personas[name].api().post(f"/api/v1/tasks/{t3.pk}/progress",
                                         {"version": t3.version, "percent_complete": 50,
                                          "actual_start": "2026-03-02"})

    allowed = EDITORS | {"member"}  # the member is the assignee
    assert response.status_code == (200 if name in allowed else expected(name, allowed=200))
    if response.status_code == 200:
        body = response.json()
        assert (body["percent_complete"], body["actual_start"]) == (50, "2026-03-02")
        assert body["version"] == t3.version + 1


def test_a_member_cannot_record_progress_on_someone_elses_task(personas, plan):
    _project, t1, *_ = plan

    response = personas.member.api().post(f"/api/v1/tasks/{t1.pk}/progress",
                                          {"version": t1.version, "percent_complete": 10})

    assert response.status_code == 403
    assert fresh(t1).percent_complete == 0


def test_progress_rules(personas, plan):
    project, t1, _t2, t3 = plan
    api = personas.member.api()

    done = api.post(f"/api/v1/tasks/{t3.pk}/progress",
                    {"version": t3.version, "actual_finish": "2026-03-03",
                     "actual_start": "2026-03-02"})
    backwards = api.post(f"/api/v1/tasks/{t3.pk}/progress",
                         {"version": done.json()["version"], "actual_start": "2026-03-05"})
    over = api.post(f"/api/v1/tasks/{t3.pk}/progress",
                    {"version": done.json()["version"], "percent_complete": 101})
    stale = api.post(f"/api/v1/tasks/{t3.pk}/progress",
                     {"version": t3.version, "percent_complete": 20})
    reopened = api.post(f"/api/v1/tasks/{t3.pk}/progress",
                        {"version": done.json()["version"], "percent_complete": 40})
    parent = task_create(actor=personas.admin.actor, project=project, name="Phase")
    task_create(actor=personas.admin.actor, project=project, name="Inside", parent_id=parent.pk)
    summary = personas.project_manager.api().post(
        f"/api/v1/tasks/{parent.pk}/progress", {"version": fresh(parent).version,
                                                 "percent_complete": 10})

    assert (done.json()["percent_complete"], done.json()["actual_finish"]) == (100,
                                                                            "2026-03-03")
    assert (backwards.status_code, backwards.json()["field"]) == (422, "actual_finish")
    assert over.status_code == 422
    assert stale.status_code == 409
    assert (reopened.json()["percent_complete"], reopened.json()["actual_finish"]) == (40, None)
    assert (summary.status_code, summary.json()["code"]) == (422, "summary_task")
    assert t1.pk


# --- dependencies -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_links_tasks(personas, plan, name):
    project, _t1, t2, t3 = plan

    response = personas[name].api().post(f"/api/v1/projects/{project.pk}/dependencies",
                                         {"predecessor_id": t2.pk, "successor_id": t3.pk})

    assert response.status_code == expected(name, allowed=201), response.content
    if response.status_code == 201:
        body = response.json()
        assert (body["predecessor_name"], body["successor_name"], body["type"], body["lag"]) == (
            "T2", "T3", "FS", 0)
        assert fresh(t3).start.isoformat() == "2026-03-09"


def test_a_loop_is_refused_naming_the_tasks(personas, plan):
    project, t1, t2, _t3 = plan

    response = personas.project_manager.api().post(
        f"/api/v1/projects/{project.pk}/dependencies",
        {"predecessor_id": t2.pk, "successor_id": t1.pk})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "dependency_cycle"
    assert "T1" in body["detail"]
    assert "T2" in body["detail"]
    assert Dependency.objects.filter(project=project).count() == 1


def test_links_are_checked_edited_and_removed(personas, plan):
    project, t1, t2, t3 = plan
    other = make_project(personas, code="P-2")
    (foreign,) = add_tasks(personas, other, 1)
    api = personas.project_manager.api()
    url = f"/api/v1/projects/{project.pk}/dependencies"

    duplicate = api.post(url, {"predecessor_id": t1.pk, "successor_id": t2.pk})
    elsewhere = api.post(url, {"predecessor_id": t1.pk, "successor_id": foreign.pk})
    itself = api.post(url, {"predecessor_id": t3.pk, "successor_id": t3.pk})
    bad_type = api.post(url, {"predecessor_id": t1.pk, "successor_id": t3.pk, "type": "XX"})
    link = api.get(url).json()["items"][0]
    lagged = api.patch(f"/api/v1/dependencies/{link['id']}",
                       {"version": link["version"], "type": "SS", "lag": -1})
    stale = api.patch(f"/api/v1/dependencies/{link['id']}", {"version": link["version"],
                                                             "lag": 2})
    am = personas.account_manager.api().delete(f"/api/v1/dependencies/{link['id']}")
    client = personas.client.api().delete(f"/api/v1/dependencies/{link['id']}")
    outsider = personas.outsider.api().patch(f"/api/v1/dependencies/{link['id']}",
                                             {"version": 2, "lag": 0})

    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate")
    assert (elsewhere.status_code, elsewhere.json()["field"]) == (422, "successor_id")
    assert (itself.status_code, itself.json()["field"]) == (422, "successor_id")
    assert bad_type.status_code == 422
    assert lagged.status_code == 200, lagged.content
    assert (lagged.json()["type"], lagged.json()["lag"], lagged.json()["version"]) == ("SS", -1,
                                                                                     2)
    # Start-to-start with a one-day lead: T2 may start when T1 does (not before the project).
    assert fresh(t2).start == t1.start
    assert stale.status_code == 409
    assert (am.status_code, client.status_code, outsider.status_code) == (403, 404, 404)
    assert api.delete(f"/api/v1/dependencies/{link['id']}").status_code == 204
    assert api.get(url).json()["count"] == 0


def test_the_outsider_reaches_nothing_of_the_plan(personas, plan):
    project, t1, *_ = plan
    api = personas.outsider.api()

    assert api.get(f"/api/v1/projects/{project.pk}/tasks").status_code == 404
    assert api.post(f"/api/v1/projects/{project.pk}/tasks", {"name": "X"}).status_code == 404
    assert api.post(f"/api/v1/tasks/{t1.pk}/progress",
                    {"version": 1, "percent_complete": 5}).status_code == 404
    assert api.post(f"/api/v1/tasks/{t1.pk}/move", {"version": 1}).status_code == 404
    assert api.post(f"/api/v1/tasks/{t1.pk}/outdent", {"version": 1}).status_code == 404
    assert api.get(f"/api/v1/projects/{project.pk}/dependencies").status_code == 404


def test_an_edit_through_the_service_and_the_api_share_one_version(personas, plan):
    _project, t1, *_ = plan
    task_update(actor=personas.admin.actor, task=t1, expected_version=t1.version,
                changes={"notes": "from the page"})

    body = personas.admin.api().get(f"/api/v1/tasks/{t1.pk}").json()

    assert (body["notes"], body["version"]) == ("from the page", t1.version + 1)
