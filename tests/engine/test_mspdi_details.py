"""What the MSPDI module reads besides the network (for imports), and summary dates on export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tandem.engine.cpm import critical_path
from tandem.engine.formats.mspdi import (
    _Q,
    day_start_time,
    parse_mspdi_bytes,
    project_title,
    resources_from_mspdi,
    schedule_from_mspdi,
    write_mspdi,
)
from tandem.engine.model import Dependency, Network, Task


def test_resources_assignments_and_resource_calendars(mspdi_dir: Path) -> None:
    root = parse_mspdi_bytes((mspdi_dir / "sample.xml").read_bytes())
    resources, assignments = resources_from_mspdi(root)
    by_uid = {r.uid: r for r in resources}
    assert set(by_uid) == {"1", "2"}  # not the null resource (UID 0)
    assert by_uid["1"].kind == "work"
    assert not by_uid["1"].own_calendar
    # "Second Resource" works the "Night Shift" base calendar: other hours and weekdays.
    assert by_uid["2"].own_calendar
    assert [(a.task_id, a.resource_uid, a.units, a.work_hours) for a in assignments] == [
        ("2", "1", Decimal("0.5"), Decimal("200.0")),
        ("2", "2", Decimal("0.75"), Decimal("300.0")),
    ]  # the unassigned placeholders (resource -65535) are left out
    assert project_title(root) == "sample"
    assert day_start_time(root) == dt.time(8)


def test_task_details_for_the_comparison(mspdi_dir: Path) -> None:
    sample = schedule_from_mspdi(parse_mspdi_bytes((mspdi_dir / "sample.xml").read_bytes()))
    assert sample["1"].summary
    assert sample["1"].notes == "Test Task Notes"
    assert sample["2"].duration_hours == 800
    assert sample["2"].work_hours == 500
    assert sample["3"].milestone
    assert not sample["3"].manual
    links = schedule_from_mspdi(
        parse_mspdi_bytes((mspdi_dir / "task-links-project2016-mspdi.xml").read_bytes())
    )
    assert all(d.manual for d in links.values())
    assert not any(d.elapsed_lag for d in links.values())


def test_summary_dates_are_whole_days_on_export() -> None:
    net = Network(
        tasks=[Task("S", name="Phase"), Task("A", duration=2, parent="S"),
               Task("B", duration=1, parent="S"), Task("L", name="Later"),
               Task("C", duration=1, parent="L")],
        dependencies=[Dependency("A", "B"), Dependency("S", "C")],
        start=dt.date(2026, 3, 2),
    )
    data = write_mspdi(net, schedule=critical_path(net))
    root = parse_mspdi_bytes(data)
    stamps = {
        el.findtext(f"{_Q}Name"): (el.findtext(f"{_Q}Start"), el.findtext(f"{_Q}Finish"))
        for el in root.iter(f"{_Q}Task")
    }
    # A summary starting with the project is not a milestone at its start.
    assert stamps["Phase"] == ("2026-03-02T08:00:00", "2026-03-04T17:00:00")
    assert stamps["Later"] == ("2026-03-05T08:00:00", "2026-03-05T17:00:00")
