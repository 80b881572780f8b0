"""Microsoft Project XML (MSPDI) reader and writer.

Only the standard library's ElementTree is used, behind a guard that refuses any document with a
DOCTYPE or ENTITY declaration: that is where XML's dangerous features live (entity expansion
bombs, external entities), and MS Project never writes one.

Mapping (see docs/engine.md): tasks by outline level become the WBS (``parent``); durations and
lags, stored by MS Project in hours and tenths of minutes, become whole working days (durations
rounded up, lags to the nearest day) using the project's minutes per day; the project calendar's
weekdays and exceptions become a :class:`CalendarSpec` without a country (MS Project keeps
holidays as calendar exceptions, so the writer exports the public holidays as exceptions too);
resource units (1.0 = one full-time resource) become whole units. A Tandem task id is kept in the
``Text1`` custom field so that an exported plan reads back with the same ids.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tandem.engine.calendar import CalendarSpec, WorkCalendar
from tandem.engine.cpm import CpmResult
from tandem.engine.errors import FormatError
from tandem.engine.model import ConstraintType, Dependency, DependencyType, Network, Resource, Task

NS = "http://schemas.microsoft.com/project"
_Q = f"{{{NS}}}"
TEXT1_FIELD_ID = "188743731"  # Task Text1
RESOURCE_TEXT1_FIELD_ID = "205520904"  # Resource Text1
TANDEM_ID_ALIAS = "Tandem ID"

# MSPDI codes
_LINK_TYPES = {
    0: DependencyType.FF,
    1: DependencyType.FS,
    2: DependencyType.SF,
    3: DependencyType.SS,
}
_LINK_CODES = {v: k for k, v in _LINK_TYPES.items()}
_CONSTRAINTS = {
    0: ConstraintType.ASAP,
    1: ConstraintType.ALAP,
    2: ConstraintType.MSO,
    3: ConstraintType.MFO,
    4: ConstraintType.SNET,
    5: ConstraintType.SNLT,
    6: ConstraintType.FNET,
    7: ConstraintType.FNLT,
}
_CONSTRAINT_CODES = {v: k for k, v in _CONSTRAINTS.items()}
# Elapsed lag formats count calendar time (24 h a day, 7 days a week), not working time.
_ELAPSED_LAG_FORMATS = {4, 6, 8, 10, 12, 36, 38, 40, 42, 44}
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DURATION = re.compile(
    r"^-?P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


@dataclass
class MspdiTaskDates:
    """What MS Project itself computed for a task (for cross-checks and imports of actuals)."""

    uid: str
    start: dt.datetime | None
    finish: dt.datetime | None
    total_slack_days: float | None
    free_slack_days: float | None
    critical: bool | None
    # What an importer needs besides the network, and what explains a date MS Project computed
    # differently: a manually scheduled task (dates typed in, not computed), a duration that is
    # not whole days, a task calendar, links with elapsed lag.
    manual: bool = False
    summary: bool = False
    milestone: bool = False
    duration_hours: float = 0.0
    work_hours: float | None = None
    calendar_uid: str | None = None
    elapsed_lag: bool = False
    notes: str = ""


@dataclass
class MspdiResource:
    """A resource as MS Project keeps it (``kind``: work, material or cost)."""

    uid: str
    name: str
    kind: str
    max_units: Decimal
    email: str
    calendar_uid: str | None
    # The resource's calendar gives other working time than the project calendar (other
    # weekdays or hours, or its own exceptions): MS Project then schedules its tasks on it.
    own_calendar: bool


@dataclass
class MspdiAssignment:
    task_id: str  # as read_mspdi names the task
    task_uid: str
    resource_uid: str
    units: Decimal  # 1 = one full-time resource
    work_hours: Decimal


# ---------------------------------------------------------------------- parsing helpers
def _refuse_dtd(data: bytes, source: str) -> None:
    if _DTD.search(data):
        raise FormatError(f"{source}: DOCTYPE/ENTITY declarations are not allowed in MSPDI files")


def _parse(path: str | Path) -> ET.Element:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read {p}: {exc.strerror or exc}") from exc
    return parse_mspdi_bytes(data, source=str(p))


def parse_mspdi_bytes(data: bytes, *, source: str = "input") -> ET.Element:
    _refuse_dtd(data, source)
    try:
        root = ET.fromstring(data)  # noqa: S314 -- DOCTYPE/ENTITY refused above
    except ET.ParseError as exc:
        raise FormatError(f"{source}: not well-formed XML: {exc}") from exc
    if root.tag != f"{_Q}Project":
        raise FormatError(f"{source}: not an MSPDI file (root element is {root.tag!r})")
    return root


def _text(el: ET.Element, tag: str) -> str | None:
    child = el.find(_Q + tag)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def _int(el: ET.Element, tag: str, default: int = 0) -> int:
    value = _text(el, tag)
    if value is None or value == "":
        return default
    try:
        return int(float(value))
    except ValueError as exc:
        raise FormatError(f"element {tag}: expected a number, got {value!r}") from exc


def _float(el: ET.Element, tag: str) -> float | None:
    value = _text(el, tag)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise FormatError(f"element {tag}: expected a number, got {value!r}") from exc


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise FormatError(f"invalid date-time {value!r}") from exc


def _date(value: str | None) -> dt.date | None:
    stamp = _datetime(value)
    return None if stamp is None else stamp.date()


def duration_hours(value: str | None) -> float:
    """Hours in an MSPDI duration such as ``PT16H0M0S`` (or ``P1DT2H``)."""
    if not value:
        return 0.0
    m = _DURATION.match(value.strip())
    if not m:
        raise FormatError(f"invalid duration {value!r}")
    d, h, mi, s = (float(x) if x else 0.0 for x in m.groups())
    hours = d * 24 + h + mi / 60 + s / 3600
    return -hours if value.strip().startswith("-") else hours


# ---------------------------------------------------------------------- reading
def read_mspdi(path: str | Path) -> Network:
    """Read an MSPDI file into a :class:`Network` (see the module docstring for the mapping)."""
    return network_from_mspdi(_parse(path), source=str(path))


def read_mspdi_schedule(path: str | Path) -> dict[str, MspdiTaskDates]:
    """MS Project's own computed dates and slack per task id (as :func:`read_mspdi` names them)."""
    return schedule_from_mspdi(_parse(path))


