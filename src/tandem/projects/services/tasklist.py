"""The plan as a CSV or XLSX file, and a task list imported from one into an existing project.

Export writes one row per WBS row in plan order: ``id`` (the row number, as MS Project's ID),
the WBS code, name, duration, the scheduled dates, float, critical, progress, assignee and the
predecessors written as MS Project does (``3``, ``3SS``, ``5FS+2``, ``4FF-1``: the predecessor's
id, the link type unless finish-to-start, the lag in working days). Cells a spreadsheet would
read as a formula are neutralised as in the clients export.

Import follows the clients import's conventions: the header names the columns (unknown or
repeated ones are refused), every row is checked before anything is written, the report lists
each bad row as a spreadsheet numbers it (the header is row 1), ``dry_run`` only checks, and a
file with any bad row imports nothing; the rows are appended at the end of the plan in one
transaction that reschedules the project. The indentation comes from the ``wbs`` codes, else an
``outline_level``, else a ``parent`` naming another row's id; predecessors name rows of the file
by their ``id`` (or, without that column, by their position among the file's rows). The columns
an export computes (start, finish, total_float, critical) are read and ignored, so an exported
plan imports again.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.clients.importing import (
    CONTENT_TYPES,
    FORMATS,
    MAX_ROWS,
    ImportReport,
    RowError,
    format_of,
    neutralise,
    read_csv,
    read_xlsx,
)
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied, ValidationError
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.engine import ConstraintType as EngineConstraint
from tandem.engine import CycleError, EngineError, Network, critical_path
from tandem.engine import Dependency as EngineDependency
from tandem.engine import DependencyType as EngineDependencyType
from tandem.engine import Task as EngineTask
from tandem.projects.access import ensure_can_edit_project
from tandem.projects.models import ConstraintType, Dependency, DependencyType, Project, Task
from tandem.projects.scheduling import reschedule
from tandem.projects.services.plan import DATED, MAX_DURATION, MAX_LAG

__all__ = ["CONTENT_TYPES", "FORMATS", "export_plan", "format_of", "import_tasks"]

EXPORT_COLUMNS = ("id", "wbs", "name", "duration", "start", "finish", "total_float", "critical",
                  "percent_complete", "actual_start", "actual_finish", "assignee_email",
                  "predecessors", "constraint_type", "constraint_date")
COMPUTED_COLUMNS = frozenset({"start", "finish", "total_float", "critical"})
IMPORT_COLUMNS = (*EXPORT_COLUMNS, "outline_level", "parent", "notes", "estimate_hours")
BATCH = 1000
_PREDECESSOR = re.compile(r"^\s*(\d+)\s*(FS|SS|FF|SF)?\s*(?:([+-])\s*(\d+)\s*(?:d|days?)?)?\s*$",
                          re.IGNORECASE)
_DURATION = re.compile(r"^\s*(\d+)\s*(?:d|days?|ngày)?\s*$", re.IGNORECASE)
_WBS = re.compile(r"^\d+(\.\d+)*$")


# --- export ------------------------------------------------------------------------------------


def export_plan(*, actor: Actor, project: Project, file_format: str) -> bytes:
    """The plan as CSV (UTF-8 with a BOM) or XLSX; ``project`` comes from a scoped read."""
    if actor.role == Role.CLIENT:
        raise PermissionDenied("Only the project's staff can export its plan.")
    if file_format not in FORMATS:
        raise ValidationError("The format is csv or xlsx.", field="format")
    rows = _export_rows(project)
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date)
                             else v for v in row])
        return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Plan")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                      for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _export_rows(project: Project) -> list[list[Any]]:
    query = Task.objects.filter(project=project).order_by("sequence")
    tasks: list[dict[str, Any]] = [dict(row) for row in query.values(
        "id", "parent_id", "name", "duration", "is_summary", "start", "finish", "total_float",
        "is_critical", "percent_complete", "actual_start", "actual_finish", "assignee__email",
        "constraint_type", "constraint_date",
    )]
    number = {t["id"]: i for i, t in enumerate(tasks, start=1)}
    wbs = _wbs_codes(tasks)
    preds: dict[int, list[str]] = {}
    for d in Dependency.objects.filter(project=project).order_by("id").values(
        "predecessor_id", "successor_id", "type", "lag"
    ):
        preds.setdefault(d["successor_id"], []).append(
            predecessor_text(number[d["predecessor_id"]], d["type"], d["lag"])
        )
    out = []
    for t in tasks:
        out.append([
            number[t["id"]], wbs[t["id"]], neutralise(t["name"]),
            "" if t["is_summary"] else t["duration"], t["start"], t["finish"],
            t["total_float"], "yes" if t["is_critical"] else "no",
            "" if t["is_summary"] else t["percent_complete"], t["actual_start"],
            t["actual_finish"], neutralise(t["assignee__email"] or ""),
            "; ".join(preds.get(t["id"], [])), t["constraint_type"], t["constraint_date"],
        ])
    return out


def predecessor_text(number: int, kind: str, lag: int) -> str:
    """``3``, ``3SS``, ``5FS+2``, ``4FF-1``, as MS Project writes a predecessor."""
    text = str(number)
    if kind != DependencyType.FS or lag:
        text += kind
    if lag:
        text += f"{lag:+d}"
    return text


def _wbs_codes(tasks: list[dict[str, Any]]) -> dict[int, str]:
    counters: dict[int | None, int] = {}
    codes: dict[int, str] = {}
    for t in tasks:
        parent = t["parent_id"]
        counters[parent] = counters.get(parent, 0) + 1
        prefix = f"{codes[parent]}." if parent in codes else ""
        codes[t["id"]] = f"{prefix}{counters[parent]}"
    return codes


# --- import ------------------------------------------------------------------------------------


@dataclass
class TaskImportReport(ImportReport):
    """The clients import's report, plus how many dependencies came with the tasks."""

    dependencies: int = 0


