"""The precedence graph as numpy arrays, its topological levels, and cycle reporting.

Every dependency type becomes one *start-to-start* difference constraint
``start[dst] >= start[src] + delta`` with
``delta = a * duration[src] - b * duration[dst] + lag`` where ``a`` is 1 when the predecessor's
finish is tied (FS, FF) and ``b`` is 1 when the successor's finish is tied (FF, SF). Keeping ``a``
and ``b`` rather than a precomputed ``delta`` lets Monte-Carlo risk recompute the deltas for sampled
durations without rebuilding the graph.

The topological order is computed by Kahn's algorithm one *frontier* at a time with numpy: all
nodes whose predecessors are done are handled in one vectorized step. A node's frontier number is
its *level* (the longest chain of edges leading to it), so the forward and backward passes can also
go level by level, one vectorized step each. Graphs that are long thin chains have too many levels
for that to pay, so both the sort and the passes fall back to plain loops for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.engine.errors import CycleError

IntArray = npt.NDArray[np.int64]

# Below this many nodes per frontier, a numpy step costs more than a loop over the nodes.
_NARROW = 24


@dataclass
class Topology:
    """Topological order and levels of a DAG, with its edges grouped for level-wise passes."""

    n: int
    order: IntArray  # nodes, every predecessor before its successors
    level: IntArray  # longest number of edges from a source
    depth: int  # number of levels
    # Edges sorted by the level of their destination (forward pass) and of their source (backward).
    fwd_edges: IntArray
    fwd_bounds: IntArray  # fwd_edges[fwd_bounds[L]:fwd_bounds[L+1]] have level[dst] == L
    bwd_edges: IntArray
    bwd_bounds: IntArray  # bwd_edges[bwd_bounds[L]:bwd_bounds[L+1]] have level[src] == L
    # CSR adjacency (successors and predecessors) for the loop fallback and for path tracing.
    out_ptr: IntArray
    out_edges: IntArray
    in_ptr: IntArray
    in_edges: IntArray

    @property
    def vectorize(self) -> bool:
        """Whether level-wise numpy passes beat a loop (wide enough levels on average)."""
        return self.depth * _NARROW <= self.n


def _csr(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    order = np.argsort(keys, kind="stable").astype(np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ptr, order


def topology(n: int, src: IntArray, dst: IntArray, names: list[str] | None = None) -> Topology:
    """Sort the graph; raise :class:`CycleError` naming the nodes of one cycle if there is one."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    out_ptr, out_edges = _csr(src, n)
    in_ptr, in_edges = _csr(dst, n)
    succ_of_edge = dst[out_edges]
    indeg = np.bincount(dst, minlength=n).astype(np.int64)
    level = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(indeg == 0)
    lvl = 0
    done = 0
    while frontier.size >= _NARROW:
        level[frontier] = lvl
        done += frontier.size
        starts = out_ptr[frontier]
        counts = out_ptr[frontier + 1] - starts
        total = int(counts.sum())
        if total == 0:
            frontier = frontier[:0]
            break
        # Positions of all out-edges of the frontier, without a Python loop over its nodes.
        firsts = np.cumsum(counts) - counts
        pos = np.repeat(starts - firsts, counts) + np.arange(total, dtype=np.int64)
        targets, hits = np.unique(succ_of_edge[pos], return_counts=True)
        indeg[targets] -= hits
        frontier = targets[indeg[targets] == 0]
        lvl += 1
    if frontier.size:
        done += _kahn_loop(frontier, lvl, level, indeg, out_ptr, succ_of_edge)
    if done < n:
        raise CycleError(_find_cycle(n, indeg > 0, out_ptr, succ_of_edge, names))
    order = np.argsort(level, kind="stable").astype(np.int64)
    depth = int(level.max()) + 1 if n else 0
    fwd_edges, fwd_bounds = _group(level[dst], depth)
    bwd_edges, bwd_bounds = _group(level[src], depth)
    return Topology(
        n=n,
        order=order,
        level=level,
        depth=depth,
        fwd_edges=fwd_edges,
        fwd_bounds=fwd_bounds,
        bwd_edges=bwd_edges,
        bwd_bounds=bwd_bounds,
        out_ptr=out_ptr,
        out_edges=out_edges,
        in_ptr=in_ptr,
        in_edges=in_edges,
    )


def _kahn_loop(
    frontier: IntArray,
    lvl: int,
    level: IntArray,
    indeg: IntArray,
    out_ptr: IntArray,
    succ_of_edge: IntArray,
) -> int:
    """Finish the sort with a plain loop (for narrow, deep graphs); returns nodes placed."""
    lev = level.tolist()
    deg = indeg.tolist()
    ptr = out_ptr.tolist()
    succ = succ_of_edge.tolist()
    stack = frontier.tolist()
    for v in stack:
        lev[v] = lvl
    done = 0
    while stack:
        v = stack.pop()
        done += 1
        nxt = lev[v] + 1
        for k in range(ptr[v], ptr[v + 1]):
            w = succ[k]
            if lev[w] < nxt:
                lev[w] = nxt
            deg[w] -= 1
            if deg[w] == 0:
                stack.append(w)
    level[:] = lev
    indeg[:] = deg
    return done


