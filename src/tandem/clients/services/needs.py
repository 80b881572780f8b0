"""Writes of a client's needs: capture, edit, move through the lifecycle, and link to what serves
them.

Lifecycle: captured → agreed → in scope → delivered → accepted; any open need can be dropped
(with a reason), a dropped need can be captured again, and a delivered need the client did not
accept goes back in scope."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.clients.access import ensure_can_edit_client
from tandem.clients.models import Client, Need, NeedLink, NeedPriority, NeedSource, NeedStatus
from tandem.clients.services.clients import clean_values
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, NotFound, ValidationError
from tandem.core.versioning import ensure_version, update_versioned

NEED_FIELDS = ("title", "description", "priority", "source")
TRANSITIONS: dict[str, frozenset[str]] = {
    NeedStatus.CAPTURED: frozenset({NeedStatus.AGREED, NeedStatus.DROPPED}),
    NeedStatus.AGREED: frozenset({NeedStatus.IN_SCOPE, NeedStatus.DROPPED}),
    NeedStatus.IN_SCOPE: frozenset({NeedStatus.DELIVERED, NeedStatus.DROPPED}),
    NeedStatus.DELIVERED: frozenset({NeedStatus.ACCEPTED, NeedStatus.IN_SCOPE,
                                     NeedStatus.DROPPED}),
    NeedStatus.ACCEPTED: frozenset(),
    NeedStatus.DROPPED: frozenset({NeedStatus.CAPTURED}),
}
TARGET_TYPE_PATTERN = r"^[a-z][a-z0-9_]{0,30}\.[a-z][a-z0-9_]{0,31}$"
TARGET_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def allowed_transitions(status: str) -> list[str]:
    """The statuses a need in ``status`` may move to, in lifecycle order."""
    targets = TRANSITIONS.get(status, frozenset())
    return [s.value for s in NeedStatus if s in targets]


def need_create(
    *,
    actor: Actor,
    client: Client,
    title: str,
    description: str = "",
    priority: str = NeedPriority.SHOULD,
    source: str = NeedSource.MEETING,
) -> Need:
    ensure_can_edit_client(actor, client)
    values = clean_values(Need, {"title": title, "description": description,
                                 "priority": priority, "source": source})
    with transaction.atomic():
        need = Need.objects.create(organization=actor.organization, client=client,
                                   created_by=actor.user, **values)
        changes: dict[str, list[Any]] = {k: [None, v] for k, v in values.items() if v}
        changes["status"] = [None, need.status]
        audit.record(actor=actor, action="need.create", target=need, changes=changes)
    return need


def need_update(
    *, actor: Actor, need: Need, expected_version: int, changes: Mapping[str, Any]
) -> Need:
    """Change a need's title, description, priority or source (its status moves by
    ``need_transition``)."""
    ensure_can_edit_client(actor, need.client)
    unknown = set(changes) - set(NEED_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown need fields: {', '.join(sorted(unknown))}; the status "
                              "changes through a transition.")
    values = clean_values(Need, changes)
    with transaction.atomic():
        locked = _lock(need)
        before = audit.snapshot(locked, values)
        fields = {k: v for k, v in values.items() if before[k] != v}
        if not fields:
            ensure_version(locked, expected_version=expected_version)
            return locked
        update_versioned(locked, expected_version=expected_version,
                         fields={**fields, "updated_at": timezone.now()})
        audit.record(actor=actor, action="need.update", target=locked,
                     changes=audit.diff({k: before[k] for k in fields}, fields))
    return locked


def need_transition(
    *, actor: Actor, need: Need, expected_version: int, status: str, reason: str = ""
) -> Need:
    """Move a need to ``status`` if its lifecycle allows it; dropping one needs a reason."""
    ensure_can_edit_client(actor, need.client)
    reason = (reason or "").strip()
    if status not in NeedStatus.values:
        raise ValidationError(f"Unknown need status {status!r}.", field="status")
    if status == NeedStatus.DROPPED and not reason:
        raise ValidationError("Say why the need is dropped.", code="reason_required",
                              field="reason")
    with transaction.atomic():
        locked = _lock(need)
        ensure_version(locked, expected_version=expected_version)
        if status not in TRANSITIONS[locked.status]:
            allowed = ", ".join(allowed_transitions(locked.status)) or "none"
            raise Conflict(
                f"A need that is {locked.status} cannot become {status}; allowed: {allowed}.",
                code="invalid_transition", field="status",
            )
        fields: dict[str, Any] = {"status": status, "updated_at": timezone.now(),
                                  "dropped_reason": reason if status == NeedStatus.DROPPED else ""}
        changes: dict[str, list[Any]] = {"status": [locked.status, status]}
        if fields["dropped_reason"] != locked.dropped_reason:
            changes["dropped_reason"] = [locked.dropped_reason, fields["dropped_reason"]]
        update_versioned(locked, expected_version=expected_version, fields=fields)
        audit.record(actor=actor, action="need.transition", target=locked, changes=changes)
    return locked


def need_link_add(*, actor: Actor, need: Need, target_type: str, target_id: str) -> NeedLink:
    """Record that ``target_type#target_id`` (a model label such as ``projects.task``, and that
    object's id) serves the need. A target of an installed model must exist in the
    organization; labels of apps still to come are accepted as they are."""
    ensure_can_edit_client(actor, need.client)
    target_type, target_id = (target_type or "").strip().lower(), str(target_id or "").strip()
    if not re.fullmatch(TARGET_TYPE_PATTERN, target_type):
        raise ValidationError("The target type is a model label such as “projects.task”.",
                              field="target_type")
    if not re.fullmatch(TARGET_ID_PATTERN, target_id):
        raise ValidationError("The target id is 1 to 64 letters, digits, - or _.",
                              field="target_id")
    _check_target(actor, target_type, target_id)
    with transaction.atomic():
        _lock(need)
        try:
            with transaction.atomic():
                link = NeedLink.objects.create(
                    organization=actor.organization, need=need, target_type=target_type,
                    target_id=target_id, created_by=actor.user,
                )
        except IntegrityError:
            raise Conflict("The need is already linked to this.", code="already_linked") from None
        audit.record(actor=actor, action="need.link_add", target=need,
                     changes={"link": [None, f"{target_type}#{target_id}"]})
    return link


def need_link_remove(*, actor: Actor, need: Need, target_type: str, target_id: str) -> None:
    ensure_can_edit_client(actor, need.client)
    with transaction.atomic():
        _lock(need)
        link = NeedLink.objects.filter(
            need=need, target_type=(target_type or "").strip().lower(),
            target_id=str(target_id or "").strip(),
        ).first()
        if link is None:
            raise NotFound("Need link not found.")
        audit.record(actor=actor, action="need.link_remove", target=need,
                     changes={"link": [f"{link.target_type}#{link.target_id}", None]})
        link.delete()


def _lock(need: Need) -> Need:
    locked = Need.objects.select_for_update(no_key=True).get(pk=need.pk)
    locked.client = need.client
    return locked


def _check_target(actor: Actor, target_type: str, target_id: str) -> None:
    app_label, _, model_name = target_type.partition(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return  # an app still to come
    rows = model._default_manager.all()
    try:
        model._meta.get_field("organization")
        rows = rows.filter(organization_id=actor.organization.pk)
    except FieldDoesNotExist:
        raise ValidationError(f"{target_type} cannot serve a need.", field="target_type") from None
    try:
        exists = rows.filter(pk=target_id).exists()
    except (ValueError, TypeError):
        exists = False
    if not exists:
        raise ValidationError(f"No {target_type} #{target_id} in this organization.",
                              code="target_not_found", field="target_id")
