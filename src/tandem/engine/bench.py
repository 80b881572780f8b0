"""``tandem bench psplib|cpm|risk``: benchmark figures for the engine (printed, not asserted).

* ``psplib``: the optimizer, the heuristic alone and a single-pass latest-finish-time serial
  heuristic (what desktop tools' leveling amounts to) on PSPLIB J30/J60, against the best-known
  makespans of ``reference/jNN_bounds.csv``.
* ``cpm``: a full CPM pass (topological sort, forward, backward, floats, dates) on a generated
  network, against networkx's ``dag_longest_path`` on the same graph.
* ``risk``: Monte-Carlo iterations on a generated network with three-point estimates.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

PROG = "tandem bench"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Benchmarks of the scheduling engine.")
    sub = parser.add_subparsers(dest="command", metavar="{psplib,cpm,risk}")
    sub.required = True
    ps = sub.add_parser("psplib", help="leveling on PSPLIB J30/J60 against best-known makespans")
    ps.add_argument("--set", dest="set_name", choices=("j30", "j60"), required=True)
    ps.add_argument(
        "--sample",
        type=int,
        default=None,
        metavar="N",
        help="N instances drawn at random (seeded) instead of all 480",
    )
    ps.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="S",
        help="optimizer seconds per instance (default 10)",
    )
    ps.add_argument(
        "--heuristic-time",
        type=float,
        default=0.5,
        metavar="S",
        help="heuristic-alone seconds per instance (default 0.5)",
    )
    ps.add_argument(
        "--data",
        default=None,
        metavar="DIR",
        help="PSPLIB directory (default ../shared/data/psplib from the current directory)",
    )
    ps.add_argument("--seed", type=int, default=0)
    ps.add_argument("--workers", type=int, default=2)
    ps.add_argument("--no-optimizer", action="store_true", help="skip the optimizer column")
    ps.add_argument("--verbose", action="store_true", help="one line per instance")
    cp = sub.add_parser("cpm", help="CPM on a generated network vs networkx")
    cp.add_argument("--tasks", type=int, default=100_000)
    cp.add_argument("--seed", type=int, default=0)
    cp.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    rk = sub.add_parser("risk", help="Monte-Carlo risk on a generated network")
    rk.add_argument("--tasks", type=int, default=1000)
    rk.add_argument("--iterations", type=int, default=10_000)
    rk.add_argument("--seed", type=int, default=0)
    rk.add_argument("--distribution", choices=("triangular", "pert"), default="triangular")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    from tandem.engine.errors import EngineError

    try:
        if args.command == "psplib":
            return bench_psplib(args, sys.stdout)
        if args.command == "cpm":
            return bench_cpm(args, sys.stdout)
        return bench_risk(args, sys.stdout)
    except EngineError as exc:
        sys.stderr.write(f"{PROG}: error: {exc.message}\n")
        return 1


# ---------------------------------------------------------------------- psplib
@dataclasses.dataclass
class _Column:
    name: str
    makespans: list[int] = dataclasses.field(default_factory=list)
    gaps: list[float] = dataclasses.field(default_factory=list)
    cp_dev: list[float] = dataclasses.field(default_factory=list)
    seconds: list[float] = dataclasses.field(default_factory=list)
    proven: int = 0
    hits: int = 0  # equal to the best known

    def add(self, makespan: int, best: int, cpm: int, seconds: float, proven: bool) -> None:
        self.makespans.append(makespan)
        self.gaps.append(100.0 * (makespan - best) / best)
        self.cp_dev.append(100.0 * (makespan - cpm) / cpm)
        self.seconds.append(seconds)
        self.proven += proven
        self.hits += makespan <= best


def _bounds(data: Path, set_name: str) -> dict[str, tuple[int, int]]:
    path = data / "reference" / f"{set_name}_bounds.csv"
    try:
        with path.open(encoding="utf-8") as fh:
            return {r["instance"]: (int(r["cpm_lb"]), int(r["ub"])) for r in csv.DictReader(fh)}
    except OSError as exc:
        from tandem.engine.errors import FormatError

        raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from exc


def bench_psplib(args: argparse.Namespace, out: TextIO) -> int:
    from tandem.engine.errors import FormatError
    from tandem.engine.formats.psplib import read_psplib
    from tandem.engine.heuristic import single_pass_lft, solve_heuristic
    from tandem.engine.optimizer import optimize
    from tandem.engine.rcpsp import check_schedule, problem_from_psplib

    data = Path(args.data) if args.data else Path.cwd().parent / "shared" / "data" / "psplib"
    folder = data / args.set_name
    files = sorted(folder.glob("*.sm"), key=_instance_key)
    if not files:
        raise FormatError(f"no .sm files in {folder} (use --data DIR)")
    bounds = _bounds(data, args.set_name)
    if args.sample is not None and args.sample < len(files):
        rng = np.random.default_rng(args.seed)
        pick = sorted(rng.choice(len(files), args.sample, replace=False).tolist())
        files = [files[i] for i in pick]
    cols = {k: _Column(k) for k in ("optimizer", "heuristic", "single-pass LFT")}
    if args.no_optimizer:
        del cols["optimizer"]
    out.write(
        f"PSPLIB {args.set_name.upper()}: {len(files)} instances; optimizer "
        f"{args.time_limit:g} s, heuristic {args.heuristic_time:g} s, "
        f"{args.workers} worker(s)\n"
    )
    out.flush()
    t_all = time.perf_counter()
    for f in files:
        inst = read_psplib(f)
        p = problem_from_psplib(inst)
        if f.stem not in bounds:
            raise FormatError(f"{f.stem}: no best-known makespan in the reference table")
        cpm, best = bounds[f.stem]
        line = [f.stem]
        base = single_pass_lft(p)
        cols["single-pass LFT"].add(
            base.makespan, best, cpm, base.seconds, base.makespan <= p.lower_bound
        )
        heur = solve_heuristic(p, time_limit=args.heuristic_time, seed=args.seed)
        cols["heuristic"].add(
            heur.makespan, best, cpm, heur.seconds, heur.makespan <= heur.lower_bound
        )
        for start in (base.start, heur.start):
            errors = check_schedule(p, start)
            if errors:
                raise AssertionError(f"{f.stem}: infeasible schedule: {errors[0]}")
        line += [f"lft {base.makespan}", f"heur {heur.makespan}"]
        if "optimizer" in cols:
            res = optimize(p, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
            errors = check_schedule(p, res.start)
            if errors:
                raise AssertionError(f"{f.stem}: infeasible schedule: {errors[0]}")
            cols["optimizer"].add(res.makespan, best, cpm, res.seconds, res.optimal)
            line += [
                f"opt {res.makespan}",
                f"lb {res.lower_bound}",
                "optimal" if res.optimal else "",
                f"{res.seconds:.1f}s",
            ]
        if args.verbose:
            out.write(f"  {' '.join(line)}  best {best}\n")
            out.flush()
    _psplib_table(out, list(cols.values()), len(files))
    out.write(f"total wall time {time.perf_counter() - t_all:.0f} s\n")
    return 0


def _instance_key(path: Path) -> tuple[int, int]:
    stem = path.stem[3:]  # j30 / j60 prefix
    group, _, index = stem.partition("_")
    try:
        return int(group), int(index)
    except ValueError:
        return (1 << 30, 0)


def _psplib_table(out: TextIO, cols: list[_Column], count: int) -> None:
    header = (
        "",
        "proven opt",
        "= best known",
        "mean gap %",
        "max gap %",
        "dev CP-LB %",
        "mean s",
        "max s",
    )
    rows = []
    for c in cols:
        rows.append(
            (
                c.name,
                f"{c.proven}/{count}",
                f"{c.hits}/{count}",
                f"{statistics.fmean(c.gaps):.3f}",
                f"{max(c.gaps):.2f}",
                f"{statistics.fmean(c.cp_dev):.2f}",
                f"{statistics.fmean(c.seconds):.3f}",
                f"{max(c.seconds):.3f}",
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    out.write("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)) + "\n")
    for r in rows:
        out.write("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + "\n")
    by = {c.name: c for c in cols}
    base = statistics.fmean(by["single-pass LFT"].gaps)
    for name in ("heuristic", "optimizer"):
        if name in by:
            gap = statistics.fmean(by[name].gaps)
            ratio = f"{base / gap:.1f}x smaller" if gap > 0 else "zero gap"
            out.write(f"single-pass LFT mean gap {base:.2f}% vs {name} {gap:.3f}%: {ratio}\n")


# ---------------------------------------------------------------------- cpm
def bench_cpm(args: argparse.Namespace, out: TextIO) -> int:
    from tandem.engine.calendar import CalendarSpec, WorkCalendar
    from tandem.engine.compiled import compiled_from_arrays
    from tandem.engine.cpm import cpm_pass
    from tandem.engine.generate import random_edges
    from tandem.engine.graph import longest_forward, topology

    n = args.tasks
    rng = np.random.default_rng(args.seed + 7)
    src, dst = random_edges(n, seed=args.seed)
    kind = rng.choice(4, src.size, p=[0.7, 0.12, 0.12, 0.06]).astype(np.int8)
    lag = np.where(rng.random(src.size) < 0.25, rng.integers(-3, 6, src.size), 0)
    dur = rng.integers(1, 21, n)
    dur[rng.random(n) < 0.05] = 0
    cn = compiled_from_arrays(dur, src, dst, kind, lag)
    cal = WorkCalendar(CalendarSpec(country="VN"))
    import datetime as dt

    origin = cal.index_of(dt.date(2026, 1, 5))
    out.write(
        f"CPM: {n} tasks, {src.size} dependencies ({src.size / n:.2f} per task; "
        f"FS/SS/FF/SF {np.bincount(kind, minlength=4).tolist()}, "
        f"{int((lag != 0).sum())} with lag or lead), VN calendar, "
        f"{cn.topo.depth} levels\n"
    )
    best = float("inf")
    for _ in range(max(args.repeat, 1)):
        t0 = time.perf_counter()
        topo = topology(n, cn.src, cn.dst)  # the sort is part of the pass, as in networkx
        run = dataclasses.replace(cn, topo=topo)
        arr = cpm_pass(run)
        dates = [cal.dates_of(origin + x) for x in (arr.es, arr.ef - 1, arr.ls, arr.lf - 1)]
        best = min(best, time.perf_counter() - t0)
    out.write(
        f"  tandem full pass (sort, forward, backward, total+free float, dates): {best:.3f} s\n"
    )
    out.write(
        f"  project length {arr.makespan} working days, finish {dates[1].max()}, "
        f"{int((arr.total_float == 0).sum())} critical tasks\n"
    )
    try:
        import networkx as nx
    except ImportError:
        out.write("  networkx is not installed: no reference (pip install networkx)\n")
        return 0
    delta = cn.delta()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(
        zip(cn.src.tolist(), cn.dst.tolist(), delta.tolist(), strict=True)
    )
    ref = float("inf")
    for _ in range(max(args.repeat, 1)):
        t0 = time.perf_counter()
        path = nx.dag_longest_path(graph, weight="weight")
        ref = min(ref, time.perf_counter() - t0)
    length = sum(graph[a][b]["weight"] for a, b in itertools.pairwise(path))
    # The same quantity from our forward pass (no project-start bound: sources at 0 only).
    indeg = np.bincount(cn.dst, minlength=n)
    raw = longest_forward(cn.topo, cn.src, cn.dst, delta, np.where(indeg == 0, 0, -(1 << 40)))
    same = "same" if int(raw.max()) == length else f"DIFFERENT ({int(raw.max())})"
    out.write(f"  networkx dag_longest_path: {ref:.3f} s (path length {length}: {same})\n")
    out.write(f"  ratio tandem / networkx: {best / ref:.3f} (target <= 0.333)\n")
    return 0


# ---------------------------------------------------------------------- risk
def bench_risk(args: argparse.Namespace, out: TextIO) -> int:
    from tandem.engine.generate import random_network
    from tandem.engine.risk import simulate

    net = random_network(args.tasks, seed=args.seed, estimates=True)
    net.risks = []
    out.write(
        f"Risk: {args.tasks} tasks, {len(net.dependencies)} dependencies, "
        f"{args.iterations} iterations, {args.distribution}\n"
    )
    t0 = time.perf_counter()
    r = simulate(net, iterations=args.iterations, seed=args.seed, distribution=args.distribution)
    wall = time.perf_counter() - t0
    out.write(f"  seconds: {wall:.3f} (target <= 2)\n")
    out.write(
        f"  deterministic {r.deterministic} working days, "
        f"met in {r.probability_deterministic:.1%}\n"
    )
    pct = ", ".join(f"{k} {v:.1f}" for k, v in r.percentiles.items())
    out.write(f"  {pct}\n")
    top = sorted(r.sensitivity, key=lambda t: -abs(r.sensitivity[t]))[:5]
    out.write(
        "  top drivers: "
        + ", ".join(f"{t} ({r.sensitivity[t]:+.2f}, crit {r.criticality[t]:.0%})" for t in top)
        + "\n"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