def schedule_from_mspdi(root: ET.Element) -> dict[str, MspdiTaskDates]:
    """:func:`read_mspdi_schedule` of a parsed document (see :func:`parse_mspdi_bytes`)."""
    minutes_per_day = _int(root, "MinutesPerDay", 480) or 480
    ids = _task_ids(root)
    out: dict[str, MspdiTaskDates] = {}
    for el in _task_elements(root):
        uid = _text(el, "UID") or ""
        ts, fs = _float(el, "TotalSlack"), _float(el, "FreeSlack")
        crit = _text(el, "Critical")
        work = _text(el, "Work")
        cal = _text(el, "CalendarUID")
        out[ids[uid]] = MspdiTaskDates(
            uid=uid,
            start=_datetime(_text(el, "Start")),
            finish=_datetime(_text(el, "Finish")),
            total_slack_days=None if ts is None else ts / (10 * minutes_per_day),
            free_slack_days=None if fs is None else fs / (10 * minutes_per_day),
            critical=None if crit is None else crit == "1",
            manual=_text(el, "Manual") == "1",
            summary=_text(el, "Summary") == "1",
            milestone=_text(el, "Milestone") == "1",
            duration_hours=duration_hours(_text(el, "Duration")),
            work_hours=None if work is None else duration_hours(work),
            calendar_uid=None if cal in (None, "", "-1") else cal,
            elapsed_lag=any(
                _int(link, "LagFormat", 7) in _ELAPSED_LAG_FORMATS and _float(link, "LinkLag")
                for link in el.findall(_Q + "PredecessorLink")
            ),
            notes=(_text(el, "Notes") or "")[:100_000],
        )
    return out


def project_title(root: ET.Element) -> str:
    """The project's title: ``Title`` (what MS Project shows), else ``Name`` (often the file's)."""
    return _text(root, "Title") or _text(root, "Name") or ""


