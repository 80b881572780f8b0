"""Monte-Carlo schedule risk: finish-date distribution, criticality and sensitivity.

Each task's duration is drawn from its three-point estimate (triangular or PERT-Beta); risk events
strike with their probability and add their impact to the tasks they name. The network is then
scheduled for every iteration at once: durations are an ``(iterations, tasks)`` matrix and the
forward and backward passes go level by level through the topological order, each level one
numpy step over all its edges and all iterations (``maximum.reduceat`` groups the edges by
successor). Iterations are processed in chunks so memory stays bounded.

Outputs: finish percentiles (P10 .. P95), a histogram in whole working days for charts, the
criticality index of each task (share of iterations where it has no float), and its sensitivity
(correlation between its duration and the project finish: the tasks that drive the finish).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tandem.engine.calendar import WorkCalendar
from tandem.engine.compiled import CompiledNetwork, compile_network
from tandem.engine.cpm import _Bounds
from tandem.engine.errors import NetworkError
from tandem.engine.model import Network

FloatArray = npt.NDArray[np.float64]
PERCENTILES = (10, 20, 30, 40, 50, 60, 70, 80, 90, 95)
_EPS = 1e-6


@dataclass
class HistogramBin:
    days: int  # project length in working days
    count: int
    cumulative: float  # share of iterations finishing within ``days``
    date: dt.date | None = None


@dataclass
class RiskResult:
    iterations: int
    seed: int | None
    distribution: str
    deterministic: int  # CPM length with most-likely durations and no risk event
    probability_deterministic: float  # share of iterations that meet it
    mean: float
    std: float
    percentiles: dict[str, float]  # "P10" -> working days (fractional)
    percentile_dates: dict[str, dt.date] = field(default_factory=dict)
    histogram: list[HistogramBin] = field(default_factory=list)
    criticality: dict[str, float] = field(default_factory=dict)
    sensitivity: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Levels:
    """Edges grouped by level and, inside a level, by the node they reduce into."""

    edges: list[npt.NDArray[np.int64]]
    targets: list[npt.NDArray[np.int64]]
    segments: list[npt.NDArray[np.int64]]


def _levels(
    key_level: npt.NDArray[np.int64], key_node: npt.NDArray[np.int64], depth: int, descending: bool
) -> _Levels:
    order = np.lexsort((key_node, key_level))
    lv = key_level[order]
    bounds = np.searchsorted(lv, np.arange(depth + 1))
    out = _Levels([], [], [])
    rng = range(depth - 1, -1, -1) if descending else range(depth)
    for level in rng:
        e = order[bounds[level] : bounds[level + 1]]
        if e.size == 0:
            continue
        nodes = key_node[e]
        starts = np.flatnonzero(np.r_[True, nodes[1:] != nodes[:-1]])
        out.edges.append(e)
        out.targets.append(nodes[starts])
        out.segments.append(starts)
    return out


class _Simulator:
    def __init__(self, cn: CompiledNetwork, bounds: _Bounds) -> None:
        self.cn = cn
        level = cn.topo.level
        self.fwd = _levels(level[cn.dst], cn.dst, cn.topo.depth, descending=False)
        self.bwd = _levels(level[cn.src], cn.src, cn.topo.depth, descending=True)
        self.lower = bounds.earliest.astype(np.float64)
        self.pinned = bounds.pinned
        self.a = cn.a.astype(np.float64)
        self.b = cn.b.astype(np.float64)
        self.lag = cn.lag.astype(np.float64)

    def run(self, dur_t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Makespan per iteration and total float per node and iteration.

        Arrays are node-major, ``(nodes, iterations)``: gathering the rows of the edges' ends is
        then a copy of contiguous rows, several times faster than gathering columns.
        """
        cn = self.cn
        es = np.broadcast_to(self.lower[:, None], dur_t.shape).copy()
        free = ~self.pinned
        for e, tgt, seg in zip(self.fwd.edges, self.fwd.targets, self.fwd.segments, strict=True):
            s, d = cn.src[e], cn.dst[e]
            cand = es[s]
            cand += self.a[e, None] * dur_t[s] - self.b[e, None] * dur_t[d] + self.lag[e, None]
            best = np.maximum.reduceat(cand, seg, axis=0)
            keep = free[tgt]
            if not keep.all():
                tgt, best = tgt[keep], best[keep]
            es[tgt] = np.maximum(es[tgt], best)
        ef = es + dur_t
        span = ef.max(axis=0)
        ls = span[None, :] - dur_t
        for e, tgt, seg in zip(self.bwd.edges, self.bwd.targets, self.bwd.segments, strict=True):
            s, d = cn.src[e], cn.dst[e]
            cand = ls[d]
            cand -= self.a[e, None] * dur_t[s] - self.b[e, None] * dur_t[d] + self.lag[e, None]
            best = np.minimum.reduceat(cand, seg, axis=0)
            ls[tgt] = np.minimum(ls[tgt], best)
        return span, ls - es


