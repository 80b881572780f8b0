"""Writes of the plan: tasks (add, edit, move in the WBS, delete), dependencies, progress.

Every write reschedules the project through the engine in the same transaction, so the dates,
floats and critical flags stored on the tasks always match the plan; a change that makes the
plan impossible (a dependency loop) is refused and nothing is saved. Rows are kept in WBS order by
``sequence``: a task's subtree is the block of rows that follows it with deeper indentation."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, ValidationError
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.core.versioning import ensure_version
from tandem.projects.access import ensure_can_edit_project, ensure_can_update_progress
from tandem.projects.events import milestone_may_be_ready
from tandem.projects.models import (
    ConstraintType,
    Dependency,
    DependencyType,
    Project,
    ScopeItem,
    Task,
)
from tandem.projects.scheduling import reschedule
from tandem.projects.services.common import (
    apply_changes,
    check_date,
    check_int,
    check_unknown,
    clean_text,
    lock,
)

TASK_FIELDS = ("name", "notes", "duration", "constraint_type", "constraint_date", "assignee_id",
               "estimate_hours", "optimistic", "most_likely", "pessimistic", "scope_item_id")
PROGRESS_FIELDS = ("percent_complete", "actual_start", "actual_finish")
DATED = frozenset({"SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO"})
MAX_DURATION = 10_000  # working days (about 40 years)
MAX_LAG = 2_000


def task_create(
    *, actor: Actor, project: Project, name: str, parent_id: int | None = None,
    after_id: int | None = None, **fields: Any,
) -> Task:
    """A new row under ``parent_id`` (at the end of its subtree), or right after the subtree of
    ``after_id`` at the same level."""
    ensure_can_edit_project(actor, project)
    check_unknown(fields, TASK_FIELDS, "task")
    values = _clean_task(actor, project, {"name": name, **fields})
    with transaction.atomic():
        _lock_plan(project)
        rows = _outline(project)
        parent, position = _insert_point(rows, parent_id, after_id)
        Task.objects.filter(project=project, sequence__gte=position).update(
            sequence=F("sequence") + 1
        )
        task = Task.objects.create(organization=actor.organization, project=project,
                                   parent_id=parent, sequence=position, **values)
        audit.record(actor=actor, action="task.create", target=task,
                     changes={k: [None, audit.json_value(v)] for k, v in values.items()
                              if v not in (None, "")})
        reschedule(project)
        task.refresh_from_db()
    return task


def task_update(
    *, actor: Actor, task: Task, expected_version: int, changes: Mapping[str, Any]
) -> Task:
    """Edit a task. ``start`` (a date, as dragged on the Gantt chart) pins the task to start no
    earlier than that day, as desktop tools do when a bar is moved."""
    project = task.project
    ensure_can_edit_project(actor, project)
    changes = dict(changes)
    if "start" in changes:
        start = check_date(changes.pop("start"), "start", "start", required=True)
        changes.update(constraint_type=ConstraintType.SNET, constraint_date=start)
    check_unknown(changes, TASK_FIELDS, "task")
    values = _clean_task(actor, project, changes, current=task)
    with transaction.atomic():
        _lock_plan(project)
        locked = lock(task)
        changed = apply_changes(actor=actor, instance=locked, expected_version=expected_version,
                                values=values, action="task.update",
                                extra={"updated_at": timezone.now()})
        if changed:
            reschedule(project)
            locked.refresh_from_db()
    return locked


def task_progress(
    *, actor: Actor, task: Task, expected_version: int, changes: Mapping[str, Any]
) -> Task:
    """Record progress: % complete, actual start and finish. 100 % means finished (on the status
    date, or today, unless an actual finish is given); an actual finish means 100 %."""
    project = task.project
    ensure_can_update_progress(actor, task, project)
    check_unknown(changes, PROGRESS_FIELDS, "progress")
    if task.is_summary:
        raise ValidationError("A summary task's progress is rolled up from its tasks.",
                              code="summary_task")
    merged = {k: getattr(task, k) for k in PROGRESS_FIELDS} | dict(changes)
    if "actual_finish" not in changes and isinstance(changes.get("percent_complete"), int) \
            and changes["percent_complete"] < 100:
        merged["actual_finish"] = None  # reopened: no longer finished
    values = _clean_progress(project, merged)
    with transaction.atomic():
        _lock_plan(project)
        locked = lock(task)
        changed = apply_changes(actor=actor, instance=locked, expected_version=expected_version,
                                values=values, action="task.progress",
                                extra={"updated_at": timezone.now()})
        if changed:
            reschedule(project)
            locked.refresh_from_db()
            if locked.is_milestone and locked.actual_finish is not None:
                milestone_may_be_ready(locked.pk)  # billing may invoice it now
    return locked


def task_move(
    *, actor: Actor, task: Task, expected_version: int, parent_id: int | None,
    after_id: int | None = None,
) -> Task:
    """Move a task with its subtree: under ``parent_id`` (``None`` = top level), right after the
    sibling ``after_id`` (``None`` = first under the parent). Indenting and outdenting are moves."""
    project = task.project
    ensure_can_edit_project(actor, project)
    with transaction.atomic():
        _lock_plan(project)
        locked = lock(task)
        ensure_version(locked, expected_version=expected_version)
        rows = _outline(project)
        block = _subtree(rows, locked.pk)
        moving = {r["id"] for r in block}
        if parent_id is not None and parent_id in moving:
            raise ValidationError("A task cannot move under itself or its own subtasks.",
                                  field="parent_id")
        rest = [r for r in rows if r["id"] not in moving]
        if parent_id is not None and not any(r["id"] == parent_id for r in rest):
            raise ValidationError("The new parent is not a task of this project.",
                                  field="parent_id")
        _refuse_link_to_ancestor(project, moving, rest, parent_id)
        index = _position_in(rest, parent_id, after_id)
        ordered = [*rest[:index], *block, *rest[index:]]
        _renumber(project, ordered)
        before_parent = locked.parent_id
        Task.objects.filter(pk=locked.pk).update(parent_id=parent_id, version=F("version") + 1,
                                                 updated_at=timezone.now())
        audit.record(actor=actor, action="task.move", target=locked,
                     changes={"parent": [before_parent, parent_id], "after": [None, after_id]})
        reschedule(project)
        locked.refresh_from_db()
    return locked


def task_indent(*, actor: Actor, task: Task, expected_version: int) -> Task:
    """Make the task a subtask of the sibling above it (at the end of that sibling's subtasks)."""
    siblings = list(Task.objects.filter(project_id=task.project_id, parent_id=task.parent_id)
                    .order_by("sequence").values_list("id", flat=True))
    index = siblings.index(task.pk)
    if index == 0:
        raise ValidationError("The first task of a level has no task above it to go under.",
                              code="cannot_indent")
    new_parent = siblings[index - 1]
    last_child = (Task.objects.filter(parent_id=new_parent).order_by("-sequence")
                  .values_list("id", flat=True).first())
    return task_move(actor=actor, task=task, expected_version=expected_version,
                     parent_id=new_parent, after_id=last_child)


def task_outdent(*, actor: Actor, task: Task, expected_version: int) -> Task:
    """Move the task one level up, right after its former parent."""
    if task.parent_id is None:
        raise ValidationError("A top-level task cannot move further out.", code="cannot_outdent")
    parent = Task.objects.get(pk=task.parent_id)
    return task_move(actor=actor, task=task, expected_version=expected_version,
                     parent_id=parent.parent_id, after_id=parent.pk)


def task_delete(*, actor: Actor, task: Task) -> int:
    """Delete a task with its subtasks and their dependencies; returns how many rows went."""
    project = task.project
    ensure_can_edit_project(actor, project)
    with transaction.atomic():
        _lock_plan(project)
        rows = _outline(project)
        block = _subtree(rows, task.pk)
        ids = [r["id"] for r in block]
        audit.record(actor=actor, action="task.delete", target=task,
                     changes={"name": [task.name, None], "rows": [len(ids), None]})
        Dependency.objects.filter(project=project, predecessor_id__in=ids).delete()
        Dependency.objects.filter(project=project, successor_id__in=ids).delete()
        Task.objects.filter(pk__in=ids).delete()
        gone = set(ids)
        _renumber(project, [r for r in rows if r["id"] not in gone])
        reschedule(project)
    return len(ids)


# -- dependencies --------------------------------------------------------------------------------


def dependency_create(
    *, actor: Actor, project: Project, predecessor_id: int, successor_id: int,
    type: str = DependencyType.FS, lag: int = 0,
) -> Dependency:
    ensure_can_edit_project(actor, project)
    values = _clean_dependency({"type": type, "lag": lag})
    if predecessor_id == successor_id:
        raise ValidationError("A task cannot depend on itself.", field="successor_id")
    with transaction.atomic():
        _lock_plan(project)
        found = set(Task.objects.filter(project=project, pk__in=[predecessor_id, successor_id])
                    .values_list("pk", flat=True))
        for name, value in (("predecessor_id", predecessor_id), ("successor_id", successor_id)):
            if value not in found:
                raise ValidationError("Both tasks must belong to this project.", field=name)
        if Dependency.objects.filter(predecessor_id=predecessor_id,
                                     successor_id=successor_id).exists():
            raise Conflict("These tasks are already linked.", code="duplicate")
        dependency = Dependency.objects.create(
            organization=actor.organization, project=project, predecessor_id=predecessor_id,
            successor_id=successor_id, **values,
        )
        audit.record(actor=actor, action="dependency.create", target=dependency,
                     changes={"predecessor": [None, predecessor_id],
                              "successor": [None, successor_id], "type": [None, values["type"]],
                              "lag": [None, values["lag"]]})
        reschedule(project)
    return dependency


def dependency_update(
    *, actor: Actor, dependency: Dependency, expected_version: int, changes: Mapping[str, Any]
) -> Dependency:
    project = dependency.project
    ensure_can_edit_project(actor, project)
    check_unknown(changes, ("type", "lag"), "dependency")
    values = _clean_dependency(changes)
    with transaction.atomic():
        _lock_plan(project)
        locked = lock(dependency)
        if apply_changes(actor=actor, instance=locked, expected_version=expected_version,
                         values=values, action="dependency.update"):
            reschedule(project)
    return locked


def dependency_delete(*, actor: Actor, dependency: Dependency) -> None:
    project = dependency.project
    ensure_can_edit_project(actor, project)
    with transaction.atomic():
        _lock_plan(project)
        audit.record(actor=actor, action="dependency.delete", target=dependency,
                     changes={"predecessor": [dependency.predecessor_id, None],
                              "successor": [dependency.successor_id, None]})
        dependency.delete()
        reschedule(project)


# -- helpers -------------------------------------------------------------------------------------


def _lock_plan(project: Project) -> None:
    """Serialize plan changes of one project: rows move and the schedule is rewritten."""
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).values("pk").first()