def day_start_time(root: ET.Element) -> dt.time:
    """When the working day starts (``DefaultStartTime``, 08:00 when absent or unreadable)."""
    try:
        return dt.time.fromisoformat(_text(root, "DefaultStartTime") or "08:00:00")
    except ValueError:
        return dt.time(8)


def resources_from_mspdi(
    root: ET.Element,
) -> tuple[list[MspdiResource], list[MspdiAssignment]]:
    """Every resource (work, material, cost; not MS Project's null resource) and every assignment
    of a task of the file to one of them, with units and work as written."""
    calendars = {_text(c, "UID"): c for c in root.findall(f"{_Q}Calendars/{_Q}Calendar")}
    project_week = _working_week(calendars, _text(root, "CalendarUID"))
    resources: list[MspdiResource] = []
    for el in root.findall(f"{_Q}Resources/{_Q}Resource"):
        uid = _text(el, "UID") or ""
        if uid in ("", "0") or _text(el, "IsNull") == "1":
            continue
        kind = {"0": "material", "2": "cost"}.get(_text(el, "Type") or "1", "work")
        cal = _text(el, "CalendarUID")
        units = _decimal(_text(el, "MaxUnits"), Decimal(1))
        resources.append(MspdiResource(
            uid=uid,
            name=_text(el, "Name") or f"Resource {uid}",
            kind=kind,
            max_units=units,
            email=_text(el, "EmailAddress") or "",
            calendar_uid=cal,
            own_calendar=cal in calendars and _working_week(calendars, cal) != project_week,
        ))
    known = {r.uid for r in resources}
    ids = _task_ids(root)
    assignments: list[MspdiAssignment] = []
    for el in root.findall(f"{_Q}Assignments/{_Q}Assignment"):
        task_uid, res_uid = _text(el, "TaskUID") or "", _text(el, "ResourceUID") or ""
        if task_uid not in ids or res_uid not in known:
            continue
        assignments.append(MspdiAssignment(
            task_id=ids[task_uid],
            task_uid=task_uid,
            resource_uid=res_uid,
            units=_decimal(_text(el, "Units"), Decimal(1)),
            work_hours=Decimal(str(round(duration_hours(_text(el, "Work")), 2))),
        ))
    return resources, assignments


def _decimal(value: str | None, default: Decimal) -> Decimal:
    if not value:
        return default
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise FormatError(f"expected a number, got {value!r}") from exc
    if not number.is_finite():
        raise FormatError(f"expected a number, got {value!r}")
    return number


def _working_week(
    calendars: dict[str | None, ET.Element], uid: str | None
) -> tuple[tuple[int, ...], frozenset[tuple[str | None, str | None, bool]]]:
    """Working minutes per weekday and the exceptions of a calendar with its base calendars, to
    tell whether two calendars give the same working time."""
    chain: list[ET.Element] = []
    cal = calendars.get(uid)
    while cal is not None and cal not in chain:
        chain.append(cal)
        cal = calendars.get(_text(cal, "BaseCalendarUID"))
    minutes = [0, 480, 480, 480, 480, 480, 0]  # MSPDI order: Sunday first
    exceptions: set[tuple[str | None, str | None, bool]] = set()
    for c in reversed(chain):
        for wd in c.findall(f"{_Q}WeekDays/{_Q}WeekDay"):
            day_type = _int(wd, "DayType", -1)
            works = _text(wd, "DayWorking") == "1"
            if 1 <= day_type <= 7:
                minutes[day_type - 1] = _period_minutes(wd) if works else 0
            elif day_type == 0:
                exceptions.add(_exception_key(wd, works))
        for ex in c.findall(f"{_Q}Exceptions/{_Q}Exception"):
            exceptions.add(_exception_key(ex, _text(ex, "DayWorking") == "1"))
    return tuple(minutes), frozenset(exceptions)


def _exception_key(el: ET.Element, works: bool) -> tuple[str | None, str | None, bool]:
    period = el.find(_Q + "TimePeriod")
    if period is None:
        return (None, None, works)
    return (_text(period, "FromDate"), _text(period, "ToDate"), works)


