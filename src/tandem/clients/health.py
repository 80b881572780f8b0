"""Client health: a 0-100 score computed from independent factors, with the reasons shown.

Score = 100 + the sum of every factor's impact, clamped to 0..100. A factor is a small function
``(client, context) -> FactorResult | None``; a negative impact lowers the score. Other domains
add theirs from their own module (imported by their app's ``ready()``), for example::

    from tandem.clients.health import FactorResult, HealthContext, register_factor

    def _late_invoices(organization_id, client_ids, now):       # one query for all clients
        return dict(Invoice.objects.filter(client_id__in=client_ids, ...)
                    .values_list("client_id").annotate(Count("id")))

    @register_factor("late_payments", preload=_late_invoices)
    def late_payments(client, context):
        late = context.data["late_payments"].get(client.pk, 0)
        return FactorResult("late_payments", "Late payments", -10 * late, f"{late} overdue")

``preload`` runs once per batch of clients (not once per client), so the nightly recompute of
a thousand clients costs a fixed number of queries per factor. A factor returns ``None`` (or an
impact of 0 with a detail) when it has nothing to say.

The nightly job (``clients.recompute_health``) recomputes every client that is not a former
one; services queue a recompute of one client after a relevant change (an answered survey...).
A snapshot is written only when the score or the reasons changed since the day's last one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.clients.access import DETAIL_READERS
from tandem.clients.models import (
    AccountSettings,
    Client,
    ClientIssue,
    ClientStatus,
    HealthSnapshot,
    IssueStatus,
    Severity,
    Survey,
    SurveyKind,
    Tier,
)
from tandem.core.actor import Actor
from tandem.core.errors import NotFound
from tandem.core.scoping import get_scoped, scoped

BATCH_SIZE = 500
DEFAULT_CADENCE_DAYS = {Tier.STRATEGIC: 7, Tier.KEY: 14, Tier.STANDARD: 30}
CLOSED_ISSUE = (IssueStatus.RESOLVED, IssueStatus.CLOSED)

# Weights (points off the score).
SEVERITY_PENALTY = {Severity.CRITICAL: 20, Severity.HIGH: 10, Severity.MEDIUM: 4, Severity.LOW: 1}
OPEN_BREACH_PENALTY = 8
RECENT_BREACH_PENALTY = 3
RECENT_BREACH_DAYS = 90
ISSUES_FLOOR = -50
NEVER_CONTACTED_PENALTY = -25
SATISFACTION_RECENT_DAYS = 90
SATISFACTION_WINDOW_DAYS = 365


@dataclass(frozen=True)
class FactorResult:
    key: str
    label: str
    impact: int
    detail: str = ""


@dataclass
class HealthContext:
    """What factors read: the clock, the organization's cadences, and each factor's preloaded
    data (``data[key]``), fetched once for the whole batch."""

    now: dt.datetime
    organization_id: int
    cadence_by_tier: dict[str, int]
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    def cadence_of(self, client: Client) -> int:
        return client.cadence_days or self.cadence_by_tier.get(client.tier, 30)


Factor = Callable[[Client, HealthContext], FactorResult | None]
Preload = Callable[[int, list[int], dt.datetime], Any]


@dataclass(frozen=True)
class _Registered:
    key: str
    compute: Factor
    preload: Preload | None


_factors: dict[str, _Registered] = {}


def register_factor(key: str, *, preload: Preload | None = None) -> Callable[[Factor], Factor]:
    """Add a factor to every health computation; ``key`` is unique and stable (it is stored)."""

    def register(compute: Factor) -> Factor:
        if key in _factors and _factors[key].compute is not compute:
            raise ValueError(f"A health factor {key!r} is already registered.")
        _factors[key] = _Registered(key, compute, preload)
        return compute

    return register


def registered_factors() -> list[str]:
    return list(_factors)


def cadence_by_tier(organization_id: int) -> dict[str, int]:
    """Days between contacts per tier: the organization's settings, or 7/14/30."""
    row = (
        AccountSettings.objects.filter(organization_id=organization_id)
        .values("strategic_cadence_days", "key_cadence_days", "standard_cadence_days")
        .first()
    )
    if row is None:
        return {str(k): v for k, v in DEFAULT_CADENCE_DAYS.items()}
    return {
        Tier.STRATEGIC: row["strategic_cadence_days"],
        Tier.KEY: row["key_cadence_days"],
        Tier.STANDARD: row["standard_cadence_days"],
    }


