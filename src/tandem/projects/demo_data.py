"""The PM side of ``tandem demo``: projects for the demo clients at every stage of their life,
so that the Gantt, the dashboards and the clients' health tell one story.

Minh (pm@demo.test) manages them all; Tuan (member@demo.test) is on most teams. The large one,
``SML-ERP`` for Sao Mai Logistics (about 300 tasks), was baselined when the contract was signed
and has slipped since: the requirements and warehouse design took longer than planned, so its
milestones are late against the baseline and the finish is past the target, which the client's
health picks up. The others: a bank's single sign-on going well, a retail app on hold after a
rejected prototype, a smart-city dashboard being planned, an agritech pilot proposed, a data
warehouse migration closing and a test automation project closed.

Plans are written in bulk (tasks and dependencies) and scheduled by the engine a few times per
project (plan, baseline, slippage, progress), never per task. Deliverables and project issues go
through their services, so their history, audit and notifications are the real ones. Loaded
once: a refresh of the demo leaves an organization that already has projects alone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tandem.clients import health
from tandem.clients.models import Client, ClientIssue, HealthSnapshot, IssueStatus, Need, NeedStatus
from tandem.core.actor import Actor
from tandem.core.demo import DemoContext
from tandem.core.models import Membership, User
from tandem.core.roles import Role
from tandem.projects.models import (
    Deliverable,
    DeliverableEvent,
    Dependency,
    DependencyType,
    Project,
    ProjectStatus,
    ScopeItem,
    Task,
)
from tandem.projects.scheduling import reschedule
from tandem.projects.services.baselines import baseline_save
from tandem.projects.services.projects import (
    charter_update,
    member_add,
    project_create,
    project_transition,
    scope_item_create,
)

SEED = 20261130
LARGE_CODE = "SML-ERP"
LARGE_CLIENT = "Sao Mai Logistics"


@dataclass
class Row:
    """One WBS row to create: ``after`` names the rows it depends on (finish-to-start unless a
    (key, type, lag) tuple says otherwise)."""

    key: str
    name: str
    duration: int = 0
    parent: str | None = None
    after: tuple[Any, ...] = ()
    summary: bool = False
    assignee: User | None = None
    hours: int | None = None


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)

    def phase(self, key: str, name: str, parent: str | None = None) -> str:
        self.rows.append(Row(key, name, parent=parent, summary=True))
        return key

    def task(self, key: str, name: str, duration: int, parent: str, *after: Any,
             assignee: User | None = None) -> str:
        self.rows.append(Row(key, name, duration, parent, tuple(a for a in after if a),
                             assignee=assignee, hours=duration * 8 if duration else None))
        return key


@dataclass(frozen=True)
class Spec:
    code: str
    client: str
    name: str
    status: str  # the stage the project ends in
    weeks_ago: int  # start: this many weeks before this week's Monday
    objectives: str
    success: str
    scope_out: str


SMALL: tuple[Spec, ...] = (
    Spec("HTB-SSO", "Hà Thành Bank", "Single sign-on for all branches", ProjectStatus.ACTIVE, 7,
         "One sign-in for the bank's 40 internal applications, for every branch.",
         "All staff sign in once; password reset calls halve within three months.",
         "Customer-facing internet banking."),
    Spec("PLR-APP", "Phúc Long Retail", "Store operations mobile app", ProjectStatus.ON_HOLD, 10,
         "A mobile app for store managers: stock counts, shift handover and daily reports.",
         "Used daily in 30 pilot stores; stock count time down 40 %.",
         "The point-of-sale system itself."),
    Spec("DNS-DASH", "Đà Nẵng Smart City", "City operations dashboard", ProjectStatus.PLANNING,
         -2, "One dashboard of traffic, flooding and public lighting for the operations room.",
         "Live data from three city systems; the operations room uses it on every shift.",
         "New sensors and field hardware."),
    Spec("MKA-IOT", "Mekong Agritech", "Farm sensor pilot", ProjectStatus.PROPOSED, -6,
         "Prove that soil and water sensors cut irrigation costs on two farms.",
         "Irrigation water down 20 % over one season on the pilot farms.",
         "Rolling out to all farms."),
    Spec("NWH-DW", "Northwind Health", "Data warehouse migration to the cloud",
         ProjectStatus.CLOSING, 20,
         "Move the clinical and finance data warehouse to the cloud without losing history.",
         "Nightly loads under two hours; every report reconciled with the old warehouse.",
         "New reports and dashboards."),
    Spec("CTS-QA", "Contoso Insurance", "Regression test automation", ProjectStatus.CLOSED, 30,
         "Automate the regression tests of the policy administration system.",
         "80 % of regression cases automated and run before each release.",
         "Performance and security testing."),
)


def load_demo(context: DemoContext) -> None:
    organization = context.organization
    if Project.objects.filter(organization=organization).exists():
        return
    clients = {c.name: c for c in Client.objects.filter(organization=organization)}
    if not clients:
        return
    people = _people(context)
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    touched: list[Client] = []

    large_client = clients.get(LARGE_CLIENT) or _first_strategic(organization.pk)
    if large_client is not None:
        _large_project(people, large_client, monday, today, rng)
        touched.append(large_client)
    for spec in SMALL:
        client = clients.get(spec.client)
        if client is None:
            continue
        _small_project(people, spec, client, monday, today, rng)
        touched.append(client)
    # The clients' health now has its project schedule factor: the score computed a moment
    # ago by the clients' demo (before these projects existed) is replaced, not doubled.
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    HealthSnapshot.objects.filter(client__in=touched, computed_at__gte=start_of_day).delete()
    for client in touched:
        health.recompute_client(client)


# -- people --------------------------------------------------------------------------------------


@dataclass
class People:
    pm: User
    member: User
    actors: dict[int, Actor]  # by user id, for everyone with a membership
    system: Actor

    @property
    def pm_actor(self) -> Actor:
        return self.actor_of(self.pm)

    def actor_of(self, user: User | None) -> Actor:
        """The person acting in the demo organization (the system when they are not in it)."""
        return self.actors.get(user.pk, self.system) if user is not None else self.system


def _people(context: DemoContext) -> People:
    memberships = (Membership.objects.filter(organization=context.organization, is_active=True)
                   .select_related("user", "organization"))
    return People(
        pm=context.people[Role.PROJECT_MANAGER], member=context.people[Role.MEMBER],
        actors={m.user_id: Actor.for_membership(m, request_id="demo") for m in memberships},
        system=context.actor,
    )


def _first_strategic(organization_id: int) -> Client | None:
    return (Client.objects.filter(organization_id=organization_id, tier="strategic")
            .order_by("id").first())


# -- plans ---------------------------------------------------------------------------------------


def _build(project: Project, plan: Plan, scope: list[ScopeItem]) -> dict[str, int]:
    """Create the plan's rows (level by level, so parents exist first) and its dependencies in
    bulk, then schedule it once."""
    org_id = project.organization_id
    order = {row.key: index for index, row in enumerate(plan.rows, start=1)}
    depth: dict[str, int] = {}
    for row in plan.rows:
        depth[row.key] = 0 if row.parent is None else depth[row.parent] + 1
    created: dict[str, Task] = {}
    leaf_number = {r.key: n for n, r in enumerate(r for r in plan.rows if not r.summary)}
    for level in range(max(depth.values(), default=-1) + 1):
        batch = [r for r in plan.rows if depth[r.key] == level]
        tasks = [
            Task(organization_id=org_id, project=project, sequence=order[r.key], name=r.name,
                 duration=0 if r.summary else r.duration, is_summary=r.summary,
                 parent=created[r.parent] if r.parent else None, assignee=r.assignee,
                 estimate_hours=r.hours,
                 scope_item=scope[leaf_number[r.key] % len(scope)] if scope and not r.summary
                 else None)
            for r in batch
        ]
        for row, task in zip(batch, Task.objects.bulk_create(tasks), strict=True):
            created[row.key] = task
    links = []
    for row in plan.rows:
        for link in row.after:
            key, kind, lag = link if isinstance(link, tuple) else (link, DependencyType.FS, 0)
            links.append(Dependency(organization_id=org_id, project=project,
                                    predecessor=created[key], successor=created[row.key],
                                    type=kind, lag=lag))
    Dependency.objects.bulk_create(links)
    reschedule(project)
    return {key: task.pk for key, task in created.items()}


def _reload(keys: dict[str, int]) -> dict[str, Task]:
    """The plan's rows as now scheduled, by key."""
    rows = Task.objects.in_bulk(list(keys.values()))
    return {key: rows[pk] for key, pk in keys.items()}