def _period_minutes(el: ET.Element) -> int:
    total = 0
    for wt in el.findall(f"{_Q}WorkingTimes/{_Q}WorkingTime"):
        a, b = _text(wt, "FromTime"), _text(wt, "ToTime")
        if not a or not b:
            continue
        try:
            first, last = dt.time.fromisoformat(a), dt.time.fromisoformat(b)
        except ValueError as exc:
            raise FormatError(f"invalid working time {a!r}-{b!r}") from exc
        start = first.hour * 60 + first.minute
        end = last.hour * 60 + last.minute
        total += (end if end > start else end + 1440) - start
    return total


def _task_elements(root: ET.Element) -> list[ET.Element]:
    tasks = root.find(_Q + "Tasks")
    if tasks is None:
        return []
    return [
        el
        for el in tasks.findall(_Q + "Task")
        if _text(el, "UID") not in (None, "0") and _text(el, "IsNull") != "1"
    ]


def _tandem_field_ids(root: ET.Element) -> set[str | None]:
    return {
        _text(a, "FieldID")
        for a in root.findall(f"{_Q}ExtendedAttributes/{_Q}ExtendedAttribute")
        if _text(a, "Alias") == TANDEM_ID_ALIAS
    }


def _tandem_value(el: ET.Element, field_ids: set[str | None]) -> str | None:
    for ext in el.findall(_Q + "ExtendedAttribute"):
        if _text(ext, "FieldID") in field_ids:
            return _text(ext, "Value")
    return None


def _task_ids(root: ET.Element) -> dict[str, str]:
    """Task UID -> Tandem id: the ``Tandem ID`` custom field when present, else the UID."""
    field_ids = _tandem_field_ids(root)
    ids: dict[str, str] = {}
    for el in _task_elements(root):
        uid = _text(el, "UID") or ""
        ids[uid] = _tandem_value(el, field_ids) or uid
    if len(set(ids.values())) != len(ids):
        return {uid: uid for uid in ids}  # ids clash: fall back to UIDs, which are unique
    return ids


def _calendar(root: ET.Element, hours_per_day: float) -> CalendarSpec:
    cal_uid = _text(root, "CalendarUID")
    calendars = {_text(c, "UID"): c for c in root.findall(f"{_Q}Calendars/{_Q}Calendar")}
    cal = calendars.get(cal_uid) if cal_uid else None
    if cal is None:
        return CalendarSpec(country=None, hours_per_day=hours_per_day)
    chain = [cal]
    base = calendars.get(_text(cal, "BaseCalendarUID"))
    while base is not None and base not in chain:
        chain.append(base)
        base = calendars.get(_text(base, "BaseCalendarUID"))
    weekdays = {0, 1, 2, 3, 4}
    days_off: set[dt.date] = set()
    working: set[dt.date] = set()
    # Apply from the base calendar to the derived one, so the derived calendar's days win.
    for c in reversed(chain):
        for wd in c.findall(f"{_Q}WeekDays/{_Q}WeekDay"):
            day_type = _int(wd, "DayType", -1)
            works = _text(wd, "DayWorking") == "1"
            if 1 <= day_type <= 7:
                weekday = (day_type - 2) % 7  # MSPDI: 1 = Sunday, 2 = Monday ...
                (weekdays.add if works else weekdays.discard)(weekday)
            elif day_type == 0:  # MS Project 2003 style exception
                _exception(wd, works, days_off, working)
        for ex in c.findall(f"{_Q}Exceptions/{_Q}Exception"):
            _exception(ex, _text(ex, "DayWorking") == "1", days_off, working)
    return CalendarSpec(
        name=_text(cal, "Name") or "Standard",
        country=None,
        weekdays=tuple(sorted(weekdays)),
        hours_per_day=hours_per_day,
        days_off=tuple(sorted(days_off - working)),
        working_days=tuple(sorted(working)),
    )


def _exception(el: ET.Element, works: bool, days_off: set[dt.date], working: set[dt.date]) -> None:
    period = el.find(_Q + "TimePeriod")
    if period is None:
        return
    first, last = _date(_text(period, "FromDate")), _date(_text(period, "ToDate"))
    if first is None or last is None:
        return
    if (last - first).days > 3660:
        raise FormatError("a calendar exception spans more than ten years")
    day = first
    while day <= last:
        (working if works else days_off).add(day)
        (days_off if works else working).discard(day)
        day += dt.timedelta(days=1)


