"""Reads of satisfaction: surveys in the actor's scope, and CSAT/NPS trends per client.

Surveys are seen by admins and executives (all), the owning account manager, and the client's
own people; a client outside that reach is a 404 like one that does not exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tandem.clients.access import DETAIL_READERS, narrow_clients
from tandem.clients.models import Client, Survey, SurveyKind
from tandem.core.actor import Actor
from tandem.core.errors import NotFound
from tandem.core.scoping import get_scoped, scoped

TREND_MONTHS = 12
TREND_QUARTERS = 8


def survey_list(
    actor: Actor, *, client_id: int | None = None, kind: str | None = None,
    answered: bool | None = None,
) -> QuerySet[Survey]:
    surveys = scoped(Survey, actor).select_related("client", "contact")
    if client_id is not None:
        surveys = surveys.filter(client_id=client_id)
    if kind:
        surveys = surveys.filter(kind=kind)
    if answered is not None:
        surveys = surveys.filter(answered_at__isnull=not answered)
    return surveys.order_by("-sent_at", "-id")


def survey_detail(actor: Actor, survey_id: int) -> Survey:
    return get_scoped(survey_list(actor), actor, pk=survey_id)


def satisfaction_client(actor: Actor, client_id: int) -> Client:
    """The client whose satisfaction the actor may read, or NotFound."""
    if actor.role not in DETAIL_READERS[Survey]:
        raise NotFound("Client not found.")
    return get_scoped(narrow_clients(scoped(Client, actor), actor, detail=True), actor,
                      pk=client_id)


@dataclass(frozen=True)
class MonthCsat:
    month: dt.date
    average: float
    answers: int


@dataclass(frozen=True)
class QuarterNps:
    period: str
    nps: int  # % promoters (9-10) minus % detractors (0-6), -100..100
    promoters: int
    passives: int
    detractors: int
    answers: int


@dataclass
class SatisfactionTrends:
    client_id: int
    csat_by_month: list[MonthCsat] = field(default_factory=list)
    nps_by_quarter: list[QuarterNps] = field(default_factory=list)
    sent: int = 0
    answered: int = 0

    @property
    def response_rate(self) -> float | None:
        return round(self.answered / self.sent, 3) if self.sent else None


def satisfaction_trends(
    actor: Actor, client: Client, *, now: dt.datetime | None = None
) -> SatisfactionTrends:
    """CSAT average per month (last 12 months) and NPS per quarter (last 8) of one client."""
    now = now or timezone.now()
    surveys = scoped(Survey, actor).filter(client_id=client.pk)
    trends = SatisfactionTrends(client_id=client.pk)
    totals = surveys.aggregate(sent=Count("id"), answered=Count("id", filter=Q(
        answered_at__isnull=False)))
    trends.sent, trends.answered = totals["sent"], totals["answered"]
    since = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    since = _months_back(since, TREND_MONTHS - 1)
    monthly = (
        surveys.filter(kind=SurveyKind.CSAT, answered_at__gte=since, score__isnull=False)
        .annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(average=Avg("score"), answers=Count("id"))
        .order_by("month")
    )
    trends.csat_by_month = [
        MonthCsat(month=_as_date(row["month"]), average=round(float(row["average"]), 2),
                  answers=row["answers"])
        for row in monthly
    ]
    quarterly = (
        surveys.filter(kind=SurveyKind.NPS, score__isnull=False)
        .values("period")
        .annotate(
            answers=Count("id"),
            promoters=Count("id", filter=Q(score__gte=9)),
            detractors=Count("id", filter=Q(score__lte=6)),
        )
        .order_by("-period")[:TREND_QUARTERS]
    )
    trends.nps_by_quarter = sorted(
        (_quarter(row) for row in quarterly), key=lambda q: q.period
    )
    return trends


def nps_score(promoters: int, detractors: int, answers: int) -> int:
    return round(100 * (promoters - detractors) / answers) if answers else 0


def _quarter(row: dict[str, Any]) -> QuarterNps:
    answers, promoters, detractors = row["answers"], row["promoters"], row["detractors"]
    return QuarterNps(
        period=row["period"], nps=nps_score(promoters, detractors, answers),
        promoters=promoters, passives=answers - promoters - detractors, detractors=detractors,
        answers=answers,
    )


def _months_back(moment: dt.datetime, months: int) -> dt.datetime:
    year, month = moment.year, moment.month - months
    while month < 1:
        month += 12
        year -= 1
    return moment.replace(year=year, month=month)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
