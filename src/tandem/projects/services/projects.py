"""Writes of projects: create, edit, move through the lifecycle, the charter, the team and the
scope items that trace a client's needs into the plan.

Lifecycle: proposed → planning → active ⇄ on hold → closing → closed (see
``PROJECT_TRANSITIONS``). Changing the start date, status date, target finish or calendar
reschedules the plan in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.clients.models import Client, Need, NeedLink, NeedStatus
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, PermissionDenied, ValidationError
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.core.versioning import ensure_version, update_versioned
from tandem.projects.access import ensure_can_create_project, ensure_can_edit_project
from tandem.projects.models import (
    PROJECT_TRANSITIONS,
    Charter,
    Project,
    ProjectMember,
    ProjectStatus,
    ScopeItem,
)
from tandem.projects.scheduling import reschedule
from tandem.projects.services.calendars import default_calendar
from tandem.projects.services.common import (
    apply_changes,
    check_date,
    check_int,
    check_unknown,
    clean_text,
    lock,
)

PROJECT_FIELDS = ("code", "name", "description", "manager_id", "start_date", "target_finish",
                  "status_date", "calendar_id", "currency")
SCHEDULE_INPUTS = frozenset({"start_date", "target_finish", "status_date", "calendar_id"})
CHARTER_FIELDS = ("objectives", "success_criteria", "scope_in", "scope_out", "assumptions",
                  "constraints")
MANAGER_ROLES = frozenset({Role.PROJECT_MANAGER, Role.ADMIN})


def project_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    manager_id: int,
    start_date: dt.date,
    client_id: int | None = None,
    target_finish: dt.date | None = None,
    calendar_id: int | None = None,
    currency: str = "VND",
    description: str = "",
    status: str = ProjectStatus.PLANNING,
    need_ids: list[int] | None = None,
) -> Project:
    """A new project with an empty charter; ``need_ids`` (the client's needs) become its first
    scope items, as when a signed contract hands the client's needs to the PM."""
    ensure_can_create_project(actor)
    values = _clean_project(actor, {
        "code": code, "name": name, "description": description, "manager_id": manager_id,
        "start_date": start_date, "target_finish": target_finish, "currency": currency,
        "calendar_id": calendar_id,
    })
    if status not in {ProjectStatus.PROPOSED, ProjectStatus.PLANNING, ProjectStatus.ACTIVE}:
        raise ValidationError("A new project is proposed, planning or active.", field="status")
    client = _client(actor, client_id)
    with transaction.atomic():
        if values.get("calendar_id") is None:
            values["calendar_id"] = default_calendar(actor.organization).pk
        try:
            with transaction.atomic():
                project = Project.objects.create(
                    organization=actor.organization, client=client, status=status,
                    created_by=actor.user, **values,
                )
        except IntegrityError:
            raise Conflict(f"Another project already has the code {values['code']!r}.",
                           code="code_taken", field="code") from None
        Charter.objects.create(organization=actor.organization, project=project)
        audit.record(actor=actor, action="project.create", target=project,
                     changes={k: [None, audit.json_value(v)] for k, v in values.items()
                              if v not in (None, "")} | {"status": [None, status]})
        for need_id in need_ids or []:
            _link_need(actor, project, need_id)
        reschedule(project)
    return project


def project_update(
    *, actor: Actor, project: Project, expected_version: int, changes: Mapping[str, Any]
) -> Project:
    ensure_can_edit_project(actor, project)
    check_unknown(changes, PROJECT_FIELDS, "project")
    values = _clean_project(actor, changes)
    with transaction.atomic():
        locked = lock(project)
        if "target_finish" in values or "start_date" in values:
            _check_dates(values.get("start_date", locked.start_date),
                         values.get("target_finish", locked.target_finish))
        try:
            with transaction.atomic():
                changed = apply_changes(actor=actor, instance=locked,
                                        expected_version=expected_version, values=values,
                                        action="project.update")
        except IntegrityError:
            raise Conflict(f"Another project already has the code {values.get('code')!r}.",
                           code="code_taken", field="code") from None
        if SCHEDULE_INPUTS & set(changed) or "calendar" in changed:
            reschedule(locked)
    return locked


def project_transition(
    *, actor: Actor, project: Project, expected_version: int, status: str
) -> Project:
    ensure_can_edit_project(actor, project)
    if status not in ProjectStatus.values:
        raise ValidationError(f"Unknown project status {status!r}.", field="status")
    with transaction.atomic():
        locked = lock(project)
        ensure_version(locked, expected_version=expected_version)
        allowed = PROJECT_TRANSITIONS[locked.status]
        if status not in allowed:
            names = ", ".join(sorted(allowed)) or "none"
            raise Conflict(f"A project that is {locked.status} cannot become {status}; "
                           f"allowed: {names}.", code="invalid_transition", field="status")
        before = locked.status
        update_versioned(locked, expected_version=expected_version, fields={"status": status})
        audit.record(actor=actor, action="project.transition", target=locked,
                     changes={"status": [before, status]})
    return locked


def charter_update(
    *, actor: Actor, project: Project, expected_version: int, changes: Mapping[str, Any]
) -> Charter:
    ensure_can_edit_project(actor, project)
    check_unknown(changes, CHARTER_FIELDS, "charter")
    values = clean_text(Charter, changes)
    with transaction.atomic():
        charter = Charter.objects.select_for_update(no_key=True).get(project=project)
        charter.project = project
        apply_changes(actor=actor, instance=charter, expected_version=expected_version,
                      values=values, action="charter.update",
                      extra={"updated_at": timezone.now()})
    return charter


# -- team ----------------------------------------------------------------------------------------


def member_add(
    *, actor: Actor, project: Project, user_id: int, project_role: str = "", allocation: int = 100
) -> ProjectMember:
    ensure_can_edit_project(actor, project)
    _staff_user(actor, user_id, field="user_id")
    values = clean_text(ProjectMember, {"project_role": project_role})
    check_int(allocation, "allocation", "allocation", low=1, high=100)
    with transaction.atomic():
        try:
            with transaction.atomic():
                member = ProjectMember.objects.create(
                    organization=actor.organization, project=project, user_id=user_id,
                    allocation=allocation, **values,
                )
        except IntegrityError:
            raise Conflict("This person is already on the project's team.",
                           code="already_member", field="user_id") from None
        audit.record(actor=actor, action="project.member_add", target=project,
                     changes={"member": [None, user_id], "allocation": [None, allocation]})
    return member


def member_update(
    *, actor: Actor, member: ProjectMember, expected_version: int, changes: Mapping[str, Any]
) -> ProjectMember:
    ensure_can_edit_project(actor, member.project)
    check_unknown(changes, ("project_role", "allocation"), "team member")
    values = clean_text(ProjectMember, changes)
    if "allocation" in values:
        check_int(values["allocation"], "allocation", "allocation", low=1, high=100)
    with transaction.atomic():
        locked = lock(member)
        apply_changes(actor=actor, instance=locked, expected_version=expected_version,
                      values=values, action="project.member_update")
    return locked


def member_remove(*, actor: Actor, member: ProjectMember) -> None:
    ensure_can_edit_project(actor, member.project)
    with transaction.atomic():
        audit.record(actor=actor, action="project.member_remove", target=member.project,
                     changes={"member": [member.user_id, None]})
        member.delete()


# -- scope ---------------------------------------------------------------------------------------


def scope_item_create(
    *, actor: Actor, project: Project, title: str = "", description: str = "",
    need_id: int | None = None, in_scope: bool = True,
) -> ScopeItem:
    ensure_can_edit_project(actor, project)
    with transaction.atomic():
        if need_id is not None:
            item = _link_need(actor, project, need_id, title=title, description=description,
                              in_scope=in_scope)
        else:
            values = clean_text(ScopeItem, {"title": title, "description": description})
            item = ScopeItem.objects.create(organization=actor.organization, project=project,
                                            in_scope=in_scope, **values)
            audit.record(actor=actor, action="scope_item.create", target=item,
                         changes={"title": [None, item.title]})
    return item


def scope_item_update(
    *, actor: Actor, item: ScopeItem, expected_version: int, changes: Mapping[str, Any]
) -> ScopeItem:
    ensure_can_edit_project(actor, item.project)
    check_unknown(changes, ("title", "description", "in_scope"), "scope item")
    values = clean_text(ScopeItem, changes)
    if "in_scope" in values and not isinstance(values["in_scope"], bool):
        raise ValidationError("in_scope is true or false.", field="in_scope")
    with transaction.atomic():
        locked = lock(item)
        apply_changes(actor=actor, instance=locked, expected_version=expected_version,
                      values=values, action="scope_item.update")
    return locked


def scope_item_delete(*, actor: Actor, item: ScopeItem) -> None:
    ensure_can_edit_project(actor, item.project)
    with transaction.atomic():
        audit.record(actor=actor, action="scope_item.delete", target=item,
                     changes={"title": [item.title, None]})
        if item.need_id is not None:
            NeedLink.objects.filter(need_id=item.need_id, target_type="projects.scopeitem",
                                    target_id=str(item.pk)).delete()
        item.delete()


def _link_need(
    actor: Actor, project: Project, need_id: int, *, title: str = "", description: str = "",
    in_scope: bool = True,
) -> ScopeItem:
    """A scope item serving the client's need, the need linked to it (``NeedLink``) and moved
    in scope when it was agreed."""
    need = Need.objects.filter(organization_id=actor.organization.pk, pk=need_id).first()
    if need is None or need.client_id != project.client_id:
        raise ValidationError("The need must be one of the project's client's needs.",
                              field="need_id")
    if need.status == NeedStatus.DROPPED:
        raise ValidationError("A dropped need cannot be brought into scope.", field="need_id")
    values = clean_text(ScopeItem, {"title": title or need.title,
                                    "description": description or need.description})
    item = ScopeItem.objects.create(organization=actor.organization, project=project, need=need,
                                    in_scope=in_scope, **values)
    NeedLink.objects.get_or_create(organization=actor.organization, need=need,
                                   target_type="projects.scopeitem", target_id=str(item.pk),
                                   defaults={"created_by": actor.user})
    if in_scope and need.status in {NeedStatus.CAPTURED, NeedStatus.AGREED}:
        before = need.status
        Need.objects.filter(pk=need.pk).update(status=NeedStatus.IN_SCOPE,
                                               version=need.version + 1)
        audit.record(actor=actor, action="need.transition", target=need,
                     changes={"status": [before, NeedStatus.IN_SCOPE]})
    audit.record(actor=actor, action="scope_item.create", target=item,
                 changes={"title": [None, item.title], "need": [None, need.pk]})
    return item


# -- checks --------------------------------------------------------------------------------------


def _clean_project(actor: Actor, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = clean_text(Project, {k: v for k, v in values.items()
                                   if k in {"code", "name", "description", "currency"}})
    if "currency" in cleaned:
        currency = cleaned["currency"].upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationError("The currency is a three-letter ISO 4217 code.",
                                  field="currency")
        cleaned["currency"] = currency
    labels = {"start_date": "start date", "target_finish": "target finish",
              "status_date": "status date"}
    for name, label in labels.items():
        if name in values:
            cleaned[name] = check_date(values[name], name, label, required=name == "start_date")
    if "start_date" in cleaned and "target_finish" in cleaned:
        _check_dates(cleaned["start_date"], cleaned["target_finish"])
    if "manager_id" in values:
        cleaned["manager_id"] = _manager(actor, values["manager_id"])
    if "calendar_id" in values:
        cleaned["calendar_id"] = _calendar_id(actor, values["calendar_id"])
    return cleaned


def _check_dates(start: dt.date | None, target: dt.date | None) -> None:
    if start and target and target < start:
        raise ValidationError("The target finish cannot be before the start date.",
                              field="target_finish")


def _manager(actor: Actor, user_id: Any) -> int:
    membership = _staff_user(actor, user_id, field="manager_id")
    if membership.role not in MANAGER_ROLES:
        raise ValidationError("The project manager must have the project manager (or admin) "
                              "role.", field="manager_id")
    return membership.user_id


def _staff_user(actor: Actor, user_id: Any, *, field: str) -> Membership:
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ValidationError("Give a person's id.", field=field)
    membership = Membership.objects.filter(
        organization_id=actor.organization.pk, user_id=user_id, user__is_active=True
    ).first()
    if membership is None or membership.role == Role.CLIENT:
        raise ValidationError("That person is not on the organization's staff.", field=field)
    return membership


def _calendar_id(actor: Actor, calendar_id: Any) -> int | None:
    from tandem.projects.models import WorkCalendar

    if calendar_id is None:
        return None
    if not WorkCalendar.objects.filter(organization_id=actor.organization.pk,
                                       pk=calendar_id).exists():
        raise ValidationError("Unknown working calendar.", field="calendar_id")
    return int(calendar_id)


def _client(actor: Actor, client_id: int | None) -> Client | None:
    """The project's client: any client of the organization for an administrator or a project
    manager (who is often given a project before they reach the client), an account manager's
    own clients only."""
    if client_id is None:
        return None
    client = Client.objects.filter(organization_id=actor.organization.pk, pk=client_id).first()
    if client is None:
        raise ValidationError("Unknown client.", field="client_id")
    if actor.role == Role.ACCOUNT_MANAGER and client.owner_id != actor.user_id:
        raise PermissionDenied("Account managers create projects for their own clients.")
    return client

