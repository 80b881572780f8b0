"""Writing the audit log. Call ``record`` inside the service's transaction, after the change."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction

from tandem.core.actor import Actor
from tandem.core.models import AuditEntry

Changes = dict[str, list[Any]]


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of ``fields`` on ``instance``, to diff before and after a change."""
    return {name: json_value(getattr(instance, _attname(instance, name))) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """``{field: [before, after]}`` for each field whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    changes: Changes | None = None,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit entries are written inside the transaction of the change.")
    return AuditEntry.objects.create(
        organization=actor.organization,
        actor=actor.user,
        actor_label=actor.label or (actor.user.email if actor.user else "system"),
        action=action,
        object_type=object_type_of(target),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        changes=changes or {},
        request_id=actor.request_id[:64],
    )


def object_type_of(target: models.Model | type[models.Model]) -> str:
    return target._meta.label_lower


def _attname(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    return getattr(field, "attname", name)


def json_value(value: Any) -> Any:
    """``value`` as the audit log stores it (dates as ISO text, decimals as text)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value
