"""Writes of deliverables and their acceptance.

Lifecycle: planned → submitted (awaiting the client's acceptance) → accepted, or → rejected (with
the reason) → submitted again. Accepted is final: only an administrator reopens an accepted
deliverable, with a reason, which sends it back to planned. The project's manager (or an
administrator) plans, edits and submits; the client decides, or their account manager or an
administrator records the decision for them (``ensure_can_decide_acceptance``).

Every change writes a line of the deliverable's history (``DeliverableEvent``) and an audit entry
in one transaction. Submitting tells the client's account manager, accepting tells the project
manager (in-app inbox). Billing milestones wait on ``milestone_accepted``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.clients.models import Need, NeedStatus
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, PermissionDenied, ValidationError
from tandem.core.models import User
from tandem.core.versioning import ensure_version, update_versioned
from tandem.notifications.services import Message, notify
from tandem.projects.access import ensure_can_decide_acceptance, ensure_can_edit_project
from tandem.projects.events import milestone_may_be_ready
from tandem.projects.models import (
    Deliverable,
    DeliverableEvent,
    DeliverableStatus,
    Project,
    ScopeItem,
    Task,
)
from tandem.projects.services.common import (
    apply_changes,
    check_date,
    check_unknown,
    clean_text,
    lock,
)

DS = DeliverableStatus
DELIVERABLE_FIELDS = ("name", "description", "acceptance_criteria", "milestone_id", "need_id",
                      "scope_item_id", "due_date")
# Plans change while the work is not in the client's hands or decided.
EDITABLE_STATUSES = frozenset({DS.PLANNED, DS.REJECTED})
MAX_COMMENT = 10_000


def deliverable_create(
    *,
    actor: Actor,
    project: Project,
    name: str,
    acceptance_criteria: str,
    description: str = "",
    milestone_id: int | None = None,
    need_id: int | None = None,
    scope_item_id: int | None = None,
    due_date: dt.date | None = None,
) -> Deliverable:
    ensure_can_edit_project(actor, project)
    values = _clean(project, {
        "name": name, "description": description, "acceptance_criteria": acceptance_criteria,
        "milestone_id": milestone_id, "need_id": need_id, "scope_item_id": scope_item_id,
        "due_date": due_date,
    })
    with transaction.atomic():
        deliverable = Deliverable.objects.create(
            organization=actor.organization, project=project, **values
        )
        deliverable.project = project
        changes = {k: [None, audit.json_value(v)] for k, v in values.items()
                   if v not in (None, "")}
        _event(actor, deliverable, "created")
        audit.record(actor=actor, action="deliverable.create", target=deliverable,
                     changes=changes)
    return deliverable


def deliverable_update(
    *, actor: Actor, deliverable: Deliverable, expected_version: int,
    changes: Mapping[str, Any], comment: str = "",
) -> Deliverable:
    project = deliverable.project
    ensure_can_edit_project(actor, project)
    check_unknown(changes, DELIVERABLE_FIELDS, "deliverable")
    values = _clean(project, changes)
    with transaction.atomic():
        locked = lock(deliverable)
        if locked.status not in EDITABLE_STATUSES and values:
            ensure_version(locked, expected_version=expected_version)
            raise Conflict(
                f"A deliverable that is {locked.status} cannot be edited; only planned or "
                "rejected ones can.", code="deliverable_locked")
        changed = apply_changes(actor=actor, instance=locked, expected_version=expected_version,
                                values=values, action="deliverable.update")
        if changed:
            _event(actor, locked, "updated", comment=_comment(comment) or _summary(changed))
    return locked


def deliverable_delete(*, actor: Actor, deliverable: Deliverable) -> None:
    """Only a deliverable that is not awaiting or holding the client's acceptance."""
    ensure_can_edit_project(actor, deliverable.project)
    with transaction.atomic():
        locked = lock(deliverable)
        if locked.status not in EDITABLE_STATUSES:
            raise Conflict(f"A deliverable that is {locked.status} cannot be deleted.",
                           code="deliverable_locked")
        audit.record(actor=actor, action="deliverable.delete", target=locked,
                     changes={"name": [locked.name, None], "status": [locked.status, None]})
        locked.delete()


# ------------------------------------------------------------------------------ acceptance
def deliverable_submit(
    *, actor: Actor, deliverable: Deliverable, expected_version: int, comment: str = "",
) -> Deliverable:
    """Hand the deliverable to the client for acceptance; tells the client's account manager."""
    project = deliverable.project
    ensure_can_edit_project(actor, project)
    with transaction.atomic():
        locked = _move(actor, deliverable, expected_version, to_status=DS.SUBMITTED,
                       allowed_from=EDITABLE_STATUSES, action="submitted", comment=comment,
                       fields={"submitted_at": timezone.now(), "decided_at": None,
                               "decided_by": None})
        _move_need(actor, locked, {NeedStatus.IN_SCOPE: NeedStatus.DELIVERED})
        account_manager = project.client.owner if project.client is not None else None
        if account_manager is not None and account_manager.pk != actor.user_id:
            _notify(account_manager, locked, kind="deliverable_submitted",
                    title=lambda: _("Awaiting the client's acceptance: %(name)s"),
                    body=lambda: _("%(project)s · submitted by %(by)s"),
                    by=_label(actor))
    return locked


