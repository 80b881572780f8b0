"""`tandem import mspdi` and `tandem export mspdi`: summaries, JSON, clear errors and exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tandem.cli import main
from tandem.projects.models import Project, Task

REPO = Path(__file__).resolve().parents[2]
MSPDI = Path(os.environ.get("TANDEM_SHARED_DATA", REPO.parent / "shared" / "data")) / "mspdi"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


@pytest.fixture
def sample() -> Path:
    if not MSPDI.is_dir():
        pytest.skip(f"MSPDI samples not found in {MSPDI}")
    return MSPDI / "sample.xml"


def tandem(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_json_with_counts_and_date_matches(capsys, personas, sample):
    code, out, err = tandem(capsys, "import", "mspdi", str(sample), "--org", "acme",
                           "--client", str(personas.client_company.pk), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["tasks"], data["dependencies"], data["resources"]) == (19, 6, 2)
    assert (data["dates_compared"], data["dates_matched"]) == (19, 17)
    assert [m["category"] for m in data["mismatches"]] == ["summary_rollup",
                                                          "resource_calendar"]
    project = Project.objects.get(pk=data["project_id"])
    assert project.client_id == personas.client_company.pk
    assert project.manager_id == personas["admin"].user.pk  # the first administrator


def test_import_prints_a_human_summary_and_takes_a_manager(capsys, personas, sample):
    code, out, _ = tandem(capsys, "import", "mspdi", str(sample), "--org", "acme",
                          "--manager", "project_manager@acme.test")
    assert code == 0
    assert "Dates matching MS Project's: 17 of 19 tasks." in out
    assert "resource_calendar" in out
    project = Project.objects.get()
    assert project.client_id is None
    assert project.manager_id == personas["project_manager"].user.pk


@pytest.mark.parametrize(("args", "message", "exit_code"), [
    (["--org", "nowhere"], "No organization with the slug 'nowhere'", 3),
    (["--org", "acme", "--client", "999999"], "Unknown client", 2),
    (["--org", "acme", "--manager", "member@acme.test"], "project manager", 2),
    (["--org", "acme", "--manager", "ghost@acme.test"], "No one with the email", 3),
])
def test_import_errors_are_clear_and_write_nothing(capsys, personas, sample, args, message,
                                                   exit_code):
    code, _, err = tandem(capsys, "import", "mspdi", str(sample), *args)
    assert code == exit_code
    assert message in err
    assert not Project.objects.exists()


def test_a_bad_or_missing_file_fails(capsys, personas, tmp_path):
    bad = tmp_path / "plan.xml"
    bad.write_text("<html/>")
    code, _, err = tandem(capsys, "import", "mspdi", str(bad), "--org", "acme")
    assert code == 2
    assert "not a Microsoft Project XML" in err
    code, _, err = tandem(capsys, "import", "mspdi", str(tmp_path / "none.xml"), "--org", "acme")
    assert code == 2
    assert "Cannot read" in err
    assert not Project.objects.exists()


def test_export_writes_a_file_that_imports_again(capsys, personas, sample, tmp_path):
    code, out, _ = tandem(capsys, "import", "mspdi", str(sample), "--org", "acme", "--json")
    project_id = json.loads(out)["project_id"]
    target = tmp_path / "out.xml"
    code, out, err = tandem(capsys, "export", "mspdi", str(project_id), "--org", "acme",
                            "-o", str(target))
    assert code == 0, err
    assert f"Exported project {project_id}" in out
    code, out, _ = tandem(capsys, "import", "mspdi", str(target), "--org", "acme", "--json")
    again = json.loads(out)
    assert again["tasks"] == 19
    assert again["dates_matched"] == again["dates_compared"] == 19
    assert Task.objects.filter(project_id=again["project_id"]).count() == 19


def test_export_of_another_organizations_project_is_not_found(capsys, personas, sample,
                                                             tmp_path):
    code, out, _ = tandem(capsys, "import", "mspdi", str(sample), "--org", "acme", "--json")
    project_id = json.loads(out)["project_id"]
    code, _, _err = tandem(capsys, "export", "mspdi", str(project_id), "--org", "other",
                          "-o", str(tmp_path / "x.xml"))
    assert code == 3
    assert not (tmp_path / "x.xml").exists()
