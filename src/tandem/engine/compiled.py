"""A :class:`~tandem.engine.model.Network` turned into arrays that the algorithms work on.

Leaf tasks become nodes. A summary task becomes two zero-duration *gate* nodes, its start and its
finish: the start gate precedes each child (start-to-start), each child precedes the finish gate.
A dependency on a summary is attached to the gate of the end it ties: the finish gate for a
finish (FS/FF from a summary, FF/SF into one), the start gate for a start. This keeps the graph
linear in size (no dependency is copied to every child) and is exact for the common cases
(FS into or out of a summary); a start-to-start dependency *out of* a summary ties the successor
to the summary's own start gate, which precedes all its children.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.engine.graph import IntArray, Topology, topology
from tandem.engine.model import DependencyType, Network

# (predecessor end is finish, successor end is finish) for each type
_ENDS = {
    DependencyType.FS: (True, False),
    DependencyType.SS: (False, False),
    DependencyType.FF: (True, True),
    DependencyType.SF: (False, True),
}
KIND_CODE = {DependencyType.FS: 0, DependencyType.SS: 1, DependencyType.FF: 2, DependencyType.SF: 3}


@dataclass
class CompiledNetwork:
    """Node arrays; nodes ``0..len(leaf_ids)-1`` are leaf tasks, the rest are summary gates."""

    names: list[str]  # per node: the task id (a summary's two gates both carry its id)
    leaf_ids: list[str]
    node_of: dict[str, int]  # leaf task id -> node
    gates: dict[str, tuple[int, int]]  # summary id -> (start gate, finish gate)
    children: dict[str, list[str]]  # summary id -> child task ids, in file order
    duration: IntArray
    src: IntArray
    dst: IntArray
    a: IntArray  # 1 when the predecessor's finish is tied
    b: IntArray  # 1 when the successor's finish is tied
    lag: IntArray
    kind: npt.NDArray[np.int8]  # 0 FS, 1 SS, 2 FF, 3 SF; -1 for the WBS gate edges
    topo: Topology

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def n_leaves(self) -> int:
        return len(self.leaf_ids)

    def delta(self, duration: IntArray | None = None) -> IntArray:
        d = self.duration if duration is None else duration
        return self.a * d[self.src] - self.b * d[self.dst] + self.lag


def compile_network(network: Network, *, validate: bool = True) -> CompiledNetwork:
    if validate:
        network.validate()
    summaries = network.summary_ids()
    leaf_ids = [t.id for t in network.tasks if t.id not in summaries]
    node_of = {tid: i for i, tid in enumerate(leaf_ids)}
    names = list(leaf_ids)
    gates: dict[str, tuple[int, int]] = {}
    for t in network.tasks:
        if t.id in summaries:
            gates[t.id] = (len(names), len(names) + 1)
            names.extend((t.id, t.id))
    durations = np.zeros(len(names), dtype=np.int64)
    for t in network.tasks:
        if t.id in node_of:
            durations[node_of[t.id]] = t.duration
    children: dict[str, list[str]] = {s: [] for s in summaries}
    src: list[int] = []
    dst: list[int] = []
    a: list[int] = []
    b: list[int] = []
    lag: list[int] = []
    kind: list[int] = []

    def start_node(tid: str) -> int:
        return gates[tid][0] if tid in gates else node_of[tid]

    def finish_node(tid: str) -> int:
        return gates[tid][1] if tid in gates else node_of[tid]

    for t in network.tasks:
        if t.parent is None:
            continue
        children[t.parent].append(t.id)
        gs, gf = gates[t.parent]
        # The parent's start gate precedes the child's start; the child's finish precedes the
        # parent's finish gate (an FS edge from a leaf, a zero-lag SS between gates).
        src.append(gs)
        dst.append(start_node(t.id))
        a.append(0)
        b.append(0)
        lag.append(0)
        kind.append(-1)
        src.append(finish_node(t.id))
        dst.append(gf)
        a.append(0 if t.id in gates else 1)
        b.append(0)
        lag.append(0)
        kind.append(-1)
    for dep in network.dependencies:
        pred_finish, succ_finish = _ENDS[DependencyType(dep.type)]
        p = finish_node(dep.predecessor) if pred_finish else start_node(dep.predecessor)
        s = finish_node(dep.successor) if succ_finish else start_node(dep.successor)
        src.append(p)
        dst.append(s)
        # A gate has no duration, so the coefficient only matters for leaf ends.
        a.append(1 if pred_finish and p < len(leaf_ids) else 0)
        b.append(1 if succ_finish and s < len(leaf_ids) else 0)
        lag.append(int(dep.lag))
        kind.append(KIND_CODE[DependencyType(dep.type)])
    src_a = np.array(src, dtype=np.int64)
    dst_a = np.array(dst, dtype=np.int64)
    topo = topology(len(names), src_a, dst_a, names)
    return CompiledNetwork(
        names=names,
        leaf_ids=leaf_ids,
        node_of=node_of,
        gates=gates,
        children=children,
        duration=durations,
        src=src_a,
        dst=dst_a,
        a=np.array(a, dtype=np.int64),
        b=np.array(b, dtype=np.int64),
        lag=np.array(lag, dtype=np.int64),
        kind=np.array(kind, dtype=np.int8),
        topo=topo,
    )


def compiled_from_arrays(
    duration: npt.ArrayLike,
    src: npt.ArrayLike,
    dst: npt.ArrayLike,
    kind: npt.ArrayLike,
    lag: npt.ArrayLike,
    names: list[str] | None = None,
) -> CompiledNetwork:
    """A compiled network straight from arrays (no summaries): for large generated networks.

    ``kind`` holds 0 FS, 1 SS, 2 FF, 3 SF per dependency.
    """
    dur = np.asarray(duration, dtype=np.int64)
    n = dur.size
    src_a = np.asarray(src, dtype=np.int64)
    dst_a = np.asarray(dst, dtype=np.int64)
    kind_a = np.asarray(kind, dtype=np.int8)
    ids = names if names is not None else [str(i) for i in range(n)]
    topo = topology(n, src_a, dst_a, ids)
    return CompiledNetwork(
        names=ids,
        leaf_ids=ids,
        node_of={t: i for i, t in enumerate(ids)},
        gates={},
        children={},
        duration=dur,
        src=src_a,
        dst=dst_a,
        a=((kind_a == 0) | (kind_a == 2)).astype(np.int64),
        b=((kind_a == 2) | (kind_a == 3)).astype(np.int64),
        lag=np.asarray(lag, dtype=np.int64),
        kind=kind_a,
        topo=topo,
    )
