"""The Gantt chart's data: every row in WBS order with its schedule, the links, one baseline's
bars; a constant number of queries whatever the plan's size; and who may read it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from tandem.projects.management.commands.bench_gantt import build_plan
from tandem.projects.models import ProjectMember
from tandem.projects.schemas_gantt import GanttOut
from tandem.projects.services.baselines import baseline_save
from tandem.projects.services.plan import dependency_create, task_create, task_move, task_update
from tests.factories import MembershipFactory, UserFactory
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project


def gantt(api, project_id, query=""):
    return api.get(f"/api/v1/projects/{project_id}/gantt{query}")


@pytest.fixture
def plan(personas):
    """A phase with two chained tasks and a milestone, plus a task outside the phase."""
    project = make_project(personas)
    admin = personas.admin.actor
    phase = task_create(actor=admin, project=project, name="Design")
    a, b = add_tasks(personas, project, 3, 2)
    for t in (a, b):
        t.refresh_from_db()
        task_move(actor=admin, task=t, expected_version=t.version, parent_id=phase.pk,
                  after_id=None if t is a else a.pk)
    done = task_create(actor=admin, project=project, name="Design signed off", duration=0,
                       parent_id=phase.pk, assignee_id=personas.member.user.pk)
    dependency_create(actor=admin, project=project, predecessor_id=b.pk, successor_id=done.pk,
                      type="FS", lag=1)
    project.refresh_from_db()
    return project, phase, a, b, done


def test_the_chart_lists_rows_in_wbs_order_with_their_schedule(personas, plan):
    project, phase, a, b, done = plan

    response = gantt(personas.project_manager.api(), project.pk)

    assert response.status_code == 200, response.content
    data = response.json()
    GanttOut.model_validate(data)  # the answer matches the documented schema
    rows = {t["id"]: t for t in data["tasks"]}
    assert [t["id"] for t in data["tasks"]] == [phase.pk, a.pk, b.pk, done.pk]
    assert [t["wbs"] for t in data["tasks"]] == ["1", "1.1", "1.2", "1.3"]
    assert [t["level"] for t in data["tasks"]] == [1, 2, 2, 2]
    assert rows[phase.pk]["summary"] is True
    assert rows[phase.pk]["milestone"] is False
    assert rows[done.pk]["milestone"] is True
    assert rows[done.pk]["assignee"] == personas.member.user.display_name
    assert rows[a.pk]["parent"] == phase.pk
    assert rows[phase.pk]["parent"] is None
    # T1 (3 days from Monday 2 March) then T2 (2 days), the milestone a day later.
    assert (rows[a.pk]["start"], rows[a.pk]["finish"]) == ("2026-03-02", "2026-03-04")
    assert (rows[b.pk]["start"], rows[b.pk]["finish"]) == ("2026-03-05", "2026-03-06")
    assert rows[a.pk]["critical"]
    assert rows[b.pk]["critical"]
    assert rows[done.pk]["critical"]
    assert rows[a.pk]["total_float"] == 0
    assert rows[a.pk]["duration"] == 3
    assert rows[a.pk]["percent_complete"] == 0
    assert {(d["predecessor"], d["successor"], d["type"], d["lag"])
            for d in data["dependencies"]} == {(a.pk, b.pk, "FS", 0), (b.pk, done.pk, "FS", 1)}
    assert data["project"]["start"] == "2026-03-02"
    assert data["project"]["finish"] == project.finish_date.isoformat()
    assert data["project"]["working_weekdays"] == [0, 1, 2, 3, 4]
    assert data["can_edit"] is True
    assert data["baselines"] == []
    assert data["baseline"] is None
    assert data["baseline_bars"] == []
    assert dt.date.fromisoformat(data["today"])


def test_the_version_lets_a_dragged_bar_be_saved(personas, plan):
    project, _phase, a, *_ = plan
    row = next(t for t in gantt(personas.admin.api(), project.pk).json()["tasks"]
               if t["id"] == a.pk)
    a.refresh_from_db()

    assert row["version"] == a.version


def test_baseline_bars_default_to_the_first_saved_baseline(personas, plan):
    project, _phase, a, b, _done = plan
    admin = personas.admin.actor
    baseline_save(actor=admin, project=project, number=2, name="Signed plan")
    a.refresh_from_db()
    task_update(actor=admin, task=a, expected_version=a.version, changes={"duration": 5})
    baseline_save(actor=admin, project=project, number=4)
    api = personas.project_manager.api()

    first = gantt(api, project.pk).json()
    later = gantt(api, project.pk, "?baseline=4").json()

    assert [(x["number"], x["name"]) for x in first["baselines"]] == [(2, "Signed plan"),
                                                                     (4, "Baseline 4")]
    assert first["baseline"] == 2
    bars = {x["task"]: x for x in first["baseline_bars"]}
    assert (bars[b.pk]["start"], bars[b.pk]["finish"]) == ("2026-03-05", "2026-03-06")
    assert later["baseline"] == 4
    assert {x["task"]: x["start"] for x in later["baseline_bars"]}[b.pk] == "2026-03-09"
    assert gantt(api, project.pk, "?baseline=7").status_code == 404
    assert gantt(api, project.pk, "?baseline=11").status_code == 422


def _plan_of(personas, code, tasks):
    project = make_project(personas, code=code)
    with transaction.atomic():
        build_plan(project=project, tasks=tasks, assignee_ids=(personas.member.user.pk,))
        baseline_save(actor=personas.admin.actor, project=project)
    return project


@pytest.mark.parametrize("name", ["admin", "project_manager", "member"])
def test_the_chart_costs_the_same_queries_for_10_or_200_tasks(
    personas, django_assert_num_queries, name
):
    small = _plan_of(personas, "S-10", 10)
    large = _plan_of(personas, "L-200", 200)
    ProjectMember.objects.create(organization=personas.organization, project=small,
                                 user=personas.member.user)
    ProjectMember.objects.create(organization=personas.organization, project=large,
                                 user=personas.member.user)
    api = personas[name].api()
    gantt(api, small.pk)  # the token's last-used stamp is written once

    # token, membership; project; tasks; dependencies; baselines; baseline rows
    with django_assert_num_queries(7):
        assert len(gantt(api, small.pk).json()["tasks"]) == 10
    with django_assert_num_queries(7):
        data = gantt(api, large.pk).json()
    assert len(data["tasks"]) == 200
    assert len(data["baseline_bars"]) == 200
    assert len(data["dependencies"]) >= 250


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_the_chart(personas, plan, name):
    project = plan[0]
    response = gantt(personas[name].api(), project.pk)

    # The member is not on this project; the client never sees a plan; another organization
    # cannot tell the project exists.
    readers = {"admin", "executive", "finance", "account_manager", "project_manager"}
    assert response.status_code == (200 if name in readers else 404), response.content
    if response.status_code == 200:
        assert response.json()["can_edit"] == (name in {"admin", "project_manager"})


def test_a_team_member_reads_the_chart_without_editing(personas, plan):
    project = plan[0]
    ProjectMember.objects.create(organization=personas.organization, project=project,
                                 user=personas.member.user)

    response = gantt(personas.member.api(), project.pk)

    assert response.status_code == 200
    assert response.json()["can_edit"] is False


def test_another_pms_project_is_read_only_for_a_pm_on_its_team(personas):
    other_pm = MembershipFactory(organization=personas.organization, user=UserFactory(),
                                 role="project_manager")
    project = make_project(personas, code="P-2", manager_id=other_pm.user.pk)

    assert gantt(personas.project_manager.api(), project.pk).status_code == 404
    ProjectMember.objects.create(organization=personas.organization, project=project,
                                 user=personas.project_manager.user)
    data = gantt(personas.project_manager.api(), project.pk).json()
    assert data["can_edit"] is False


def test_an_unknown_project_is_404_and_no_token_is_401(personas):
    assert gantt(personas.admin.api(), 987654).status_code == 404
    assert Client().get("/api/v1/projects/1/gantt").status_code == 401


def test_the_browser_session_reads_the_chart(personas, plan):
    response = personas.project_manager.browser().get(f"/api/v1/projects/{plan[0].pk}/gantt")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert next(t["name"] for t in response.json()["tasks"]) == "Design"
