"""The scoping door: the one place every query of tenant data starts from.

``scoped(Model, actor)`` returns the rows of the actor's organization that the actor's role may
see, by the rule the model's app registered with ``@scope_rule(Model)`` in its ``access.py``.
A model without a rule cannot be queried through the door at all (an error, not a leak), and
``get_scoped`` turns anything outside the scope into ``NotFound``, exactly like a missing row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models

from tandem.core.actor import Actor
from tandem.core.errors import NotFound

M = TypeVar("M", bound=models.Model)
ScopeRule = Callable[[models.QuerySet[Any], Actor], models.QuerySet[Any]]

_rules: dict[type[models.Model], ScopeRule] = {}


def scope_rule(model: type[models.Model]) -> Callable[[ScopeRule], ScopeRule]:
    """Register how ``model``'s rows are narrowed to what an actor's role may see."""

    def register(rule: ScopeRule) -> ScopeRule:
        if model in _rules:
            raise ImproperlyConfigured(f"{model.__name__} already has a scope rule.")
        _rules[model] = rule
        return rule

    return register


def registered_models() -> frozenset[type[models.Model]]:
    return frozenset(_rules)


def scoped(model: type[M], actor: Actor) -> models.QuerySet[M]:
    try:
        rule = _rules[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model.__name__} has no scope rule; register one with @scope_rule in access.py."
        ) from None
    queryset = model._default_manager.filter(organization_id=actor.organization.pk)
    return rule(queryset, actor)


def get_scoped(queryset_or_model: type[M] | models.QuerySet[M], actor: Actor, **lookup: Any) -> M:
    """One object inside the actor's scope, or ``NotFound``; never a hint that it exists.

    Pass a model, or a queryset a selector built from ``scoped()`` (to add its joins)."""
    if isinstance(queryset_or_model, models.QuerySet):
        queryset = queryset_or_model
    else:
        queryset = scoped(queryset_or_model, actor)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        name = str(queryset.model._meta.verbose_name).capitalize()
        raise NotFound(f"{name} not found.") from None

