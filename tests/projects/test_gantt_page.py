"""The Gantt chart page: who may open it, and that only the project's editors get a chart they
can drag (the chart's data and saving go through the API, tested in test_gantt_api.py)."""

from __future__ import annotations

import re

import pytest

from tandem.projects.models import ProjectMember
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project


@pytest.fixture
def project(personas):
    project = make_project(personas, code="GNT-1", name="Warehouse rollout")
    add_tasks(personas, project, 3, 2)
    return project


def url(project):
    return f"/projects/{project.pk}/gantt/"


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_opens_the_gantt_page(personas, project, name):
    response = personas[name].browser().get(url(project))

    # The member is not on the team; the client sees overview and deliverables only; another
    # organization gets the same 404 as a project that does not exist.
    readers = {"admin", "executive", "finance", "account_manager", "project_manager"}
    assert response.status_code == (200 if name in readers else 404)


@pytest.mark.parametrize(("name", "editable"), [("admin", "true"), ("project_manager", "true"),
                                                ("executive", "false"),
                                                ("account_manager", "false")])
def test_only_editors_get_a_draggable_chart(personas, project, name, editable):
    html = personas[name].browser().get(url(project)).content.decode()

    assert f'data-can-edit="{editable}"' in html
    assert f'data-url="/api/v1/projects/{project.pk}/gantt"' in html
    assert ("Read-only" in html) == (editable == "false")


def test_a_team_member_sees_the_chart_read_only(personas, project):
    ProjectMember.objects.create(organization=personas.organization, project=project,
                                 user=personas.member.user)

    response = personas.member.browser().get(url(project))

    assert response.status_code == 200
    assert 'data-can-edit="false"' in response.content.decode()


def test_the_page_loads_the_chart_without_inline_script_or_style(personas, project):
    response = personas.project_manager.browser().get(url(project))
    html = response.content.decode()

    assert "Warehouse rollout" in html
    assert 'aria-current="page"' in html
    assert f'href="/projects/{project.pk}/gantt/"' in html
    assert "/static/projects/gantt.js" in html
    assert "/static/projects/gantt.css" in html
    assert not re.search(r"\sstyle=", html)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert all('src="' in attrs or 'type="application/json"' in attrs
               for attrs, _body in scripts)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_signing_in_comes_first(client, project):
    response = client.get(url(project))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_project_is_404(personas):
    assert personas.admin.browser().get("/projects/987654/gantt/").status_code == 404
