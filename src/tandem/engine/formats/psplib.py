"""Reader for PSPLIB single-mode RCPSP files (``.sm``), as used by the J30/J60/J90/J120 sets.

Layout (Kolisch & Sprecher 1997): a header with the job count and horizon, a PROJECT INFORMATION
line ending with the MPM-Time (critical-path length), the PRECEDENCE RELATIONS (job, modes,
successor count, successors), the REQUESTS/DURATIONS (job, mode, duration, demand per renewable
resource) and the RESOURCEAVAILABILITIES (capacity per resource). Jobs are numbered from 1; job 1
and the last job are zero-duration dummies (source and sink).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tandem.engine.calendar import CalendarSpec
from tandem.engine.errors import FormatError
from tandem.engine.model import Dependency, Network, Resource, Task


@dataclass
class PsplibInstance:
    """An RCPSP instance with 0-based jobs (job ``j`` here is PSPLIB job ``j + 1``)."""

    name: str
    durations: list[int]
    successors: list[list[int]]
    demands: list[list[int]]  # per job, per resource
    capacities: list[int]
    mpm_time: int | None = None
    horizon: int | None = None

    @property
    def n_jobs(self) -> int:
        return len(self.durations)

    def job_id(self, j: int) -> str:
        return str(j + 1)

    def to_network(self) -> Network:
        """The instance as a :class:`Network` (task ids are job numbers, times are periods)."""
        names = [f"R{k + 1}" for k in range(len(self.capacities))]
        tasks = [
            Task(
                id=self.job_id(j),
                name=f"job {j + 1}",
                duration=d,
                demands={names[k]: u for k, u in enumerate(self.demands[j]) if u},
            )
            for j, d in enumerate(self.durations)
        ]
        deps = [
            Dependency(self.job_id(j), self.job_id(s))
            for j, succ in enumerate(self.successors)
            for s in succ
        ]
        resources = [
            Resource(id=r, name=r, capacity=c) for r, c in zip(names, self.capacities, strict=True)
        ]
        return Network(
            tasks=tasks,
            dependencies=deps,
            resources=resources,
            calendar=CalendarSpec(country=None),
            name=self.name,
        )


_INT = re.compile(r"-?\d+")


def read_psplib(path: str | Path) -> PsplibInstance:
    p = Path(path)
    try:
        text = p.read_text(encoding="latin-1")
    except OSError as exc:
        raise FormatError(f"cannot read {p}: {exc.strerror or exc}") from exc
    return parse_psplib(text, name=p.stem)


def parse_psplib(text: str, *, name: str = "") -> PsplibInstance:
    lines = text.splitlines()
    try:
        return _parse(lines, name)
    except (ValueError, IndexError, KeyError) as exc:
        raise FormatError(f"not a valid PSPLIB .sm file ({name or 'input'}): {exc}") from exc


def _section(lines: list[str], title: str) -> int:
    for i, line in enumerate(lines):
        if line.strip().upper().startswith(title):
            return i
    raise ValueError(f"missing section {title!r}")


def _header_int(lines: list[str], label: str) -> int | None:
    for line in lines:
        if line.lower().startswith(label) and ":" in line:
            nums = _INT.findall(line.split(":", 1)[1])
            return int(nums[0]) if nums else None
    return None


def _parse(lines: list[str], name: str) -> PsplibInstance:
    n_jobs = _header_int(lines, "jobs")
    if n_jobs is None:
        raise ValueError("no 'jobs' line in the header")
    horizon = _header_int(lines, "horizon")
    mpm = None
    i = _section(lines, "PROJECT INFORMATION")
    nums = _INT.findall(lines[i + 2])
    if len(nums) >= 6:
        mpm = int(nums[5])
    i = _section(lines, "PRECEDENCE RELATIONS") + 2
    successors: list[list[int]] = [[] for _ in range(n_jobs)]
    for row in lines[i : i + n_jobs]:
        v = [int(x) for x in _INT.findall(row)]
        job, count = v[0], v[2]
        succ = v[3 : 3 + count]
        if len(succ) != count:
            raise ValueError(f"job {job}: expected {count} successors, found {len(succ)}")
        successors[job - 1] = [s - 1 for s in succ]
    i = _section(lines, "REQUESTS/DURATIONS") + 3
    durations = [0] * n_jobs
    demands: list[list[int]] = [[] for _ in range(n_jobs)]
    rows = [r for r in lines[i:] if _INT.match(r.strip() or "x")][:n_jobs]
    for row in rows:
        v = [int(x) for x in _INT.findall(row)]
        job = v[0]
        durations[job - 1] = v[2]
        demands[job - 1] = v[3:]
    i = _section(lines, "RESOURCEAVAILABILITIES") + 2
    capacities = [int(x) for x in _INT.findall(lines[i])]
    n_res = len(capacities)
    if any(len(d) != n_res for d in demands):
        raise ValueError("demand rows do not match the number of resources")
    for j, succ in enumerate(successors):
        if any(not 0 <= s < n_jobs for s in succ):
            raise ValueError(f"job {j + 1} has a successor out of range")
    return PsplibInstance(
        name=name,
        durations=durations,
        successors=successors,
        demands=demands,
        capacities=capacities,
        mpm_time=mpm,
        horizon=horizon,
    )