def deliverable_accept(
    *, actor: Actor, deliverable: Deliverable, expected_version: int, comment: str = "",
) -> Deliverable:
    """The client accepts (or their AM or an administrator records it); tells the PM."""
    project = deliverable.project
    ensure_can_decide_acceptance(actor, project)
    with transaction.atomic():
        locked = _move(actor, deliverable, expected_version, to_status=DS.ACCEPTED,
                       allowed_from=frozenset({DS.SUBMITTED}), action="accepted",
                       comment=comment,
                       fields={"decided_at": timezone.now(), "decided_by": actor.user})
        _move_need(actor, locked, {NeedStatus.DELIVERED: NeedStatus.ACCEPTED})
        if locked.milestone_id is not None:
            milestone_may_be_ready(locked.milestone_id)  # billing may invoice it now
        manager = project.manager
        if manager.pk != actor.user_id:
            _notify(manager, locked, kind="deliverable_accepted",
                    title=lambda: _("Deliverable accepted: %(name)s"),
                    body=lambda: _("%(project)s · accepted by %(by)s"), by=_label(actor))
    return locked


def deliverable_reject(
    *, actor: Actor, deliverable: Deliverable, expected_version: int, reason: str,
) -> Deliverable:
    """The client rejects, saying why; the PM reworks and submits again."""
    project = deliverable.project
    ensure_can_decide_acceptance(actor, project)
    reason = _reason(reason, "Say why the deliverable is rejected.")
    with transaction.atomic():
        locked = _move(actor, deliverable, expected_version, to_status=DS.REJECTED,
                       allowed_from=frozenset({DS.SUBMITTED}), action="rejected",
                       comment=reason,
                       fields={"decided_at": timezone.now(), "decided_by": actor.user})
        _move_need(actor, locked, {NeedStatus.DELIVERED: NeedStatus.IN_SCOPE})
        manager = project.manager
        if manager.pk != actor.user_id:
            _notify(manager, locked, kind="deliverable_rejected",
                    title=lambda: _("Deliverable rejected: %(name)s"),
                    body=lambda: _("%(project)s · rejected by %(by)s"), by=_label(actor))
    return locked


def deliverable_reopen(
    *, actor: Actor, deliverable: Deliverable, expected_version: int, reason: str,
) -> Deliverable:
    """Acceptance is final; an administrator may reopen an accepted deliverable, with a reason.
    It goes back to planned, to be reworked and submitted again."""
    if not actor.is_admin:
        raise PermissionDenied("Only an administrator can reopen an accepted deliverable.")
    reason = _reason(reason, "Say why the accepted deliverable is reopened.")
    with transaction.atomic():
        return _move(actor, deliverable, expected_version, to_status=DS.PLANNED,
                     allowed_from=frozenset({DS.ACCEPTED}), action="reopened", comment=reason,
                     fields={"decided_at": None, "decided_by": None, "submitted_at": None})


def milestone_accepted(task: Task) -> bool:
    """Whether every deliverable tied to this milestone is accepted (and there is at least one):
    what a billing milestone waits for. One query."""
    row = Deliverable.objects.filter(milestone_id=task.pk).aggregate(
        total=Count("id"), accepted=Count("id", filter=Q(status=DS.ACCEPTED)))
    return bool(row["total"]) and row["total"] == row["accepted"]


# ------------------------------------------------------------------------------ helpers
def _move(
    actor: Actor, deliverable: Deliverable, expected_version: int, *, to_status: str,
    allowed_from: frozenset[str], action: str, comment: str, fields: dict[str, Any],
) -> Deliverable:
    locked = lock(deliverable)
    ensure_version(locked, expected_version=expected_version)
    before = locked.status
    if before not in allowed_from:
        raise Conflict(
            f"A deliverable that is {before} cannot be {action}; it must be "
            f"{' or '.join(sorted(allowed_from))}.",
            code="invalid_transition", field="status")
    values = {"status": to_status, **fields}
    names = list(values)
    snapshot_before = audit.snapshot(locked, names)
    update_versioned(locked, expected_version=expected_version, fields=values)
    changes = audit.diff(snapshot_before, audit.snapshot(locked, names))
    text = _comment(comment)
    if text:
        changes["comment"] = [None, text[:500]]
    _event(actor, locked, action, comment=text)
    audit.record(actor=actor, action=f"deliverable.{action}", target=locked, changes=changes)
    return locked


