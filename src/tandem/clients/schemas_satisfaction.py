"""API shapes of satisfaction surveys and client health."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from tandem.clients.models import SurveyKind


class SurveyOut(Schema):
    id: int
    client_id: int
    client_name: str
    contact_id: int | None
    contact_name: str
    kind: SurveyKind
    issue_id: int | None
    period: str
    sent_at: dt.datetime
    expires_at: dt.datetime
    answered_at: dt.datetime | None
    score: int | None
    comment: str

    # Read from a Survey row, or from the stored JSON of an idempotent replay.
    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj["client_name"] if isinstance(obj, dict) else obj.client.name)

    @staticmethod
    def resolve_contact_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["contact_name"])
        return str(obj.contact.name) if obj.contact is not None else ""


class SurveyCreate(Schema):
    client_id: int
    kind: SurveyKind
    contact_id: int | None = Field(None, description="Default: the client's primary contact")
    issue_id: int | None = Field(None, description="The resolved issue a CSAT is about")
    period: str | None = Field(None, max_length=7, pattern=r"^\d{4}-Q[1-4]$",
                               description="Quarter of an NPS, e.g. 2026-Q2; default: now")


class FactorOut(Schema):
    key: str
    label: str
    impact: int = Field(description="Points added to 100 (negative lowers the score)")
    detail: str


class HealthPoint(Schema):
    computed_at: dt.datetime
    score: int


class HealthOut(Schema):
    client_id: int
    score: int | None
    computed_at: dt.datetime | None
    factors: list[FactorOut]
    history: list[HealthPoint] = Field(description="Oldest first")


class MonthCsatOut(Schema):
    month: dt.date
    average: float
    answers: int


class QuarterNpsOut(Schema):
    period: str
    nps: int = Field(description="% promoters minus % detractors, -100 to 100")
    promoters: int
    passives: int
    detractors: int
    answers: int


class SatisfactionOut(Schema):
    client_id: int
    sent: int
    answered: int
    response_rate: float | None
    csat_by_month: list[MonthCsatOut]
    nps_by_quarter: list[QuarterNpsOut]
