"""``tandem bench gantt``: how fast the Gantt chart's data and a reschedule are on a large plan.

It creates a throwaway organization with one project of ``--tasks`` rows (phases, work packages,
tasks and milestones, about 1.5 dependencies per task, a saved baseline) in the configured
database, then measures

* ``GET /api/v1/projects/{id}/gantt`` through Django's test client with a bearer token (the whole
  stack: authentication, queries, JSON), its time and query count;
* the reschedule after one change: ``task_update`` of one early critical task's duration through
  the service, as the plan page and the chart's drag do (one transaction: the edit, the engine,
  saving the changed rows, commit), its time and how many tasks' schedules changed.

Each is repeated ``--repeat`` times and the median printed. The organization and all its rows
are deleted afterwards, also when a step fails.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandParser
from django.db import connection, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext

from tandem.core.actor import Actor
from tandem.core.management.base import TandemCommand
from tandem.core.models import AuditEntry, Membership, Organization, User
from tandem.core.roles import Role
from tandem.core.tokens import token_issue
from tandem.projects.models import Dependency, DependencyType, Project, Task
from tandem.projects.scheduling import reschedule
from tandem.projects.services.baselines import baseline_save
from tandem.projects.services.plan import task_update
from tandem.projects.services.projects import project_create

BENCH_START = dt.date(2026, 3, 2)
GANTT_TARGET_S = 0.3
RESCHEDULE_TARGET_S = 0.5
STREAMS = 3  # work packages of a phase run in this many parallel streams


@dataclass
class PlanShape:
    """What :func:`build_plan` made: counts, and the leaf rows (tasks and milestones) in order."""

    tasks: int = 0
    summaries: int = 0
    milestones: int = 0
    dependencies: int = 0
    leaves: list[int] = field(default_factory=list)


def build_plan(*, project: Project, tasks: int, seed: int = 5,
               assignee_ids: tuple[int, ...] = ()) -> PlanShape:
    """Fill an empty ``project`` with a realistic plan of exactly ``tasks`` rows, written in bulk
    and scheduled once (adding 5,000 rows one by one through the services would reschedule 5,000
    times). Phases hold work packages of 3 to 8 tasks chained finish-to-start, run in three
    parallel streams, and end with a milestone; extra links (finish-to-start, start-to-start with
    lag, finish-to-finish) reach back to recent tasks, about 1.5 dependencies per row in all.
    Must run in a transaction."""
    rng = random.Random(seed)  # noqa: S311 - the shape of test data
    # (parent row index, name, duration, kind) with kind "phase", "package", "task", "milestone"
    rows: list[tuple[int | None, str, int, str]] = []
    phase_size = max(8, min(250, tasks // 20))
    phase_no = 0
    while len(rows) < tasks:
        phase_no += 1
        phase = len(rows)
        rows.append((None, f"Phase {phase_no}", 1, "phase"))
        end = min(tasks, phase + phase_size)
        package_no = 0
        while len(rows) < end - 1:
            package_no += 1
            package = len(rows)
            rows.append((phase, f"Work package {phase_no}.{package_no}", 1, "package"))
            for n in range(min(rng.randint(3, 8), end - 1 - len(rows))):
                rows.append((package, f"Task {phase_no}.{package_no}.{n + 1}",
                             rng.choice((1, 2, 3, 3, 5, 5, 8, 10)), "task"))
        if len(rows) < end:
            rows.append((phase, f"Phase {phase_no} complete", 0, "milestone"))

    organization_id = project.organization_id
    pks: dict[int, int] = {}
    for kinds in (("phase",), ("package",), ("task", "milestone")):
        batch = [
            (i, Task(organization_id=organization_id, project_id=project.pk,
                     parent_id=None if parent is None else pks[parent], sequence=i + 1,
                     name=name, duration=duration, is_summary=kind in {"phase", "package"},
                     assignee_id=(assignee_ids[i % len(assignee_ids)]
                                  if assignee_ids and kind == "task" else None)))
            for i, (parent, name, duration, kind) in enumerate(rows) if kind in kinds
        ]
        Task.objects.bulk_create([t for _, t in batch], batch_size=1000)
        pks.update((i, t.pk) for i, t in batch)
    # A work package without tasks stays a plain one-day task.
    parents = {parent for parent, *_ in rows if parent is not None}
    empty = [pks[i] for i, row in enumerate(rows) if row[3] == "package" and i not in parents]
    Task.objects.filter(pk__in=empty).update(is_summary=False)

    links: dict[tuple[int, int], tuple[str, int]] = {}
    leaves = [i for i, row in enumerate(rows) if row[3] in {"task", "milestone"}
              or (row[3] == "package" and i not in parents)]
    previous_leaf: dict[int | None, int] = {}  # last leaf seen under each parent
    last_of_package: list[int] = []
    last_milestone: int | None = None
    for i in leaves:
        parent, _name, _duration, kind = rows[i]
        if kind == "milestone":
            for j in last_of_package[-STREAMS:]:
                links[(j, i)] = (DependencyType.FS, 0)
            last_of_package = []
            last_milestone = i
            continue
        if parent in previous_leaf:
            links[(previous_leaf[parent], i)] = (DependencyType.FS, 0)
        elif len(last_of_package) >= STREAMS:  # work packages run in a few parallel streams
            links[(last_of_package[-STREAMS], i)] = (DependencyType.FS, 0)
        elif last_milestone is not None:
            links[(last_milestone, i)] = (DependencyType.FS, 0)
        if parent in previous_leaf and last_of_package and last_of_package[-1] == previous_leaf[
                parent]:
            last_of_package[-1] = i
        else:
            last_of_package.append(i)
        previous_leaf[parent] = i
    target = round(len(rows) * 1.5)
    attempts = 0
    while len(links) < target and attempts < target * 20 and len(leaves) > 2:
        attempts += 1
        b = rng.randrange(1, len(leaves))
        a = rng.randrange(max(0, b - 60), b)
        pair = (leaves[a], leaves[b])
        if pair in links:
            continue
        roll = rng.random()
        if roll < 0.7:
            links[pair] = (DependencyType.FS, rng.choice((0, 0, 0, 1, 2)))
        elif roll < 0.9:
            links[pair] = (DependencyType.SS, rng.randint(1, 3))
        else:
            links[pair] = (DependencyType.FF, 0)
    Dependency.objects.bulk_create(
        [Dependency(organization_id=organization_id, project_id=project.pk,
                    predecessor_id=pks[a], successor_id=pks[b], type=kind, lag=lag)
         for (a, b), (kind, lag) in links.items()],
        batch_size=1000,
    )
    reschedule(project)
    return PlanShape(
        tasks=len(rows),
        summaries=len(parents),
        milestones=sum(1 for row in rows if row[3] == "milestone"),
        dependencies=len(links),
        leaves=[pks[i] for i in leaves],
    )


class Command(TandemCommand):
    help = ("Benchmark the Gantt chart's data endpoint and the reschedule after one change on a "
            "throwaway project of many tasks (deleted afterwards).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tasks", type=int, default=5000, help="rows in the plan (5000)")
        parser.add_argument("--repeat", type=int, default=5,
                            help="measurements of each step; the median is printed (5)")
        parser.add_argument("--seed", type=int, default=5, help="seed of the plan's shape")

    def handle(self, *args: Any, **options: Any) -> None:
        tasks, repeat = options["tasks"], options["repeat"]
        if tasks < 10 or repeat < 1:
            self.stderr.write("--tasks must be at least 10 and --repeat at least 1.")
            raise SystemExit(2)
        slug = f"bench-{uuid.uuid4().hex[:12]}"
        organization = Organization.objects.create(name="Gantt benchmark", slug=slug)
        try:
            figures = self._run(organization, tasks=tasks, repeat=repeat, seed=options["seed"])
        finally:
            deleted = _delete_organization(organization)
        figures["rows_deleted"] = deleted
        self.emit(options, figures, _report(figures))

    def _run(self, organization: Organization, *, tasks: int, repeat: int,
             seed: int) -> dict[str, Any]:
        pm = User.objects.create_user(email=f"pm@{organization.slug}.bench.invalid",
                                      password=None, full_name="Benchmark PM")
        membership = Membership.objects.create(organization=organization, user=pm,
                                               role=Role.PROJECT_MANAGER)
        actor = Actor.system(organization, label="bench")
        started = time.perf_counter()
        with transaction.atomic():
            project = project_create(actor=actor, code="BENCH", name="Gantt benchmark",
                                     manager_id=pm.pk, start_date=BENCH_START)
            shape = build_plan(project=project, tasks=tasks, seed=seed, assignee_ids=(pm.pk,))
            baseline_save(actor=actor, project=project)
        build_s = time.perf_counter() - started

        _token, secret = token_issue(membership=membership)
        client = TestClient(headers={"Authorization": f"Bearer {secret}"})
        host = _test_host()
        url = f"/api/v1/projects/{project.pk}/gantt"
        client.get(url, SERVER_NAME=host, secure=True)  # warm up imports and caches
        gantt_times, gantt_queries, size = [], [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url, SERVER_NAME=host, secure=True)
                gantt_times.append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise RuntimeError(f"The gantt endpoint answered {response.status_code}: "
                                   f"{response.content[:300]!r}")
            gantt_queries.append(len(queries))
            size = len(response.content)

        victim = _early_critical_task(project, shape)
        pm_actor = Actor.for_membership(membership)
        reschedule_times, changed_rows = [], []
        for n in range(repeat):
            task = Task.objects.select_related("project").get(pk=victim)
            before = _schedules(project)
            t0 = time.perf_counter()
            task_update(actor=pm_actor, task=task, expected_version=task.version,
                        changes={"duration": task.duration + (1 if n % 2 == 0 else -1)})
            reschedule_times.append(time.perf_counter() - t0)
            after = _schedules(project)
            changed_rows.append(sum(1 for k, v in after.items() if before.get(k) != v))
        return {
            "database": connection.vendor,
            "tasks": shape.tasks, "summaries": shape.summaries, "milestones": shape.milestones,
            "dependencies": shape.dependencies, "build_seconds": round(build_s, 2),
            "repeat": repeat,
            "gantt_ms_median": round(statistics.median(gantt_times) * 1000, 1),
            "gantt_ms_all": [round(t * 1000, 1) for t in gantt_times],
            "gantt_queries": max(gantt_queries), "gantt_bytes": size,
            "reschedule_ms_median": round(statistics.median(reschedule_times) * 1000, 1),
            "reschedule_ms_all": [round(t * 1000, 1) for t in reschedule_times],
            "reschedule_rows_changed_median": int(statistics.median(changed_rows)),
        }


def _test_host() -> str:
    allowed = [h for h in settings.ALLOWED_HOSTS if h not in {"*", ""}]
    if "testserver" in allowed or "*" in settings.ALLOWED_HOSTS or not allowed:
        return "testserver"
    return allowed[0].lstrip(".")


def _early_critical_task(project: Project, shape: PlanShape) -> int:
    """A critical task of the first phase with a duration: changing it moves most of the plan."""
    leaf_ids = shape.leaves[: max(10, len(shape.leaves) // 20)]
    found = (Task.objects.filter(pk__in=leaf_ids, is_critical=True, duration__gt=1)
             .order_by("sequence").values_list("pk", flat=True).first())
    return found or shape.leaves[0]


def _schedules(project: Project) -> dict[int, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in Task.objects.filter(project=project).values_list(
        "id", "start", "finish", "total_float", "free_float", "is_critical", "late_start")}


def _delete_organization(organization: Organization) -> int:
    """Every row of the throwaway organization, then its people and itself. Rows are deleted
    table by table, retrying those another table still protects; the audit log, append-only
    through the ORM, is cleared with a raw delete of this organization's rows only."""
    users = list(Membership.objects.filter(organization=organization).values_list("user_id",
                                                                                  flat=True))
    tenant_models = [
        m for m in apps.get_models()
        if any(isinstance(f, models.ForeignKey) and f.name == "organization"
               and f.related_model is Organization for f in m._meta.fields)
    ]
    deleted = 0
    with transaction.atomic():
        audit_rows = AuditEntry.objects.filter(organization=organization)
        deleted += audit_rows._raw_delete(audit_rows.db)
        pending = [m for m in tenant_models if m is not AuditEntry]
        for _ in range(len(pending) + 1):
            blocked = []
            for model in pending:
                try:
                    with transaction.atomic():
                        count, _per_model = model._base_manager.filter(
                            organization=organization).delete()
                        deleted += count
                except (ProtectedError, RestrictedError):
                    blocked.append(model)
            if not blocked:
                break
            pending = blocked
        else:
            raise RuntimeError(f"Could not delete the benchmark's rows of {pending}.")
        deleted += User.objects.filter(pk__in=users).exclude(memberships__isnull=False).delete()[0]
        organization.delete()
        deleted += 1
    return deleted