def network_from_mspdi(root: ET.Element, *, source: str = "input") -> Network:
    minutes_per_day = _int(root, "MinutesPerDay", 480) or 480
    hours_per_day = minutes_per_day / 60
    calendar = _calendar(root, hours_per_day)
    ids = _task_ids(root)
    elements = _task_elements(root)
    tasks: list[Task] = []
    stack: list[tuple[int, str]] = []  # (outline level, id) of the open summaries
    durations: dict[str, int] = {}
    for el in elements:
        uid = _text(el, "UID") or ""
        tid = ids[uid]
        level = _int(el, "OutlineLevel", 1)
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        summary = _text(el, "Summary") == "1"
        hours = duration_hours(_text(el, "Duration"))
        days = 0 if summary else max(0, math.ceil(hours / hours_per_day - 1e-9))
        durations[tid] = days
        constraint = _CONSTRAINTS.get(_int(el, "ConstraintType", 0), ConstraintType.ASAP)
        cdate = _date(_text(el, "ConstraintDate"))
        if constraint in (ConstraintType.ASAP, ConstraintType.ALAP):
            cdate = None
        elif cdate is None:
            constraint = ConstraintType.ASAP
        pct = _float(el, "PercentComplete") or 0.0
        tasks.append(
            Task(
                id=tid,
                name=_text(el, "Name") or "",
                duration=days,
                parent=parent,
                constraint=constraint,
                constraint_date=cdate,
                actual_start=_date(_text(el, "ActualStart")),
                actual_finish=_date(_text(el, "ActualFinish")),
                percent_complete=min(max(pct, 0.0), 100.0),
                priority=_int(el, "Priority", 500),
                budget=_baseline_cost(el),
            )
        )
        if summary:
            stack.append((level, tid))
    # A task flagged as summary but without children stays a plain task (MS Project allows it).
    deps: list[Dependency] = []
    for el in elements:
        succ = ids[_text(el, "UID") or ""]
        for link in el.findall(_Q + "PredecessorLink"):
            pred_uid = _text(link, "PredecessorUID") or ""
            if pred_uid not in ids:
                continue  # a link to another project (external task): not part of this network
            lag_tenths = _float(link, "LinkLag") or 0.0
            fmt = _int(link, "LagFormat", 7)
            per_day = 10 * (1440 * 5 / 7 if fmt in _ELAPSED_LAG_FORMATS else minutes_per_day)
            deps.append(
                Dependency(
                    predecessor=ids[pred_uid],
                    successor=succ,
                    type=_LINK_TYPES.get(_int(link, "Type", 1), DependencyType.FS),
                    lag=round(lag_tenths / per_day),
                )
            )
    resources, demands = _resources(root, ids)
    for t in tasks:
        t.demands = demands.get(t.id, {})
    network = Network(
        tasks=tasks,
        dependencies=deps,
        resources=resources,
        calendar=calendar,
        start=_date(_text(root, "StartDate")),
        status_date=_date(_text(root, "StatusDate")),
        name=_text(root, "Name") or _text(root, "Title") or "",
    )
    try:
        network.validate()
    except FormatError:
        raise
    except Exception as exc:
        raise FormatError(f"{source}: {exc}") from exc
    return network


def _baseline_cost(el: ET.Element) -> Decimal | None:
    for base in el.findall(_Q + "Baseline"):
        if _text(base, "Number") in (None, "0"):
            cost = _text(base, "Cost")
            if cost:
                try:
                    # MS Project stores cost in cents in some versions and units in others; the
                    # value is taken as written, in the project's currency units.
                    return Decimal(cost)
                except InvalidOperation:
                    return None
    return None