def _outline(project: Project) -> list[dict[str, Any]]:
    return [dict(r) for r in Task.objects.filter(project=project).order_by("sequence")
            .values("id", "parent_id", "sequence")]


def _subtree(rows: list[dict[str, Any]], task_id: int) -> list[dict[str, Any]]:
    """The task's row and the rows of its descendants (contiguous in WBS order)."""
    index = next(i for i, r in enumerate(rows) if r["id"] == task_id)
    inside = {task_id}
    block = [rows[index]]
    for r in rows[index + 1:]:
        if r["parent_id"] not in inside:
            break
        inside.add(r["id"])
        block.append(r)
    return block


def _refuse_link_to_ancestor(
    project: Project, moving: set[int], rows: list[dict[str, Any]], parent_id: int | None
) -> None:
    """A summary and its own subtasks cannot be linked (as in Microsoft Project): say so
    plainly instead of reporting the loop it would make."""
    parent_of = {r["id"]: r["parent_id"] for r in rows}
    ancestors: set[int] = set()
    node = parent_id
    while node is not None:
        ancestors.add(node)
        node = parent_of.get(node)
    if not ancestors:
        return
    link = (Dependency.objects.filter(project=project)
            .filter(Q(predecessor_id__in=ancestors, successor_id__in=moving)
                    | Q(predecessor_id__in=moving, successor_id__in=ancestors))
            .select_related("predecessor", "successor").first())
    if link is not None:
        raise ValidationError(
            f"A task cannot go under a task it is linked to: remove the link between "
            f"{link.predecessor.name} and {link.successor.name} first.",
            code="summary_link", field="parent_id",
        )


