"""API of the files area: MSPDI import and export, the plan as CSV/XLSX, task-list import, with
allowed, forbidden and other-organization callers."""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from tandem.core.tokens import token_issue
from tandem.projects.models import Project, Task
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
MSPDI = Path(os.environ.get("TANDEM_SHARED_DATA", REPO.parent / "shared" / "data")) / "mspdi"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def relations() -> bytes:
    if not MSPDI.is_dir():
        pytest.skip(f"MSPDI samples not found in {MSPDI}")
    return (MSPDI / "mspdirelations.xml").read_bytes()


def _send(persona, method: str, path: str, data: bytes = b"", content_type: str = ""):
    _token, secret = token_issue(membership=persona.membership)
    client = persona.api().client
    call = getattr(client, method)
    kwargs = {"headers": {"Authorization": f"Bearer {secret}"}}
    if method == "post":
        kwargs.update(data=data, content_type=content_type)
    return call(path, **kwargs)


def test_import_mspdi_returns_the_summary(personas, relations):
    response = _send(personas["project_manager"], "post",
                     "/api/v1/projects/import/mspdi?code=REL&name=Relations", relations,
                     "application/xml")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["tasks"], data["dependencies"], data["dates_compared"],
            data["dates_matched"], data["mismatches"]) == (5, 4, 5, 5, [])
    project = Project.objects.get(pk=data["project_id"])
    assert (project.code, project.name) == ("REL", "Relations")
    assert project.manager_id == personas["project_manager"].user.pk


def test_import_mspdi_with_a_client_as_the_account_manager(personas, relations):
    pm = personas["project_manager"].user.pk
    client = personas.client_company.pk
    response = _send(personas["account_manager"], "post",
                     f"/api/v1/projects/import/mspdi?client_id={client}&manager_id={pm}",
                     relations, "application/xml")
    assert response.status_code == 201, response.content
    assert Project.objects.get(pk=response.json()["project_id"]).client_id == client


@pytest.mark.parametrize("name", ["member", "executive", "finance", "client"])
def test_import_mspdi_is_refused_to_who_cannot_create_projects(personas, relations, name):
    response = _send(personas[name], "post", "/api/v1/projects/import/mspdi", relations,
                     "application/xml")
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_a_bad_file_is_a_422_with_the_reason(personas):
    response = _send(personas["admin"], "post", "/api/v1/projects/import/mspdi",
                     b"<html/>", "application/xml")
    assert response.status_code == 422
    assert "not a Microsoft Project XML" in response.json()["detail"]
    response = _send(personas["admin"], "post", "/api/v1/projects/import/mspdi",
                     b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'e'>]><x/>",
                     "application/xml")
    assert response.status_code == 422
    assert "DOCTYPE" in response.json()["detail"]
    assert not Project.objects.exists()


@pytest.mark.parametrize(("name", "status"), [
    ("project_manager", 200), ("member", 404), ("executive", 200), ("account_manager", 200),
    ("client", 403), ("outsider", 404),
])
def test_exports_follow_the_read_rules(personas, name, status):
    project = make_project(personas)
    add_tasks(personas, project, 2, 3)
    for path, kind in ((f"/api/v1/projects/{project.pk}/export/mspdi", "xml"),
                       (f"/api/v1/projects/{project.pk}/export/plan?format=csv", "csv"),
                       (f"/api/v1/projects/{project.pk}/export/plan?format=xlsx", "xlsx")):
        response = _send(personas[name], "get", path)
        assert response.status_code == status, (path, response.content)
        if status == 200:
            assert "attachment" in response["Content-Disposition"]
            assert response["Content-Disposition"].endswith(f'.{kind}"')
    if status == 200:
        body = _send(personas[name], "get",
                     f"/api/v1/projects/{project.pk}/export/plan?format=csv").content
        assert body.startswith(codecs.BOM_UTF8)
        assert b"T1" in body


def test_a_member_on_the_team_exports(personas):
    from tandem.projects.services.projects import member_add

    project = make_project(personas)
    member_add(actor=personas["admin"].actor, project=project,
               user_id=personas["member"].user.pk)
    response = _send(personas["member"], "get", f"/api/v1/projects/{project.pk}/export/mspdi")
    assert response.status_code == 200
    assert response.content.startswith(b"<?xml")


def test_task_import_as_csv_and_xlsx_with_dry_run(personas):
    project = make_project(personas)
    path = f"/api/v1/projects/{project.pk}/tasks/import"
    response = _send(personas["project_manager"], "post", f"{path}?dry_run=true",
                     b"name,duration\nA,2\nB,1\n", "text/csv")
    assert response.status_code == 200
    assert response.json() == {"rows": 2, "imported": 0, "dependencies": 0, "dry_run": True,
                               "errors": []}
    assert not Task.objects.filter(project=project).exists()
    workbook = Workbook()
    workbook.active.append(["name", "duration", "predecessors"])
    workbook.active.append(["A", 2, None])
    workbook.active.append(["B", 1, "1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _send(personas["project_manager"], "post", path, buffer.getvalue(), XLSX)
    assert response.status_code == 200, response.content
    assert (response.json()["imported"], response.json()["dependencies"]) == (2, 1)
    response = _send(personas["project_manager"], "post", path, b"name,duration\n,x\n",
                     "text/csv")
    assert response.status_code == 200
    assert {(e["row"], e["column"]) for e in response.json()["errors"]} == {
        (2, "name"), (2, "duration")}
    response = _send(personas["project_manager"], "post", path, b"{}", "application/json")
    assert response.status_code == 422


@pytest.mark.parametrize(("name", "status"), [
    ("admin", 200), ("executive", 403), ("account_manager", 403), ("client", 403),
    ("outsider", 404),
])
def test_task_import_is_for_the_projects_editors(personas, name, status):
    project = make_project(personas)
    response = _send(personas[name], "post", f"/api/v1/projects/{project.pk}/tasks/import",
                     b"name\nA\n", "text/csv")
    assert response.status_code == status
    assert Task.objects.filter(project=project).exists() == (status == 200)