def _three_point(
    network: Network, cn: CompiledNetwork, bounds: _Bounds, spread: tuple[float, float] | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    opt = bounds.duration.astype(np.float64)
    ml = opt.copy()
    pes = opt.copy()
    for t in network.tasks:
        v = cn.node_of.get(t.id)
        if v is None or bounds.complete[v]:
            continue
        base = float(t.duration)
        if t.optimistic is not None and t.pessimistic is not None:
            o, m, p = (
                t.optimistic,
                t.most_likely if t.most_likely is not None else base,
                t.pessimistic,
            )
        elif spread is not None:
            o, m, p = base * spread[0], base, base * spread[1]
        else:
            continue
        # Started tasks: only the remaining part is uncertain, in proportion to the estimate.
        scale = float(bounds.duration[v]) / base if bounds.in_progress[v] and base > 0 else 1.0
        opt[v], ml[v], pes[v] = o * scale, m * scale, p * scale
    return opt, ml, pes


def _sample(
    rng: np.random.Generator, o: FloatArray, m: FloatArray, p: FloatArray, rows: int, dist: str
) -> FloatArray:
    width = p - o
    varying = width > _EPS
    # Node-major (nodes, iterations), like the simulator.
    out = np.broadcast_to(m[:, None], (m.size, rows)).copy()
    if not varying.any():
        return out
    o, m, p, width = (x[varying, None] for x in (o, m, p, width))
    if dist == "triangular":
        u = rng.random((o.shape[0], rows))
        fc = (m - o) / width
        low = o + np.sqrt(u * width * (m - o))
        high = p - np.sqrt((1 - u) * width * (p - m))
        out[varying] = np.where(u < fc, low, high)
    else:  # PERT-Beta with the classic lambda = 4
        alpha = 1 + 4 * (m - o) / width
        beta = 1 + 4 * (p - m) / width
        out[varying] = o + rng.beta(alpha, beta, (o.shape[0], rows)) * width
    return out


def simulate(
    network: Network,
    *,
    iterations: int = 10_000,
    seed: int | None = None,
    distribution: str = "triangular",
    spread: tuple[float, float] | None = None,
    chunk: int = 2_000,
) -> RiskResult:
    """Run the Monte-Carlo simulation (``spread`` gives tasks without estimates a range, e.g.
    ``(0.8, 1.5)`` of their duration)."""
    if distribution not in ("triangular", "pert"):
        raise NetworkError("distribution must be 'triangular' or 'pert'")
    if iterations < 1:
        raise NetworkError("iterations must be at least 1")
    t0 = time.perf_counter()
    cn = compile_network(network)
    cal: WorkCalendar | None = None
    origin = 0
    if network.start is not None:
        cal = WorkCalendar(network.calendar, around=network.start)
        origin = cal.index_of(network.start)
    bounds = _Bounds.build(network, cn, cal, origin)
    o, m, p = _three_point(network, cn, bounds, spread)
    sim = _Simulator(cn, bounds)
    det_span, _ = sim.run(m[:, None].copy())
    rng = np.random.default_rng(seed)
    risks = [(r, [cn.node_of[t] for t in r.tasks if t in cn.node_of]) for r in network.risks]
    n = cn.n
    spans = np.empty(iterations)
    crit = np.zeros(n)
    sx = np.zeros(n)
    sxx = np.zeros(n)
    sxy = np.zeros(n)
    done = 0
    while done < iterations:
        rows = min(chunk, iterations - done)
        dur = _sample(rng, o, m, p, rows, distribution)
        for risk, nodes in risks:
            hit = rng.random(rows) < risk.probability
            impact = np.full(rows, risk.impact)
            if risk.impact_max is not None:
                impact = rng.uniform(risk.impact, risk.impact_max, rows)
            for v in nodes:
                dur[v] += hit * impact
        span, total_float = sim.run(dur)
        spans[done : done + rows] = span
        crit += (total_float <= _EPS).sum(axis=1)
        sx += dur.sum(axis=1)
        sxx += np.einsum("ij,ij->i", dur, dur)
        sxy += dur @ span
        done += rows
    return _summarize(
        cn,
        spans,
        crit,
        sx,
        sxx,
        sxy,
        float(det_span[0]),
        cal,
        origin,
        seed,
        distribution,
        time.perf_counter() - t0,
    )


def _summarize(
    cn: CompiledNetwork,
    spans: FloatArray,
    crit: FloatArray,
    sx: FloatArray,
    sxx: FloatArray,
    sxy: FloatArray,
    deterministic: float,
    cal: WorkCalendar | None,
    origin: int,
    seed: int | None,
    distribution: str,
    seconds: float,
) -> RiskResult:
    count = spans.size
    mean_y = float(spans.mean())
    var_y = float(spans.var())
    mean_x = sx / count
    var_x = np.maximum(sxx / count - mean_x**2, 0.0)
    cov = sxy / count - mean_x * mean_y
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.where((var_x > 1e-12) & (var_y > 1e-12), cov / np.sqrt(var_x * var_y), 0.0)
    leaves = range(cn.n_leaves)
    pct = {f"P{q}": float(np.percentile(spans, q)) for q in PERCENTILES}
    days = np.ceil(spans - _EPS).astype(np.int64)
    values, counts = np.unique(days, return_counts=True)
    cumulative = np.cumsum(counts) / count
    result = RiskResult(
        iterations=count,
        seed=seed,
        distribution=distribution,
        deterministic=math.ceil(deterministic - _EPS),
        probability_deterministic=float((spans <= deterministic + _EPS).mean()),
        mean=mean_y,
        std=math.sqrt(var_y),
        percentiles=pct,
        histogram=[
            HistogramBin(int(d), int(c), float(f))
            for d, c, f in zip(values.tolist(), counts.tolist(), cumulative.tolist(), strict=True)
        ],
        criticality={cn.leaf_ids[i]: float(crit[i] / count) for i in leaves},
        sensitivity={cn.leaf_ids[i]: float(corr[i]) for i in leaves},
        seconds=seconds,
    )
    if cal is not None:

        def to_date(span_days: float) -> dt.date:
            return cal.date_of(origin + max(math.ceil(span_days - _EPS) - 1, 0))

        result.percentile_dates = {k: to_date(v) for k, v in pct.items()}
        for b in result.histogram:
            b.date = to_date(b.days)
    return result