def _standard_plan(spec: Spec, people: People) -> Plan:
    """A four-phase plan of an ordinary engagement, about twenty rows."""
    pm, member = people.pm, people.member
    p = Plan()
    p.phase("init", "Initiation")
    p.task("kickoff", "Kick-off meeting with the client", 1, "init", assignee=pm)
    p.task("interviews", "Stakeholder interviews", 4, "init", "kickoff", assignee=pm)
    p.task("charter", "Charter signed", 0, "init", "interviews", assignee=pm)
    p.phase("design", "Design")
    p.task("analysis", "Current-state analysis", 5, "design", "charter", assignee=member)
    p.task("solution", f"Solution design: {spec.name.lower()}", 8, "design", "analysis",
           assignee=member)
    p.task("review", "Design review with the client", 2, "design", "solution", assignee=pm)
    p.task("designed", "Design approved", 0, "design", "review")
    p.phase("build", "Build")
    p.task("iter1", "Build iteration 1", 10, "build", "designed", assignee=member)
    p.task("iter2", "Build iteration 2", 10, "build", "iter1", assignee=member)
    p.task("integrate", "Integration with existing systems", 6, "build",
           ("iter2", DependencyType.SS, 4))
    p.task("built", "Build complete", 0, "build", "iter2", "integrate")
    p.phase("launch", "Test and launch")
    p.task("systest", "System testing", 8, "launch", "built", assignee=member)
    p.task("uat", "User acceptance testing", 6, "launch", "systest", assignee=pm)
    p.task("training", "Training of key users", 3, "launch", ("uat", DependencyType.SS, 2))
    p.task("golive", "Go-live", 0, "launch", "uat", "training", assignee=pm)
    return p


