"""Reads of deliverables and their acceptance history, from the scoping door, with the joins
their pages and endpoints need (a fixed number of queries whatever the number of rows)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from tandem.core.actor import Actor
from tandem.core.scoping import get_scoped, scoped
from tandem.projects.models import (
    Deliverable,
    DeliverableEvent,
    DeliverableStatus,
    Project,
    ScopeItem,
    Task,
)

DELIVERABLE_JOINS = ("project", "project__client", "project__client__owner", "project__manager",
                     "milestone", "need", "scope_item", "decided_by")


def project_get(actor: Actor, project_id: Any) -> Project:
    """A project in the actor's reach, with what the acceptance rules read."""
    queryset = scoped(Project, actor).select_related("client", "client__owner", "manager")
    return get_scoped(queryset, actor, pk=project_id)


def _with_joins(actor: Actor) -> QuerySet[Deliverable]:
    """Deliverables with what their rows show, and whether another deliverable of the same
    milestone still waits (``milestone_pending``), without a query per row."""
    pending = Deliverable.objects.filter(milestone_id=OuterRef("milestone_id")).exclude(
        status=DeliverableStatus.ACCEPTED)
    return (scoped(Deliverable, actor).select_related(*DELIVERABLE_JOINS)
            .annotate(milestone_pending=Exists(pending)))


def deliverable_list(
    actor: Actor, *, project: Project | None = None, status: str = "",
) -> QuerySet[Deliverable]:
    deliverables = _with_joins(actor)
    if project is not None:
        deliverables = deliverables.filter(project=project)
    if status:
        deliverables = deliverables.filter(status=status)
    return deliverables.order_by("due_date", "id")


def deliverable_get(actor: Actor, deliverable_id: Any,
                    project_id: Any | None = None) -> Deliverable:
    queryset = _with_joins(actor)
    if project_id is not None:
        return get_scoped(queryset, actor, pk=deliverable_id, project_id=project_id)
    return get_scoped(queryset, actor, pk=deliverable_id)


def deliverable_events(actor: Actor, deliverable: Deliverable) -> QuerySet[DeliverableEvent]:
    return (scoped(DeliverableEvent, actor).filter(deliverable=deliverable)
            .order_by("at", "id"))


def events_by_deliverable(actor: Actor,
                          deliverables: list[Deliverable]) -> dict[int, list[DeliverableEvent]]:
    """The history of each listed deliverable, in one query."""
    history: dict[int, list[DeliverableEvent]] = {d.pk: [] for d in deliverables}
    if not deliverables:
        return history
    for event in scoped(DeliverableEvent, actor).filter(
        deliverable_id__in=list(history)
    ).order_by("at", "id"):
        history[event.deliverable_id].append(event)
    return history


def milestone_choices(actor: Actor, project: Project) -> QuerySet[Task]:
    return (scoped(Task, actor).filter(project=project, duration=0, is_summary=False)
            .order_by("sequence"))


def scope_item_choices(actor: Actor, project: Project) -> QuerySet[ScopeItem]:
    return scoped(ScopeItem, actor).filter(project=project).order_by("title", "id")