@dataclass
class _Row:
    number: int  # the spreadsheet's row number
    key: str  # how predecessors and parents name it
    level: int
    parent_key: str | None
    values: dict[str, Any]
    predecessors: list[tuple[str, str, int]]  # (key, type, lag)
    wbs: str = ""  # the WBS code the file gives, if any
    is_summary: bool = False


def import_tasks(
    *, actor: Actor, project: Project, file: IO[bytes], file_format: str, dry_run: bool = False
) -> TaskImportReport:
    """Append the file's tasks to the plan (all or nothing); see the module docstring."""
    ensure_can_edit_project(actor, project)
    if file_format not in FORMATS:
        raise ValidationError("Upload a .csv or .xlsx file.", code="unsupported_format",
                              field="file")
    report = TaskImportReport(dry_run=dry_run)
    table = read_csv(file) if file_format == "csv" else read_xlsx(file)
    header = next(table, None)
    if header is None:
        raise ValidationError("The file is empty; its first row names the columns.",
                              code="empty_file", field="file")
    columns = [str(c or "").strip().lower() for c in header]
    report.errors.extend(_check_header(columns))
    if report.errors:
        return report
    checker = _RowChecker(actor, columns)
    rows: list[_Row] = []
    for number, cells in enumerate(table, start=2):
        if number - 1 > MAX_ROWS:
            raise ValidationError(f"A file holds at most {MAX_ROWS} rows.", code="too_many_rows",
                                  field="file")
        values = dict(zip(columns, cells, strict=False))
        if not any(_text(v) for k, v in values.items() if k):
            continue
        report.rows += 1
        row = checker.check(number, values, report.errors)
        if row is not None:
            rows.append(row)
    if not report.errors:
        _link(rows, report.errors)
    if not report.errors and rows:
        _check_loops(rows, report.errors)
    if report.errors or dry_run:
        return report
    report.imported, report.dependencies = _write(actor, project, rows)
    return report


def _check_header(columns: list[str]) -> list[RowError]:
    errors = []
    for column in columns:
        if column and column not in IMPORT_COLUMNS:
            errors.append(RowError(1, column, f"Unknown column; the columns are: "
                                              f"{', '.join(IMPORT_COLUMNS)}."))
        elif column and columns.count(column) > 1:
            errors.append(RowError(1, column, "This column appears more than once."))
    if "name" not in columns:
        errors.append(RowError(1, "name", "This column is required."))
    return list(dict.fromkeys(errors))