def _large_plan(people: People, rng: random.Random) -> Plan:
    """About 300 rows: initiation, requirements and design, four module streams built in
    parallel, then integration, migration, testing, training, go-live and hypercare."""
    pm, member = people.pm, people.member
    p = Plan()
    p.phase("init", "Initiation")
    p.task("kickoff", "Kick-off with Sao Mai's steering committee", 1, "init", assignee=pm)
    p.task("governance", "Governance and reporting set up", 3, "init", "kickoff", assignee=pm)
    p.task("m-init", "Project charter signed", 0, "init", "governance", assignee=pm)

    modules = (("fin", "Finance"), ("wms", "Warehouse"), ("tms", "Transport"),
               ("proc", "Procurement"))
    p.phase("req", "Requirements")
    req_done = []
    for key, label in modules:
        stream = p.phase(f"req-{key}", f"{label} requirements", "req")
        prev = "m-init"
        for n, topic in enumerate(("Workshops", "Process maps", "Gap analysis", "Reports and "
                                   "forms", "Requirements sign-off"), start=1):
            prev = p.task(f"req-{key}-{n}", f"{label}: {topic.lower()}", rng.randint(3, 6),
                          stream, prev, assignee=member if n % 2 else pm)
        req_done.append(prev)
    p.task("m-req", "Requirements specification accepted", 0, "req", *req_done, assignee=pm)

    p.phase("design", "Solution design")
    design_done = []
    for key, label in modules:
        stream = p.phase(f"des-{key}", f"{label} design", "design")
        prev = "m-req"
        for n, topic in enumerate(("Data model", "Configuration design", "Interfaces",
                                   "Security roles", "Design review"), start=1):
            prev = p.task(f"des-{key}-{n}", f"{label}: {topic.lower()}", rng.randint(3, 7),
                          stream, prev, assignee=member if n % 2 else None)
        design_done.append(prev)
    p.task("m-design", "Solution design approved", 0, "design", *design_done, assignee=pm)

    built = []
    for key, label in modules:
        phase = p.phase(f"build-{key}", f"{label} module")
        previous_sprint_end = "m-design"
        for sprint in range(1, 6):
            stream = p.phase(f"b-{key}-s{sprint}", f"{label} sprint {sprint}", phase)
            first = p.task(f"b-{key}-s{sprint}-plan", f"{label} sprint {sprint}: planning", 1,
                           stream, previous_sprint_end)
            stories = []
            for story in range(1, 8):
                topic = _STORY_NAMES[(story + sprint) % len(_STORY_NAMES)]
                stories.append(p.task(
                    f"b-{key}-s{sprint}-{story}", f"{label} sprint {sprint}: {topic}",
                    rng.randint(2, 6), stream, first,
                    assignee=member if (story + sprint) % 3 == 0 else None))
            review = p.task(f"b-{key}-s{sprint}-review", f"{label} sprint {sprint}: review with "
                            "the client", 1, stream, *stories, assignee=pm)
            previous_sprint_end = review
        built.append(p.task(f"m-build-{key}", f"{label} module complete", 0, phase,
                            previous_sprint_end))

    p.phase("integ", "Integration")
    prev = ""
    for n, name in enumerate(("Interface to the customs portal", "Interface to the bank",
                              "Interface to the fleet GPS", "Interface to the e-invoice "
                              "provider", "End-to-end integration run"), start=1):
        prev = p.task(f"int-{n}", name, rng.randint(4, 8), "integ", *(built if n == 1 else
                                                                       (prev,)))
    p.task("m-integ", "Integration complete", 0, "integ", prev)

    p.phase("mig", "Data migration")
    mig_prev = p.task("mig-plan", "Data migration plan", 4, "mig", "m-design", assignee=member)
    for n, name in enumerate(("Customer master", "Supplier master", "Item master",
                              "Open orders", "Stock balances", "General ledger balances"),
                             start=1):
        extract = p.task(f"mig-{n}-x", f"Extract and clean: {name.lower()}", rng.randint(3, 6),
                         "mig", mig_prev)
        mig_prev = p.task(f"mig-{n}-l", f"Trial load: {name.lower()}", rng.randint(2, 4), "mig",
                          extract)
    p.task("m-mig", "Trial migration signed off", 0, "mig", mig_prev, "m-integ")

    p.phase("test", "Testing")
    test_prev = "m-mig"
    for n, name in enumerate(("System test cycle 1", "Defect fixing cycle 1",
                              "System test cycle 2", "Defect fixing cycle 2",
                              "Performance test", "User acceptance testing",
                              "UAT defect fixing"), start=1):
        test_prev = p.task(f"test-{n}", name, rng.randint(5, 10), "test", test_prev,
                           assignee=member if n % 2 else None)
    p.task("m-uat", "User acceptance signed", 0, "test", test_prev, assignee=pm)

    p.phase("train", "Training")
    p.task("train-1", "Training materials in Vietnamese", 8, "train", ("test-5",
                                                                     DependencyType.SS, 0))
    p.task("train-2", "Train the trainers", 4, "train", "train-1")
    p.task("train-3", "End-user training in the warehouses", 10, "train", "train-2")

    p.phase("live", "Deployment and go-live")
    p.task("live-1", "Cut-over rehearsal", 3, "live", "m-uat", "train-3", assignee=pm)
    p.task("live-2", "Final data migration", 2, "live", "live-1", assignee=member)
    p.task("m-live", "Go-live", 0, "live", "live-2", assignee=pm)
    p.phase("care", "Hypercare")
    p.task("care-1", "Hypercare support", 20, "care", "m-live", assignee=member)
    p.task("care-2", "Handover to support", 2, "care", ("care-1", DependencyType.FF, 0))
    p.task("m-close", "Project closed", 0, "care", "care-1", "care-2", assignee=pm)
    return p


