"""The account manager's "my book" and the executive's portfolio of every book.

``my_book`` costs a fixed number of queries whatever the size of the book: the clients (one
query, few columns), their health history for the sparklines (one), follow-ups due, open issues
with their SLA clocks, recent survey answers (one each), the cadences (one), and for the
executive the account managers to filter by (one)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import QuerySet
from django.utils import timezone

from tandem.clients.health import cadence_by_tier
from tandem.clients.models import (
    Client,
    ClientIssue,
    ClientStatus,
    HealthSnapshot,
    Interaction,
    IssueStatus,
    Survey,
)
from tandem.core.actor import Actor
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.core.scoping import scoped

M = TypeVar("M", ClientIssue, Interaction, Survey)
SPARK_DAYS = 90
SPARK_WIDTH, SPARK_HEIGHT = 96, 24
LIST_LIMIT = 100
PANEL_LIMIT = 15
OPEN_ISSUE = (IssueStatus.NEW, IssueStatus.ACKNOWLEDGED, IssueStatus.IN_PROGRESS,
              IssueStatus.WAITING_ON_CLIENT, IssueStatus.REOPENED)
PORTFOLIO_ROLES = frozenset({Role.ADMIN, Role.EXECUTIVE})


@dataclass
class ClientRow:
    client: Client
    cadence: int
    days_quiet: int | None
    points: str = ""  # the sparkline's polyline, "x,y x,y ..."
    trend: int | None = None  # score change over the sparkline's window

    @property
    def is_quiet(self) -> bool:
        return self.days_quiet is None or self.days_quiet > self.cadence

    @property
    def health_band(self) -> str:
        score = self.client.health_score
        if score is None:
            return "unknown"
        return "good" if score >= 75 else "watch" if score >= 50 else "at_risk"


@dataclass
class IssueRow:
    issue: ClientIssue
    due_at: dt.datetime | None
    minutes_left: int | None
    state: str  # "breached", "paused", "running" or "none"

    @property
    def overdue_by(self) -> int:
        return -(self.minutes_left or 0)


@dataclass
class OwnerSummary:
    owner_id: int | None
    name: str
    clients: int = 0
    average_health: int | None = None
    quiet: int = 0
    at_risk: int = 0
    open_issues: int = 0
    breached: int = 0


@dataclass
class MyBook:
    portfolio: bool
    today: dt.date
    clients: list[ClientRow] = field(default_factory=list)
    total_clients: int = 0
    quiet: list[ClientRow] = field(default_factory=list)
    follow_ups: list[Interaction] = field(default_factory=list)
    issues: list[IssueRow] = field(default_factory=list)
    answers: list[Survey] = field(default_factory=list)
    owners: list[OwnerSummary] = field(default_factory=list)
    account_managers: list[Membership] = field(default_factory=list)
    owner_id: int | None = None

    @property
    def breached(self) -> int:
        return sum(1 for row in self.issues if row.state == "breached")


def my_book(actor: Actor, *, owner_id: int | None = None,
            now: dt.datetime | None = None) -> MyBook:
    """The AM's own clients; for executives and admins every AM's (or one AM's, ``owner_id``)."""
    now = now or timezone.now()
    portfolio = actor.role in PORTFOLIO_ROLES
    book = MyBook(portfolio=portfolio, today=timezone.localdate(now),
                  owner_id=owner_id if portfolio else actor.user_id)
    if not portfolio and actor.role != Role.ACCOUNT_MANAGER:
        return book
    cadences = cadence_by_tier(actor.organization.pk)
    clients = _book_clients(actor, book.owner_id, portfolio)
    rows = [
        ClientRow(client=c, cadence=c.cadence_days or cadences.get(c.tier, 30),
                  days_quiet=None if c.last_contact_at is None
                  else max(0, (now - c.last_contact_at).days))
        for c in clients
    ]
    book.total_clients = len(rows)
    active = [r for r in rows if r.client.status == ClientStatus.ACTIVE]
    book.quiet = sorted((r for r in active if r.is_quiet),
                        key=lambda r: -(r.days_quiet if r.days_quiet is not None else 10**6)
                        / r.cadence)
    # The weakest first: they need the AM's attention.
    rows.sort(key=lambda r: (r.client.health_score if r.client.health_score is not None
                             else 101, r.client.name))
    book.clients = rows[:LIST_LIMIT]
    _add_sparklines(actor, book.clients, now)
    book.follow_ups = list(
        _in_book(scoped(Interaction, actor), book.owner_id)
        .filter(follow_up_on__lte=book.today, follow_up_done_at__isnull=True)
        .select_related("client")
        .order_by("follow_up_on", "id")[:PANEL_LIMIT]
    )
    issues = list(
        _in_book(scoped(ClientIssue, actor), book.owner_id)
        .filter(status__in=OPEN_ISSUE)
        .select_related("client", "owner")
        .order_by("resolution_due_at", "-opened_at", "id")
    )
    book.issues = sorted((_issue_row(i, now) for i in issues), key=_issue_urgency)
    book.answers = list(
        _in_book(scoped(Survey, actor), book.owner_id)
        .filter(answered_at__isnull=False)
        .select_related("client", "contact")
        .order_by("-answered_at", "-id")[:PANEL_LIMIT]
    )
    if portfolio:
        book.account_managers = list(
            scoped(Membership, actor).filter(role=Role.ACCOUNT_MANAGER, is_active=True)
            .select_related("user").order_by("user__full_name", "user__email")
        )
        book.owners = _owner_summaries(rows, book.issues)
    return book


def _book_clients(actor: Actor, owner_id: int | None, portfolio: bool) -> QuerySet[Client]:
    clients = scoped(Client, actor).exclude(status=ClientStatus.FORMER)
    if owner_id is not None:
        clients = clients.filter(owner_id=owner_id)
    fields = ["id", "name", "tier", "status", "cadence_days", "last_contact_at", "health_score",
              "health_computed_at", "owner_id"]
    if portfolio:
        clients = clients.select_related("owner")
        fields += ["owner__full_name", "owner__email"]
    return clients.only(*fields).order_by("name", "id")


def _in_book(queryset: QuerySet[M], owner_id: int | None) -> QuerySet[M]:
    queryset = queryset.exclude(client__status=ClientStatus.FORMER)
    return queryset if owner_id is None else queryset.filter(client__owner_id=owner_id)


def _add_sparklines(actor: Actor, rows: list[ClientRow], now: dt.datetime) -> None:
    if not rows:
        return
    since = now - dt.timedelta(days=SPARK_DAYS)
    history: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    snapshots = (
        scoped(HealthSnapshot, actor)
        .filter(client_id__in=[r.client.pk for r in rows], computed_at__gte=since,
                computed_at__lte=now)
        .order_by("client_id", "computed_at", "id")
        .values_list("client_id", "computed_at", "score")
    )
    for client_id, at, score in snapshots:
        history[client_id].append((at, score))
    for row in rows:
        points = history.get(row.client.pk, [])
        row.points = sparkline_points(points, since, now)
        if len(points) >= 2:
            row.trend = points[-1][1] - points[0][1]


def sparkline_points(points: list[tuple[dt.datetime, int]], since: dt.datetime,
                     now: dt.datetime) -> str:
    """A polyline's points for scores 0..100 over ``since..now`` in a 96 by 24 box (a step line
    that holds each score until the next; empty when there is no history)."""
    if not points:
        return ""
    span = max(1.0, (now - since).total_seconds())

    def xy(at: dt.datetime, score: int) -> str:
        x = SPARK_WIDTH * max(0.0, (at - since).total_seconds()) / span
        y = 1 + (SPARK_HEIGHT - 2) * (100 - score) / 100
        return f"{x:.1f},{y:.1f}"

    coords = [xy(points[0][0], points[0][1])]
    for (_at, previous), (at, score) in itertools.pairwise(points):
        coords.append(xy(at, previous))
        coords.append(xy(at, score))
    coords.append(xy(now, points[-1][1]))
    return " ".join(coords)


def _issue_row(issue: ClientIssue, now: dt.datetime) -> IssueRow:
    responded = issue.first_response_at is not None
    due = issue.resolution_due_at if responded else (issue.first_response_due_at
                                                     or issue.resolution_due_at)
    if due is None:
        return IssueRow(issue, None, None, "none")
    minutes = int((due - now).total_seconds() // 60)
    if issue.response_breached_at or issue.resolution_breached_at or minutes < 0:
        state = "breached"
    elif issue.paused_at is not None or issue.status == IssueStatus.WAITING_ON_CLIENT:
        state = "paused"
    else:
        state = "running"
    return IssueRow(issue, due, minutes, state)


def _issue_urgency(row: IssueRow) -> tuple[int, int, int]:
    order = {"breached": 0, "running": 1, "paused": 2, "none": 3}
    severity = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    return (order[row.state], row.minutes_left if row.minutes_left is not None else 10**9,
            severity.get(row.issue.severity, 4))


def _owner_summaries(rows: list[ClientRow], issues: list[IssueRow]) -> list[OwnerSummary]:
    summaries: dict[int | None, OwnerSummary] = {}
    scores: dict[int | None, list[int]] = defaultdict(list)
    for row in rows:
        owner = row.client.owner if row.client.owner_id else None
        summary = summaries.get(row.client.owner_id)
        if summary is None:
            name = (owner.full_name or owner.email) if owner is not None else ""
            summary = summaries[row.client.owner_id] = OwnerSummary(row.client.owner_id, name)
        summary.clients += 1
        if row.client.status == ClientStatus.ACTIVE and row.is_quiet:
            summary.quiet += 1
        if row.client.health_score is not None:
            scores[row.client.owner_id].append(row.client.health_score)
            if row.client.health_score < 50:
                summary.at_risk += 1
    for issue_row in issues:
        summary = summaries.get(issue_row.issue.client.owner_id)
        if summary is not None:
            summary.open_issues += 1
            summary.breached += issue_row.state == "breached"
    for owner_id, values in scores.items():
        summaries[owner_id].average_health = round(sum(values) / len(values))
    return sorted(summaries.values(), key=lambda s: (s.owner_id is None, s.name.lower()))