class _RowChecker:
    def __init__(self, actor: Actor, columns: list[str]) -> None:
        self.columns = set(columns)
        self.staff = {
            email.lower(): user_id for email, user_id in
            Membership.objects.filter(organization=actor.organization, user__is_active=True)
            .exclude(role=Role.CLIENT).values_list("user__email", "user_id")
        }
        self.constraints = {}
        for value, label in ConstraintType.choices:
            self.constraints[value.casefold()] = value
            self.constraints[str(label).casefold()] = value
        self.keys: dict[str, int] = {}
        self.position = 0
        self.previous_level = 0

    def check(self, number: int, raw: dict[str, Any], errors: list[RowError]) -> _Row | None:
        found: list[RowError] = []

        def error(column: str, message: str) -> None:
            found.append(RowError(number, column, message))

        self.position += 1
        values: dict[str, Any] = {}
        name = _text(raw.get("name"))
        if not name:
            error("name", "A task needs a name.")
        elif len(name) > 255:
            error("name", "At most 255 characters.")
        values["name"] = name
        notes = _text(raw.get("notes"))
        for column, text in (("name", name), ("notes", notes)):
            if "\x00" in text:
                error(column, "Contains the NUL character.")
        values["notes"] = notes
        values["duration"] = self._duration(raw.get("duration"), error)
        key = self._key(raw, error)
        level, parent_key = self._outline(raw, error)
        values["constraint_type"], values["constraint_date"] = self._constraint(raw, error)
        values.update(self._progress(raw, error))
        email = _text(raw.get("assignee_email")).lower()
        values["assignee_id"] = None
        if email:
            values["assignee_id"] = self.staff.get(email)
            if values["assignee_id"] is None:
                error("assignee_email", "Not an active staff member of this organization.")
        values["estimate_hours"] = self._hours(raw.get("estimate_hours"), error)
        predecessors = self._predecessors(_text(raw.get("predecessors")), key, error)
        errors.extend(found)
        if found:
            return None
        wbs = _text(raw.get("wbs")).rstrip(".") if level and "wbs" in self.columns else ""
        return _Row(number, key, level, parent_key, values, predecessors,
                    wbs=wbs if parent_key is None or parent_key.startswith("wbs:") else "")

    def _key(self, raw: dict[str, Any], error: Callable[[str, str], None]) -> str:
        if "id" not in self.columns:
            return str(self.position)
        key = _text(raw.get("id"))
        if not key.isdigit():
            error("id", "The id is a whole number naming the row for predecessors.")
            return f"?{self.position}"
        key = str(int(key))
        if key in self.keys:
            error("id", f"Another row already has the id {key}.")
        self.keys[key] = self.position
        return key

    def _outline(
        self, raw: dict[str, Any], error: Callable[[str, str], None]
    ) -> tuple[int, str | None]:
        """(level, parent key) from the wbs code, the outline level or the parent column."""
        if "wbs" in self.columns and _text(raw.get("wbs")):
            code = _text(raw.get("wbs")).rstrip(".")
            if not _WBS.match(code):
                error("wbs", "A WBS code looks like 1, 1.2 or 1.2.3.")
                return 1, None
            parts = code.split(".")
            return len(parts), ("wbs:" + ".".join(parts[:-1])) if len(parts) > 1 else None
        if "outline_level" in self.columns and _text(raw.get("outline_level")):
            level = _whole(raw.get("outline_level"))
            if level is None or level < 1:
                error("outline_level", "The outline level is a whole number from 1.")
                return 1, None
            return level, "level"
        if "parent" in self.columns and _text(raw.get("parent")):
            parent = _whole(raw.get("parent"))
            if parent is None:
                error("parent", "The parent is the id of a row above.")
                return 1, None
            return 0, str(parent)
        return 1, None

    def _duration(self, value: Any, error: Callable[[str, str], None]) -> int:
        text = _text(value)
        if not text:
            return 1
        match = _DURATION.match(text)
        number = int(match.group(1)) if match else _whole(value)
        if number is None or not 0 <= number <= MAX_DURATION:
            error("duration", f"The duration is a whole number of working days from 0 to "
                              f"{MAX_DURATION} (0 makes a milestone).")
            return 1
        return number

    def _constraint(
        self, raw: dict[str, Any], error: Callable[[str, str], None]
    ) -> tuple[str, dt.date | None]:
        text = _text(raw.get("constraint_type"))
        kind = ConstraintType.ASAP.value
        if text:
            found = self.constraints.get(text.casefold())
            if found is None:
                error("constraint_type", f"Unknown constraint {text!r}; use one of: "
                                         f"{', '.join(ConstraintType.values)}.")
            else:
                kind = found
        day = _date(raw.get("constraint_date"), "constraint_date", error)
        if kind in DATED and day is None:
            error("constraint_date", f"The constraint {kind} needs a date.")
        return kind, day if kind in DATED else None

    def _progress(self, raw: dict[str, Any], error: Callable[[str, str], None]) -> dict[str, Any]:
        text = _text(raw.get("percent_complete")).rstrip("%").strip()
        percent = 0
        if text:
            value = _number(text)
            if value is None or not 0 <= value <= 100 or value != int(value):
                error("percent_complete", "The % complete is a whole number from 0 to 100.")
            else:
                percent = int(value)
        start = _date(raw.get("actual_start"), "actual_start", error)
        finish = _date(raw.get("actual_finish"), "actual_finish", error)
        if finish is not None:
            percent = 100
        if percent == 100 and finish is None and _text(raw.get("percent_complete")):
            error("actual_finish", "A finished task needs its actual finish.")
        if percent > 0 and start is None:
            error("actual_start", "A started task needs its actual start.")
        if start and finish and finish < start:
            error("actual_finish", "The actual finish cannot be before the actual start.")
        return {"percent_complete": percent, "actual_start": start, "actual_finish": finish}

    def _hours(self, value: Any, error: Callable[[str, str], None]) -> Decimal | None:
        text = _text(value)
        if not text:
            return None
        number = _number(text)
        if number is None or not 0 <= number <= 9_999_999:
            error("estimate_hours", "The estimate is a number of hours from 0 to 9,999,999.")
            return None
        return number.quantize(Decimal("0.01"))

    def _predecessors(
        self, text: str, key: str, error: Callable[[str, str], None]
    ) -> list[tuple[str, str, int]]:
        out: list[tuple[str, str, int]] = []
        for part in re.split(r"[;,]", text):
            if not part.strip():
                continue
            match = _PREDECESSOR.match(part)
            if not match:
                error("predecessors", f"{part.strip()!r} is not a predecessor; write e.g. 3, "
                                      f"3SS, 5FS+2 or 4FF-1.")
                continue
            ref, kind, sign, lag = match.groups()
            days = int(lag or 0) * (-1 if sign == "-" else 1)
            if abs(days) > MAX_LAG:
                error("predecessors", f"A lag is at most {MAX_LAG} working days.")
                continue
            ref = str(int(ref))
            if ref == key:
                error("predecessors", "A task cannot depend on itself.")
                continue
            out.append((ref, (kind or "FS").upper(), days))
        return out


