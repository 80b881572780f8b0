"""GET /api/v1/projects/dashboard: the "my projects" board as JSON, per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.projects.models import Deliverable, ProjectIssue
from tests.personas import ApiClient
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/dashboard"


@pytest.fixture
def project(personas):
    start = timezone.localdate() - dt.timedelta(days=40)
    project = make_project(personas, code="API-1", start_date=start,
                           target_finish=start + dt.timedelta(days=2))
    add_tasks(personas, project, 3, 3)
    ProjectIssue.objects.create(organization=personas.organization, project=project,
                                title="Firewall rules", priority="high")
    Deliverable.objects.create(organization=personas.organization, project=project,
                               name="Design", acceptance_criteria="Signed.", status="submitted",
                               submitted_at=timezone.now())
    project.refresh_from_db()
    return project


def test_the_board_as_json(personas, project):
    response = personas.project_manager.api().get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["total_projects"] == 1
    assert body["late"] == 1
    (row,) = body["projects"]
    assert row["code"] == "API-1"
    assert row["schedule_status"] == "late"
    assert row["schedule_reasons"] == project.schedule_reasons
    assert any("after the target finish" in r for r in row["reasons"])
    assert row["overdue_tasks"] == 2
    assert (row["open_issues"], row["awaiting_acceptance"]) == (1, 1)
    assert body["overdue_tasks"]["total"] == 2
    assert [t["name"] for t in body["overdue_tasks"]["items"]] == ["T1", "T2"]
    assert body["issues"]["items"][0]["title"] == "Firewall rules"
    assert body["awaiting_acceptance"]["items"][0]["name"] == "Design"


@pytest.mark.parametrize(("persona", "sees"), [
    ("admin", True), ("executive", True), ("finance", True), ("project_manager", True),
    ("account_manager", True), ("member", False), ("outsider", False),
])
def test_each_role_sees_its_own(personas, project, persona, sees):
    response = personas[persona].api().get(URL)
    assert response.status_code == 200
    codes = [p["code"] for p in response.json()["projects"]]
    assert codes == (["API-1"] if sees else [])


def test_clients_and_anonymous_callers_are_refused(personas, project):
    assert personas.client.api().get(URL).status_code == 403
    assert ApiClient(None).get(URL).status_code == 401


def test_the_endpoint_costs_a_fixed_number_of_queries(personas, project,
                                                      django_assert_num_queries):
    api = personas.admin.api()
    api.get(URL)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as small:
        assert api.get(URL).status_code == 200
    for n in range(2, 6):
        extra = make_project(personas, code=f"API-{n}",
                             start_date=timezone.localdate() - dt.timedelta(days=30))
        add_tasks(personas, extra, 2, 2)
    with django_assert_num_queries(len(small)):
        assert api.get(URL).json()["total_projects"] == 5
