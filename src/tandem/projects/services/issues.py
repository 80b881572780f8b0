"""Writes of the project issue log, and the escalation of a client issue into it.

Lifecycle: open → in progress → resolved (with a resolution) → closed, open → resolved for a
quick fix, and resolved or closed → open again (the resolution is cleared, to be written anew).
The project's manager or an administrator raises and edits issues; the issue's owner may move
it and write its resolution.

Hand-off 4: the client's account manager (or an administrator) escalates a client issue into a
project issue in one step; both stay linked (``ProjectIssue.client_issue``, one project issue per
client issue, and the client issue's ``project_ref`` names the project). Resolving that project
issue tells the account manager, with a link to the client issue, so they can inform the client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.clients.access import can_edit_client
from tandem.clients.models import ClientIssue, IssueEvent, IssueStatus
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, PermissionDenied, ValidationError
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.core.versioning import ensure_version, update_versioned
from tandem.notifications.services import Message, notify
from tandem.projects.access import (
    can_edit_project,
    can_escalate_client_issue,
    ensure_can_edit_project,
    narrow_projects,
)
from tandem.projects.models import (
    IssuePriority,
    Project,
    ProjectIssue,
    ProjectIssueStatus,
    ProjectStatus,
)
from tandem.projects.services.common import (
    apply_changes,
    check_date,
    check_unknown,
    clean_text,
    lock,
)

PS = ProjectIssueStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    PS.OPEN: frozenset({PS.IN_PROGRESS, PS.RESOLVED}),
    PS.IN_PROGRESS: frozenset({PS.OPEN, PS.RESOLVED}),
    PS.RESOLVED: frozenset({PS.CLOSED, PS.OPEN}),
    PS.CLOSED: frozenset({PS.OPEN}),
}
DONE = frozenset({PS.RESOLVED, PS.CLOSED})
ISSUE_FIELDS = ("title", "description", "priority", "owner_id", "due_date", "resolution")
# What the owner of an issue (who does not manage the project) may change.
OWNER_FIELDS = frozenset({"resolution"})
CLOSED_CLIENT_ISSUE = frozenset({IssueStatus.RESOLVED, IssueStatus.CLOSED})


def allowed_transitions(issue: ProjectIssue) -> list[str]:
    return [s for s in PS.values if s in TRANSITIONS.get(issue.status, frozenset())]


def can_edit_issue(actor: Actor, issue: ProjectIssue) -> bool:
    """Every field: the project's manager or an administrator."""
    return can_edit_project(actor, issue.project)


def can_work_on_issue(actor: Actor, issue: ProjectIssue) -> bool:
    """Status and resolution: the editors, and the issue's owner."""
    if can_edit_issue(actor, issue):
        return True
    return actor.is_staff and actor.user_id is not None and issue.owner_id == actor.user_id


def can_escalate(actor: Actor, client_issue: ClientIssue) -> bool:
    """The client's account manager or an administrator, once per client issue."""
    return can_escalate_client_issue(actor) and can_edit_client(actor, client_issue.client)


def project_issue_create(
    *,
    actor: Actor,
    project: Project,
    title: str,
    description: str = "",
    priority: str = IssuePriority.MEDIUM,
    owner_id: int | None = None,
    due_date: dt.date | None = None,
) -> ProjectIssue:
    ensure_can_edit_project(actor, project)
    values = _clean(actor, project, {"title": title, "description": description,
                                     "priority": priority, "owner_id": owner_id,
                                     "due_date": due_date})
    with transaction.atomic():
        issue = ProjectIssue.objects.create(organization=actor.organization, project=project,
                                            raised_by=actor.user, **values)
        issue.project = project
        audit.record(actor=actor, action="project_issue.create", target=issue,
                     changes={k: [None, audit.json_value(v)] for k, v in values.items()
                              if v not in (None, "")})
    return issue


