"""Reads the PM-side pages need beyond ``selectors.projects`` and ``selectors.plan``: the people
and clients a form offers, the needs a project can bring into scope, the plan as table rows
(two queries, whatever the plan's size) with the signatures that tell which rows a change moved,
and schedule reasons as sentences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.clients.models import Client, Need, NeedStatus
from tandem.core.actor import Actor
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped, scoped
from tandem.projects.models import (
    CalendarException,
    Dependency,
    Project,
    ScopeItem,
    Task,
)
from tandem.projects.selectors.plan import outline_levels, wbs_codes

# Needs a project may still bring into scope.
OPEN_NEED_STATUSES = (NeedStatus.CAPTURED, NeedStatus.AGREED, NeedStatus.IN_SCOPE)


def manager_choices(actor: Actor) -> QuerySet[Membership]:
    """Who may manage a project: the active project managers and administrators."""
    return (
        scoped(Membership, actor)
        .filter(is_active=True, user__is_active=True,
                role__in=[Role.PROJECT_MANAGER, Role.ADMIN])
        .select_related("user").order_by("user__full_name", "user__email")
    )


def staff_choices(actor: Actor) -> QuerySet[Membership]:
    """The organization's active staff (team members, assignees)."""
    return (
        scoped(Membership, actor)
        .filter(is_active=True, user__is_active=True).exclude(role=Role.CLIENT)
        .select_related("user").order_by("user__full_name", "user__email")
    )


def client_choices(actor: Actor) -> QuerySet[Client]:
    """The clients a new project may be for, as ``services.projects`` allows: an account
    manager's own clients; for administrators and project managers (often given a project
    before they reach its client) the names of every client of the organization."""
    clients = scoped(Client, actor)
    if actor.role == Role.ACCOUNT_MANAGER:
        clients = clients.filter(owner_id=actor.user_id)
    elif actor.role == Role.PROJECT_MANAGER:
        clients = Client.objects.filter(organization_id=actor.organization.pk)
    return clients.only("pk", "name").order_by("name", "pk")


def needs_to_bring(actor: Actor, client_id: int | None,
                   project: Project | None = None) -> QuerySet[Need]:
    """The client's open needs, less those the project already serves."""
    if client_id is None:
        return scoped(Need, actor).none()
    needs = scoped(Need, actor).filter(client_id=client_id, status__in=OPEN_NEED_STATUSES)
    if project is not None:
        taken = ScopeItem.objects.filter(project=project).exclude(need=None).values("need_id")
        needs = needs.exclude(pk__in=taken)
    return needs.order_by("-created_at", "-id")


def plan_counts(actor: Actor, project: Project) -> dict[str, int]:
    """Tasks (not phases), milestones and critical tasks of a project, in one query."""
    row = scoped(Task, actor).filter(project=project, is_summary=False).aggregate(
        n_tasks=Count("pk"),
        n_milestones=Count("pk", filter=Q(duration=0)),
        n_critical=Count("pk", filter=Q(is_critical=True)),
    )
    return {"tasks": row["n_tasks"] or 0, "milestones": row["n_milestones"] or 0,
            "critical": row["n_critical"] or 0}


def calendar_exception_get(actor: Actor, exception_id: Any) -> CalendarException:
    queryset = scoped(CalendarException, actor).select_related("calendar")
    return get_scoped(queryset, actor, pk=exception_id)


@dataclass
class PlanRow:
    """One WBS row as the plan table shows it."""

    id: int
    version: int
    row: int
    wbs: str
    level: int
    name: str
    parent_id: int | None
    is_summary: bool
    is_milestone: bool
    duration: int
    start: dt.date | None
    finish: dt.date | None
    total_float: int
    is_critical: bool
    percent_complete: int
    actual_start: dt.date | None
    actual_finish: dt.date | None
    constraint_type: str
    constraint_date: dt.date | None
    assignee_id: int | None
    assignee: str
    estimate_hours: Decimal | None
    optimistic: Decimal | None
    most_likely: Decimal | None
    pessimistic: Decimal | None
    predecessors: str


MAX_IDS_IN_QUERY = 500  # more rows than this are read whole and picked in Python
_ROW_FIELDS = (
    "id", "version", "sequence", "parent_id", "name", "is_summary", "duration", "start",
    "finish", "total_float", "is_critical", "percent_complete", "actual_start", "actual_finish",
    "constraint_type", "constraint_date", "assignee_id", "assignee__full_name",
    "assignee__email", "estimate_hours", "optimistic", "most_likely", "pessimistic",
)


