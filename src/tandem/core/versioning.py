"""Optimistic concurrency: every editable record carries a ``version``; a write names the version
it was based on, and a stale one is refused with ``StaleVersion`` (HTTP 409) instead of silently
overwriting someone else's change."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import F

from tandem.core.errors import StaleVersion

M = TypeVar("M", bound=models.Model)


def update_versioned(instance: M, *, expected_version: int, fields: dict[str, Any]) -> M:
    """Write ``fields`` only if the row still has ``expected_version``; bump the version."""
    model = type(instance)
    changed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **fields, version=F("version") + 1
    )
    if changed == 0:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True)
        raise _stale(model, expected_version, next(iter(current), None))
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.version = expected_version + 1  # type: ignore[attr-defined]
    return instance


def ensure_version(instance: models.Model, *, expected_version: int) -> None:
    """Refuse a write based on another version than ``instance``'s (read under a row lock),
    for a write that turns out to change nothing and so never reaches ``update_versioned``."""
    current = instance.version  # type: ignore[attr-defined]
    if current != expected_version:
        raise _stale(type(instance), expected_version, current)


def _stale(model: type[models.Model], expected_version: int, current: int | None) -> StaleVersion:
    return StaleVersion(
        f"This {model._meta.verbose_name} was changed by someone else since version "
        f"{expected_version}; reload it and apply your change again.",
        current_version=current,
    )
