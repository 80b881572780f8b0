"""Small pieces every projects service uses: value cleaning, row locks, audit of field changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models

from tandem.clients.services.clients import clean_values
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import ValidationError
from tandem.core.versioning import ensure_version, update_versioned

M = TypeVar("M", bound=models.Model)


def clean_text(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """Text and choice fields of ``values`` checked against ``model`` (other values untouched)."""
    text_fields = {
        k for k in values
        if isinstance(model._meta.get_field(k), models.CharField | models.TextField)
    }
    cleaned = dict(values)
    cleaned.update(clean_values(model, {k: values[k] for k in text_fields}))
    return cleaned


def check_unknown(values: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown {what} fields: {', '.join(sorted(unknown))}.")


def check_int(value: Any, name: str, label: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(f"The {label} must be a whole number from {low} to {high}.",
                              field=name)
    return value


def check_date(value: Any, name: str, label: str, *, required: bool = False) -> dt.date | None:
    if value is None:
        if required:
            raise ValidationError(f"The {label} is required.", code="required", field=name)
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(f"The {label} must be a date.", field=name)
    if not 1900 <= value.year <= 2199:
        raise ValidationError(f"The {label} must be between the years 1900 and 2199.",
                              field=name)
    return value


def lock(instance: M) -> M:
    """``instance`` read again under a row lock, keeping the relations already loaded."""
    model = type(instance)
    locked = model._default_manager.select_for_update(no_key=True).get(pk=instance.pk)
    for name, value in instance._state.fields_cache.items():
        locked._state.fields_cache[name] = value
    return locked


def apply_changes(
    *, actor: Actor, instance: M, expected_version: int, values: Mapping[str, Any], action: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, list[Any]]:
    """Write the ``values`` that differ from ``instance`` (locked by the caller) with the version
    check, and audit them; returns the audited changes (empty when nothing changed)."""
    before = audit.snapshot(instance, values)
    fields = {k: v for k, v in values.items() if before[k] != audit.json_value(v)}
    if not fields:
        ensure_version(instance, expected_version=expected_version)
        return {}
    update_versioned(instance, expected_version=expected_version,
                     fields={**fields, **(extra or {})})
    changes = audit.diff({k: before[k] for k in fields}, audit.snapshot(instance, fields))
    audit.record(actor=actor, action=action, target=instance, changes=changes)
    return changes