def _group(keys: IntArray, depth: int) -> tuple[IntArray, IntArray]:
    order = np.argsort(keys, kind="stable").astype(np.int64)
    bounds = np.searchsorted(keys[order], np.arange(depth + 1)).astype(np.int64)
    return order, bounds


def _find_cycle(
    n: int,
    stuck_mask: npt.NDArray[np.bool_],
    out_ptr: IntArray,
    succ_of_edge: IntArray,
    names: list[str] | None,
) -> list[str]:
    """One cycle among the nodes Kahn's algorithm could not place, by following successors."""
    ptr = out_ptr.tolist()
    succ = succ_of_edge.tolist()
    # Keep only nodes on or between cycles: drop, repeatedly, stuck nodes with no stuck successor.
    # What remains has a successor inside for every node, so a walk must close a cycle.
    alive = set(np.flatnonzero(stuck_mask).tolist())
    changed = True
    while changed:
        changed = False
        for v in list(alive):
            if not any(succ[k] in alive for k in range(ptr[v], ptr[v + 1])):
                alive.discard(v)
                changed = True
    start = min(alive)
    seen: dict[int, int] = {}
    path: list[int] = []
    v = start
    while v not in seen:
        seen[v] = len(path)
        path.append(v)
        v = next(succ[k] for k in range(ptr[v], ptr[v + 1]) if succ[k] in alive)
    cycle = path[seen[v] :]
    label = names or [str(i) for i in range(n)]
    out: list[str] = []
    for node in cycle:
        name = label[node]
        if not out or out[-1] != name:  # a summary's two gates map to one name
            out.append(name)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def longest_forward(
    topo: Topology,
    src: IntArray,
    dst: IntArray,
    delta: IntArray,
    start: IntArray,
    free: npt.NDArray[np.bool_] | None = None,
) -> IntArray:
    """Earliest starts: ``start`` raised along every edge into a node where ``free`` is True.

    Nodes with ``free`` False keep their given start (actual or must-start-on dates): their
    incoming edges do not move them, a violation shows up later as negative float.
    """
    es = np.array(start, dtype=np.int64, copy=True)
    use = np.ones(src.size, dtype=bool) if free is None else free[dst]
    if topo.vectorize:
        fe, fb = topo.fwd_edges, topo.fwd_bounds
        if free is not None:
            keep = use[fe]
            fe = fe[keep]
            fb = np.searchsorted(topo.level[dst[fe]], np.arange(topo.depth + 1)).astype(np.int64)
        s, d, w = src[fe], dst[fe], delta[fe]
        for lv in range(1, topo.depth):
            a, b = fb[lv], fb[lv + 1]
            if a < b:
                np.maximum.at(es, d[a:b], es[s[a:b]] + w[a:b])
        return es
    es_l = es.tolist()
    ptr = topo.in_ptr.tolist()
    edges = topo.in_edges.tolist()
    src_l, w_l, use_l = src.tolist(), delta.tolist(), use.tolist()
    for v in topo.order.tolist():
        best = es_l[v]
        for k in range(ptr[v], ptr[v + 1]):
            e = edges[k]
            if use_l[e]:
                cand = es_l[src_l[e]] + w_l[e]
                if cand > best:
                    best = cand
        es_l[v] = best
    return np.array(es_l, dtype=np.int64)


def latest_backward(
    topo: Topology, src: IntArray, dst: IntArray, delta: IntArray, late: IntArray
) -> IntArray:
    """Latest starts: ``late`` lowered along every edge out of each node."""
    ls = np.array(late, dtype=np.int64, copy=True)
    if topo.vectorize:
        be, bb = topo.bwd_edges, topo.bwd_bounds
        s, d, w = src[be], dst[be], delta[be]
        for lv in range(topo.depth - 2, -1, -1):
            a, b = bb[lv], bb[lv + 1]
            if a < b:
                np.minimum.at(ls, s[a:b], ls[d[a:b]] - w[a:b])
        return ls
    ls_l = ls.tolist()
    ptr = topo.out_ptr.tolist()
    edges = topo.out_edges.tolist()
    dst_l, w_l = dst.tolist(), delta.tolist()
    for v in reversed(topo.order.tolist()):
        best = ls_l[v]
        for k in range(ptr[v], ptr[v + 1]):
            e = edges[k]
            cand = ls_l[dst_l[e]] - w_l[e]
            if cand < best:
                best = cand
        ls_l[v] = best
    return np.array(ls_l, dtype=np.int64)
