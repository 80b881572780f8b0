"""Pages of the files area: the MSPDI import with its summary (and the upload progress script),
a project's files page with the exports and the task-list import, for allowed, forbidden and
other-organization people."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.projects.models import Project, Task
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
MSPDI = Path(os.environ.get("TANDEM_SHARED_DATA", REPO.parent / "shared" / "data")) / "mspdi"


@pytest.fixture
def sample() -> bytes:
    if not MSPDI.is_dir():
        pytest.skip(f"MSPDI samples not found in {MSPDI}")
    return (MSPDI / "sample.xml").read_bytes()


def test_the_import_page_has_the_form_and_the_progress_script(personas):
    response = personas["project_manager"].browser().get(reverse("projects:import_mspdi"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-encoding="multipart/form-data"' in html
    assert "data-upload-progress" in html
    assert "projects/upload.js" in html
    assert "<progress" in html
    assert "<script>" not in html  # no inline script under the CSP


def test_importing_shows_the_summary_with_the_date_figures(personas, sample):
    browser = personas["project_manager"].browser()
    response = browser.post(reverse("projects:import_mspdi"), {
        "file": SimpleUploadedFile("sample.xml", sample, content_type="application/xml"),
        "manager": str(personas["project_manager"].user.pk), "code": "SMP",
    }, headers={"HX-Request": "true"})
    assert response.status_code == 201
    html = response.content.decode()
    assert 'id="mspdi-import"' in html
    assert "<html" not in html
    assert "17 of 19 tasks" in html
    assert "Resource calendars" in html
    assert "Second Task" in html
    project = Project.objects.get(code="SMP")
    assert f'href="/projects/{project.pk}/"' in html
    assert Task.objects.filter(project=project).count() == 19


def test_a_bad_file_shows_a_form_error_and_imports_nothing(personas):
    response = personas["admin"].browser().post(reverse("projects:import_mspdi"), {
        "file": SimpleUploadedFile("plan.xml", b"<html/>"),
        "manager": str(personas["project_manager"].user.pk),
    })
    assert response.status_code == 422
    assert "not a Microsoft Project XML" in response.content.decode()
    assert not Project.objects.exists()


@pytest.mark.parametrize(("name", "status"), [
    ("account_manager", 200), ("admin", 200), ("member", 403), ("executive", 403),
    ("client", 403), ("outsider", 200),
])
def test_who_may_open_the_import_page(personas, name, status):
    # The outsider administers their own organization, where importing is theirs to do.
    response = personas[name].browser().get(reverse("projects:import_mspdi"))
    assert response.status_code == status


@pytest.mark.parametrize(("name", "status", "can_import"), [
    ("project_manager", 200, True), ("admin", 200, True), ("executive", 200, False),
    ("account_manager", 200, False), ("member", 404, False), ("client", 403, False),
    ("outsider", 404, False),
])
def test_the_files_page_and_exports(personas, name, status, can_import):
    project = make_project(personas)
    add_tasks(personas, project, 1, 2)
    browser = personas[name].browser()
    response = browser.get(reverse("projects:files", args=[project.pk]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert reverse("projects:export_mspdi", args=[project.pk]) in html
        assert (reverse("projects:import_tasks", args=[project.pk]) in html) == can_import
    for url in (reverse("projects:export_mspdi", args=[project.pk]),
                reverse("projects:export_plan", args=[project.pk]) + "?format=xlsx",
                reverse("projects:export_plan", args=[project.pk]) + "?format=csv"):
        exported = browser.get(url)
        assert exported.status_code == status
        if status == 200:
            assert "attachment" in exported["Content-Disposition"]


def test_the_task_import_reports_rows_and_imports(personas):
    project = make_project(personas)
    browser = personas["project_manager"].browser()
    url = reverse("projects:import_tasks", args=[project.pk])
    bad = browser.post(url, {"file": SimpleUploadedFile("t.csv", b"name,duration\n,2\nB,x\n")},
                       headers={"HX-Request": "true"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert 'id="task-import"' in html
    assert "2 rows need fixing" in html
    checked = browser.post(url, {"file": SimpleUploadedFile("t.csv", b"name\nA\nB\n"),
                                 "dry_run": "on"})
    assert checked.status_code == 200
    assert "Every row is good" in checked.content.decode()
    assert not Task.objects.filter(project=project).exists()
    done = browser.post(url, {"file": SimpleUploadedFile("t.csv", b"name,predecessors\nA,\nB,1\n")})
    assert done.status_code == 200
    assert "Every row was imported" in done.content.decode()
    assert Task.objects.filter(project=project).count() == 2
    wrong = browser.post(url, {"file": SimpleUploadedFile("t.pdf", b"%PDF")})
    assert wrong.status_code == 422


@pytest.mark.parametrize(("name", "status"), [
    ("executive", 403), ("account_manager", 403), ("member", 404), ("outsider", 404),
])
def test_the_task_import_is_refused_to_others(personas, name, status):
    project = make_project(personas)
    response = personas[name].browser().post(
        reverse("projects:import_tasks", args=[project.pk]),
        {"file": SimpleUploadedFile("t.csv", b"name\nA\n")},
    )
    assert response.status_code == status
    assert not Task.objects.filter(project=project).exists()