def _report(f: dict[str, Any]) -> str:
    gantt_ok = "ok" if f["gantt_ms_median"] / 1000 < GANTT_TARGET_S else "SLOW"
    resched_ok = "ok" if f["reschedule_ms_median"] / 1000 < RESCHEDULE_TARGET_S else "SLOW"
    return "\n".join([
        f"Gantt benchmark on {f['database']}: {f['tasks']} tasks ({f['summaries']} summaries, "
        f"{f['milestones']} milestones), {f['dependencies']} dependencies; built and scheduled "
        f"in {f['build_seconds']} s.",
        f"GET /api/v1/projects/{{id}}/gantt: median {f['gantt_ms_median']} ms over "
        f"{f['repeat']} runs ({', '.join(map(str, f['gantt_ms_all']))}), {f['gantt_queries']} "
        f"queries, {f['gantt_bytes'] / 1024:.0f} KiB  [target < {GANTT_TARGET_S * 1000:.0f} ms: "
        f"{gantt_ok}]",
        f"Reschedule after one change (task_update of a duration, saved): median "
        f"{f['reschedule_ms_median']} ms ({', '.join(map(str, f['reschedule_ms_all']))}), "
        f"{f['reschedule_rows_changed_median']} tasks' schedules changed  "
        f"[target < {RESCHEDULE_TARGET_S * 1000:.0f} ms: {resched_ok}]",
        f"Deleted the benchmark organization ({f['rows_deleted']} rows).",
    ])
