"""File formats: PSPLIB, the JSON network format, Microsoft Project XML (MSPDI)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tandem.engine.calendar import CalendarSpec
from tandem.engine.cpm import critical_path
from tandem.engine.errors import FormatError, NetworkError
from tandem.engine.formats import read_network
from tandem.engine.formats.jsonfmt import network_from_json, network_to_json, read_json, write_json
from tandem.engine.formats.mspdi import (
    parse_mspdi_bytes,
    read_mspdi,
    read_mspdi_schedule,
    write_mspdi,
)
from tandem.engine.formats.psplib import parse_psplib, read_psplib
from tandem.engine.model import (
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Resource,
    RiskEvent,
    Task,
)

D = dt.date


# ---------------------------------------------------------------- PSPLIB
def test_psplib_reader(psplib_dir: Path) -> None:
    inst = read_psplib(psplib_dir / "j30" / "j301_1.sm")
    assert inst.n_jobs == 32
    assert inst.horizon == 158
    assert inst.mpm_time == 38
    assert inst.capacities == [12, 13, 4, 12]
    assert inst.successors[0] == [1, 2, 3]  # job 1 precedes jobs 2, 3, 4
    assert inst.durations[0] == 0
    assert inst.durations[-1] == 0
    net = inst.to_network()
    assert [t.id for t in net.tasks][:3] == ["1", "2", "3"]
    assert len(net.dependencies) == sum(len(s) for s in inst.successors)


def test_psplib_garbage_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        parse_psplib("jobs (incl. supersource/sink ):  3\nnothing else\n")
    with pytest.raises(FormatError, match="cannot read"):
        read_psplib(tmp_path / "missing.sm")


# ---------------------------------------------------------------- JSON
def sample_network() -> Network:
    return Network(
        name="Sample",
        start=D(2026, 3, 2),
        status_date=D(2026, 3, 10),
        calendar=CalendarSpec(
            country="VN", days_off=(D(2026, 3, 20),), working_days=(D(2026, 3, 21),)
        ),
        tasks=[
            Task("P", name="Phase"),
            Task(
                "A",
                name="Analyse",
                duration=3,
                parent="P",
                demands={"dev": 1},
                actual_start=D(2026, 3, 2),
                percent_complete=40,
                budget=Decimal("1500.00"),
            ),
            Task(
                "B",
                name="Build",
                duration=5,
                parent="P",
                optimistic=4,
                most_likely=5,
                pessimistic=9,
                constraint=ConstraintType.SNET,
                constraint_date=D(2026, 3, 9),
                priority=700,
            ),
            Task("M", name="Done", duration=0, fixed=True),
        ],
        dependencies=[
            Dependency("A", "B", DependencyType.SS, 1),
            Dependency("P", "M", DependencyType.FS, -1),
        ],
        resources=[Resource("dev", "Developers", 2)],
        risks=[RiskEvent("R1", 0.25, 2, ("B",), name="Late API", impact_max=4)],
    )


def test_json_round_trip(tmp_path: Path) -> None:
    net = sample_network()
    path = tmp_path / "plan.json"
    write_json(net, path)
    back = read_json(path)
    assert back == net
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "tandem-network"
    assert doc["tasks"][1]["budget"] == "1500.00"
    assert read_network(str(path))[1] == "json"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"tasks": [{"id": "A", "duration": "5"}]},
            r"tasks\[0\].duration: expected a whole number",
        ),
        ({"tasks": [{"id": "A", "colour": 1}]}, r"tasks\[0\]: unknown key\(s\) colour"),
        ({"tasks": [{"id": "A"}], "start": "02/03/2026"}, r"document.start: invalid date"),
        ({"tasks": [{"id": "A"}], "dependencies": [{"from": "A", "to": "A"}]}, "depends on itself"),
        ({"tasks": [{"id": "A"}], "dependencies": [{"from": "A", "to": "B"}]}, "unknown task 'B'"),
        ({"tasks": [{"id": "A", "budget": 12.5}]}, "decimal string"),
        ({"tasks": [{"id": "A"}], "calendar": {"weekdays": ["xyz"]}}, "weekday"),
        ({"tasks": [{"id": "A", "constraint": "SOON"}]}, "not one of"),
        ({"tasks": [], "version": 9}, "unsupported version"),
        ([1, 2], "expected an object"),
    ],
)
def test_json_errors_name_the_place(doc: object, message: str) -> None:
    with pytest.raises((FormatError, NetworkError), match=message):
        network_from_json(doc)


def test_bad_json_text_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"tasks": [}', encoding="utf-8")
    with pytest.raises(FormatError, match="invalid JSON at line 1"):
        read_json(path)


def test_json_calendar_defaults_to_vietnam_and_null_means_no_holidays() -> None:
    assert network_from_json({"tasks": []}).calendar.country == "VN"
    assert network_from_json({"tasks": [], "calendar": {"country": None}}).calendar.country is None
    doc = network_to_json(Network(tasks=[Task("A", duration=1)]))
    assert doc["calendar"]["weekdays"] == ["mon", "tue", "wed", "thu", "fri"]


# ---------------------------------------------------------------- MSPDI
ALL_MSPDI = [
    "sample.xml",
    "task-links-project2016-mspdi.xml",
    "calendar-calendars-project2013-mspdi.xml",
    "mspdirelations.xml",
    "assignment-assignments-project2010-mspdi.xml",
]


@pytest.mark.parametrize("name", ALL_MSPDI)
def test_every_sample_file_reads(mspdi_dir: Path, name: str) -> None:
    net = read_mspdi(mspdi_dir / name)
    net.validate()
    if net.tasks:
        critical_path(net)


def test_link_types_and_lags_are_read(mspdi_dir: Path) -> None:
    net = read_mspdi(mspdi_dir / "task-links-project2016-mspdi.xml")
    lags = sorted((str(d.type), d.lag) for d in net.dependencies)
    assert lags == [
        ("FF", 2),
        ("FS", 0),
        ("FS", 1),
        ("FS", 2),
        ("FS", 5),
        ("FS", 10),
        ("SF", 2),
        ("SS", 2),
    ]
    assert net.start == D(2016, 2, 8)
    assert net.calendar.weekdays == (0, 1, 2, 3, 4)
    assert net.calendar.country is None


def ms_finish_day(stamp: dt.datetime) -> dt.date:
    """MS Project writes a finish at 08:00 when it is the end of the previous working day."""
    day = stamp.date()
    if stamp.hour <= 8:
        day -= dt.timedelta(days=1)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
    return day


@pytest.mark.parametrize("name", ["task-links-project2016-mspdi.xml", "mspdirelations.xml"])
def test_our_dates_match_ms_projects_own(mspdi_dir: Path, name: str) -> None:
    net = read_mspdi(mspdi_dir / name)
    ms = read_mspdi_schedule(mspdi_dir / name)
    ours = critical_path(net)
    for tid, t in ours.tasks.items():
        assert ms[tid].start is not None
        assert ms[tid].finish is not None
        assert t.start == ms[tid].start.date(), tid
        assert t.finish == ms_finish_day(ms[tid].finish), tid
        assert t.critical == ms[tid].critical, tid


def test_total_float_matches_ms_project_for_finish_linked_tasks(mspdi_dir: Path) -> None:
    """MS Project computes start and finish slack separately; for FS/FF links they agree."""
    net = read_mspdi(mspdi_dir / "task-links-project2016-mspdi.xml")
    ms = read_mspdi_schedule(mspdi_dir / "task-links-project2016-mspdi.xml")
    ours = critical_path(net)
    only_fs_ff = {
        d.predecessor for d in net.dependencies if d.type in (DependencyType.FS, DependencyType.FF)
    }
    for tid in only_fs_ff:
        assert ours.tasks[tid].total_float == ms[tid].total_slack_days
        assert ours.tasks[tid].free_float == ms[tid].free_slack_days


def test_sample_links_of_all_types(mspdi_dir: Path) -> None:
    net = read_mspdi(mspdi_dir / "sample.xml")
    ms = read_mspdi_schedule(mspdi_dir / "sample.xml")
    ours = critical_path(net)
    # The "Task Relationships" group (UIDs 9-21) uses FS 0, FS +1 d, FS -1 d, SS, FF and SF links.
    for uid in ("9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "20", "21"):
        assert ours.tasks[uid].start == ms[uid].start.date(), uid  # type: ignore[union-attr]
    assert {t.parent for t in net.tasks if t.id in ("9", "21")} == {"19"}
    assert ours.tasks["19"].summary


def test_resources_and_assignments_are_read(mspdi_dir: Path) -> None:
    net = read_mspdi(mspdi_dir / "assignment-assignments-project2010-mspdi.xml")
    assert net.resources
    assert all(r.capacity >= 1 for r in net.resources)
    assert any(t.demands for t in net.tasks)


def test_doctype_and_entities_are_refused(tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b'<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol2;</Name></Project>'
    )
    with pytest.raises(FormatError, match="DOCTYPE/ENTITY"):
        parse_mspdi_bytes(bomb)
    with pytest.raises(FormatError, match="not well-formed"):
        parse_mspdi_bytes(b"<Project")
    with pytest.raises(FormatError, match="not an MSPDI file"):
        parse_mspdi_bytes(b"<html/>")


def test_mspdi_round_trip_keeps_the_plan(tmp_path: Path) -> None:
    net = sample_network()
    net.calendar = CalendarSpec(
        country=None, days_off=(D(2026, 3, 20),), working_days=(D(2026, 3, 21),)
    )
    net.risks = []
    net.tasks[1].budget = Decimal("1500.00")
    schedule = critical_path(net)
    path = tmp_path / "plan.xml"
    write_mspdi(net, path, schedule=schedule)
    back = read_mspdi(path)
    # MSPDI has no place for Tandem's "fixed" flag and three-point estimates: all else survives.
    for t in net.tasks:
        t.fixed = False
        t.optimistic = t.most_likely = t.pessimistic = None
    assert {t.id: t for t in back.tasks} == {t.id: t for t in net.tasks}
    assert back.dependencies == net.dependencies
    assert back.resources == net.resources
    assert back.calendar.days_off == net.calendar.days_off
    assert back.calendar.working_days == net.calendar.working_days
    assert (back.start, back.status_date) == (net.start, net.status_date)
    again = critical_path(back)
    assert {k: (v.start, v.finish) for k, v in again.tasks.items()} == {
        k: (v.start, v.finish) for k, v in schedule.tasks.items()
    }


def test_mspdi_export_carries_vietnamese_holidays_as_exceptions(tmp_path: Path) -> None:
    net = Network(
        tasks=[Task("A", duration=10), Task("B", duration=5)],
        dependencies=[Dependency("A", "B")],
        start=D(2026, 2, 2),
        calendar=CalendarSpec(country="VN"),
    )
    schedule = critical_path(net)
    data = write_mspdi(net, schedule=schedule)
    back = parse_mspdi_bytes(data)
    assert back is not None
    path = tmp_path / "vn.xml"
    path.write_bytes(data)
    imported = read_mspdi(path)
    assert D(2026, 2, 17) in imported.calendar.days_off
    assert D(2026, 8, 22) in imported.calendar.working_days  # the official make-up Saturday
    assert critical_path(imported).finish == schedule.finish


def test_read_mspdi_round_trips_a_real_file(mspdi_dir: Path, tmp_path: Path) -> None:
    net = read_mspdi(mspdi_dir / "task-links-project2016-mspdi.xml")
    path = tmp_path / "again.xml"
    write_mspdi(net, path, schedule=critical_path(net))
    back = read_mspdi(path)
    assert [(t.id, t.duration) for t in back.tasks] == [(t.id, t.duration) for t in net.tasks]
    assert sorted(map(str, back.dependencies)) == sorted(map(str, net.dependencies))
