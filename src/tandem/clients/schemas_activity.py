"""API shapes of interactions, client issues and their timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from tandem.clients.models import (
    ClientIssue,
    Interaction,
    InteractionKind,
    IssueChannel,
    IssueStatus,
    Severity,
)

TEXT = 10_000


class InteractionOut(Schema):
    id: int
    client_id: int
    client_name: str
    kind: InteractionKind
    occurred_at: dt.datetime
    summary: str
    outcome: str
    next_step: str
    follow_up_on: dt.date | None
    follow_up_done_at: dt.datetime | None
    contact_ids: list[int]
    participant_ids: list[int]
    created_by_id: int | None
    created_at: dt.datetime
    version: int

    # Each resolver also reads a dict: an Idempotency-Key replay answers with the stored JSON.
    @staticmethod
    def resolve_client_name(obj: Interaction | dict[str, Any]) -> str:
        return obj["client_name"] if isinstance(obj, dict) else obj.client.name

    @staticmethod
    def resolve_contact_ids(obj: Interaction | dict[str, Any]) -> list[int]:
        if isinstance(obj, dict):
            return list(obj["contact_ids"])
        return sorted(c.pk for c in obj.contacts.all())

    @staticmethod
    def resolve_participant_ids(obj: Interaction | dict[str, Any]) -> list[int]:
        if isinstance(obj, dict):
            return list(obj["participant_ids"])
        return sorted(p.pk for p in obj.participants.all())


class InteractionCreate(Schema):
    client_id: int
    kind: InteractionKind
    occurred_at: dt.datetime
    summary: str = Field(min_length=1, max_length=TEXT)
    outcome: str = Field("", max_length=TEXT)
    next_step: str = Field("", max_length=TEXT)
    follow_up_on: dt.date | None = None
    contact_ids: list[int] = Field(default_factory=list, max_length=100)
    participant_ids: list[int] = Field(default_factory=list, max_length=100)


class InteractionPatch(Schema):
    version: int = Field(ge=1, description="The version you read; a stale one answers 409")
    kind: InteractionKind | None = None
    occurred_at: dt.datetime | None = None
    summary: str | None = Field(None, min_length=1, max_length=TEXT)
    outcome: str | None = Field(None, max_length=TEXT)
    next_step: str | None = Field(None, max_length=TEXT)
    follow_up_on: dt.date | None = None
    clear_follow_up: bool = Field(False, description="Remove the follow-up date")
    follow_up_done: bool | None = Field(None, description="Mark the follow-up done or not done")
    contact_ids: list[int] | None = Field(None, max_length=100)
    participant_ids: list[int] | None = Field(None, max_length=100)


class IssueOut(Schema):
    id: int
    client_id: int
    client_name: str
    title: str
    description: str
    severity: Severity
    status: IssueStatus
    channel: IssueChannel
    owner_id: int | None
    raised_by_id: int | None
    project_ref: str
    opened_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    first_response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    paused_at: dt.datetime | None
    paused_minutes: int = Field(description="Business minutes the SLA clocks were paused")
    response_warned_at: dt.datetime | None
    resolution_warned_at: dt.datetime | None
    response_breached_at: dt.datetime | None
    resolution_breached_at: dt.datetime | None
    breached: bool = Field(description="An SLA target was missed (or is past due now)")
    version: int

    @staticmethod
    def resolve_client_name(obj: ClientIssue | dict[str, Any]) -> str:
        return obj["client_name"] if isinstance(obj, dict) else obj.client.name

    @staticmethod
    def resolve_breached(obj: ClientIssue | dict[str, Any]) -> bool:
        if isinstance(obj, dict):
            return bool(obj["breached"])
        if obj.response_breached_at or obj.resolution_breached_at:
            return True
        if obj.status not in {"new", "acknowledged", "in_progress", "reopened"}:
            return False
        now = timezone.now()
        response_late = obj.first_response_at is None and bool(
            obj.first_response_due_at and obj.first_response_due_at <= now
        )
        return response_late or bool(obj.resolution_due_at and obj.resolution_due_at <= now)


class IssueCreate(Schema):
    client_id: int
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=TEXT)
    severity: Severity
    channel: IssueChannel = IssueChannel.ACCOUNT_MANAGER
    raised_by_id: int | None = Field(None, description="The contact who raised it")
    owner_id: int | None = Field(None, description="Default: the client's account manager")
    opened_at: dt.datetime | None = Field(None, description="Default: now")
    project_ref: str = Field("", max_length=64)


class IssuePatch(Schema):
    version: int = Field(ge=1, description="The version you read; a stale one answers 409")
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=TEXT)
    severity: Severity | None = None
    owner_id: int | None = None
    project_ref: str | None = Field(None, max_length=64)
    note: str = Field("", max_length=TEXT)


class IssueTransition(Schema):
    to_status: IssueStatus
    version: int = Field(ge=1)
    note: str = Field("", max_length=TEXT)
    at: dt.datetime | None = Field(None, description="When it happened; default now")


class IssueCommentIn(Schema):
    note: str = Field(min_length=1, max_length=TEXT)


class IssueEventOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    kind: str
    from_status: str
    to_status: str
    note: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor_name(obj: Any) -> str:
        return obj.actor.display_name if obj.actor_id else "Tandem"