def _resources(
    root: ET.Element, ids: dict[str, str]
) -> tuple[list[Resource], dict[str, dict[str, int]]]:
    resources: list[Resource] = []
    names: dict[str, str] = {}
    field_ids = _tandem_field_ids(root)
    for el in root.findall(f"{_Q}Resources/{_Q}Resource"):
        uid = _text(el, "UID") or ""
        if uid == "0" or _text(el, "IsNull") == "1" or _text(el, "Type") == "0":
            continue  # the null resource, and material resources (not capacity-bound)
        units = _float(el, "MaxUnits")
        capacity = max(1, round(units)) if units is not None else 1
        rid = _tandem_value(el, field_ids) or f"R{uid}"
        names[uid] = rid
        resources.append(Resource(id=rid, name=_text(el, "Name") or rid, capacity=capacity))
    demands: dict[str, dict[str, int]] = {}
    for el in root.findall(f"{_Q}Assignments/{_Q}Assignment"):
        task_uid, res_uid = _text(el, "TaskUID") or "", _text(el, "ResourceUID") or ""
        if task_uid not in ids or res_uid not in names:
            continue
        units = _float(el, "Units")
        amount = 1 if units is None else max(1, round(units)) if units > 0 else 0
        if amount:
            per_task = demands.setdefault(ids[task_uid], {})
            per_task[names[res_uid]] = per_task.get(names[res_uid], 0) + amount
    return resources, demands


# ---------------------------------------------------------------------- writing
def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = str(text)
    return el


def _stamp(day: dt.date, hour: int) -> str:
    return dt.datetime(day.year, day.month, day.day, hour).isoformat()  # noqa: DTZ001 -- MSPDI dates are local, naive


def _hours(days: float) -> str:
    minutes = round(days * 60)
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def write_mspdi(
    network: Network,
    path: str | Path | None = None,
    *,
    schedule: CpmResult | None = None,
) -> bytes:
    """MSPDI XML for ``network`` (with the dates of ``schedule`` when given); written to ``path``.

    Public holidays of the calendar's country are written as calendar exceptions over the
    schedule's years, since MS Project has no notion of a country's holidays.
    """
    network.validate()
    hpd = network.calendar.hours_per_day
    minutes_per_day = round(hpd * 60)
    root = ET.Element("Project", {"xmlns": NS})
    _sub(root, "SaveVersion", 14)
    _sub(root, "Name", network.name or "Tandem plan")
    _sub(root, "ScheduleFromStart", 1)
    if network.start is not None:
        _sub(root, "StartDate", _stamp(network.start, 8))
    if schedule is not None and schedule.finish is not None:
        _sub(root, "FinishDate", _stamp(schedule.finish, 17))
    if network.status_date is not None:
        _sub(root, "StatusDate", _stamp(network.status_date, 17))
    _sub(root, "CalendarUID", 1)
    _sub(root, "MinutesPerDay", minutes_per_day)
    _sub(root, "MinutesPerWeek", minutes_per_day * len(network.calendar.weekdays))
    ext = _sub(root, "ExtendedAttributes")
    attr = _sub(ext, "ExtendedAttribute")
    _sub(attr, "FieldID", TEXT1_FIELD_ID)
    _sub(attr, "FieldName", "Text1")
    _sub(attr, "Alias", TANDEM_ID_ALIAS)
    attr = _sub(ext, "ExtendedAttribute")
    _sub(attr, "FieldID", RESOURCE_TEXT1_FIELD_ID)
    _sub(attr, "FieldName", "Text1")
    _sub(attr, "Alias", TANDEM_ID_ALIAS)
    _write_calendar(root, network, schedule, hpd)
    uid_of = _write_tasks(root, network, schedule, hpd, minutes_per_day)
    _write_resources(root, network, uid_of)
    ET.indent(root, space="\t")
    data = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _write_calendar(
    root: ET.Element, network: Network, schedule: CpmResult | None, hpd: float
) -> None:
    spec = network.calendar
    cals = _sub(root, "Calendars")
    cal = _sub(cals, "Calendar")
    _sub(cal, "UID", 1)
    _sub(cal, "Name", spec.name)
    _sub(cal, "IsBaseCalendar", 1)
    _sub(cal, "BaseCalendarUID", -1)
    week = _sub(cal, "WeekDays")
    for day_type in range(1, 8):
        wd = _sub(week, "WeekDay")
        _sub(wd, "DayType", day_type)
        works = (day_type - 2) % 7 in spec.weekdays
        _sub(wd, "DayWorking", int(works))
        if works:
            _working_times(wd, hpd)
    off: dict[dt.date, str] = dict.fromkeys(spec.days_off, "Day off")
    if spec.country and network.start is not None:
        first = network.start
        last = schedule.finish if schedule is not None and schedule.finish else first
        last = max(last, first) + dt.timedelta(days=366)
        calendar = WorkCalendar(spec, around=first)
        for day, name in calendar.holidays_between(dt.date(first.year, 1, 1), last):
            if not calendar.is_working_day(day):
                off.setdefault(day, name)
        for day in calendar.days_off_between(dt.date(first.year, 1, 1), last):
            if day.weekday() in spec.weekdays:
                off.setdefault(day, "Day off")
        # Official make-up Saturdays are working days that MS Project must be told about.
        extra_work = {
            day
            for day in _daterange(dt.date(first.year, 1, 1), last)
            if day.weekday() not in spec.weekdays and calendar.is_working_day(day)
        }
    else:
        extra_work = set(spec.working_days)
    exceptions = _sub(cal, "Exceptions")
    for day, name in sorted(off.items()):
        _exception_el(exceptions, day, name, working=False, hpd=hpd)
    for day in sorted(extra_work):
        _exception_el(exceptions, day, "Working day", working=True, hpd=hpd)


