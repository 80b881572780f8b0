"""Tandem's JSON network format (documented in docs/engine.md), read and written.

Reading is strict: unknown keys are rejected and every error names the place in the document
(``tasks[3].duration: expected a whole number``), because this is what users type by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tandem.engine.calendar import WEEKDAY_NAMES, CalendarSpec
from tandem.engine.errors import EngineError, FormatError
from tandem.engine.model import (
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Resource,
    RiskEvent,
    Task,
)

FORMAT_NAME = "tandem-network"
FORMAT_VERSION = 1

_TOP_KEYS = {
    "format",
    "version",
    "name",
    "start",
    "status_date",
    "calendar",
    "tasks",
    "dependencies",
    "resources",
    "risks",
}
_TASK_KEYS = {
    "id",
    "name",
    "duration",
    "parent",
    "constraint",
    "constraint_date",
    "actual_start",
    "actual_finish",
    "percent_complete",
    "demands",
    "priority",
    "fixed",
    "optimistic",
    "most_likely",
    "pessimistic",
    "budget",
}
_DEP_KEYS = {"from", "to", "type", "lag"}
_RES_KEYS = {"id", "name", "capacity"}
_RISK_KEYS = {"id", "name", "probability", "impact", "impact_max", "tasks"}
_CAL_KEYS = {
    "name",
    "country",
    "subdivision",
    "weekdays",
    "hours_per_day",
    "days_off",
    "working_days",
    "official_makeup_days",
}


def read_json(path: str | Path) -> Network:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise FormatError(f"cannot read {p}: {exc.strerror or exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{p}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    return network_from_json(doc)


def write_json(network: Network, path: str | Path) -> None:
    Path(path).write_text(
        json.dumps(network_to_json(network), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


# ---------------------------------------------------------------------- reading
def _fail(where: str, msg: str) -> FormatError:
    return FormatError(f"{where}: {msg}")


def _check_keys(obj: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _fail(where, "expected an object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(unknown)}")
    return obj


def _get(
    obj: dict[str, Any], key: str, where: str, conv: Callable[[Any, str], Any], default: Any
) -> Any:
    if key not in obj or obj[key] is None:
        return default
    return conv(obj[key], f"{where}.{key}")


def _int(v: Any, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int | float) or int(v) != v:
        raise _fail(where, "expected a whole number")
    return int(v)


def _float(v: Any, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _fail(where, "expected a number")
    return float(v)


def _bool(v: Any, where: str) -> bool:
    if not isinstance(v, bool):
        raise _fail(where, "expected true or false")
    return v


def _str(v: Any, where: str) -> str:
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise _fail(where, "expected a string")
    return str(v)


def _date(v: Any, where: str) -> dt.date:
    if not isinstance(v, str):
        raise _fail(where, "expected a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(v)
    except ValueError as exc:
        raise _fail(where, f"invalid date {v!r} (expected YYYY-MM-DD)") from exc


def _opt_date(v: Any, where: str) -> dt.date | None:
    return _date(v, where)


def _decimal(v: Any, where: str) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, str | int):
        # floats are refused on purpose: money is never a float in Tandem
        raise _fail(where, 'expected a decimal string such as "1250.00" or a whole number')
    try:
        out = Decimal(str(v))
    except InvalidOperation as exc:
        raise _fail(where, f"invalid decimal {v!r}") from exc
    if not out.is_finite():
        raise _fail(where, "expected a finite amount")
    return out


def _list(v: Any, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise _fail(where, "expected a list")
    return v


def _weekday(v: Any, where: str) -> int:
    if isinstance(v, str) and v[:3].lower() in WEEKDAY_NAMES:
        return WEEKDAY_NAMES.index(v[:3].lower())
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 6:
        return v
    raise _fail(where, "expected a weekday: mon..sun or 0 (Monday)..6")


def _calendar(obj: Any, where: str) -> CalendarSpec:
    c = _check_keys(obj, _CAL_KEYS, where)
    weekdays = _get(c, "weekdays", where, _list, [0, 1, 2, 3, 4])
    try:
        return CalendarSpec(
            name=_get(c, "name", where, _str, "Standard"),
            # No key means the default country (Vietnam); an explicit null means no holidays.
            country=(_str(c["country"], f"{where}.country") if c["country"] else None)
            if "country" in c
            else "VN",
            subdivision=_get(c, "subdivision", where, _str, None),
            weekdays=tuple(
                sorted({_weekday(w, f"{where}.weekdays[{i}]") for i, w in enumerate(weekdays)})
            ),
            hours_per_day=_get(c, "hours_per_day", where, _float, 8.0),
            days_off=tuple(
                _date(d, f"{where}.days_off[{i}]")
                for i, d in enumerate(_get(c, "days_off", where, _list, []))
            ),
            working_days=tuple(
                _date(d, f"{where}.working_days[{i}]")
                for i, d in enumerate(_get(c, "working_days", where, _list, []))
            ),
            official_makeup_days=_get(c, "official_makeup_days", where, _bool, True),
        )
    except EngineError as exc:
        raise _fail(where, exc.message) from exc


def _enum(kind: type[Any], v: Any, where: str) -> Any:
    try:
        return kind(str(v).upper())
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise _fail(where, f"{v!r} is not one of {allowed}") from exc


def _task(obj: Any, where: str) -> Task:
    t = _check_keys(obj, _TASK_KEYS, where)
    if "id" not in t:
        raise _fail(where, "missing id")
    demands_raw = _get(
        t,
        "demands",
        where,
        lambda v, w: _check_keys(v, set(v) if isinstance(v, dict) else set(), w),
        {},
    )
    demands = {str(k): _int(u, f"{where}.demands.{k}") for k, u in demands_raw.items()}
    return Task(
        id=_str(t["id"], f"{where}.id"),
        name=_get(t, "name", where, _str, ""),
        duration=_get(t, "duration", where, _int, 0),
        parent=_get(t, "parent", where, _str, None),
        constraint=_enum(ConstraintType, t["constraint"], f"{where}.constraint")
        if t.get("constraint")
        else ConstraintType.ASAP,
        constraint_date=_get(t, "constraint_date", where, _opt_date, None),
        actual_start=_get(t, "actual_start", where, _opt_date, None),
        actual_finish=_get(t, "actual_finish", where, _opt_date, None),
        percent_complete=_get(t, "percent_complete", where, _float, 0.0),
        demands=demands,
        priority=_get(t, "priority", where, _int, 500),
        fixed=_get(t, "fixed", where, _bool, False),
        optimistic=_get(t, "optimistic", where, _float, None),
        most_likely=_get(t, "most_likely", where, _float, None),
        pessimistic=_get(t, "pessimistic", where, _float, None),
        budget=_get(t, "budget", where, _decimal, None),
    )


def _dependency(obj: Any, where: str) -> Dependency:
    d = _check_keys(obj, _DEP_KEYS, where)
    for key in ("from", "to"):
        if key not in d:
            raise _fail(where, f"missing {key!r}")
    return Dependency(
        predecessor=_str(d["from"], f"{where}.from"),
        successor=_str(d["to"], f"{where}.to"),
        type=_enum(DependencyType, d.get("type", "FS"), f"{where}.type"),
        lag=_get(d, "lag", where, _int, 0),
    )


def _resource(obj: Any, where: str) -> Resource:
    r = _check_keys(obj, _RES_KEYS, where)
    if "id" not in r:
        raise _fail(where, "missing id")
    return Resource(
        id=_str(r["id"], f"{where}.id"),
        name=_get(r, "name", where, _str, ""),
        capacity=_get(r, "capacity", where, _int, 1),
    )


def _risk(obj: Any, where: str) -> RiskEvent:
    r = _check_keys(obj, _RISK_KEYS, where)
    for key in ("id", "probability", "impact", "tasks"):
        if key not in r:
            raise _fail(where, f"missing {key!r}")
    return RiskEvent(
        id=_str(r["id"], f"{where}.id"),
        name=_get(r, "name", where, _str, ""),
        probability=_float(r["probability"], f"{where}.probability"),
        impact=_float(r["impact"], f"{where}.impact"),
        impact_max=_get(r, "impact_max", where, _float, None),
        tasks=tuple(
            _str(x, f"{where}.tasks[{i}]")
            for i, x in enumerate(_list(r["tasks"], f"{where}.tasks"))
        ),
    )


def network_from_json(doc: Any) -> Network:
    top = _check_keys(doc, _TOP_KEYS, "document")
    fmt = top.get("format", FORMAT_NAME)
    if fmt != FORMAT_NAME:
        raise _fail("format", f"expected {FORMAT_NAME!r}, got {fmt!r}")
    version = top.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise _fail(
            "version", f"unsupported version {version!r} (this engine reads {FORMAT_VERSION})"
        )
    if "tasks" not in top:
        raise _fail("document", "missing 'tasks'")
    network = Network(
        name=_get(top, "name", "document", _str, ""),
        start=_get(top, "start", "document", _opt_date, None),
        status_date=_get(top, "status_date", "document", _opt_date, None),
        calendar=_calendar(top["calendar"], "calendar") if top.get("calendar") else CalendarSpec(),
        tasks=[_task(t, f"tasks[{i}]") for i, t in enumerate(_list(top["tasks"], "tasks"))],
        dependencies=[
            _dependency(d, f"dependencies[{i}]")
            for i, d in enumerate(_get(top, "dependencies", "document", _list, []))
        ],
        resources=[
            _resource(r, f"resources[{i}]")
            for i, r in enumerate(_get(top, "resources", "document", _list, []))
        ],
        risks=[
            _risk(r, f"risks[{i}]") for i, r in enumerate(_get(top, "risks", "document", _list, []))
        ],
    )
    network.validate()
    return network


# ---------------------------------------------------------------------- writing
def _calendar_json(c: CalendarSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": c.name,
        "country": c.country,
        "weekdays": [WEEKDAY_NAMES[w] for w in c.weekdays],
        "hours_per_day": c.hours_per_day,
    }
    if c.subdivision:
        out["subdivision"] = c.subdivision
    if c.days_off:
        out["days_off"] = [d.isoformat() for d in c.days_off]
    if c.working_days:
        out["working_days"] = [d.isoformat() for d in c.working_days]
    if not c.official_makeup_days:
        out["official_makeup_days"] = False
    return out


def _task_json(t: Task) -> dict[str, Any]:
    out: dict[str, Any] = {"id": t.id}
    if t.name:
        out["name"] = t.name
    out["duration"] = t.duration
    if t.parent is not None:
        out["parent"] = t.parent
    if t.constraint != ConstraintType.ASAP:
        out["constraint"] = t.constraint.value
    for key in ("constraint_date", "actual_start", "actual_finish"):
        value = getattr(t, key)
        if value is not None:
            out[key] = value.isoformat()
    if t.percent_complete:
        out["percent_complete"] = t.percent_complete
    if t.demands:
        out["demands"] = dict(t.demands)
    if t.priority != 500:
        out["priority"] = t.priority
    if t.fixed:
        out["fixed"] = True
    for key in ("optimistic", "most_likely", "pessimistic"):
        value = getattr(t, key)
        if value is not None:
            out[key] = value
    if t.budget is not None:
        out["budget"] = str(t.budget)
    return out


def network_to_json(network: Network) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    if network.name:
        doc["name"] = network.name
    if network.start is not None:
        doc["start"] = network.start.isoformat()
    if network.status_date is not None:
        doc["status_date"] = network.status_date.isoformat()
    doc["calendar"] = _calendar_json(network.calendar)
    doc["tasks"] = [_task_json(t) for t in network.tasks]
    doc["dependencies"] = [
        {
            "from": d.predecessor,
            "to": d.successor,
            "type": DependencyType(d.type).value,
            "lag": d.lag,
        }
        for d in network.dependencies
    ]
    doc["resources"] = [
        {"id": r.id, **({"name": r.name} if r.name else {}), "capacity": r.capacity}
        for r in network.resources
    ]
    if network.risks:
        doc["risks"] = [
            {
                "id": r.id,
                **({"name": r.name} if r.name else {}),
                "probability": r.probability,
                "impact": r.impact,
                **({"impact_max": r.impact_max} if r.impact_max is not None else {}),
                "tasks": list(r.tasks),
            }
            for r in network.risks
        ]
    return doc
