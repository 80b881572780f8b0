"""Writes of client issues (escalations) and their SLA clocks.

Lifecycle: new → acknowledged → in_progress ⇄ waiting_on_client, in_progress → resolved →
closed, and resolved/closed → reopened → in_progress. The first move out of ``new`` is the first
response. The SLA clocks run in the organization's business hours (``tandem.clients.sla``) and
pause while the issue waits on the client, and while it stays resolved before a reopen: the
paused business minutes add up in ``paused_minutes`` and push both due dates later.

Every change writes a line of the issue's timeline (``IssueEvent``) and an audit entry in one
transaction; resolving asks the client how satisfied they are once the transaction commits.
``check_slas`` is the background job that warns before and alerts at a breach."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.clients.access import can_edit_client, ensure_can_edit_client
from tandem.clients.models import (
    Client,
    ClientIssue,
    Contact,
    IssueChannel,
    IssueEvent,
    IssueStatus,
    Severity,
)
from tandem.clients.services.settings import (
    account_settings_for,
    settings_by_organization,
    sla_table,
    sla_tables,
)
from tandem.clients.sla import BusinessClock
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied, ValidationError
from tandem.core.models import Membership, User
from tandem.core.roles import Role
from tandem.core.versioning import ensure_version, update_versioned
from tandem.notifications.services import Message, notify_many

S = IssueStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ACKNOWLEDGED}),
    S.ACKNOWLEDGED: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.WAITING_ON_CLIENT, S.RESOLVED}),
    S.WAITING_ON_CLIENT: frozenset({S.IN_PROGRESS}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.IN_PROGRESS}),
}
OPEN_STATUSES = frozenset({S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING_ON_CLIENT, S.REOPENED})
# Roles that can read client issues, and so can own one.
ISSUE_OWNER_ROLES = (Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)
FUTURE_SLACK = dt.timedelta(minutes=5)


def allowed_transitions(issue: ClientIssue) -> list[str]:
    return sorted(TRANSITIONS.get(issue.status, frozenset()), key=S.values.index)


def can_work_on_issue(actor: Actor, issue: ClientIssue) -> bool:
    """The client's owner AM, an administrator, or the issue's owner."""
    if can_edit_client(actor, issue.client):
        return True
    return actor.is_staff and actor.user_id is not None and issue.owner_id == actor.user_id


def can_comment_on_issue(actor: Actor, issue: ClientIssue) -> bool:
    return can_work_on_issue(actor, issue) or actor.role == Role.EXECUTIVE


def _ensure_can_work(actor: Actor, issue: ClientIssue) -> None:
    if not can_work_on_issue(actor, issue):
        raise PermissionDenied("Only the client's account manager, the issue's owner or an "
                               "administrator can change this issue.")


def clock_for(organization_id: int) -> BusinessClock:
    return BusinessClock.for_settings(account_settings_for(organization_id))


# ------------------------------------------------------------------------------ open
def issue_open(
    *,
    actor: Actor,
    client: Client,
    title: str,
    description: str,
    severity: str,
    channel: str = IssueChannel.ACCOUNT_MANAGER,
    raised_by_id: int | None = None,
    owner_id: int | None = None,
    opened_at: dt.datetime | None = None,
    project_ref: str = "",
) -> ClientIssue:
    ensure_can_edit_client(actor, client)
    title = (title or "").strip()
    if not title:
        raise ValidationError("Give the issue a title.", field="title")
    _check_severity(severity)
    if channel not in IssueChannel.values:
        raise ValidationError(f"Unknown channel {channel!r}.", field="channel")
    now = timezone.now()
    opened_at = opened_at or now
    _check_moment(opened_at, now, "opened_at")
    if raised_by_id is not None and not Contact.objects.filter(
        pk=raised_by_id, client=client
    ).exists():
        raise ValidationError("The person who raised it is a contact of this client.",
                              code="unknown_contact", field="raised_by_id")
    owner = _owner(actor, owner_id) if owner_id is not None else _default_owner(actor, client)
    clock = clock_for(actor.organization.pk)
    response, resolution = sla_table(actor.organization.pk)[(severity, client.tier)]
    with transaction.atomic():
        issue = ClientIssue.objects.create(
            organization=actor.organization, client=client, title=title,
            description=(description or "").strip(), severity=severity, channel=channel,
            raised_by_id=raised_by_id, owner=owner, opened_at=opened_at,
            project_ref=project_ref.strip(),
            first_response_due_at=clock.add(opened_at, response),
            resolution_due_at=clock.add(opened_at, resolution),
        )
        fields = ["title", "severity", "channel", "owner", "first_response_due_at",
                  "resolution_due_at"]
        changes = {k: [None, v] for k, v in audit.snapshot(issue, fields).items()}
        _event(actor, issue, "opened", at=opened_at, to_status=S.NEW, changes=changes)
        audit.record(actor=actor, action="client_issue.open", target=issue, changes=changes)
    return issue


# ------------------------------------------------------------------------------ transitions
def issue_transition(
    *,
    actor: Actor,
    issue: ClientIssue,
    to_status: str,
    expected_version: int,
    note: str = "",
    at: dt.datetime | None = None,
) -> ClientIssue:
    _ensure_can_work(actor, issue)
    now = timezone.now()
    at = at or now
    _check_moment(at, now, "at")
    with transaction.atomic():
        locked = ClientIssue.objects.select_for_update().select_related("client").get(
            pk=issue.pk
        )
        from_status = locked.status
        ensure_version(locked, expected_version=expected_version)
        if to_status not in TRANSITIONS.get(from_status, frozenset()):
            allowed = ", ".join(allowed_transitions(locked)) or "none"
            raise ValidationError(
                f"An issue in status {from_status} cannot move to {to_status}; it can move to: "
                f"{allowed}.",
                code="invalid_transition", field="to_status",
            )
        if at < locked.opened_at:
            raise ValidationError("A change happens after the issue was opened.", field="at")
        clock = clock_for(locked.organization_id)
        fields: dict[str, Any] = {"status": to_status}
        if from_status == S.NEW and locked.first_response_at is None:
            fields["first_response_at"] = at
        paused = 0
        if to_status == S.WAITING_ON_CLIENT:
            fields["paused_at"] = at
        if from_status == S.WAITING_ON_CLIENT and locked.paused_at is not None:
            paused = max(0, clock.minutes_between(locked.paused_at, at))
            fields["paused_at"] = None
        if to_status == S.RESOLVED:
            fields["resolved_at"] = at
        if to_status == S.CLOSED:
            fields["closed_at"] = at
        if to_status == S.REOPENED:
            if locked.resolved_at is not None:
                # The time it stayed resolved was not the team's to count.
                paused = max(0, clock.minutes_between(locked.resolved_at, at))
            fields.update(resolved_at=None, closed_at=None)
        if paused:
            fields["paused_minutes"] = locked.paused_minutes + paused
            fields.update(_due_dates(locked, clock, severity=locked.severity,
                                     paused_minutes=fields["paused_minutes"]))
        before = audit.snapshot(locked, fields)
        update_versioned(locked, expected_version=expected_version, fields=fields)
        changes = audit.diff(before, audit.snapshot(locked, fields))
        _event(actor, locked, "status", at=at, from_status=from_status, to_status=to_status,
               note=note, changes=changes)
        audit.record(actor=actor, action="client_issue.transition", target=locked,
                     changes=changes)
        if to_status == S.RESOLVED:
            issue_id = locked.pk
            transaction.on_commit(lambda: _send_csat(issue_id))
    return locked


def _send_csat(issue_id: int) -> None:
    from tandem.clients.tasks import send_issue_csat

    send_issue_csat.delay(issue_id)


# ------------------------------------------------------------------------------ edits
def issue_update(
    *,
    actor: Actor,
    issue: ClientIssue,
    expected_version: int,
    title: str | None = None,
    description: str | None = None,
    severity: str | None = None,
    owner_id: int | None = None,
    project_ref: str | None = None,
    note: str = "",
) -> ClientIssue:
    """Change the title, description, severity (due dates follow) or owner of an issue."""
    _ensure_can_work(actor, issue)
    wanted: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise ValidationError("Give the issue a title.", field="title")
        wanted["title"] = title.strip()
    if description is not None:
        wanted["description"] = description.strip()
    if project_ref is not None:
        wanted["project_ref"] = project_ref.strip()
    if severity is not None:
        _check_severity(severity)
        wanted["severity"] = severity
    if owner_id is not None:
        owner = _owner(actor, owner_id)
        wanted["owner_id"] = owner.pk if owner is not None else None
    with transaction.atomic():
        locked = ClientIssue.objects.select_for_update().select_related("client").get(
            pk=issue.pk
        )
        fields = {k: v for k, v in wanted.items() if getattr(locked, k) != v}
        if not fields:
            ensure_version(locked, expected_version=expected_version)
            return locked
        if "severity" in fields:
            clock = clock_for(locked.organization_id)
            fields.update(_due_dates(locked, clock, severity=fields["severity"],
                                     paused_minutes=locked.paused_minutes))
        names = [("owner" if k == "owner_id" else k) for k in fields]
        before = audit.snapshot(locked, names)
        update_versioned(locked, expected_version=expected_version, fields=fields)
        changes = audit.diff(before, audit.snapshot(locked, names))
        now = timezone.now()
        if "severity" in fields:
            _event(actor, locked, "severity", at=now, note=note, changes={
                k: changes[k] for k in ("severity", "first_response_due_at", "resolution_due_at")
                if k in changes})
        if "owner_id" in fields:
            _event(actor, locked, "owner", at=now, note=note,
                   changes={"owner": changes["owner"]})
        rest = {k: v for k, v in changes.items()
                if k not in {"severity", "first_response_due_at", "resolution_due_at", "owner"}}
        if rest:
            _event(actor, locked, "edited", at=now, note=note, changes=rest)
        audit.record(actor=actor, action="client_issue.update", target=locked, changes=changes)
    return locked


def issue_comment(*, actor: Actor, issue: ClientIssue, note: str) -> IssueEvent:
    if not can_comment_on_issue(actor, issue):
        raise PermissionDenied("Your role does not allow comments on this issue.")
    note = (note or "").strip()
    if not note:
        raise ValidationError("Write a comment.", field="note")
    with transaction.atomic():
        event = _event(actor, issue, "comment", at=timezone.now(), note=note)
        audit.record(actor=actor, action="client_issue.comment", target=issue,
                     changes={"comment": [None, note[:500]]})
    return event


# ------------------------------------------------------------------------------ the SLA job
def check_slas(*, now: dt.datetime | None = None) -> int:
    """Warn once when ``sla_warning_percent`` of a target has elapsed, and alert once at its
    breach, for the first response and the resolution of every running issue; return how many
    warnings and alerts were raised. Paused issues (waiting on the client) are skipped.

    Queries: the running issues not yet breached (with their clients), the organizations'
    settings and targets, then one update per kind of flag, one insert of timeline lines and
    one of notifications, whatever the number of issues."""
    now = now or timezone.now()
    running = [S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS, S.REOPENED]
    with transaction.atomic():
        issues = list(
            ClientIssue.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("client", "client__owner", "owner")
            .filter(status__in=running)
            .filter(
                Q(first_response_at__isnull=True, response_breached_at__isnull=True)
                | Q(resolved_at__isnull=True, resolution_breached_at__isnull=True)
            )
            .order_by("pk")
        )
        if not issues:
            return 0
        org_ids = {i.organization_id for i in issues}
        account_settings = settings_by_organization(org_ids)
        tables = sla_tables(org_ids)
        clocks = {oid: BusinessClock.for_settings(s) for oid, s in account_settings.items()}
        flags: dict[str, list[int]] = defaultdict(list)
        raised: list[tuple[ClientIssue, str]] = []
        for issue in issues:
            oid = issue.organization_id
            target = tables[oid][(issue.severity, issue.client.tier)]
            percent = account_settings[oid].sla_warning_percent
            for clock_name, due, total, warned, breached, pending in (
                ("response", issue.first_response_due_at, target[0], issue.response_warned_at,
                 issue.response_breached_at, issue.first_response_at is None),
                ("resolution", issue.resolution_due_at, target[1],
                 issue.resolution_warned_at, issue.resolution_breached_at,
                 issue.resolved_at is None),
            ):
                if not pending or due is None or breached is not None:
                    continue
                if now >= due:
                    flags[f"{clock_name}_breached_at"].append(issue.pk)
                    raised.append((issue, f"{clock_name}_breach"))
                elif warned is None:
                    left = clocks[oid].minutes_between(now, due)
                    if left <= total * (100 - percent) / 100:
                        flags[f"{clock_name}_warned_at"].append(issue.pk)
                        raised.append((issue, f"{clock_name}_warning"))
        for field, ids in flags.items():
            ClientIssue.objects.filter(pk__in=ids, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
        IssueEvent.objects.bulk_create([
            IssueEvent(organization_id=issue.organization_id, issue=issue, at=now,
                       kind=f"sla_{what.split('_')[1]}", note=what.split("_")[0],
                       to_status=issue.status)
            for issue, what in raised
        ])
        notify_many([m for issue, what in raised for m in _sla_messages(issue, what)], now=now)
    return len(raised)


def _sla_messages(issue: ClientIssue, what: str) -> list[Message]:
    recipients: dict[int, User] = {}
    for user in (issue.owner, issue.client.owner):
        if user is not None and user.is_active:
            recipients[user.pk] = user
    messages = []
    for user in recipients.values():
        with translation.override(user.language or None):
            title = {
                "response_warning": _("First response due soon: %(issue)s"),
                "response_breach": _("First response overdue: %(issue)s"),
                "resolution_warning": _("Resolution due soon: %(issue)s"),
                "resolution_breach": _("Resolution overdue: %(issue)s"),
            }[what] % {"issue": issue.title}
            body = _("%(client)s · severity %(severity)s") % {
                "client": issue.client.name, "severity": issue.get_severity_display()}
        messages.append(Message(
            organization_id=issue.organization_id, recipient_id=user.pk,
            kind=f"issue_{what}", title=title, body=body,
            url=reverse("clients:issue_detail", args=[issue.pk]),
            target_type="clients.clientissue", target_id=str(issue.pk),
            dedupe_key=f"issue_{what}:{issue.pk}",
        ))
    return messages


# ------------------------------------------------------------------------------ helpers
def _due_dates(
    issue: ClientIssue, clock: BusinessClock, *, severity: str, paused_minutes: int
) -> dict[str, dt.datetime]:
    response, resolution = sla_table(issue.organization_id)[(severity, issue.client.tier)]
    return {
        "first_response_due_at": clock.add(issue.opened_at, response + paused_minutes),
        "resolution_due_at": clock.add(issue.opened_at, resolution + paused_minutes),
    }


def _event(
    actor: Actor, issue: ClientIssue, kind: str, *, at: dt.datetime, from_status: str = "",
    to_status: str = "", note: str = "", changes: dict[str, Any] | None = None,
) -> IssueEvent:
    return IssueEvent.objects.create(
        organization_id=issue.organization_id, issue=issue, at=at, actor=actor.user, kind=kind,
        from_status=from_status, to_status=to_status, note=note.strip(), changes=changes or {},
    )


def _owner(actor: Actor, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    membership = (
        Membership.objects.select_related("user")
        .filter(organization_id=actor.organization.pk, user_id=user_id, is_active=True,
                role__in=ISSUE_OWNER_ROLES)
        .first()
    )
    if membership is None:
        raise ValidationError(
            "The owner is an active administrator, executive or account manager.",
            code="unknown_owner", field="owner_id",
        )
    return membership.user


def _default_owner(actor: Actor, client: Client) -> User | None:
    """The client's AM, else the person opening the issue, if they can own one."""
    for user_id in (client.owner_id, actor.user_id):
        if user_id is None:
            continue
        try:
            return _owner(actor, user_id)
        except ValidationError:
            continue
    return None


def _check_severity(severity: str) -> None:
    if severity not in Severity.values:
        choices = ", ".join(Severity.values)
        raise ValidationError(f"Unknown severity {severity!r}; use one of: {choices}.",
                              field="severity")


def _check_moment(moment: dt.datetime, now: dt.datetime, field: str) -> None:
    if timezone.is_naive(moment):
        raise ValidationError("Give the time with its time zone.", field=field)
    if moment > now + FUTURE_SLACK:
        raise ValidationError("That time is in the future.", code="in_future", field=field)
