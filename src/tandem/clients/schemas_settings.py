"""API shapes of the account management settings, the SLA targets and a client's cadence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from tandem.clients.models import Severity, Tier
from tandem.clients.services.interactions import MAX_CADENCE_DAYS

VERSION = Field(ge=1, description="The version you read; a stale one answers 409")
# Wall-clock times of the organization's day, as HH:MM (JSON Schema's "time" wants an offset).
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def clock(value: dt.time | str) -> str:
    """``08:30`` for a time, or for the text default of a row created a moment ago."""
    return (value if isinstance(value, dt.time) else dt.time.fromisoformat(value)).strftime(
        "%H:%M")


class AccountSettingsOut(Schema):
    strategic_cadence_days: int
    key_cadence_days: int
    standard_cadence_days: int
    business_day_start: str = Field(pattern=CLOCK, examples=["08:30"])
    business_day_end: str = Field(pattern=CLOCK, examples=["17:30"])
    holiday_country: str
    sla_warning_percent: int
    version: int

    @staticmethod
    def resolve_business_day_start(obj: Any) -> str:
        return clock(obj.business_day_start)

    @staticmethod
    def resolve_business_day_end(obj: Any) -> str:
        return clock(obj.business_day_end)


class AccountSettingsPatch(Schema):
    version: int = VERSION
    strategic_cadence_days: int | None = Field(None, ge=1, le=MAX_CADENCE_DAYS)
    key_cadence_days: int | None = Field(None, ge=1, le=MAX_CADENCE_DAYS)
    standard_cadence_days: int | None = Field(None, ge=1, le=MAX_CADENCE_DAYS)
    business_day_start: str | None = Field(None, pattern=CLOCK, description="HH:MM")
    business_day_end: str | None = Field(None, pattern=CLOCK, description="HH:MM")
    holiday_country: str | None = Field(None, min_length=2, max_length=2,
                                        description="ISO 3166 two-letter country code")
    sla_warning_percent: int | None = Field(None, ge=1, le=99)


class SlaTargetOut(Schema):
    severity: Severity
    tier: Tier
    first_response_minutes: int = Field(description="Business minutes to the first response")
    resolution_minutes: int = Field(description="Business minutes to the resolution")
    is_default: bool = Field(description="True when the organization has not set this target")


class SlaTargetIn(Schema):
    first_response_minutes: int = Field(ge=1, le=10_000_000)
    resolution_minutes: int = Field(ge=1, le=10_000_000)


class CadenceIn(Schema):
    cadence_days: int | None = Field(
        ge=1, le=MAX_CADENCE_DAYS, description="Days between contacts; null for the tier default"
    )
    version: int = VERSION


class CadenceOut(Schema):
    client_id: int
    tier: Tier
    cadence_days: int | None = Field(description="The client's own cadence, or null")
    effective_cadence_days: int = Field(description="Its own cadence, or its tier's")
    version: int
