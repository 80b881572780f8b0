"""Baselines through the API: saving (the first free number, or replacing one), up to eleven,
deleting, and comparing the current schedule with a baseline in working days; who may do what."""

from __future__ import annotations

import pytest

from tandem.core.models import AuditEntry
from tandem.projects.models import Baseline, BaselineTask
from tandem.projects.services.baselines import baseline_save
from tandem.projects.services.plan import task_create
from tandem.projects.services.projects import member_add
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db

READERS = {"admin", "executive", "finance", "account_manager", "project_manager", "member"}
EDITORS = {"admin", "project_manager"}


@pytest.fixture
def plan(personas):
    """P-1: T1 (3 days) → T2 (2 days), and T3 (1 day); the member is on the team."""
    project = make_project(personas)
    member_add(actor=personas.admin.actor, project=project, user_id=personas.member.user.pk)
    t1, t2, t3 = add_tasks(personas, project, 3, 2, 1, chain=False)
    personas.admin.api().post(f"/api/v1/projects/{project.pk}/dependencies",
                              {"predecessor_id": t1.pk, "successor_id": t2.pk})
    project.refresh_from_db()
    return project, t1, t2, t3


def status_for(name, *, allowed):
    if name in {"client", "outsider"}:
        return 404
    return allowed if name in EDITORS else 403


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_saves_baselines(personas, plan, name):
    project, *_ = plan

    response = personas[name].api().post(f"/api/v1/projects/{project.pk}/baselines", {})

    assert response.status_code == status_for(name, allowed=201), response.content
    if response.status_code == 201:
        body = response.json()
        assert (body["number"], body["name"], body["finish_date"]) == (0, "Baseline",
                                                                      "2026-03-06")
        assert body["saved_by_id"] == personas[name].user.pk
    assert Baseline.objects.filter(project=project).exists() == (name in EDITORS)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_and_compares_baselines(personas, plan, name):
    project, *_ = plan
    baseline_save(actor=personas.admin.actor, project=project)
    api = personas[name].api()

    listed = api.get(f"/api/v1/projects/{project.pk}/baselines")
    compared = api.get(f"/api/v1/projects/{project.pk}/baselines/0/compare")

    status = 200 if name in READERS else 404
    assert (listed.status_code, compared.status_code) == (status, status)
    if status == 200:
        assert [b["name"] for b in listed.json()["items"]] == ["Baseline"]


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_deletes_baselines(personas, plan, name):
    project, *_ = plan
    baseline = baseline_save(actor=personas.admin.actor, project=project)

    response = personas[name].api().delete(f"/api/v1/baselines/{baseline.pk}")

    assert response.status_code == status_for(name, allowed=204)
    assert Baseline.objects.filter(pk=baseline.pk).exists() == (name not in EDITORS)


def test_numbers_fill_up_replace_and_stop_at_eleven(personas, plan):
    project, *_ = plan
    api = personas.project_manager.api()
    url = f"/api/v1/projects/{project.pk}/baselines"

    first = api.post(url, {}).json()
    second = api.post(url, {"name": "After kick-off"}).json()
    replaced = api.post(url, {"number": 0, "name": "Re-plan"})
    out_of_range = api.post(url, {"number": 11})

    assert (first["number"], second["number"], second["name"]) == (0, 1, "After kick-off")
    assert replaced.status_code == 201
    assert (replaced.json()["number"], replaced.json()["name"]) == (0, "Re-plan")
    assert [(b["number"], b["name"]) for b in api.get(url).json()["items"]] == [
        (0, "Re-plan"), (1, "After kick-off")]
    assert out_of_range.status_code == 422
    for _ in range(9):
        assert api.post(url, {}).status_code == 201
    full = api.post(url, {})
    assert (full.status_code, full.json()["code"], full.json()["field"]) == (
        422, "baselines_full", "number")
    assert api.get(url).json()["count"] == 11
    assert BaselineTask.objects.filter(baseline__project=project).count() == 11 * 3
    assert AuditEntry.objects.filter(action="baseline.save").count() == 12


def test_comparing_shows_variances_in_working_days(personas, plan):
    project, t1, _t2, _t3 = plan
    api = personas.project_manager.api()
    api.post(f"/api/v1/projects/{project.pk}/baselines", {"name": "Signed plan"})
    # T1 grows from 3 to 5 days: T2 slips by 2 working days, over the weekend.
    api.patch(f"/api/v1/tasks/{t1.pk}", {"version": t1.version, "duration": 5})
    task_create(actor=personas.admin.actor, project=project, name="T4", duration=1)

    response = personas.account_manager.api().get(
        f"/api/v1/projects/{project.pk}/baselines/0/compare")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["baseline"]["name"] == "Signed plan"
    assert (body["baseline"]["finish_date"], body["finish_date"]) == ("2026-03-06", "2026-03-10")
    assert body["finish_variance"] == 2
    rows = {r["name"]: r for r in body["rows"]}
    assert [r["wbs"] for r in body["rows"]] == ["1", "2", "3", "4"]
    assert (rows["T1"]["duration_variance"], rows["T1"]["start_variance"],
            rows["T1"]["finish_variance"]) == (2, 0, 2)
    assert (rows["T2"]["baseline_start"], rows["T2"]["start"]) == ("2026-03-05", "2026-03-09")
    assert (rows["T2"]["start_variance"], rows["T2"]["finish_variance"],
            rows["T2"]["duration_variance"]) == (2, 2, 0)
    assert (rows["T3"]["start_variance"], rows["T3"]["finish_variance"]) == (0, 0)
    assert (rows["T4"]["baseline_start"], rows["T4"]["start_variance"],
            rows["T4"]["baseline_duration"]) == (None, None, None)


def test_an_unsaved_baseline_number_is_404(personas, plan):
    project, *_ = plan
    api = personas.admin.api()

    assert api.get(f"/api/v1/projects/{project.pk}/baselines/3/compare").status_code == 404
    assert api.get(f"/api/v1/projects/{project.pk}/baselines/11/compare").status_code == 422
    assert api.delete("/api/v1/baselines/999999").status_code == 404


def test_another_projects_baselines_stay_apart(personas, plan):
    project, *_ = plan
    other = make_project(personas, code="P-2")
    baseline_save(actor=personas.admin.actor, project=other)
    api = personas.admin.api()

    assert api.get(f"/api/v1/projects/{project.pk}/baselines").json()["count"] == 0
    assert api.get(f"/api/v1/projects/{project.pk}/baselines/0/compare").status_code == 404