def plan_rows(actor: Actor, project: Project, *, only: set[int] | None = None,
              signatures: dict[int, Signature] | None = None) -> list[PlanRow]:
    """The project's WBS in order with codes, indentation and predecessors written like
    Microsoft Project ("3", "3SS", "3FS+2"): one query for the tasks, one for the links.
    ``only`` keeps those rows (the codes still come from the whole plan); with the plan's
    current ``signatures`` (which hold its outline) only those rows are read."""
    tasks = scoped(Task, actor).filter(project=project)
    if only is not None and signatures is not None:
        outline = sorted(((pk, sig[1], sig[0]) for pk, sig in signatures.items()),
                         key=lambda r: r[2])
        if len(only) <= MAX_IDS_IN_QUERY:
            tasks = tasks.filter(pk__in=only)
    rows = list(tasks.order_by("sequence").values_list(*_ROW_FIELDS))
    if only is None or signatures is None:
        outline = [(t[0], t[3], t[2]) for t in rows]
    codes = wbs_codes([(pk, parent) for pk, parent, _row in outline])
    levels = outline_levels([(pk, parent) for pk, parent, _row in outline])
    number = {pk: row for pk, _parent, row in outline}
    links = scoped(Dependency, actor).filter(project=project)
    if only is not None and len(only) <= MAX_IDS_IN_QUERY:
        links = links.filter(successor_id__in=only)
    preds: dict[int, list[str]] = {}
    for pred, succ, kind, lag in links.order_by("id").values_list(
            "predecessor_id", "successor_id", "type", "lag"):
        preds.setdefault(succ, []).append(link_label(number.get(pred, 0), kind, lag))
    return [
        PlanRow(
            id=t[0], version=t[1], row=t[2], wbs=codes[t[0]], level=levels[t[0]], name=t[4],
            parent_id=t[3], is_summary=t[5], is_milestone=t[6] == 0 and not t[5], duration=t[6],
            start=t[7], finish=t[8], total_float=t[9], is_critical=t[10],
            percent_complete=t[11], actual_start=t[12], actual_finish=t[13],
            constraint_type=t[14], constraint_date=t[15], assignee_id=t[16],
            assignee=t[17] or t[18] or "", estimate_hours=t[19], optimistic=t[20],
            most_likely=t[21], pessimistic=t[22], predecessors=", ".join(preds.get(t[0], ())),
        )
        for t in rows if only is None or t[0] in only
    ]


# What a row of the plan table shows, in one tuple per task: comparing two snapshots tells which
# rows a change moved. The predecessor labels are left out: they change only on the row whose
# links were edited (rendered anyway) or when rows are renumbered (``sequence``, which is in).
SIGNATURE_FIELDS = (
    "id", "sequence", "parent_id", "is_summary", "name", "duration", "start", "finish",
    "total_float", "is_critical", "percent_complete", "assignee_id",
)
Signature = tuple[Any, ...]


def plan_signatures(actor: Actor, project: Project) -> dict[int, Signature]:
    """Each task's displayed values (id → tuple), in one query; cheap next to rendering rows."""
    return {row[0]: row[1:] for row in scoped(Task, actor).filter(project=project)
            .values_list(*SIGNATURE_FIELDS)}


def rows_changed(before: dict[int, Signature], after: dict[int, Signature]) -> set[int] | None:
    """The tasks whose row shows something else ``after`` than ``before``; ``None`` when rows
    were added, removed or moved (renumbered or reparented), which needs the whole table."""
    if before.keys() != after.keys():
        return None
    changed = set()
    for pk, now in after.items():
        then = before[pk]
        if then[:2] != now[:2]:  # sequence, parent
            return None
        if then != now:
            changed.add(pk)
    return changed


def scope_item_choices(actor: Actor, project: Project) -> list[tuple[str, str]]:
    """The project's scope items a task may serve (id, title), in the overview's order."""
    return [(str(pk), title) for pk, title in scoped(ScopeItem, actor).filter(project=project)
            .order_by("-in_scope", "id").values_list("id", "title")]


def link_label(row: int, kind: str, lag: int) -> str:
    """A predecessor as Microsoft Project writes it: the row, the type unless FS with no lag,
    and the lag in working days."""
    if kind == "FS" and lag == 0:
        return str(row)
    return f"{row}{kind}{lag:+d}" if lag else f"{row}{kind}"


def task_links(actor: Actor, task: Task) -> list[dict[str, Any]]:
    """The task's predecessors with their row numbers and names (one query)."""
    return [
        {"id": pk, "row": row, "name": name, "type": kind, "lag": lag, "version": version,
         "label": link_label(row, kind, lag)}
        for pk, row, name, kind, lag, version in scoped(Dependency, actor).filter(successor=task)
        .order_by("predecessor__sequence").values_list(
            "id", "predecessor__sequence", "predecessor__name", "type", "lag", "version")
    ]


def task_ids_by_row(actor: Actor, project: Project, rows: list[int]) -> dict[int, int]:
    """Task ids of the project's rows (row number → id)."""
    return dict(scoped(Task, actor).filter(project=project, sequence__in=rows)
                .values_list("sequence", "id"))


def schedule_reason_texts(reasons: list[str]) -> list[str]:
    """The schedule status's reason codes ("negative_float:2") as sentences."""
    return [text for text in (_reason_text(code) for code in reasons) if text]


def _reason_text(code: str) -> str:
    name, _sep, figure = str(code).partition(":")
    try:
        n = int(figure)
    except ValueError:
        n = 0
    if name == "negative_float":
        return ngettext(
            "%(n)d open task has negative float: it cannot finish in time for its successors "
            "or constraints.",
            "%(n)d open tasks have negative float: they cannot finish in time for their "
            "successors or constraints.", n) % {"n": n}
    if name == "finish_after_target":
        return ngettext("The scheduled finish is %(n)d day after the target finish.",
                        "The scheduled finish is %(n)d days after the target finish.",
                        n) % {"n": n}
    if name == "little_float_to_target":
        return ngettext("Only %(n)d working day is left between the scheduled finish and the "
                        "target finish.",
                        "Only %(n)d working days are left between the scheduled finish and the "
                        "target finish.", n) % {"n": n}
    if name == "milestone_slip":
        return ngettext("A milestone has slipped %(n)d working day past its baseline.",
                        "A milestone has slipped %(n)d working days past its baseline.",
                        n) % {"n": n}
    if name == "milestones_overdue":
        return ngettext("%(n)d milestone is overdue: its date has passed and it is not done.",
                        "%(n)d milestones are overdue: their dates have passed and they are not "
                        "done.", n) % {"n": n}
    return _("Schedule note: %(code)s") % {"code": code}