def _position_in(rows: list[dict[str, Any]], parent_id: int | None, after_id: int | None) -> int:
    """Index in ``rows`` where a block goes: after ``after_id``'s subtree, or first under
    ``parent_id``."""
    if after_id is not None:
        match = [i for i, r in enumerate(rows) if r["id"] == after_id]
        if not match or rows[match[0]]["parent_id"] != parent_id:
            raise ValidationError("The task to insert after must be a sibling under the new "
                                  "parent.", field="after_id")
        return match[0] + len(_subtree(rows, after_id))
    if parent_id is None:
        return 0
    return next(i for i, r in enumerate(rows) if r["id"] == parent_id) + 1


def _insert_point(
    rows: list[dict[str, Any]], parent_id: int | None, after_id: int | None
) -> tuple[int | None, int]:
    """(parent, sequence) of a new row."""
    by_id = {r["id"]: r for r in rows}
    if after_id is not None:
        if after_id not in by_id:
            raise ValidationError("The task to insert after is not in this project.",
                                  field="after_id")
        block = _subtree(rows, after_id)
        return by_id[after_id]["parent_id"], block[-1]["sequence"] + 1
    if parent_id is not None:
        if parent_id not in by_id:
            raise ValidationError("The parent is not a task of this project.", field="parent_id")
        block = _subtree(rows, parent_id)
        return parent_id, block[-1]["sequence"] + 1
    return None, (rows[-1]["sequence"] + 1) if rows else 1