def _link(rows: list[_Row], errors: list[RowError]) -> None:
    """Resolve parents and predecessors between the rows; mark the summaries."""
    by_key = {r.key: r for r in rows}
    by_wbs: dict[str, _Row] = {}
    wbs_of: dict[str, str] = {}
    counters: dict[str | None, int] = {}
    stack: list[_Row] = []
    seen: set[str] = set()
    for r in rows:
        parent: _Row | None = None
        if r.parent_key == "level":
            while stack and stack[-1].level >= r.level:
                stack.pop()
            if r.level > len(stack) + 1:
                errors.append(RowError(r.number, "outline_level",
                                       "The row is indented more than one level below the row "
                                       "above."))
            parent = stack[-1] if stack else None
            stack.append(r)
        elif r.parent_key is not None and r.parent_key.startswith("wbs:"):
            parent = by_wbs.get(r.parent_key[4:])
            if parent is None:
                errors.append(RowError(r.number, "wbs", f"No row above has the WBS code "
                                                        f"{r.parent_key[4:]}."))
        elif r.parent_key is not None:
            parent = by_key.get(r.parent_key) if r.parent_key in seen else None
            if parent is None:
                errors.append(RowError(r.number, "parent", f"No row above has the id "
                                                           f"{r.parent_key}."))
        r.parent_key = parent.key if parent is not None else None
        if parent is not None:
            parent.is_summary = True
        counters[r.parent_key] = counters.get(r.parent_key, 0) + 1
        code = str(counters[r.parent_key])
        if r.parent_key is not None:
            code = f"{wbs_of[r.parent_key]}.{code}"
        wbs_of[r.key] = code
        given = r.wbs or code
        if given in by_wbs:
            errors.append(RowError(r.number, "wbs", f"Another row has the WBS code {given}."))
        by_wbs[given] = r
        seen.add(r.key)
    for r in rows:
        for ref, _kind, _lag in r.predecessors:
            if ref not in by_key:
                errors.append(RowError(r.number, "predecessors",
                                       f"No row of the file has the id {ref}."))
        if len({ref for ref, _, _ in r.predecessors}) != len(r.predecessors):
            errors.append(RowError(r.number, "predecessors", "A predecessor appears twice."))


