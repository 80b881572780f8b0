"""The baselines page: saved baselines, saving (replacing needs a tick), deleting, and the
comparison of the current plan with a baseline."""

from __future__ import annotations

import pytest

from tandem.projects.models import Baseline
from tandem.projects.services.baselines import baseline_save
from tandem.projects.services.plan import task_update
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db
READERS = {"admin", "executive", "finance", "account_manager", "project_manager"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture
def chain(personas, project):
    return add_tasks(personas, project, 3, 2)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_baselines(personas, project, chain, name):
    baseline_save(actor=personas.admin.actor, project=project, name="Agreed plan")
    response = personas[name].browser().get(f"/projects/{project.pk}/baselines/")
    assert response.status_code == (200 if name in READERS else 404)
    if response.status_code == 200:
        page = html(response)
        assert "Agreed plan" in page
        assert ("Save baseline" in page) == (name in {"admin", "project_manager"})


def test_the_pm_saves_and_replacing_needs_a_tick(personas, project, chain):
    browser = personas.project_manager.browser()
    response = browser.post(f"/projects/{project.pk}/baselines/save/",
                            {"number": 0, "name": "Kick-off"})
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/baselines/?compare=0"
    again = browser.post(f"/projects/{project.pk}/baselines/save/",
                         {"number": 0, "name": "Second"})
    assert again.status_code == 422
    assert "Kick-off is already saved under this number." in html(again)
    assert Baseline.objects.get(project=project).name == "Kick-off"
    replaced = browser.post(f"/projects/{project.pk}/baselines/save/",
                            {"number": 0, "name": "Second", "replace": "on"})
    assert replaced.status_code == 302
    assert Baseline.objects.get(project=project).name == "Second"
    bad = browser.post(f"/projects/{project.pk}/baselines/save/", {"number": 11})
    assert bad.status_code == 422
    assert "Select a valid choice." in html(bad)


def test_the_comparison_shows_variances_and_highlights_slips(personas, project, chain):
    t1, _t2 = chain
    baseline_save(actor=personas.admin.actor, project=project, number=1, name="Plan A")
    task_update(actor=personas.admin.actor, task=t1, expected_version=t1.version,
                changes={"duration": 5})
    page = html(personas.executive.browser().get(f"/projects/{project.pk}/baselines/?compare=1"))
    assert "Current plan against Plan A" in page
    assert "2 tasks finish later than planned" in page
    assert page.count("is-slipped") == 2
    assert '<td class="num is-late">2</td>' in page  # T1's finish and duration, 2 days late


def test_deleting_a_baseline(personas, project, chain):
    baseline = baseline_save(actor=personas.admin.actor, project=project, name="Old")
    assert personas.executive.browser().post(
        f"/projects/baselines/{baseline.pk}/delete/").status_code == 403
    assert personas.outsider.browser().post(
        f"/projects/baselines/{baseline.pk}/delete/").status_code == 404
    response = personas.project_manager.browser().post(
        f"/projects/baselines/{baseline.pk}/delete/", follow=True)
    assert "Old deleted." in html(response)
    assert not Baseline.objects.filter(project=project).exists()
