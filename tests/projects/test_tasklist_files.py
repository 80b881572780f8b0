"""The plan as CSV or XLSX, and a task list imported into a project: per-row report, dry run,
all or nothing, rescheduled in the same transaction."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from tandem.core.errors import PermissionDenied, ValidationError
from tandem.core.models import AuditEntry
from tandem.projects.models import Dependency, Task
from tandem.projects.services.plan import dependency_create, task_create, task_progress
from tandem.projects.services.tasklist import (
    EXPORT_COLUMNS,
    export_plan,
    import_tasks,
    predecessor_text,
)
from tests.projects.factories import START, add_tasks, make_project

pytestmark = pytest.mark.django_db
D = dt.date


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def _rows(content: bytes) -> list[dict[str, str]]:
    text = content.decode("utf-8").removeprefix(codecs.BOM_UTF8.decode("utf-8"))
    return list(csv.DictReader(io.StringIO(text)))


def _planned(personas):
    """Phase (summary) > T1 (3 d) -> T2 (2 d, SS+1); a milestone after T2; T1 in progress."""
    admin = personas["admin"].actor
    project = make_project(personas)
    phase = task_create(actor=admin, project=project, name="=Phase 1")
    t1 = task_create(actor=admin, project=project, name="T1", duration=3, parent_id=phase.pk,
                     assignee_id=personas["member"].user.pk)
    t2 = task_create(actor=admin, project=project, name="T2", duration=2, parent_id=phase.pk)
    done = task_create(actor=admin, project=project, name="Done", duration=0)
    dependency_create(actor=admin, project=project, predecessor_id=t1.pk, successor_id=t2.pk,
                      type="SS", lag=1)
    dependency_create(actor=admin, project=project, predecessor_id=t2.pk, successor_id=done.pk)
    t1.refresh_from_db()
    task_progress(actor=admin, task=t1, expected_version=t1.version,
                  changes={"percent_complete": 40, "actual_start": START})
    return project


def test_predecessors_are_written_as_ms_project_does():
    assert [predecessor_text(3, "FS", 0), predecessor_text(3, "SS", 0),
            predecessor_text(5, "FS", 2), predecessor_text(4, "FF", -1)] == [
        "3", "3SS", "5FS+2", "4FF-1"]


def test_csv_export_has_the_plan_in_wbs_order_with_formulas_neutralised(personas):
    project = _planned(personas)
    rows = _rows(export_plan(actor=personas["member"].actor, project=project,
                             file_format="csv"))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert [(r["id"], r["wbs"], r["name"]) for r in rows] == [
        ("1", "1", "'=Phase 1"), ("2", "1.1", "T1"), ("3", "1.2", "T2"), ("4", "2", "Done")]
    t1, t2, done = rows[1], rows[2], rows[3]
    assert (t1["duration"], t1["start"], t1["percent_complete"], t1["actual_start"]) == (
        "3", START.isoformat(), "40", START.isoformat())
    assert t1["assignee_email"] == "member@acme.test"
    assert (t2["predecessors"], done["predecessors"]) == ("2SS+1", "3")
    assert rows[0]["duration"] == ""  # a summary's duration is rolled up
    assert {r["critical"] for r in rows} <= {"yes", "no"}


def test_xlsx_export_reads_in_a_spreadsheet(personas):
    project = _planned(personas)
    content = export_plan(actor=personas["executive"].actor, project=project,
                          file_format="xlsx")
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == EXPORT_COLUMNS
    assert values[1][2] == "'=Phase 1"
    assert values[2][3] == 3
    assert isinstance(values[2][4], dt.datetime)


def test_the_client_role_gets_no_plan_file(personas):
    project = make_project(personas)
    with pytest.raises(PermissionDenied):
        export_plan(actor=personas["client"].actor, project=project, file_format="csv")


def test_a_task_list_imports_with_its_outline_and_links_and_is_scheduled(personas):
    project = make_project(personas)
    (existing,) = add_tasks(personas, project, 2)
    report = import_tasks(actor=personas["project_manager"].actor, project=project,
                          file_format="csv", file=_csv(
        "wbs,name,duration,predecessors,assignee_email,constraint_type,constraint_date\n"
        "1,Design,,,,,\n"
        "1.1,Sketch,3,,member@acme.test,,\n"
        "1.2,Review,2,2,,,\n"
        "2,Build,5,3FS+1,,SNET,2026-03-16\n"
        "3,Go live,0d,4,,,\n"
    ))
    assert report.ok
    assert (report.rows, report.imported, report.dependencies) == (5, 5, 3)
    rows = {t.name: t for t in Task.objects.filter(project=project)}
    assert [t.name for t in Task.objects.filter(project=project).order_by("sequence")] == [
        existing.name, "Design", "Sketch", "Review", "Build", "Go live"]
    assert rows["Design"].is_summary
    assert rows["Sketch"].parent_id == rows["Design"].pk
    assert rows["Sketch"].assignee_id == personas["member"].user.pk
    assert (rows["Sketch"].start, rows["Sketch"].finish) == (START, D(2026, 3, 4))
    assert rows["Review"].start == D(2026, 3, 5)
    assert rows["Build"].start == D(2026, 3, 16)  # SNET beats FS+1 (Tuesday 10 March)
    assert rows["Go live"].is_milestone
    assert rows["Go live"].start == D(2026, 3, 20)
    link = Dependency.objects.get(successor=rows["Build"])
    assert (link.predecessor_id, link.type, link.lag) == (rows["Review"].pk, "FS", 1)
    assert AuditEntry.objects.filter(action="task.import", object_id=str(project.pk)).exists()


def test_outline_level_or_parent_give_the_indentation_too(personas):
    project = make_project(personas)
    actor = personas["admin"].actor
    import_tasks(actor=actor, project=project, file_format="csv", file=_csv(
        "name,outline_level,duration\nA,1,\nA1,2,2\nA2,2,1\nB,1,4\n"))
    import_tasks(actor=actor, project=project, file_format="csv", file=_csv(
        "id,name,parent,predecessors\n10,C,,\n11,C1,10,\n12,C2,10,11SS\n"))
    rows = {t.name: t for t in Task.objects.filter(project=project)}
    assert rows["A1"].parent_id == rows["A"].pk
    assert rows["A2"].parent_id == rows["A"].pk
    assert rows["B"].parent_id is None
    assert rows["A"].is_summary
    assert rows["C2"].parent_id == rows["C"].pk
    assert Dependency.objects.get(successor=rows["C2"]).type == "SS"


def test_bad_rows_are_reported_and_nothing_is_imported(personas):
    project = make_project(personas)
    report = import_tasks(actor=personas["project_manager"].actor, project=project,
                          file_format="csv", file=_csv(
        "name,duration,predecessors,assignee_email,constraint_type,percent_complete\n"
        "Good,2,,,,\n"
        ",1,,,,\n"
        "Long,2.5,,,,\n"
        "Who,1,,nobody@acme.test,,\n"
        "Links,1,9;1XX,,,\n"
        "Pinned,1,,,MSO,\n"
        "Started,1,,,,50\n"
        "Client,1,,client@acme.test,,\n"
    ))
    problems = {(e.row, e.column) for e in report.errors}
    assert problems == {(3, "name"), (4, "duration"), (5, "assignee_email"),
                        (6, "predecessors"), (7, "constraint_date"), (8, "actual_start"),
                        (9, "assignee_email")}
    assert report.imported == 0
    assert report.bad_rows == [3, 4, 5, 6, 7, 8, 9]
    assert not Task.objects.filter(project=project).exists()
    report = import_tasks(actor=personas["project_manager"].actor, project=project,
                          file_format="csv", file=_csv("name,predecessors\nA,2\nB,1\nC,9\n"))
    assert [(e.row, e.column) for e in report.errors] == [(4, "predecessors")]


def test_a_loop_and_a_bad_header_are_reported(personas):
    project = make_project(personas)
    actor = personas["project_manager"].actor
    report = import_tasks(actor=actor, project=project, file_format="csv",
                          file=_csv("name,predecessors\nA,3\nB,1\nC,2\n"))
    assert len(report.errors) == 1
    assert "loop" in report.errors[0].message
    report = import_tasks(actor=actor, project=project, file_format="csv",
                          file=_csv("title,duration,duration\nA,1,1\n"))
    assert {(e.row, e.column) for e in report.errors} == {(1, "title"), (1, "duration"),
                                                          (1, "name")}
    with pytest.raises(ValidationError, match="empty"):
        import_tasks(actor=actor, project=project, file_format="csv", file=_csv(""))
    assert not Task.objects.filter(project=project).exists()


def test_dry_run_checks_without_writing(personas):
    project = make_project(personas)
    report = import_tasks(actor=personas["admin"].actor, project=project, file_format="csv",
                          file=_csv("name,duration\nA,1\nB,2\n"), dry_run=True)
    assert report.ok
    assert report.dry_run
    assert (report.rows, report.imported) == (2, 0)
    assert not Task.objects.filter(project=project).exists()


def test_an_exported_plan_imports_again_as_the_same_plan(personas):
    source = _planned(personas)
    for file_format in ("csv", "xlsx"):
        content = export_plan(actor=personas["admin"].actor, project=source,
                              file_format=file_format)
        target = make_project(personas, code=f"COPY-{file_format}")
        report = import_tasks(actor=personas["admin"].actor, project=target,
                              file_format=file_format, file=io.BytesIO(content))
        assert report.ok, report.errors
        assert _shape(target) == _shape(source)


def _shape(project):
    tasks = list(Task.objects.filter(project=project).order_by("sequence"))
    index = {t.pk: i for i, t in enumerate(tasks)}
    names = [t.name.removeprefix("'") for t in tasks]
    rows = [(names[i], index.get(t.parent_id), None if t.is_summary else t.duration,
             t.percent_complete, t.actual_start,
             t.assignee_id, t.start, t.finish) for i, t in enumerate(tasks)]
    links = sorted((index[d.predecessor_id], index[d.successor_id], d.type, d.lag)
                   for d in Dependency.objects.filter(project=project))
    return rows, links


def test_xlsx_task_list_with_real_dates_and_numbers(personas):
    project = make_project(personas)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "duration", "constraint_type", "constraint_date"])
    sheet.append(["Kick-off", 1, "Must start on", dt.date(2026, 3, 4)])
    sheet.append(["Work", 4.0, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    report = import_tasks(actor=personas["admin"].actor, project=project, file_format="xlsx",
                          file=buffer)
    assert report.ok, report.errors
    kickoff = Task.objects.get(project=project, name="Kick-off")
    assert (kickoff.constraint_type, kickoff.constraint_date, kickoff.start) == (
        "MSO", D(2026, 3, 4), D(2026, 3, 4))
    assert Task.objects.get(project=project, name="Work").duration == 4


def test_only_the_projects_editors_import(personas):
    project = make_project(personas)
    for name in ("member", "executive", "account_manager", "finance"):
        with pytest.raises(PermissionDenied):
            import_tasks(actor=personas[name].actor, project=project, file_format="csv",
                         file=_csv("name\nA\n"))