def score_of(results: Iterable[FactorResult]) -> int:
    return max(0, min(100, 100 + sum(r.impact for r in results)))


# ------------------------------------------------------------------------ this issue's factors


@register_factor("contact_cadence")
def contact_cadence(client: Client, context: HealthContext) -> FactorResult | None:
    """Days since the last contact against the client's cadence: -10 per cadence overdue."""
    cadence = context.cadence_of(client)
    label = "Contact"
    if client.last_contact_at is None:
        return FactorResult("contact_cadence", label, NEVER_CONTACTED_PENALTY,
                            "No contact recorded yet")
    days = max(0, (context.now - client.last_contact_at).days)
    if days <= cadence:
        return FactorResult("contact_cadence", label, 0,
                            f"Last contact {days} days ago (cadence {cadence} days)")
    overdue = min(3, -(-(days - cadence) // cadence))  # whole cadences overdue, rounded up
    return FactorResult("contact_cadence", label, -10 * overdue,
                        f"Quiet for {days} days; cadence is {cadence} days")


def _preload_issues(organization_id: int, client_ids: list[int],
                    now: dt.datetime) -> dict[int, list[dict[str, Any]]]:
    recent = now - dt.timedelta(days=RECENT_BREACH_DAYS)
    rows = ClientIssue.objects.filter(organization_id=organization_id,
                                      client_id__in=client_ids).filter(
        ~Q(status__in=CLOSED_ISSUE)
        | Q(resolved_at__gte=recent) & (Q(response_breached_at__isnull=False)
                                        | Q(resolution_breached_at__isnull=False))
    ).values("client_id", "severity", "status", "resolution_due_at", "first_response_due_at",
             "first_response_at", "response_breached_at", "resolution_breached_at", "paused_at")
    by_client: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_client[row["client_id"]].append(dict(row))
    return by_client


def issue_breached(row: dict[str, Any], now: dt.datetime) -> bool:
    """Breached if the SLA job marked it, or a due date passed while the clock was running."""
    if row["response_breached_at"] or row["resolution_breached_at"]:
        return True
    if row["status"] in CLOSED_ISSUE or row["paused_at"]:
        return False
    due = row["resolution_due_at"]
    response_due = row["first_response_due_at"] if not row["first_response_at"] else None
    return any(d is not None and d < now for d in (due, response_due))


@register_factor("open_issues", preload=_preload_issues)
def open_issues(client: Client, context: HealthContext) -> FactorResult | None:
    """Open issues by severity (critical 20, high 10, medium 4, low 1), 8 more per open issue
    past its SLA and 3 per issue resolved late in the last 90 days; at most 50 points."""
    rows = context.data["open_issues"].get(client.pk, [])
    if not rows:
        return FactorResult("open_issues", "Client issues", 0, "No open issues")
    open_rows = [r for r in rows if r["status"] not in CLOSED_ISSUE]
    counts: dict[str, int] = defaultdict(int)
    penalty = 0
    breached_open = breached_recent = 0
    for row in open_rows:
        counts[row["severity"]] += 1
        penalty += SEVERITY_PENALTY.get(row["severity"], 0)
        if issue_breached(row, context.now):
            breached_open += 1
    breached_recent = len(rows) - len(open_rows)
    penalty += OPEN_BREACH_PENALTY * breached_open + RECENT_BREACH_PENALTY * breached_recent
    parts = [f"{counts[s]} {s}" for s in SEVERITY_PENALTY if counts.get(s)]
    detail = (", ".join(parts) + " open") if parts else "No open issues"
    if breached_open:
        detail += f"; {breached_open} past SLA"
    if breached_recent:
        detail += f"; {breached_recent} resolved late lately"
    return FactorResult("open_issues", "Client issues", max(ISSUES_FLOOR, -penalty), detail)


def _preload_answers(organization_id: int, client_ids: list[int],
                     now: dt.datetime) -> dict[int, list[tuple[dt.datetime, str, int]]]:
    since = now - dt.timedelta(days=SATISFACTION_WINDOW_DAYS)
    rows = Survey.objects.filter(
        organization_id=organization_id, client_id__in=client_ids, answered_at__gte=since,
        answered_at__lte=now, score__isnull=False,
    ).values_list("client_id", "answered_at", "kind", "score")
    by_client: dict[int, list[tuple[dt.datetime, str, int]]] = defaultdict(list)
    for client_id, answered_at, kind, score in rows:
        if answered_at is not None and score is not None:
            by_client[client_id].append((answered_at, kind, score))
    return by_client


def normalized(kind: str, score: int) -> float:
    """A CSAT (1-5) or NPS (0-10) answer on one 0-100 scale."""
    return (score - 1) * 25.0 if kind == SurveyKind.CSAT else score * 10.0


@register_factor("satisfaction", preload=_preload_answers)
def satisfaction(client: Client, context: HealthContext) -> FactorResult | None:
    """Answers of the last 90 days (on a 0-100 scale) against the 9 months before: low recent
    satisfaction costs up to 20 points, a drop of 15 or more 10 more; a rise earns 5 back."""
    answers = context.data["satisfaction"].get(client.pk, [])
    label = "Satisfaction"
    if not answers:
        return FactorResult("satisfaction", label, 0, "No survey answers in the last year")
    cutoff = context.now - dt.timedelta(days=SATISFACTION_RECENT_DAYS)
    recent = [normalized(k, s) for at, k, s in answers if at >= cutoff]
    earlier = [normalized(k, s) for at, k, s in answers if at < cutoff]
    if not recent:
        return FactorResult("satisfaction", label, -5,
                            "No survey answers in the last 90 days")
    now_avg = sum(recent) / len(recent)
    impact = -20 if now_avg < 40 else -10 if now_avg < 60 else -5 if now_avg < 75 else 0
    detail = f"Recent satisfaction {round(now_avg)}/100 ({len(recent)} answers)"
    if earlier:
        before = sum(earlier) / len(earlier)
        change = now_avg - before
        if change <= -15:
            impact -= 10
            detail += f", down from {round(before)}"
        elif change >= 15:
            impact += 5
            detail += f", up from {round(before)}"
    return FactorResult("satisfaction", label, impact, detail)


# ------------------------------------------------------------------------------ recomputation


def compute(clients: Sequence[Client], context: HealthContext) -> dict[int, list[FactorResult]]:
    """The factor results of each client (nothing written)."""
    ids = [c.pk for c in clients]
    for registered in _factors.values():
        if registered.preload is not None:
            context.data[registered.key] = registered.preload(context.organization_id, ids,
                                                              context.now)
    results: dict[int, list[FactorResult]] = {}
    for client in clients:
        found = []
        for registered in _factors.values():
            result = registered.compute(client, context)
            if result is not None:
                found.append(result)
        results[client.pk] = found
    return results


def recompute_client(client: Client, now: dt.datetime | None = None) -> int:
    """Recompute one client's health now; returns the score."""
    _recompute_batch(client.organization_id, [client], now or timezone.now())
    client.refresh_from_db(fields=["health_score", "health_computed_at"])
    return client.health_score or 0


def recompute_client_by_id(client_id: int, now: dt.datetime | None = None) -> int | None:
    client = Client.objects.filter(pk=client_id).first()
    return None if client is None else recompute_client(client, now)


def recompute_all(now: dt.datetime | None = None) -> int:
    """Every organization's current and prospective clients, in batches; returns how many."""
    now = now or timezone.now()
    clients = Client.objects.exclude(status=ClientStatus.FORMER).order_by("organization_id",
                                                                          "id")
    done = 0
    batch: list[Client] = []
    for client in clients.only("id", "organization_id", "tier", "status", "cadence_days",
                               "last_contact_at").iterator(chunk_size=BATCH_SIZE):
        if batch and (len(batch) >= BATCH_SIZE or batch[0].organization_id
                      != client.organization_id):
            done += _recompute_batch(batch[0].organization_id, batch, now)
            batch = []
        batch.append(client)
    if batch:
        done += _recompute_batch(batch[0].organization_id, batch, now)
    return done


def _recompute_batch(organization_id: int, clients: list[Client], now: dt.datetime) -> int:
    context = HealthContext(now=now, organization_id=organization_id,
                            cadence_by_tier=cadence_by_tier(organization_id))
    results = compute(clients, context)
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    latest_today: dict[int, HealthSnapshot] = {}
    for snapshot in HealthSnapshot.objects.filter(
        organization_id=organization_id, client_id__in=[c.pk for c in clients],
        computed_at__gte=start_of_day, computed_at__lte=now,
    ).order_by("client_id", "-computed_at", "-id"):
        latest_today.setdefault(snapshot.client_id, snapshot)
    snapshots = []
    for client in clients:
        factors = [asdict(r) for r in results[client.pk]]
        score = score_of(results[client.pk])
        client.health_score, client.health_computed_at = score, now
        last = latest_today.get(client.pk)
        if last is not None and last.score == score and last.factors == factors:
            continue
        snapshots.append(HealthSnapshot(organization_id=organization_id, client_id=client.pk,
                                        computed_at=now, score=score, factors=factors))
    with transaction.atomic():
        HealthSnapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE)
        Client.objects.bulk_update(clients, ["health_score", "health_computed_at"],
                                   batch_size=BATCH_SIZE)
    return len(clients)


# ------------------------------------------------------------------------------------- reading


@dataclass
class HealthView:
    client_id: int
    score: int | None
    computed_at: dt.datetime | None
    factors: list[dict[str, Any]]
    history: list[dict[str, Any]]


def health_of(actor: Actor, client_id: int, *, days: int = 180,
              now: dt.datetime | None = None) -> HealthView:
    """A client's current score, its reasons and its history (oldest first), or NotFound."""
    if actor.role not in DETAIL_READERS[HealthSnapshot]:
        raise NotFound("Client not found.")
    client = get_scoped(Client, actor, pk=client_id)
    since = (now or timezone.now()) - dt.timedelta(days=days)
    snapshots = list(
        scoped(HealthSnapshot, actor).filter(client_id=client.pk, computed_at__gte=since)
        .order_by("computed_at", "id").values("computed_at", "score", "factors")
    )
    latest = snapshots[-1]["factors"] if snapshots else []
    if not snapshots:
        last = scoped(HealthSnapshot, actor).filter(client_id=client.pk).values("factors").first()
        latest = last["factors"] if last else []
    return HealthView(
        client_id=client.pk, score=client.health_score, computed_at=client.health_computed_at,
        factors=latest,
        history=[{"computed_at": s["computed_at"], "score": s["score"]} for s in snapshots],
    )


def recompute_organization(organization_id: int, now: dt.datetime | None = None) -> int:
    """Every current and prospective client of one organization (the demo, an import)."""
    now = now or timezone.now()
    clients = list(
        Client.objects.filter(organization_id=organization_id)
        .exclude(status=ClientStatus.FORMER).order_by("id")
    )
    done = 0
    for start in range(0, len(clients), BATCH_SIZE):
        done += _recompute_batch(organization_id, clients[start:start + BATCH_SIZE], now)
    return done
