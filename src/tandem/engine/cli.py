"""``tandem schedule cpm|level|risk FILE``: the engine on the command line (no Django, no database).

FILE is a PSPLIB ``.sm`` file (times in periods), a Tandem JSON network or an MSPDI ``.xml`` file
(times as dates when the network has a start date). Errors go to stderr with exit status 1 (bad
input) or 2 (bad usage).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from tandem.engine.errors import EngineError
from tandem.engine.formats import read_network
from tandem.engine.model import Network

PROG = "tandem schedule"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Critical path, resource leveling and Monte-Carlo risk for a project file "
        "(PSPLIB .sm, Tandem JSON network, or Microsoft Project XML).",
    )
    sub = parser.add_subparsers(dest="command", metavar="{cpm,level,risk}")
    sub.required = True
    cpm = sub.add_parser("cpm", help="critical path: dates, float, critical path")
    cpm.add_argument("file", metavar="FILE")
    cpm.add_argument("--json", action="store_true", help="print JSON instead of a table")
    level = sub.add_parser("level", help="resource leveling (heuristic, then CP-SAT)")
    level.add_argument("file", metavar="FILE")
    level.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds for the whole run (default 10)",
    )
    level.add_argument("--heuristic", action="store_true", help="heuristic only (fast, no proof)")
    level.add_argument(
        "--within-float",
        action="store_true",
        help="never delay the project finish; report what stays overallocated",
    )
    level.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    level.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    level.add_argument("--progress", action="store_true", help="report improvements on stderr")
    level.add_argument("--json", action="store_true", help="print JSON")
    risk = sub.add_parser("risk", help="Monte-Carlo schedule risk")
    risk.add_argument("file", metavar="FILE")
    risk.add_argument("--iterations", type=int, required=True, metavar="N")
    risk.add_argument("--seed", type=int, default=None, metavar="S")
    risk.add_argument("--distribution", choices=("triangular", "pert"), default="triangular")
    risk.add_argument(
        "--spread",
        metavar="LOW,HIGH",
        default=None,
        help="range for tasks without estimates, as factors of their duration, e.g. 0.8,1.5",
    )
    risk.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help (0) or a usage error (2): argparse already printed why
        return exc.code if isinstance(exc.code, int) else 2
    out = sys.stdout
    try:
        network, kind = read_network(args.file)
        if args.command == "cpm":
            return _cpm(network, kind, args, out)
        if args.command == "level":
            return _level(network, kind, args, out)
        return _risk(network, args, out)
    except EngineError as exc:
        sys.stderr.write(f"{PROG}: error: {exc.message}\n")
        return 1


def _when(value: int | dt.date | None) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _dump(doc: Any, out: TextIO) -> None:
    out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------- cpm
def _cpm(network: Network, kind: str, args: argparse.Namespace, out: TextIO) -> int:
    from tandem.engine.cpm import critical_path

    result = critical_path(network)
    dated = result.calendar is not None
    if args.json:
        tasks = {}
        for tid, t in result.tasks.items():
            if dated:
                row = {
                    "es": _when(t.early_start),
                    "ef": _when(t.early_finish),
                    "ls": _when(t.late_start),
                    "lf": _when(t.late_finish),
                }
            else:
                row = {"es": t.es, "ef": t.ef, "ls": t.ls, "lf": t.lf}
            row.update(total_float=t.total_float, free_float=t.free_float, critical=t.critical)
            tasks[tid] = row
        doc: dict[str, Any] = {"makespan": result.makespan, "critical_path": result.critical_path}
        if dated:
            doc.update(start=_when(result.start), finish=_when(result.finish))
        doc["tasks"] = tasks
        _dump(doc, out)
        return 0
    names = {t.id: t.name for t in network.tasks}
    title = network.name or args.file
    out.write(f"{title}: {len(network.tasks)} tasks, {len(network.dependencies)} dependencies\n")
    if dated:
        out.write(
            f"Start {result.start}, finish {result.finish} ({result.makespan} working days)\n"
        )
    else:
        out.write(f"Project length: {result.makespan} periods\n")
    out.write("Critical path: " + " -> ".join(result.critical_path) + "\n\n")
    header = (
        "id",
        "name",
        "dur",
        "early start",
        "early finish",
        "late start",
        "late finish",
        "TF",
        "FF",
        "crit",
    )
    rows = []
    for tid, t in result.tasks.items():
        dates = (
            (t.early_start, t.early_finish, t.late_start, t.late_finish)
            if dated
            else (t.es, t.ef, t.ls, t.lf)
        )
        rows.append(
            (
                tid,
                names[tid][:30],
                str(t.ef - t.es),
                *(str(_when(d)) for d in dates),
                str(t.total_float),
                str(t.free_float),
                "*" if t.critical else "",
            )
        )
    _table(out, header, rows)
    return 0


def _table(out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


# ---------------------------------------------------------------------- level
def _level(network: Network, kind: str, args: argparse.Namespace, out: TextIO) -> int:
    from tandem.engine.leveling import level
    from tandem.engine.optimizer import Progress

    if args.time_limit <= 0:
        raise EngineError("--time-limit must be positive")

    def report(p: Progress) -> None:
        sys.stderr.write(
            f"{p.seconds:7.2f}s  best {p.makespan}  bound {p.lower_bound}  ({p.source})\n"
        )

    result = level(
        network,
        optimize_schedule=not args.heuristic,
        time_limit=args.time_limit,
        within_float=args.within_float,
        seed=args.seed,
        workers=args.workers,
        progress=report if args.progress else None,
    )
    dated = network.start is not None
    starts: dict[str, Any] = dict(result.start_dates) if dated else dict(result.starts)
    if args.json:
        doc: dict[str, Any] = {
            "makespan": result.makespan,
            "lower_bound": result.lower_bound,
            "status": result.status,
            "starts": {k: _when(v) for k, v in starts.items()},
            "seconds": round(result.seconds, 3),
        }
        if dated:
            doc["finish"] = _when(result.finish)
        doc["heuristic_makespan"] = result.heuristic_makespan
        if result.overallocations:
            doc["overallocations"] = [
                {
                    "resource": o.resource,
                    "period": o.period,
                    "date": _when(o.date),
                    "used": o.used,
                    "capacity": o.capacity,
                }
                for o in result.overallocations
            ]
        _dump(doc, out)
        return 0
    unit = "working days" if dated else "periods"
    out.write(
        f"Leveled length: {result.makespan} {unit} ({result.status}; lower bound "
        f"{result.lower_bound}; heuristic {result.heuristic_makespan}; "
        f"{result.seconds:.2f} s)\n"
    )
    if dated:
        out.write(f"Finish: {result.finish}\n")
    if result.overallocations:
        out.write(f"Overallocated periods left: {len(result.overallocations)}\n")
    rows = [(tid, str(_when(starts[tid])), str(result.delays.get(tid, ""))) for tid in starts]
    out.write("\n")
    _table(out, ("id", "start", "delay"), rows)
    return 0


# ---------------------------------------------------------------------- risk
def _risk(network: Network, args: argparse.Namespace, out: TextIO) -> int:
    from tandem.engine.risk import simulate

    spread = None
    if args.spread:
        try:
            low, high = (float(x) for x in args.spread.split(","))
        except ValueError as exc:
            raise EngineError("--spread must be two numbers LOW,HIGH such as 0.8,1.5") from exc
        if not 0 <= low <= 1 <= high:
            raise EngineError("--spread needs 0 <= LOW <= 1 <= HIGH")
        spread = (low, high)
    if args.iterations < 1:
        raise EngineError("--iterations must be at least 1")
    r = simulate(
        network,
        iterations=args.iterations,
        seed=args.seed,
        distribution=args.distribution,
        spread=spread,
    )
    if args.json:
        _dump(
            {
                "iterations": r.iterations,
                "seed": r.seed,
                "distribution": r.distribution,
                "deterministic": r.deterministic,
                "probability_deterministic": round(r.probability_deterministic, 4),
                "mean": round(r.mean, 3),
                "std": round(r.std, 3),
                "percentiles": {
                    k: {
                        "days": round(v, 3),
                        **({"date": _when(r.percentile_dates[k])} if r.percentile_dates else {}),
                    }
                    for k, v in r.percentiles.items()
                },
                "histogram": [
                    {
                        "days": b.days,
                        "count": b.count,
                        "cumulative": round(b.cumulative, 4),
                        **({"date": _when(b.date)} if b.date else {}),
                    }
                    for b in r.histogram
                ],
                "criticality": {k: round(v, 4) for k, v in r.criticality.items()},
                "sensitivity": {k: round(v, 4) for k, v in r.sensitivity.items()},
                "seconds": round(r.seconds, 3),
            },
            out,
        )
        return 0
    out.write(f"{r.iterations} iterations ({r.distribution}, seed {r.seed}) in {r.seconds:.2f} s\n")
    out.write(
        f"Deterministic length {r.deterministic}: met in {r.probability_deterministic:.1%} "
        f"of iterations; mean {r.mean:.1f}, std {r.std:.1f}\n"
    )
    for k, v in r.percentiles.items():
        date = f"  {r.percentile_dates[k]}" if r.percentile_dates else ""
        out.write(f"  {k:>4}: {v:8.1f}{date}\n")
    top = sorted(r.sensitivity, key=lambda t: -abs(r.sensitivity[t]))[:10]
    out.write("\nTasks driving the finish (sensitivity, criticality):\n")
    for t in top:
        out.write(f"  {t:<12} {r.sensitivity[t]:+.3f}  {r.criticality[t]:.1%}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