def _renumber(project: Project, ordered: list[dict[str, Any]]) -> None:
    """Give the rows sequences 1..n in this order, writing only those that change."""
    changed = [(i, r["id"]) for i, r in enumerate(ordered, start=1) if r["sequence"] != i]
    if not changed:
        return
    table = Task._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET sequence = %s WHERE id = %s",  # noqa: S608
                           changed)


def _clean_task(
    actor: Actor, project: Project, values: Mapping[str, Any], current: Task | None = None
) -> dict[str, Any]:
    cleaned = clean_text(Task, {k: v for k, v in values.items() if k in {"name", "notes",
                                                                         "constraint_type"}})
    if "duration" in values:
        cleaned["duration"] = check_int(values["duration"], "duration", "duration", low=0,
                                        high=MAX_DURATION)
    if "constraint_date" in values:
        cleaned["constraint_date"] = check_date(values["constraint_date"], "constraint_date",
                                                "constraint date")
    kind = cleaned.get("constraint_type", current.constraint_type if current else "ASAP")
    day = cleaned.get("constraint_date", current.constraint_date if current else None)
    if kind in DATED and day is None:
        raise ValidationError(f"The constraint {kind} needs a date.", field="constraint_date")
    if kind not in DATED and "constraint_type" in cleaned:
        cleaned["constraint_date"] = None
    if "assignee_id" in values and values["assignee_id"] is not None:
        _check_assignee(actor, values["assignee_id"])
        cleaned["assignee_id"] = values["assignee_id"]
    elif "assignee_id" in values:
        cleaned["assignee_id"] = None
    for name in ("estimate_hours", "optimistic", "most_likely", "pessimistic"):
        if name in values:
            cleaned[name] = _decimal(values[name], name)
    _check_three_point(cleaned, current)
    if "scope_item_id" in values:
        item = values["scope_item_id"]
        if item is not None and not ScopeItem.objects.filter(project=project, pk=item).exists():
            raise ValidationError("The scope item is not in this project.",
                                  field="scope_item_id")
        cleaned["scope_item_id"] = item
    return cleaned


def _check_assignee(actor: Actor, user_id: Any) -> None:
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ValidationError("Give the assignee's id.", field="assignee_id")
    membership = Membership.objects.filter(organization_id=actor.organization.pk,
                                           user_id=user_id).first()
    if membership is None or membership.role == Role.CLIENT:
        raise ValidationError("The assignee must be on the organization's staff.",
                              field="assignee_id")


def _decimal(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{name} must be a number.", field=name) from None
    if not number.is_finite() or number < 0 or number > Decimal("9999999"):
        raise ValidationError(f"{name} must be a number from 0 to 9,999,999.", field=name)
    return number.quantize(Decimal("0.01"))


def _check_three_point(values: Mapping[str, Any], current: Task | None) -> None:
    def pick(name: str) -> Decimal | None:
        if name in values:
            return values[name]
        return getattr(current, name) if current else None

    o, m, p = pick("optimistic"), pick("most_likely"), pick("pessimistic")
    if (o is None) != (p is None):
        raise ValidationError("Give both the optimistic and the pessimistic estimate, or neither.",
                              field="optimistic")
    if o is not None and p is not None:
        mid = m if m is not None else o
        if not o <= mid <= p:
            raise ValidationError("Estimates must be optimistic ≤ most likely ≤ pessimistic.",
                                  field="most_likely")


def _clean_dependency(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "type" in values:
        if values["type"] not in DependencyType.values:
            raise ValidationError("The dependency type is FS, SS, FF or SF.", field="type")
        cleaned["type"] = values["type"]
    if "lag" in values:
        cleaned["lag"] = check_int(values["lag"], "lag", "lag (working days)", low=-MAX_LAG,
                                   high=MAX_LAG)
    return cleaned


def _clean_progress(project: Project, values: Mapping[str, Any]) -> dict[str, Any]:
    percent = check_int(values["percent_complete"], "percent_complete", "% complete", low=0,
                        high=100)
    start = check_date(values["actual_start"], "actual_start", "actual start")
    finish = check_date(values["actual_finish"], "actual_finish", "actual finish")
    today = project.status_date or timezone.localdate()
    if finish is not None:
        percent = 100
    if percent == 100 and finish is None:
        finish = today
    if percent > 0 and start is None:
        start = min(today, finish) if finish else today
    if finish is not None and start is not None and finish < start:
        raise ValidationError("The actual finish cannot be before the actual start.",
                              field="actual_finish")
    if percent < 100 and finish is None and start is None and percent > 0:
        raise ValidationError("A started task needs an actual start.", field="actual_start")
    return {"percent_complete": percent, "actual_start": start, "actual_finish": finish}

