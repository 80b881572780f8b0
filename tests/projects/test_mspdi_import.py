"""Microsoft Project XML files import as projects, reproduce MS Project's dates (the mismatches
explained), export, and import again as the same plan."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from tandem.core.errors import PermissionDenied, ValidationError
from tandem.core.models import AuditEntry
from tandem.projects.models import (
    CalendarException,
    Dependency,
    PlanAssignment,
    PlanResource,
    Project,
    Task,
    WorkCalendar,
)
from tandem.projects.services.mspdi import export_mspdi, import_mspdi

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
MSPDI = Path(os.environ.get("TANDEM_SHARED_DATA", REPO.parent / "shared" / "data")) / "mspdi"
D = dt.date


@pytest.fixture(scope="module")
def mspdi_dir() -> Path:
    if not MSPDI.is_dir():
        pytest.skip(f"MSPDI samples not found in {MSPDI}")
    return MSPDI


# Per file: the counts, and the date-match figures with each mismatch as (UID, category).
# sample.xml: "Second Task" (800 h) has a resource on the "Night Shift" calendar, so MS Project
# fits it in 50 days of day + night shifts where Tandem, on the project calendar, needs 100;
# "First Task" is its summary. assignment-assignments: "Task 1" is manually scheduled in
# January 2016, before the project's start (10 March 2016); Tandem schedules it from the start.
EXPECTED = {
    "sample.xml": {
        "counts": {"tasks": 19, "summaries": 3, "milestones": 1, "dependencies": 6, "resources": 2,
                    "assignments": 2, "calendars": 1, "exceptions": 0, "manual_tasks": 0},
        "compared": 19, "matched": 17,
        "mismatches": [("1", "summary_rollup"), ("2", "resource_calendar")],
    },
    "task-links-project2016-mspdi.xml": {
        "counts": {"tasks": 16, "summaries": 0, "milestones": 0, "dependencies": 8, "resources": 0,
                    "assignments": 0, "calendars": 1, "exceptions": 0, "manual_tasks": 16},
        "compared": 16, "matched": 16, "mismatches": [],
    },
    "calendar-calendars-project2013-mspdi.xml": {
        "counts": {"tasks": 0, "summaries": 0, "milestones": 0, "dependencies": 0, "resources": 2,
                    "assignments": 0, "calendars": 1, "exceptions": 0, "manual_tasks": 0},
        "compared": 0, "matched": 0, "mismatches": [],
    },
    "mspdirelations.xml": {
        "counts": {"tasks": 5, "summaries": 0, "milestones": 0, "dependencies": 4, "resources": 0,
                    "assignments": 0, "calendars": 1, "exceptions": 0, "manual_tasks": 0},
        "compared": 5, "matched": 5, "mismatches": [],
    },
    "assignment-assignments-project2010-mspdi.xml": {
        "counts": {"tasks": 3, "summaries": 0, "milestones": 0, "dependencies": 0, "resources": 3,
                    "assignments": 3, "calendars": 1, "exceptions": 0, "manual_tasks": 3},
        "compared": 3, "matched": 2, "mismatches": [("1", "manually_scheduled")],
    },
}


def _import(personas, path: Path, **kwargs):
    """As the admin (who reaches every client), with the project manager persona managing."""
    return import_mspdi(actor=personas["admin"].actor, data=path.read_bytes(),
                        manager_id=personas["project_manager"].user.pk, **kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_shared_file_imports_with_its_date_match_figures(personas, mspdi_dir, name):
    expected = EXPECTED[name]
    summary = _import(personas, mspdi_dir / name)
    data = summary.as_dict()
    for key, value in expected["counts"].items():
        assert data[key] == value, key
    assert (summary.dates_compared, summary.dates_matched) == (expected["compared"],
                                                               expected["matched"])
    assert [(m.uid, m.category) for m in summary.mismatches] == expected["mismatches"]
    assert all(m.explanation and m.category != "unexplained" for m in summary.mismatches)
    project = Project.objects.get(pk=summary.project_id)
    assert project.manager_id == personas["project_manager"].user.pk
    assert project.client_id is None
    assert Task.objects.filter(project=project).count() == expected["counts"]["tasks"]
    assert Dependency.objects.filter(project=project).count() == \
        expected["counts"]["dependencies"]
    assert AuditEntry.objects.filter(action="project.import_mspdi",
                                     object_id=str(project.pk)).exists()


def test_sample_keeps_the_wbs_constraints_notes_and_resources(personas, mspdi_dir):
    summary = _import(personas, mspdi_dir / "sample.xml", client_id=personas.client_company.pk,
                      code="SAMPLE")
    project = Project.objects.get(pk=summary.project_id)
    assert (project.code, project.name, project.start_date) == ("SAMPLE", "sample",
                                                                D(2003, 1, 7))
    assert project.client_id == personas.client_company.pk
    rows = {t.external_uid: t for t in Task.objects.filter(project=project)}
    assert [t.external_uid for t in Task.objects.filter(project=project).order_by("sequence")][
        :4] == ["1", "2", "3", "6"]
    assert rows["1"].is_summary
    assert rows["1"].notes == "Test Task Notes"
    assert rows["2"].parent_id == rows["1"].pk
    assert rows["2"].duration == 100
    assert rows["3"].is_milestone
    assert (rows["7"].constraint_type, rows["7"].constraint_date) == ("SNET", D(2003, 2, 1))
    assert rows["9"].parent_id == rows["19"].pk
    links = {(d.predecessor.external_uid, d.successor.external_uid): (d.type, d.lag)
             for d in Dependency.objects.filter(project=project).select_related(
                 "predecessor", "successor")}
    assert links == {("9", "10"): ("FS", 0), ("11", "12"): ("FS", 1), ("13", "14"): ("FS", -1),
                     ("15", "16"): ("SS", 0), ("17", "18"): ("FF", 0), ("20", "21"): ("SF", 0)}
    resources = {r.external_uid: r for r in PlanResource.objects.filter(project=project)}
    assert {r.name for r in resources.values()} == {"First Resource", "Second Resource"}
    assert resources["1"].kind == "work"
    assert resources["1"].max_units == Decimal("1.00")
    units = sorted((a.resource.name, a.units, a.work_hours)
                   for a in PlanAssignment.objects.filter(project=project)
                   .select_related("resource"))
    assert units == [("First Resource", Decimal("0.50"), Decimal("200.00")),
                     ("Second Resource", Decimal("0.75"), Decimal("300.00"))]
    assert rows["2"].estimate_hours == Decimal("500.00")


def test_progress_and_actuals_are_kept(personas, mspdi_dir):
    summary = _import(personas, mspdi_dir / "assignment-assignments-project2010-mspdi.xml")
    project = Project.objects.get(pk=summary.project_id)
    assert project.status == "active"
    rows = {t.external_uid: t for t in Task.objects.filter(project=project)}
    assert [(rows[u].percent_complete, rows[u].actual_start) for u in ("1", "2", "3")] == [
        (0, None), (25, D(2016, 1, 4)), (50, D(2016, 1, 4))]


def test_the_calendar_becomes_an_organization_calendar_with_a_free_name(personas, mspdi_dir):
    first = Project.objects.get(pk=_import(personas, mspdi_dir / "mspdirelations.xml").project_id)
    second = Project.objects.get(pk=_import(personas, mspdi_dir / "mspdirelations.xml").project_id)
    assert (first.calendar.name, second.calendar.name) == ("Standard", "Standard (2)")
    assert (first.code, second.code) == ("MSP-1", "MSP-2")
    calendar = first.calendar
    assert (calendar.weekdays, calendar.hours_per_day, calendar.country) == ("0,1,2,3,4",
                                                                             Decimal("8.00"), "")
    assert calendar.organization_id == personas.organization.pk


def test_calendar_exceptions_are_imported_and_drive_the_schedule(personas, mspdi_dir):
    data = (mspdi_dir / "mspdirelations.xml").read_bytes()
    holiday = (b"<Exceptions><Exception><EnteredByOccurrences>0</EnteredByOccurrences>"
               b"<TimePeriod><FromDate>2006-09-22T00:00:00</FromDate>"
               b"<ToDate>2006-09-22T23:59:00</ToDate></TimePeriod><Occurrences>1</Occurrences>"
               b"<Name>Holiday</Name><Type>1</Type><DayWorking>0</DayWorking></Exception>"
               b"</Exceptions></Calendar>")
    data = data.replace(b"</Calendar>", holiday, 1)
    summary = import_mspdi(actor=personas["admin"].actor, data=data,
                           manager_id=personas["project_manager"].user.pk)
    assert summary.exceptions == 1
    project = Project.objects.get(pk=summary.project_id)
    assert list(CalendarException.objects.filter(calendar=project.calendar)
                .values_list("day", "working")) == [(D(2006, 9, 22), False)]
    task2 = Task.objects.get(project=project, external_uid="2")
    assert task2.start == D(2006, 9, 25)  # the holiday moved it past the weekend
    # MS Project saved the dates without the holiday: those tasks now differ, explained as
    # following their moved predecessor.
    assert summary.dates_matched < summary.dates_compared
    assert {m.category for m in summary.mismatches} <= {"predecessor", "unexplained"}


@pytest.mark.parametrize("name", ["sample.xml", "task-links-project2016-mspdi.xml",
                                  "mspdirelations.xml",
                                  "assignment-assignments-project2010-mspdi.xml"])
def test_export_then_import_gives_the_same_plan(personas, mspdi_dir, name):
    actor = personas["project_manager"].actor
    first = Project.objects.get(pk=_import(personas, mspdi_dir / name).project_id)
    data = export_mspdi(actor=actor, project=first)
    again = import_mspdi(actor=actor, data=data)
    second = Project.objects.get(pk=again.project_id)
    assert _plan(second) == _plan(first)
    assert second.start_date == first.start_date
    # The exported dates are Tandem's own, so they all match on the way back.
    assert again.dates_matched == again.dates_compared == len(_plan(first)[0])
    assert PlanResource.objects.filter(project=second).count() == \
        PlanResource.objects.filter(project=first, kind="work").count()


def _plan(project):
    tasks = list(Task.objects.filter(project=project).order_by("sequence"))
    index = {t.pk: i for i, t in enumerate(tasks)}
    rows = [(t.name, index.get(t.parent_id), t.is_summary, t.duration, t.constraint_type,
             t.constraint_date, t.percent_complete, t.actual_start, t.actual_finish, t.start,
             t.finish) for t in tasks]
    links = sorted((index[d.predecessor_id], index[d.successor_id], d.type, d.lag)
                   for d in Dependency.objects.filter(project=project))
    return rows, links


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"this is not xml", "not well-formed XML"),
    (b"<html><body/></html>", "not a Microsoft Project XML"),
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "x">]>'
     b'<Project xmlns="http://schemas.microsoft.com/project"/>', "DOCTYPE"),
    (b'<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID>'
     b"<Duration>soon</Duration></Task></Tasks></Project>", "invalid duration"),
])
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_written(
    personas, data, message
):
    calendars = WorkCalendar.objects.count()
    with pytest.raises(ValidationError, match=message):
        import_mspdi(actor=personas["project_manager"].actor, data=data)
    assert not Project.objects.exists()
    assert WorkCalendar.objects.count() == calendars


def test_a_loop_of_links_is_refused_and_nothing_is_written(personas, mspdi_dir):
    data = (mspdi_dir / "mspdirelations.xml").read_bytes()
    loop = (b"<PredecessorLink><PredecessorUID>5</PredecessorUID><Type>1</Type>"
            b"<CrossProject>0</CrossProject><LinkLag>0</LinkLag><LagFormat>7</LagFormat>"
            b"</PredecessorLink>")
    marker = b"<UID>1</UID>"
    start = data.index(marker, data.index(b"<Tasks>"))
    end = data.index(b"</Task>", start)
    data = data[:end] + loop + data[end:]
    with pytest.raises(ValidationError, match="loop"):
        import_mspdi(actor=personas["project_manager"].actor, data=data)
    assert not Project.objects.exists()
    assert not Task.objects.exists()


def test_who_may_import_and_who_manages_the_project(personas, mspdi_dir):
    data = (mspdi_dir / "mspdirelations.xml").read_bytes()
    for name in ("member", "executive", "finance", "client"):
        with pytest.raises(PermissionDenied):
            import_mspdi(actor=personas[name].actor, data=data)
    with pytest.raises(ValidationError, match="manager"):
        import_mspdi(actor=personas["account_manager"].actor, data=data)
    summary = import_mspdi(actor=personas["account_manager"].actor, data=data,
                           manager_id=personas["project_manager"].user.pk,
                           client_id=personas.client_company.pk, name="Warehouse move")
    project = Project.objects.get(pk=summary.project_id)
    assert (project.name, project.client_id) == ("Warehouse move", personas.client_company.pk)
    with pytest.raises(ValidationError, match="client"):
        import_mspdi(actor=personas["project_manager"].actor, data=data, client_id=10**9)


def test_the_client_role_cannot_export(personas, mspdi_dir):
    summary = _import(personas, mspdi_dir / "mspdirelations.xml",
                      client_id=personas.client_company.pk)
    project = Project.objects.get(pk=summary.project_id)
    with pytest.raises(PermissionDenied):
        export_mspdi(actor=personas["client"].actor, project=project)