def _daterange(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def _working_times(parent: ET.Element, hpd: float) -> None:
    times = _sub(parent, "WorkingTimes")
    # Morning from 08:00, an hour's lunch break, the rest in the afternoon.
    morning = min(hpd, 4.0)
    spans = [(8 * 60, 8 * 60 + round(morning * 60))]
    if hpd > morning:
        spans.append((13 * 60, 13 * 60 + round((hpd - morning) * 60)))
    for a, b in spans:
        wt = _sub(times, "WorkingTime")
        _sub(wt, "FromTime", f"{a // 60:02d}:{a % 60:02d}:00")
        _sub(wt, "ToTime", f"{min(b, 1439) // 60:02d}:{min(b, 1439) % 60:02d}:00")


def _exception_el(
    parent: ET.Element, day: dt.date, name: str, *, working: bool, hpd: float
) -> None:
    ex = _sub(parent, "Exception")
    _sub(ex, "EnteredByOccurrences", 0)
    period = _sub(ex, "TimePeriod")
    _sub(period, "FromDate", _stamp(day, 0))
    _sub(period, "ToDate", dt.datetime(day.year, day.month, day.day, 23, 59).isoformat())  # noqa: DTZ001
    _sub(ex, "Occurrences", 1)
    _sub(ex, "Name", name)
    _sub(ex, "Type", 1)
    _sub(ex, "DayWorking", int(working))
    if working:
        _working_times(ex, hpd)


def _wbs_order(network: Network) -> list[tuple[Task, int, str]]:
    """Tasks in outline order with their level and outline number (children after parents)."""
    kids: dict[str | None, list[Task]] = {}
    for t in network.tasks:
        kids.setdefault(t.parent, []).append(t)
    out: list[tuple[Task, int, str]] = []

    def visit(parent: str | None, level: int, prefix: str) -> None:
        for k, t in enumerate(kids.get(parent, []), start=1):
            number = f"{prefix}{k}"
            out.append((t, level, number))
            visit(t.id, level + 1, number + ".")

    visit(None, 1, "")
    return out


def _write_tasks(
    root: ET.Element,
    network: Network,
    schedule: CpmResult | None,
    hpd: float,
    minutes_per_day: int,
) -> dict[str, int]:
    summaries = network.summary_ids()
    ordered = _wbs_order(network)
    uid_of = {t.id: i for i, (t, _, _) in enumerate(ordered, start=1)}
    preds: dict[str, list[Dependency]] = {}
    for d in network.dependencies:
        preds.setdefault(d.successor, []).append(d)
    tasks_el = _sub(root, "Tasks")
    top = _sub(tasks_el, "Task")
    _sub(top, "UID", 0)
    _sub(top, "ID", 0)
    _sub(top, "Name", network.name or "Tandem plan")
    _sub(top, "OutlineLevel", 0)
    _sub(top, "Summary", 1)
    for t, level, number in ordered:
        el = _sub(tasks_el, "Task")
        _sub(el, "UID", uid_of[t.id])
        _sub(el, "ID", uid_of[t.id])
        _sub(el, "Name", t.name or t.id)
        _sub(el, "WBS", number)
        _sub(el, "OutlineNumber", number)
        _sub(el, "OutlineLevel", level)
        _sub(el, "Priority", t.priority)
        sched = schedule.tasks.get(t.id) if schedule is not None else None
        if sched is not None and sched.start is not None and sched.finish is not None:
            # A milestone sits at the end of its day, except one at the very project start.
            # (A summary is not a milestone: its zero duration in the network means nothing.)
            milestone = t.duration == 0 and t.id not in summaries
            milestone_at_start = milestone and sched.es <= 0
            _sub(el, "Start", _stamp(sched.start, 8 if milestone_at_start or not milestone
                                     else 17))
            _sub(el, "Finish", _stamp(sched.finish, 8 if milestone_at_start else 17))
        days = (sched.ef - sched.es) if (t.id in summaries and sched is not None) else t.duration
        _sub(el, "Duration", _hours(days * hpd))
        _sub(el, "DurationFormat", 7)
        _sub(el, "Milestone", int(t.duration == 0 and t.id not in summaries))
        _sub(el, "Summary", int(t.id in summaries))
        if sched is not None:
            _sub(el, "Critical", int(sched.critical))
            _sub(el, "TotalSlack", sched.total_float * 10 * minutes_per_day)
            _sub(el, "FreeSlack", sched.free_float * 10 * minutes_per_day)
        _sub(el, "ConstraintType", _CONSTRAINT_CODES[ConstraintType(t.constraint)])
        if t.constraint_date is not None:
            _sub(el, "ConstraintDate", _stamp(t.constraint_date, 8))
        if t.actual_start is not None:
            _sub(el, "ActualStart", _stamp(t.actual_start, 8))
        if t.actual_finish is not None:
            _sub(el, "ActualFinish", _stamp(t.actual_finish, 17))
        _sub(el, "PercentComplete", round(t.percent_complete))
        for dep in preds.get(t.id, []):
            link = _sub(el, "PredecessorLink")
            _sub(link, "PredecessorUID", uid_of[dep.predecessor])
            _sub(link, "Type", _LINK_CODES[DependencyType(dep.type)])
            _sub(link, "CrossProject", 0)
            _sub(link, "LinkLag", dep.lag * 10 * minutes_per_day)
            _sub(link, "LagFormat", 7)
        ext = _sub(el, "ExtendedAttribute")
        _sub(ext, "FieldID", TEXT1_FIELD_ID)
        _sub(ext, "Value", t.id)
        if t.budget is not None:
            base = _sub(el, "Baseline")
            _sub(base, "Number", 0)
            _sub(base, "Cost", t.budget)
    return uid_of


def _write_resources(root: ET.Element, network: Network, uid_of: dict[str, int]) -> None:
    res_el = _sub(root, "Resources")
    res_uid = {r.id: i for i, r in enumerate(network.resources, start=1)}
    for r in network.resources:
        el = _sub(res_el, "Resource")
        _sub(el, "UID", res_uid[r.id])
        _sub(el, "ID", res_uid[r.id])
        _sub(el, "Name", r.name or r.id)
        _sub(el, "Type", 1)
        _sub(el, "MaxUnits", f"{r.capacity:.2f}")
        ext = _sub(el, "ExtendedAttribute")
        _sub(ext, "FieldID", RESOURCE_TEXT1_FIELD_ID)
        _sub(ext, "Value", r.id)
    asg_el = _sub(root, "Assignments")
    uid = 0
    for t in network.tasks:
        for rid, units in t.demands.items():
            if not units:
                continue
            uid += 1
            el = _sub(asg_el, "Assignment")
            _sub(el, "UID", uid)
            _sub(el, "TaskUID", uid_of[t.id])
            _sub(el, "ResourceUID", res_uid[rid])
            _sub(el, "Units", f"{units:.2f}")
