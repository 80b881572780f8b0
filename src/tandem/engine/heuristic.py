"""Fast leveling heuristic: priority rules, sampling, forward-backward improvement.

1. Deterministic passes: serial and parallel SGS with the classic priority rules (latest finish,
   latest start, most total successors, greatest rank positional weight, minimum slack, resource
   weighted duration).
2. Forward-backward improvement (FBI, a.k.a. justification): schedule the jobs again in the
   mirrored problem by decreasing finish time (right-justify), then forward again by increasing
   mirrored finish (left-justify). Each pass never lengthens a schedule and usually shortens it.
3. Until the time budget is spent: a population of priority vectors (random keys): noisy
   latest-finish keys and recombinations of the best schedules found so far, each decoded by the
   batched serial SGS and improved by FBI. This is the scheme of the best sampling and genetic
   heuristics of the RCPSP literature (Valls, Ballestín & Quintanilla 2005; Hartmann 2002).

The result is deterministic for a given seed and number of schedules; with only a time budget it
depends on the machine's speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.engine.graph import IntArray
from tandem.engine.rcpsp import Problem
from tandem.engine.sgs import Decoded, FloatArray, SerialDecoder

RULES = ("LFT", "LST", "MTS", "GRPW", "MSLK", "GRD")
# Search settings of the sampling phase (tuned on PSPLIB J60, see docs/engine.md).
POOL_SIZE = 60  # elite schedules kept as parents
NOISE_SHARE = 0.1  # share of each generation drawn fresh around the LFT rule
MUTATION_RATE = 0.05  # share of keys perturbed in a child
TEMPERATURE = 3.0  # parent choice: weight exp(-(makespan - best) / TEMPERATURE)


@dataclass
class HeuristicResult:
    start: IntArray
    makespan: int
    lower_bound: int
    schedules: int  # schedules generated
    seconds: float
    rule: str  # which phase found the best schedule
    overload: bool = False  # within-float leveling had to exceed a capacity


def rule_keys(problem: Problem, rule: str) -> FloatArray:
    """Priority keys of a rule (lower = first); ties are broken by latest finish, then index."""
    n = problem.n
    horizon = problem.critical_path_bound
    ls = problem.late_start(horizon).astype(np.float64)
    es = problem.early_start.astype(np.float64)
    d = problem.duration.astype(np.float64)
    lft = ls + d
    if rule == "LFT":
        main = lft
    elif rule == "LST":
        main = ls
    elif rule == "MSLK":
        main = ls - es
    elif rule == "MTS":
        main = -_successor_counts(problem).astype(np.float64)
    elif rule == "GRPW":
        succ_d = np.zeros(n)
        np.add.at(succ_d, problem.src, d[problem.dst])
        main = -(d + succ_d)
    elif rule == "GRD":
        cap = np.maximum(problem.capacity, 1).astype(np.float64)
        main = -(d * (problem.demand / cap[None, :]).sum(axis=1))
    else:
        raise ValueError(f"unknown priority rule {rule!r}")
    scale = max(float(np.abs(lft).max()), 1.0) * 4
    key = main * scale * 4 + lft + np.arange(n) / (n + 1)
    if problem.priority is not None and np.unique(problem.priority).size > 1:
        # User priorities come first, the rule only orders tasks of equal priority.
        span = float(np.abs(key).max()) * 4 + 1
        key = key - problem.priority.astype(np.float64) * span
    return key


def _successor_counts(problem: Problem) -> IntArray:
    """Number of (transitive) successors of each job, with Python ints as bitsets."""
    reach = [0] * problem.n
    succ: list[list[int]] = [[] for _ in range(problem.n)]
    for a, b in zip(problem.src.tolist(), problem.dst.tolist(), strict=True):
        succ[a].append(b)
    for v in reversed(problem.topo.order.tolist()):
        bits = 0
        for w in succ[v]:
            bits |= reach[w] | (1 << w)
        reach[v] = bits
    return np.array([r.bit_count() for r in reach], dtype=np.int64)


class Heuristic:
    """Runs the phases above on one problem; reusable for several calls (keeps its decoders)."""

    def __init__(self, problem: Problem, *, seed: int = 0) -> None:
        self.p = problem
        self.fwd = SerialDecoder(problem)
        self.bwd = SerialDecoder(problem.reversed())
        self.rng = np.random.default_rng(seed)
        self.lft = rule_keys(problem, "LFT")
        order = np.argsort(np.argsort(self.lft))
        self.tie = order.astype(np.float64) / max(problem.n, 1)
        self.deadline = problem.latest_start
        self.best_start: IntArray | None = None
        self.best_makespan = 1 << 60
        self.best_rule = ""
        self.best_overload = False
        self.best_score = 1 << 62
        self.improved_at = 0  # schedules generated when the best last improved
        self.schedules = 0
        self.pool_keys: list[FloatArray] = []
        self.pool_spans: list[int] = []

    # ------------------------------------------------------------------ building blocks
    def _forward(self, keys: FloatArray, limit: int) -> Decoded:
        self.schedules += keys.shape[0]
        return self.fwd.decode(keys, limit, deadline=self.deadline)

    def _fbi(self, dec: Decoded, limit: int, rounds: int) -> Decoded:
        """Forward-backward improvement; keeps, per row, the best of all passes."""
        best = dec
        cur = dec
        d = self.p.duration
        for _ in range(rounds):
            ok = ~cur.failed
            if not ok.any():
                break
            lim = int(cur.makespan[ok].max())
            back = self.bwd.decode(
                -(cur.start + d[None, :]).astype(np.float64) + self.tie[None, :] * 1e-3, lim
            )
            self.schedules += back.start.shape[0]
            keys = -(back.start + d[None, :]).astype(np.float64) + self.tie[None, :] * 1e-3
            nxt = self._forward(keys, lim)
            better = nxt.score() < best.score()
            if not better.any():
                break
            best = Decoded(
                np.where(better[:, None], nxt.start, best.start),
                np.where(better, nxt.makespan, best.makespan),
                np.where(better, nxt.overload, best.overload),
                np.where(better, nxt.failed, best.failed),
            )
            cur = nxt
        return best

    def _record(self, dec: Decoded, rule: str) -> None:
        score = dec.score()
        k = int(np.argmin(score))
        if dec.failed[k]:
            return
        if self.best_start is None or int(score[k]) < self.best_score:
            self.improved_at = self.schedules
            self.best_start = dec.start[k].copy()
            self.best_makespan = int(dec.makespan[k])
            self.best_score = int(score[k])
            self.best_rule = rule
            self.best_overload = bool(dec.overload[k] > 0)
        for row in np.flatnonzero(~dec.failed).tolist():
            self._add_to_pool(dec.start[row], int(score[row]))

    def _add_to_pool(self, start: IntArray, span: int) -> None:
        size = POOL_SIZE
        key = start.astype(np.float64) + self.tie * 1e-3
        if len(self.pool_spans) >= size and span >= max(self.pool_spans):
            return
        for other in self.pool_keys:
            if np.array_equal(other, key):
                return
        self.pool_keys.append(key)
        self.pool_spans.append(span)
        if len(self.pool_spans) > size:
            worst = int(np.argmax(self.pool_spans))
            self.pool_keys.pop(worst)
            self.pool_spans.pop(worst)

    # ------------------------------------------------------------------ phases
    def deterministic(self) -> None:
        keys = np.stack([rule_keys(self.p, r) for r in RULES])
        dec = self._forward(keys, self.p.horizon)
        self._record(dec, "serial " + RULES[int(np.argmin(dec.makespan))])
        par = np.stack([self.fwd.decode_parallel(k) for k in keys])
        self.schedules += len(RULES)
        d = self.p.duration
        spans = (par + d[None, :]).max(axis=1)
        late: npt.NDArray[np.bool_] = np.zeros(len(RULES), dtype=bool)
        if self.deadline is not None:
            late = np.asarray((par > self.deadline[None, :]).any(axis=1), dtype=bool)
        pdec = Decoded(par, spans, np.zeros(len(RULES), dtype=np.int64), late)
        self._record(pdec, "parallel " + RULES[int(np.argmin(spans))])
        both = Decoded(
            np.concatenate([dec.start, pdec.start]),
            np.concatenate([dec.makespan, pdec.makespan]),
            np.concatenate([dec.overload, pdec.overload]),
            np.concatenate([dec.failed, pdec.failed]),
        )
        limit = int(both.makespan.max())
        self._record(self._fbi(both, limit, rounds=4), "rules + FBI")
        if self.best_start is None:
            # Deadlines that no rule could meet (fixed tasks in the way): level without them;
            # the schedule then delays the finish, which the caller sees in the makespan.
            self.deadline = None
            self.deterministic()

    def sample(self, batch: int) -> None:
        """One generation: noisy LFT keys and recombined elite keys, decoded and improved."""
        n = self.p.n
        rng = self.rng
        scale = float(np.abs(self.lft).std()) + 1.0
        n_noise = max(1, int(batch * NOISE_SHARE))
        noise = self.lft[None, :] + rng.normal(0.0, scale * rng.uniform(0.05, 0.6), (n_noise, n))
        rows = [noise]
        if self.pool_keys:
            pool = np.stack(self.pool_keys)
            spans = np.array(self.pool_spans, dtype=np.float64)
            # Scores differ by whole periods when only the makespan differs: a schedule one
            # period longer is e times less likely to be picked as a parent.
            weight = np.exp(-np.minimum((spans - spans.min()) / TEMPERATURE, 50.0))
            weight /= weight.sum()
            m = batch - n_noise
            a = pool[rng.choice(len(pool), m, p=weight)]
            b = pool[rng.choice(len(pool), m, p=weight)]
            # Two-point crossover of start-time keys, then a small mutation.
            cut = np.sort(rng.integers(0, n + 1, (m, 2)), axis=1)
            idx = np.arange(n)[None, :]
            take_b = (idx >= cut[:, :1]) & (idx < cut[:, 1:])
            child = np.where(take_b, b, a)
            mutate = rng.random((m, n)) < MUTATION_RATE
            child = child + mutate * rng.normal(0.0, 2.0 + scale * 0.1, (m, n))
            rows.append(child)
        keys = np.concatenate(rows)
        limit = self.best_makespan + max(1, self.best_makespan // 20)
        dec = self._forward(keys, limit)
        self._record(self._fbi(dec, limit, rounds=2), "sampling + FBI")

    @property
    def stagnating(self) -> bool:
        """No improvement in the second half of the search so far: probably optimal already."""
        return self.improved_at * 2 <= self.schedules

    # ------------------------------------------------------------------ driver
    def inject(self, start: IntArray) -> None:
        """Offer an outside schedule (e.g. the optimizer's): improved by FBI, then pooled."""
        s = np.asarray(start, dtype=np.int64)[None, :]
        span = (s + self.p.duration[None, :]).max(axis=1)
        dec = Decoded(s, span, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=bool))
        self._record(self._fbi(dec, int(span[0]), rounds=2), "optimizer + FBI")

    def run(
        self,
        seconds: float,
        *,
        max_schedules: int | None = None,
        batch: int | None = None,
        progress: Callable[[float, int, int], None] | None = None,
    ) -> HeuristicResult:
        """Rules first (once), then sampling generations until the budget is spent."""
        t0 = time.perf_counter()
        lb = self.p.lower_bound
        if self.best_start is None:
            self.deterministic()
        last = self.best_makespan
        if progress:
            progress(time.perf_counter() - t0, last, lb)
        if batch is None:
            # Keep one numpy step around a few hundred thousand cells.
            cells = max(self.p.n_resources, 1) * max(self.best_makespan, 1)
            batch = int(min(64, max(4, 400_000 // cells)))
        step = 0.0
        while self.best_overload or self.best_makespan > lb:
            now = time.perf_counter()
            # Stop when the next generation would probably end past the budget.
            if now - t0 + step >= seconds:
                break
            if max_schedules is not None and self.schedules >= max_schedules:
                break
            self.sample(batch)
            step = time.perf_counter() - now
            if progress and self.best_makespan < last:
                last = self.best_makespan
                progress(time.perf_counter() - t0, last, lb)
        return self.result(time.perf_counter() - t0)

    def result(self, seconds: float) -> HeuristicResult:
        if self.best_start is None:  # pragma: no cover - deterministic() always records one
            raise RuntimeError("no schedule yet: run() first")
        return HeuristicResult(
            start=self.best_start.copy(),
            makespan=self.best_makespan,
            lower_bound=self.p.lower_bound,
            schedules=self.schedules,
            seconds=seconds,
            rule=self.best_rule,
            overload=self.best_overload,
        )


def solve_heuristic(
    problem: Problem,
    *,
    time_limit: float = 0.5,
    max_schedules: int | None = None,
    seed: int = 0,
    batch: int | None = None,
    progress: Callable[[float, int, int], None] | None = None,
) -> HeuristicResult:
    """Best schedule found within ``time_limit`` seconds (or ``max_schedules`` schedules).

    ``progress(seconds, makespan, lower_bound)`` is called whenever the best schedule improves.
    """
    h = Heuristic(problem, seed=seed)
    return h.run(time_limit, max_schedules=max_schedules, batch=batch, progress=progress)


def single_pass_lft(problem: Problem) -> HeuristicResult:
    """One serial pass with the latest-finish-time rule: what desktop tools' leveling amounts to."""
    t0 = time.perf_counter()
    dec = SerialDecoder(problem).decode(rule_keys(problem, "LFT")[None, :], problem.horizon)
    return HeuristicResult(
        start=dec.start[0],
        makespan=int(dec.makespan[0]),
        lower_bound=problem.lower_bound,
        schedules=1,
        seconds=time.perf_counter() - t0,
        rule="serial LFT",
    )