def _check_loops(rows: list[_Row], errors: list[RowError]) -> None:
    """The file's links (and its hierarchy) must form no loop; the engine finds one."""
    tasks = [EngineTask(id=r.key, name=r.values["name"], duration=r.values["duration"],
                        parent=r.parent_key, constraint=EngineConstraint(r.values[
                            "constraint_type"]), constraint_date=r.values["constraint_date"])
             for r in rows]
    deps = [EngineDependency(ref, r.key, EngineDependencyType(kind), lag)
            for r in rows for ref, kind, lag in r.predecessors]
    try:
        critical_path(Network(tasks=tasks, dependencies=deps, start=dt.date(2000, 1, 3)))
    except CycleError as exc:
        names = {r.key: r for r in rows}
        chain = " → ".join(names[k].values["name"] for k in [*exc.tasks, exc.tasks[0]]
                           if k in names)
        first = names[exc.tasks[0]].number if exc.tasks and exc.tasks[0] in names else 1
        errors.append(RowError(first, "predecessors",
                               f"These predecessors form a loop: {chain}."))
    except EngineError as exc:
        errors.append(RowError(rows[0].number, "predecessors", f"The plan cannot be "
                                                               f"scheduled: {exc}."))


def _write(actor: Actor, project: Project, rows: list[_Row]) -> tuple[int, int]:
    now = timezone.now()
    with transaction.atomic():
        Project.objects.select_for_update(no_key=True).filter(pk=project.pk).values("pk").first()
        last = Task.objects.filter(project=project).aggregate(m=Max("sequence"))["m"] or 0
        objects: dict[str, Task] = {}
        for offset, r in enumerate(rows, start=1):
            values = dict(r.values)
            if r.is_summary:
                values.update(duration=0, percent_complete=0, actual_start=None,
                              actual_finish=None)
            objects[r.key] = Task(organization=actor.organization, project=project,
                                  sequence=last + offset, is_summary=r.is_summary,
                                  updated_at=now, **values)
        created = list(objects.values())
        Task.objects.bulk_create(created, batch_size=BATCH)
        if any(t.pk is None for t in created):
            ids = dict(Task.objects.filter(project=project, sequence__gt=last)
                       .values_list("sequence", "pk"))
            for t in created:
                t.pk = ids[t.sequence]
        children = []
        for r in rows:
            if r.parent_key is not None:
                objects[r.key].parent_id = objects[r.parent_key].pk
                children.append(objects[r.key])
        Task.objects.bulk_update(children, ["parent"], batch_size=BATCH)
        links = [
            Dependency(organization=actor.organization, project=project,
                       predecessor_id=objects[ref].pk, successor_id=objects[r.key].pk,
                       type=kind, lag=lag)
            for r in rows for ref, kind, lag in r.predecessors
        ]
        Dependency.objects.bulk_create(links, batch_size=BATCH)
        audit.record(actor=actor, action="task.import", target=project,
                     changes={"tasks": [None, len(created)], "dependencies": [None, len(links)]})
        reschedule(project)
    return len(created), len(links)


# --- cells -------------------------------------------------------------------------------------


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    text = str(cell).strip()
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def _whole(cell: Any) -> int | None:
    number = _number(_text(cell))
    if number is None or number != int(number):
        return None
    return int(number)


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(cell: Any, column: str, error: Callable[[str, str], None]) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        error(column, f"{text!r} is not a date; write it as YYYY-MM-DD.")
        return None
    if not 1900 <= day.year <= 2199:
        error(column, "The date must be between the years 1900 and 2199.")
        return None
    return day