_STORY_NAMES = ("master data screens", "approval workflow", "search and filters",
                "document printing", "mobile screens", "notifications", "reports",
                "import from spreadsheets", "audit trail")


# -- projects ------------------------------------------------------------------------------------


def _create(people: People, client: Client, code: str, name: str, start: dt.date,
            status: str, target: dt.date | None, charter: dict[str, str]) -> tuple[Project,
                                                                                 list[ScopeItem]]:
    # The client's account manager opens the project from the signed contract and names the
    # PM, who takes it from there.
    actor = people.pm_actor
    project = project_create(
        actor=people.actor_of(client.owner), code=code, name=name, manager_id=people.pm.pk,
        start_date=start, client_id=client.pk, target_finish=target,
        status=ProjectStatus.PROPOSED if status == ProjectStatus.PROPOSED
        else ProjectStatus.PLANNING if status == ProjectStatus.PLANNING
        else ProjectStatus.ACTIVE,
        currency="VND" if client.language == "vi" else "USD",
        description=charter["objectives"],
    )
    charter_update(actor=actor, project=project, expected_version=1, changes=charter)
    member_add(actor=actor, project=project, user_id=people.member.pk,
                   project_role="Business analyst and developer", allocation=80)
    needs = Need.objects.filter(client=client).exclude(status=NeedStatus.DROPPED).order_by("id")
    scope = [scope_item_create(actor=actor, project=project, need_id=need.pk) for need in needs]
    scope.append(scope_item_create(actor=actor, project=project, title="Training of key users",
                                   description="Train the client's key users to train others."))
    return project, scope


