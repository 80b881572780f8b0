"""Reads of interactions and client issues, each starting from the scoping door, with the joins
their pages and endpoints need (a list costs the same number of queries for 5 rows or 500)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.clients.access import narrow_clients
from tandem.clients.models import Client, ClientIssue, Contact, Interaction, IssueEvent
from tandem.clients.services.settings import settings_by_organization, sla_table
from tandem.clients.sla import BusinessClock, SlaState, sla_state
from tandem.core.actor import Actor
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped, scoped

RUNNING = ("new", "acknowledged", "in_progress", "reopened")


# ------------------------------------------------------------------------------ clients
def clients_with_detail(actor: Actor) -> QuerySet[Client]:
    """The clients whose details (interactions, issues) the actor may see."""
    return narrow_clients(scoped(Client, actor), actor, detail=True).order_by("name", "id")


def client_with_detail(actor: Actor, client_id: int | str | None) -> Client:
    return get_scoped(clients_with_detail(actor), actor, pk=client_id)


def contacts_of(actor: Actor, client: Client) -> QuerySet[Contact]:
    return scoped(Contact, actor).filter(client=client)


def staff_choices(actor: Actor) -> QuerySet[Membership]:
    return (
        scoped(Membership, actor).filter(is_active=True).exclude(role=Role.CLIENT)
        .select_related("user").order_by("user__full_name", "user__email")
    )


def issue_owner_choices(actor: Actor) -> QuerySet[Membership]:
    return staff_choices(actor).filter(
        role__in=[Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER]
    )


# ------------------------------------------------------------------------------ interactions
def interaction_list(
    actor: Actor,
    *,
    client_id: int | None = None,
    kind: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    follow_up_due: bool = False,
) -> QuerySet[Interaction]:
    interactions = (
        scoped(Interaction, actor)
        .select_related("client", "created_by")
        .prefetch_related("contacts", "participants")
    )
    if client_id:
        interactions = interactions.filter(client_id=client_id)
    if kind:
        interactions = interactions.filter(kind=kind)
    if since:
        interactions = interactions.filter(occurred_at__gte=_start_of(since))
    if until:
        interactions = interactions.filter(occurred_at__lt=_start_of(until + dt.timedelta(days=1)))
    if follow_up_due:
        interactions = interactions.filter(
            follow_up_on__lte=timezone.localdate(), follow_up_done_at__isnull=True
        )
    return interactions.order_by("-occurred_at", "-id")


def interaction_get(actor: Actor, interaction_id: int | str) -> Interaction:
    return get_scoped(interaction_list(actor), actor, pk=interaction_id)


# ------------------------------------------------------------------------------ issues
def issue_list(
    actor: Actor,
    *,
    client_id: int | None = None,
    status: str = "",
    severity: str = "",
    breached: bool | None = None,
    open_only: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[ClientIssue]:
    issues = scoped(ClientIssue, actor).select_related("client", "owner", "raised_by")
    if client_id:
        issues = issues.filter(client_id=client_id)
    if status:
        issues = issues.filter(status=status)
    if severity:
        issues = issues.filter(severity=severity)
    if open_only:
        issues = issues.exclude(status__in=["resolved", "closed"])
    if breached is not None:
        condition = breached_condition(now or timezone.now())
        issues = issues.filter(condition) if breached else issues.exclude(condition)
    return issues.order_by("-opened_at", "-id")


def breached_condition(now: dt.datetime) -> Q:
    """Breached: flagged by the SLA job, or past a due date the job has not looked at yet."""
    return (
        Q(response_breached_at__isnull=False)
        | Q(resolution_breached_at__isnull=False)
        | Q(status__in=RUNNING, first_response_at__isnull=True, first_response_due_at__lte=now)
        | Q(status__in=RUNNING, resolved_at__isnull=True, resolution_due_at__lte=now)
    )


def issue_get(actor: Actor, issue_id: int | str) -> ClientIssue:
    return get_scoped(issue_list(actor), actor, pk=issue_id)


def issue_timeline(actor: Actor, issue: ClientIssue) -> QuerySet[IssueEvent]:
    return scoped(IssueEvent, actor).filter(issue=issue).select_related("actor").order_by(
        "at", "id"
    )


def sla_states(
    actor: Actor, issues: list[ClientIssue], *, now: dt.datetime | None = None
) -> dict[int, SlaState]:
    """Each issue's SLA clock state, for the actor's organization (two queries for any number)."""
    now = now or timezone.now()
    if not issues:
        return {}
    oid = actor.organization.pk
    account_settings = settings_by_organization([oid])[oid]
    clock = BusinessClock.for_settings(account_settings)
    table = sla_table(oid)
    return {
        issue.pk: sla_state(issue, now=now, clock=clock,
                            target=table[(issue.severity, issue.client.tier)],
                            warning_percent=account_settings.sla_warning_percent)
        for issue in issues
    }


def _start_of(day: dt.date) -> Any:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
