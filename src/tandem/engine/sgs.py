"""Schedule generation schemes: turn priorities into resource-feasible schedules.

*Serial* SGS takes jobs one at a time (the eligible job with the best priority key whose
predecessors are all placed) and puts each at the earliest period where its precedences allow it
and its resources are free for its whole duration. It is *batched*: ``K`` priority vectors are
decoded at once, each numpy step handling all ``K`` schedules, so that sampling and
forward-backward improvement evaluate thousands of schedules per second in pure Python + numpy.

*Parallel* SGS walks time forward and, at each decision point, starts every eligible job that
fits, best key first. It produces non-delay schedules, which complement the serial scheme's
active schedules on some instances.

Schedules that would run past ``limit`` are abandoned (makespan reported as ``limit + 1``): during
improvement nothing longer than the best known schedule is of interest, and a short time window
keeps the arrays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from tandem.engine.graph import IntArray
from tandem.engine.rcpsp import Problem

FloatArray = npt.NDArray[np.float64]
_NEG = -(1 << 40)


@dataclass
class Decoded:
    start: IntArray  # (K, n)
    makespan: IntArray  # (K,), limit + 1 for abandoned schedules
    overload: IntArray  # (K,) units over capacity (summed over periods) to respect deadlines
    failed: npt.NDArray[np.bool_]  # (K,) abandoned: past the limit, or a deadline missed

    def score(self) -> IntArray:
        """Lexicographic quality (lower is better): feasible, least overload, shortest."""
        return self.failed * (1 << 50) + self.overload * (1 << 25) + self.makespan


class SerialDecoder:
    """Batched serial SGS for one :class:`Problem` (precomputes padded adjacency arrays)."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        n = problem.n
        preds: list[list[int]] = [[] for _ in range(n)]
        pdelta: list[list[int]] = [[] for _ in range(n)]
        succs: list[list[int]] = [[] for _ in range(n)]
        for a, b, w in zip(
            problem.src.tolist(), problem.dst.tolist(), problem.delta.tolist(), strict=True
        ):
            preds[b].append(a)
            pdelta[b].append(w)
            succs[a].append(b)
        width_p = max((len(x) for x in preds), default=0) or 1
        width_s = max((len(x) for x in succs), default=0) or 1
        # Padding points at a phantom job ``n`` whose start is -infinity / whose count is ignored.
        self.pred = np.full((n, width_p), n, dtype=np.int64)
        self.pdelta = np.zeros((n, width_p), dtype=np.int64)
        self.succ = np.full((n, width_s), n, dtype=np.int64)
        for j in range(n):
            self.pred[j, : len(preds[j])] = preds[j]
            self.pdelta[j, : len(pdelta[j])] = pdelta[j]
            self.succ[j, : len(succs[j])] = succs[j]
        self.npred = np.array([len(x) for x in preds] + [0], dtype=np.int64)
        self.preds = preds
        self.succs = succs

    @cached_property
    def fixed_usage_end(self) -> int:
        p = self.p
        if not p.fixed.any():
            return 0
        return int((p.fixed_start + p.duration)[p.fixed].max())

    def decode(
        self,
        keys: FloatArray,
        limit: int,
        *,
        deadline: IntArray | None = None,
    ) -> Decoded:
        """Serial SGS for each row of ``keys`` (lower key = scheduled earlier among eligible)."""
        p = self.p
        keys = np.atleast_2d(keys)
        k_count, n = keys.shape
        horizon = max(limit, self.fixed_usage_end) + 1
        r_count = p.n_resources
        rows = np.arange(k_count)
        tt = np.arange(horizon)
        avail = np.broadcast_to(p.capacity.astype(np.int32), (k_count, horizon, r_count)).copy()
        if p.fixed.any():
            prof = np.zeros((horizon, r_count), dtype=np.int32)
            for j in np.flatnonzero(p.fixed).tolist():
                a = max(int(p.fixed_start[j]), 0)
                prof[a : min(a + int(p.duration[j]), horizon)] += p.demand[j].astype(np.int32)
            # Fixed tasks may overload a period on their own (history is what it was): such a
            # period is simply full for everyone else.
            avail = np.maximum(avail - prof[None], 0)
        start = np.full((k_count, n + 1), _NEG, dtype=np.int64)
        count = np.broadcast_to(self.npred, (k_count, n + 1)).copy()
        done = np.zeros((k_count, n), dtype=bool)
        failed = np.zeros(k_count, dtype=bool)
        dur, dem, release = p.duration, p.demand.astype(np.int32), p.release
        cum = np.zeros((k_count, horizon + 1), dtype=np.int32)
        for _ in range(n):
            eligible = (count[:, :n] == 0) & ~done
            j = np.where(eligible, keys, np.inf).argmin(axis=1)
            done[rows, j] = True
            t0 = (start[rows[:, None], self.pred[j]] + self.pdelta[j]).max(axis=1)
            t0 = np.maximum(t0, release[j])
            d = dur[j]
            need = dem[j]
            is_fixed = p.fixed[j]
            ok = (avail >= need[:, None, :]).all(axis=2)
            np.cumsum(~ok, axis=1, out=cum[:, 1:])
            end = tt[None, :] + d[:, None]
            bad = np.take_along_axis(cum, np.minimum(end, horizon), axis=1) - cum[:, :horizon]
            cand = (bad == 0) & (end <= limit) & (tt[None, :] >= t0[:, None])
            if deadline is not None:
                cand &= tt[None, :] <= deadline[j][:, None]
            found = cand.any(axis=1)
            s = np.where(found, cand.argmax(axis=1), t0)
            if deadline is not None:
                # Within float: no free slot before the deadline, so keep the earliest start and
                # accept the overload (it is reported), rather than delay the project.
                forced = ~found & ~is_fixed & (t0 <= deadline[j])
                failed |= ~found & ~forced & ~is_fixed
            else:
                failed |= ~found & ~is_fixed
            s = np.where(is_fixed, p.fixed_start[j], s)
            start[rows, j] = s
            place = ~is_fixed & (d > 0)
            if place.any():
                win = (
                    (tt[None, :] >= s[:, None]) & (tt[None, :] < (s + d)[:, None]) & place[:, None]
                )
                avail -= win[:, :, None].astype(np.int32) * need[:, None, :]
            np.subtract.at(count, (rows[:, None], self.succ[j]), 1)
        out = start[:, :n]
        makespan = (out + dur[None, :]).max(axis=1) if n else np.zeros(k_count, dtype=np.int64)
        makespan = np.where(failed, limit + 1, makespan)
        if deadline is not None:
            overload = np.maximum(-avail, 0).sum(axis=(1, 2)).astype(np.int64)
        else:
            overload = np.zeros(k_count, dtype=np.int64)
        return Decoded(out, makespan, overload, failed)

    # ------------------------------------------------------------------ parallel scheme
    def decode_parallel(self, key: FloatArray) -> IntArray:
        """Parallel SGS for one priority vector (no time limit: always returns a schedule)."""
        p = self.p
        n = p.n
        dur = p.duration.tolist()
        dem = p.demand.tolist()
        cap = p.capacity.tolist()
        r_count = len(cap)
        horizon = p.horizon + self.fixed_usage_end + 1
        avail = [[c] * horizon for c in cap]
        start = [_NEG] * n
        for j in np.flatnonzero(p.fixed).tolist():
            start[j] = int(p.fixed_start[j])
            for r in range(r_count):
                for t in range(max(start[j], 0), start[j] + dur[j]):
                    avail[r][t] -= dem[j][r]
        left = [len(x) for x in self.preds]
        order_key = key.tolist()
        eligible: set[int] = set()
        for j in range(n):
            if left[j] == 0:
                eligible.add(j)
        release = p.release.tolist()
        placed = 0
        t = 0
        while placed < n:
            progress = True
            while progress:
                progress = False
                for j in sorted(eligible, key=lambda v: (order_key[v], v)):
                    if p.fixed[j]:
                        ok = True
                        s = start[j]
                    else:
                        est = max(
                            [release[j]]
                            + [
                                start[a] + w
                                for a, w in zip(self.preds[j], self._pd(j), strict=True)
                            ]
                        )
                        if est > t:
                            continue
                        ok = all(
                            avail[r][u] >= dem[j][r]
                            for r in range(r_count)
                            if dem[j][r]
                            for u in range(t, t + dur[j])
                        )
                        s = t
                    if not ok:
                        continue
                    if not p.fixed[j]:
                        start[j] = s
                        for r in range(r_count):
                            if dem[j][r]:
                                for u in range(s, s + dur[j]):
                                    avail[r][u] -= dem[j][r]
                    eligible.discard(j)
                    placed += 1
                    for b in self.succs[j]:
                        left[b] -= 1
                        if left[b] == 0:
                            eligible.add(b)
                    progress = True
                    break  # re-sort: newly eligible jobs may start now too
            if placed >= n:
                break
            t = self._next_time(t, start, dur, eligible, release)
        return np.array(start, dtype=np.int64)

    def _pd(self, j: int) -> list[int]:
        return self.pdelta[j, : len(self.preds[j])].tolist()

    def _next_time(
        self, t: int, start: list[int], dur: list[int], eligible: set[int], release: list[int]
    ) -> int:
        nxt = None
        for j in range(len(start)):
            if start[j] != _NEG and start[j] + dur[j] > t:
                f = start[j] + dur[j]
                nxt = f if nxt is None else min(nxt, f)
        for j in eligible:
            est = max(
                [release[j]]
                + [start[a] + w for a, w in zip(self.preds[j], self._pd(j), strict=True)]
            )
            if est > t:
                nxt = est if nxt is None else min(nxt, est)
        return t + 1 if nxt is None else nxt


def keys_from_start(start: IntArray, duration: IntArray, tie: FloatArray) -> FloatArray:
    """Priority keys that replay a schedule in start order (ties by the given tie-break)."""
    return start.astype(np.float64) + tie[None, :] * 1e-3


def mirror_keys(start: IntArray, duration: IntArray, tie: FloatArray) -> FloatArray:
    """Keys for the mirror problem: latest finishing job first (right justification)."""
    return -(start + duration[None, :]).astype(np.float64) + tie[None, :] * 1e-3