def _end_in(people: People, project: Project, status: str) -> None:
    """Walk the project through the lifecycle to ``status``."""
    paths: dict[str, tuple[str, ...]] = {
        ProjectStatus.ON_HOLD: (ProjectStatus.ON_HOLD,),
        ProjectStatus.CLOSING: (ProjectStatus.CLOSING,),
        ProjectStatus.CLOSED: (ProjectStatus.CLOSING, ProjectStatus.CLOSED),
    }
    for step in paths.get(status, ()):
        project.refresh_from_db(fields=["version", "status"])
        project_transition(actor=people.pm_actor, project=project,
                           expected_version=project.version, status=step)


def _progress(project: Project, status_date: dt.date, *, leave_open: int = 0) -> None:
    """Record progress as of ``status_date`` from the current schedule: what finished before it
    is done (on its scheduled dates), what spans it is under way; then reschedule. The last
    ``leave_open`` tasks that should have finished are left without progress (the overdue
    work the dashboard shows)."""
    tasks = list(Task.objects.filter(project=project, is_summary=False, start__isnull=False,
                                     finish__isnull=False).order_by("finish", "sequence"))
    done = [t for t in tasks if t.finish is not None and t.finish < status_date]
    skipped = {t.pk for t in done[len(done) - leave_open:]} if leave_open else set()
    changed = []
    for task in tasks:
        start, finish = task.start, task.finish
        if task.pk in skipped or start is None or finish is None:
            continue
        if finish < status_date:
            task.percent_complete, task.actual_start, task.actual_finish = (
                100, task.start, task.finish)
        elif start < status_date:
            span = (finish - start).days + 1
            task.percent_complete = max(10, min(90, 100 * (status_date - start).days // span))
            task.actual_start = start
        else:
            continue
        changed.append(task)
    Task.objects.bulk_update(changed, ["percent_complete", "actual_start", "actual_finish"],
                             batch_size=500)
    Project.objects.filter(pk=project.pk).update(status_date=status_date)
    project.status_date = status_date
    reschedule(project)


def _small_project(people: People, spec: Spec, client: Client, monday: dt.date,
                   today: dt.date, rng: random.Random) -> Project:
    start = monday - dt.timedelta(weeks=spec.weeks_ago)
    charter = _charter(spec.objectives, spec.success, spec.scope_out, client)
    project, scope = _create(people, client, spec.code, spec.name, start, spec.status,
                             start + dt.timedelta(weeks=16), charter)
    keys = _build(project, _standard_plan(spec, people), scope)
    if spec.status in {ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.CLOSING}:
        _progress(project, today if spec.status == ProjectStatus.ACTIVE
                  else monday - dt.timedelta(weeks=1 if spec.status == ProjectStatus.ON_HOLD
                                             else 0))
    elif spec.status == ProjectStatus.CLOSED:
        project.refresh_from_db()
        _progress(project, (project.finish_date or today) + dt.timedelta(days=1))
    _deliverables_and_issues(people, project, client, _reload(keys), spec.status)
    _end_in(people, project, spec.status)
    return project


def _large_project(people: People, client: Client, monday: dt.date, today: dt.date,
                   rng: random.Random) -> Project:
    """Planned and baselined at the start, then slipped: requirements workshops and the
    warehouse design took longer than planned, and the last status update was a week ago."""
    start = monday - dt.timedelta(weeks=22)
    charter = _charter(
        "Replace Sao Mai's four separate systems (finance, warehouse, transport, purchasing) "
        "with one ERP, live before the next peak season.",
        "Go-live on the planned date; order-to-invoice time halved; one set of stock figures.",
        "The customer web portal and the fleet's hardware.", client)
    project, scope = _create(people, client, LARGE_CODE, "ERP for logistics operations", start,
                             ProjectStatus.ACTIVE, None, charter)
    keys = _build(project, _large_plan(people, rng), scope)
    project.refresh_from_db()
    # The contract baseline, with a little room to the target finish.
    target = (project.finish_date or today) + dt.timedelta(days=14)
    Project.objects.filter(pk=project.pk).update(target_finish=target)
    project.target_finish = target
    baseline = baseline_save(actor=people.pm_actor, project=project, number=0,
                             name="Contract baseline")
    baseline.saved_at = timezone.make_aware(dt.datetime.combine(start, dt.time(17)))
    baseline.save(update_fields=["saved_at"])
    # What happened since: longer workshops and warehouse design, a re-planned data model.
    grown = []
    for key, task in _reload(keys).items():
        if key.startswith(("req-wms-", "req-fin-1", "des-wms-", "des-fin-1")) \
                and task.duration > 0 and not task.is_summary:
            task.duration += rng.randint(1, 2)
            grown.append(task)
    Task.objects.bulk_update(grown, ["duration"])
    reschedule(project)
    # The last status update was a week ago: what was due since then is overdue today.
    _progress(project, monday - dt.timedelta(weeks=1), leave_open=3)
    _deliverables_and_issues(people, project, client, _reload(keys), ProjectStatus.ACTIVE,
                             large=True)
    return project


def _charter(objectives: str, success: str, scope_out: str, client: Client) -> dict[str, str]:
    return {
        "objectives": objectives,
        "success_criteria": success,
        "scope_in": f"The needs {client.name} agreed with us (see the scope items).",
        "scope_out": scope_out,
        "assumptions": f"{client.name} names a product owner who decides within two working "
                       "days; test environments are ready before system testing.",
        "constraints": "Fixed price; no go-live in the two weeks before and after Tết.",
    }


# -- deliverables and issues ---------------------------------------------------------------------


def _spread_history(deliverable_id: int, *, days_ago: int) -> None:
    """The services stamped every step of the acceptance history with this moment; spread it
    back over the last weeks, a day or two between steps, as it happened."""
    now = timezone.now()
    events = list(DeliverableEvent.objects.filter(deliverable_id=deliverable_id)
                  .order_by("at", "id"))
    moments = [now - dt.timedelta(days=max(days_ago - 2 * step, 0), hours=3)
               for step in range(len(events))]
    for event, moment in zip(events, moments, strict=True):
        event.at = moment
    DeliverableEvent.objects.bulk_update(events, ["at"])
    stamps = {e.action: e.at for e in events}
    Deliverable.objects.filter(pk=deliverable_id).update(
        created_at=moments[0] if moments else now,
        submitted_at=stamps.get("submitted"),
        decided_at=stamps.get("accepted") or stamps.get("rejected"),
    )


def _deliverables_and_issues(people: People, project: Project, client: Client,
                             tasks: dict[str, Task], status: str, *,
                             large: bool = False) -> None:
    from tandem.projects.services import deliverables as d
    from tandem.projects.services import issues as i

    pm_actor = people.pm_actor
    decider = people.actor_of(client.owner)
    needs = list(Need.objects.filter(client=client).exclude(status=NeedStatus.DROPPED)
                 .order_by("id").values_list("pk", flat=True))
    milestones = {k: t for k, t in tasks.items() if t.duration == 0 and not t.is_summary}
    plan: tuple[tuple[str, str, str, str], ...]
    if large:
        plan = (
            ("Requirements specification", "m-req", "accepted", ""),
            ("Warehouse module design", "m-design", "rejected",
             "The put-away rules do not cover bonded warehouse stock; please add them and the "
             "customs hold status."),
            ("Finance module design", "m-design", "submitted", ""),
            ("Data migration plan", "m-mig", "submitted", ""),
            ("Go-live readiness report", "m-live", "planned", ""),
        )
    else:
        by_status: dict[str, tuple[tuple[str, str, str, str], ...]] = {
            ProjectStatus.ACTIVE: (("Solution design document", "designed", "accepted", ""),
                                   ("Pilot for head office", "built", "submitted", "")),
            ProjectStatus.ON_HOLD: (("Clickable prototype", "designed", "rejected",
                                     "The shift handover screens do not match how our stores "
                                     "work; we need to revisit the process first."),),
            ProjectStatus.CLOSING: (("Migrated data warehouse", "built", "accepted", ""),
                                    ("Handover documentation", "golive", "submitted", "")),
            ProjectStatus.CLOSED: (("Automated regression suite", "built", "accepted", ""),
                                   ("Test reports and handover", "golive", "accepted", "")),
            ProjectStatus.PLANNING: (("Solution design document", "designed", "planned", ""),),
        }
        plan = by_status.get(status, ())
    for n, (name, milestone_key, outcome, reason) in enumerate(plan):
        milestone = milestones.get(milestone_key)
        deliverable = d.deliverable_create(
            actor=pm_actor, project=project, name=name,
            acceptance_criteria="Reviewed by the client's product owner; all review comments "
                                "answered; signed off in writing.",
            milestone_id=milestone.pk if milestone else None,
            need_id=needs[n % len(needs)] if needs else None,
            due_date=milestone.finish if milestone else None,
        )
        if outcome == "planned":
            continue
        deliverable = d.deliverable_submit(actor=pm_actor, deliverable=deliverable,
                                           expected_version=deliverable.version)
        if outcome == "accepted":
            d.deliverable_accept(actor=decider, deliverable=deliverable,
                                 expected_version=deliverable.version,
                                 comment="Thank you, signed off.")
        elif outcome == "rejected":
            d.deliverable_reject(actor=decider, deliverable=deliverable,
                                 expected_version=deliverable.version, reason=reason)
        _spread_history(deliverable.pk, days_ago=4 + 6 * (len(plan) - n))

    today = timezone.localdate()
    member = people.member
    pm = people.pm
    issues_by_status: dict[str, tuple[tuple[str, str, User, int, str | None], ...]] = {
        ProjectStatus.ACTIVE: (
            ("Test environment not ready", "high", member, 3, None),
            ("Client's product owner away for two weeks", "medium", pm, 10, None),
            ("Licence keys delivered late", "low", pm, -5,
             "The vendor sent the keys; all environments are licensed."),
        ),
        ProjectStatus.ON_HOLD: (
            ("Store shift process to be redesigned before the app", "high", pm, 14, None),
            ("Budget frozen until the new financial year", "medium", pm, 30, None),
        ),
        ProjectStatus.PLANNING: (
            ("Access to the traffic system's data not granted yet", "high", pm, 10, None),
        ),
        ProjectStatus.CLOSING: (
            ("Two finance reports differ from the old warehouse", "medium", member, 4, None),
            ("Nightly load slower than agreed", "high", member, -15,
             "Partitioned the largest fact table; loads now finish in 70 minutes."),
        ),
    }
    issues = issues_by_status.get(status, ())
    if large:
        issues = (
            ("Bonded warehouse rules missing from the design", "critical", member, 2, None),
            ("Customs portal test account not issued", "high", pm, -2, None),
            ("Key user for transport leaves the company", "medium", pm, 12, None),
            ("Data quality of the item master", "high", member, 7, None),
            ("VPN access for the offshore team", "low", member, -20,
             "Sao Mai's IT opened the VPN for the team's addresses."),
        )
    for title, priority, owner, due_in, resolution in issues:
        issue = i.project_issue_create(
            actor=pm_actor, project=project, title=title, priority=priority,
            owner_id=owner.pk if owner else None, due_date=today + dt.timedelta(days=due_in),
            description="Raised in the weekly status meeting.",
        )
        if resolution:
            i.project_issue_transition(actor=pm_actor, issue=issue,
                                       expected_version=issue.version, to_status="resolved",
                                       resolution=resolution)
    if large:  # the client's own complaint, escalated by their account manager
        client_issue = (ClientIssue.objects.filter(client=client)
                        .exclude(status__in=(IssueStatus.RESOLVED, IssueStatus.CLOSED))
                        .order_by("id").first())
        if client_issue is not None and client.owner is not None:
            i.escalate_client_issue(actor=decider, client_issue=client_issue, project=project,
                                    priority="high", owner_id=people.pm.pk)