def _clean(project: Project, values: Mapping[str, Any]) -> dict[str, Any]:
    text = {k: v for k, v in values.items()
            if k in {"name", "description", "acceptance_criteria"}}
    cleaned = clean_text(Deliverable, text)
    if "due_date" in values:
        cleaned["due_date"] = check_date(values["due_date"], "due_date", "due date")
    if "milestone_id" in values:
        cleaned["milestone_id"] = _milestone(project, values["milestone_id"])
    if "need_id" in values:
        cleaned["need_id"] = _need(project, values["need_id"])
    if "scope_item_id" in values:
        cleaned["scope_item_id"] = _scope_item(project, values["scope_item_id"])
    return cleaned


def _id(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("Give an id.", field=field)
    return value


def _milestone(project: Project, value: Any) -> int | None:
    task_id = _id(value, "milestone_id")
    if task_id is None:
        return None
    task = Task.objects.filter(project=project, pk=task_id).only(
        "pk", "duration", "is_summary").first()
    if task is None or not task.is_milestone:
        raise ValidationError("The milestone must be a milestone (a task of zero duration) of "
                              "this project.", field="milestone_id")
    return task_id


def _need(project: Project, value: Any) -> int | None:
    need_id = _id(value, "need_id")
    if need_id is None:
        return None
    if project.client_id is None or not Need.objects.filter(
        organization_id=project.organization_id, client_id=project.client_id, pk=need_id
    ).exists():
        raise ValidationError("The need must be one of the project's client's needs.",
                              field="need_id")
    return need_id


def _scope_item(project: Project, value: Any) -> int | None:
    item_id = _id(value, "scope_item_id")
    if item_id is None:
        return None
    if not ScopeItem.objects.filter(project=project, pk=item_id).exists():
        raise ValidationError("The scope item must be one of this project's.",
                              field="scope_item_id")
    return item_id


def _comment(comment: str | None) -> str:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise ValidationError(f"A comment is at most {MAX_COMMENT} characters.", field="comment")
    return text


def _reason(reason: str | None, message: str) -> str:
    text = _comment(reason)
    if not text:
        raise ValidationError(message, code="required", field="reason")
    return text


def _summary(changed: Mapping[str, Any]) -> str:
    names = {"milestone": "milestone", "need": "need", "scope_item": "scope item",
             "acceptance_criteria": "acceptance criteria", "due_date": "due date"}
    return "Changed: " + ", ".join(names.get(k, k) for k in changed) + "."


def _label(actor: Actor) -> str:
    if actor.user is not None:
        return str(actor.user.display_name)
    return actor.label or "system"


def _event(actor: Actor, deliverable: Deliverable, action: str, *,
           comment: str = "") -> DeliverableEvent:
    return DeliverableEvent.objects.create(
        organization_id=deliverable.organization_id, deliverable=deliverable, action=action,
        comment=comment, by=actor.user, by_label=_label(actor)[:254],
    )


def deliverable_url(deliverable: Deliverable) -> str:
    return reverse("projects:deliverable_detail", args=[deliverable.project_id, deliverable.pk])


def _notify(recipient: User, deliverable: Deliverable, *, kind: str, title: Any, body: Any,
            by: str) -> None:
    if not recipient.is_active:
        return
    project = deliverable.project
    with translation.override(recipient.language or None):
        text = title() % {"name": deliverable.name}
        detail = body() % {"project": f"{project.code} {project.name}", "by": by}
    notify(Message(
        organization_id=deliverable.organization_id, recipient_id=recipient.pk, kind=kind,
        title=text, body=detail, url=deliverable_url(deliverable),
        target_type="projects.deliverable", target_id=str(deliverable.pk),
        dedupe_key=f"{kind}:{deliverable.pk}:{deliverable.version}",
    ))


def _move_need(actor: Actor, deliverable: Deliverable, moves: Mapping[str, str]) -> None:
    """Keep the client's need in step with the deliverable that serves it: submitted means
    delivered, accepted means accepted, rejected means back in scope. A need elsewhere in its
    lifecycle (dropped, or moved by the AM) is left alone."""
    if deliverable.need_id is None:
        return
    need = Need.objects.select_for_update(no_key=True).filter(pk=deliverable.need_id).first()
    if need is None or need.status not in moves:
        return
    before, after = need.status, moves[need.status]
    Need.objects.filter(pk=need.pk).update(status=after, version=need.version + 1,
                                           updated_at=timezone.now())
    need.status = after
    audit.record(actor=actor, action="need.transition", target=need,
                 changes={"status": [before, after], "deliverable": [None, deliverable.pk]})