def project_issue_update(
    *, actor: Actor, issue: ProjectIssue, expected_version: int, changes: Mapping[str, Any]
) -> ProjectIssue:
    check_unknown(changes, ISSUE_FIELDS, "project issue")
    if not can_edit_issue(actor, issue):
        if not can_work_on_issue(actor, issue):
            raise PermissionDenied("Only the project's manager, the issue's owner or an "
                                   "administrator can change this issue.")
        if set(changes) - OWNER_FIELDS:
            raise PermissionDenied("As the issue's owner you can move it and write its "
                                   "resolution; the project's manager changes the rest.")
    values = _clean(actor, issue.project, changes)
    with transaction.atomic():
        locked = lock(issue)
        if "resolution" in values and locked.status in DONE and not values["resolution"]:
            raise ValidationError("A resolved or closed issue keeps its resolution.",
                                  code="required", field="resolution")
        apply_changes(actor=actor, instance=locked, expected_version=expected_version,
                      values=values, action="project_issue.update")
    return locked


def project_issue_transition(
    *, actor: Actor, issue: ProjectIssue, expected_version: int, to_status: str,
    resolution: str = "",
) -> ProjectIssue:
    if not can_work_on_issue(actor, issue):
        raise PermissionDenied("Only the project's manager, the issue's owner or an "
                               "administrator can move this issue.")
    if to_status not in PS.values:
        raise ValidationError(f"Unknown status {to_status!r}; use one of: "
                              f"{', '.join(PS.values)}.", field="to_status")
    resolution = clean_text(ProjectIssue, {"resolution": resolution})["resolution"]
    with transaction.atomic():
        locked = lock(issue)
        ensure_version(locked, expected_version=expected_version)
        before = locked.status
        if to_status not in TRANSITIONS[before]:
            allowed = ", ".join(allowed_transitions(locked)) or "none"
            raise Conflict(f"An issue that is {before} cannot become {to_status}; allowed: "
                           f"{allowed}.", code="invalid_transition", field="to_status")
        fields: dict[str, Any] = {"status": to_status}
        if to_status == PS.RESOLVED:
            text = resolution or locked.resolution
            if not text:
                raise ValidationError("Say how the issue was resolved.", code="required",
                                      field="resolution")
            fields.update(resolution=text, resolved_at=timezone.now())
        elif to_status == PS.OPEN:
            fields.update(resolution="", resolved_at=None)
        elif resolution:
            fields["resolution"] = resolution
        snapshot = audit.snapshot(locked, fields)
        update_versioned(locked, expected_version=expected_version, fields=fields)
        changes = audit.diff(snapshot, audit.snapshot(locked, fields))
        audit.record(actor=actor, action="project_issue.transition", target=locked,
                     changes=changes)
        if to_status == PS.RESOLVED and locked.client_issue_id is not None:
            _hand_back(actor, locked)
    return locked


def escalate_client_issue(
    *,
    actor: Actor,
    client_issue: ClientIssue,
    project: Project,
    title: str = "",
    description: str | None = None,
    priority: str | None = None,
    owner_id: int | None = None,
    due_date: dt.date | None = None,
) -> ProjectIssue:
    """Open a project issue for the delivery team from a client issue, in one step: the two are
    linked, the client issue names the project and its timeline says so."""
    client = client_issue.client
    if not can_escalate(actor, client_issue):
        raise PermissionDenied("Only the client's account manager or an administrator can "
                               "escalate a client issue to a project.")
    if project.client_id != client.pk:
        raise ValidationError("Escalate to one of this client's projects.", field="project_id")
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError("The project is closed; escalate to an open one.",
                              code="project_closed", field="project_id")
    values = _clean(actor, project, {
        "title": title or client_issue.title,
        "description": client_issue.description if description is None else description,
        "priority": priority or _priority_for(client_issue.severity),
        "owner_id": owner_id if owner_id is not None else project.manager_id,
        "due_date": due_date,
    })
    with transaction.atomic():
        locked = ClientIssue.objects.select_for_update().get(pk=client_issue.pk)
        if ProjectIssue.objects.filter(client_issue_id=locked.pk).exists():
            raise Conflict("This client issue was already escalated to a project issue.",
                           code="already_escalated", field="client_issue")
        if locked.status in CLOSED_CLIENT_ISSUE:
            raise Conflict(f"A client issue that is {locked.status} is not escalated; reopen "
                           "it first.", code="invalid_transition", field="client_issue")
        try:
            with transaction.atomic():
                issue = ProjectIssue.objects.create(
                    organization=actor.organization, project=project, client_issue=locked,
                    raised_by=actor.user, **values,
                )
        except IntegrityError:
            raise Conflict("This client issue was already escalated to a project issue.",
                           code="already_escalated", field="client_issue") from None
        issue.project = project
        before_ref = locked.project_ref
        if before_ref != project.code:
            update_versioned(locked, expected_version=locked.version,
                             fields={"project_ref": project.code})
        IssueEvent.objects.create(
            organization_id=locked.organization_id, issue=locked, at=timezone.now(),
            actor=actor.user, kind="escalated",
            note=f"Escalated to project {project.code} ({project.name}) as a project issue.",
            changes={"project_ref": [before_ref, project.code], "project_issue": [None, issue.pk]},
        )
        audit.record(actor=actor, action="client_issue.escalate", target=locked,
                     changes={"project_ref": [before_ref, project.code],
                              "project_issue": [None, issue.pk]})
        audit.record(actor=actor, action="project_issue.create", target=issue,
                     changes={"client_issue": [None, locked.pk]}
                     | {k: [None, audit.json_value(v)] for k, v in values.items()
                        if v not in (None, "")})
        client_issue.project_ref = locked.project_ref
        client_issue.version = locked.version
    return issue


# ------------------------------------------------------------------------------ helpers
def _hand_back(actor: Actor, issue: ProjectIssue) -> None:
    """Tell the client issue's timeline and the client's AM that delivery resolved it (the
    resolution itself stays internal: the AM decides what to tell the client)."""
    client_issue = ClientIssue.objects.select_related("client__owner").get(
        pk=issue.client_issue_id or 0)
    project = issue.project
    IssueEvent.objects.create(
        organization_id=client_issue.organization_id, issue=client_issue, at=timezone.now(),
        actor=actor.user, kind="delivery_resolved",
        note=f"The delivery team resolved the linked issue of project {project.code}.",
        changes={"project_issue": [issue.pk, issue.pk]},
    )
    manager = client_issue.client.owner
    if manager is None or not manager.is_active:
        return
    with translation.override(manager.language or None):
        title = _("Delivery resolved: %(issue)s") % {"issue": client_issue.title}
        body = _("%(project)s · tell %(client)s and resolve the client issue") % {
            "project": f"{project.code} {project.name}", "client": client_issue.client.name}
    notify(Message(
        organization_id=client_issue.organization_id, recipient_id=manager.pk,
        kind="project_issue_resolved", title=title, body=body,
        url=reverse("clients:issue_detail", args=[client_issue.pk]),
        target_type="clients.clientissue", target_id=str(client_issue.pk),
        dedupe_key=f"project_issue_resolved:{issue.pk}:{issue.version}",
    ))


def _priority_for(severity: str) -> str:
    return {"low": IssuePriority.LOW, "medium": IssuePriority.MEDIUM,
            "high": IssuePriority.HIGH, "critical": IssuePriority.CRITICAL}.get(
        severity, IssuePriority.MEDIUM)


def _clean(actor: Actor, project: Project, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = clean_text(ProjectIssue, {k: v for k, v in values.items()
                                        if k in {"title", "description", "priority",
                                                 "resolution"}})
    if "due_date" in values:
        cleaned["due_date"] = check_date(values["due_date"], "due_date", "due date")
    if "owner_id" in values:
        cleaned["owner_id"] = _owner(actor, project, values["owner_id"])
    return cleaned


def _owner(actor: Actor, project: Project, user_id: Any) -> int | None:
    """An active staff member who can see the project (so they can work on the issue)."""
    if user_id is None:
        return None
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ValidationError("Give a person's id.", field="owner_id")
    membership = Membership.objects.select_related("user", "organization").filter(
        organization_id=actor.organization.pk, user_id=user_id, is_active=True,
        user__is_active=True,
    ).exclude(role=Role.CLIENT).first()
    if membership is None or not narrow_projects(
        Project.objects.filter(pk=project.pk), Actor.for_membership(membership)
    ).exists():
        raise ValidationError("The owner is a staff member who can see this project: its "
                              "manager, a team member, the client's account manager, an "
                              "administrator or an executive.", field="owner_id")
    return membership.user_id
