"""API shapes of deliverables and their acceptance history."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from tandem.projects.models import Deliverable, DeliverableStatus

TEXT = 10_000


class DeliverableOut(Schema):
    id: int
    project_id: int
    project_code: str
    name: str
    description: str
    acceptance_criteria: str
    milestone_id: int | None
    milestone_name: str | None
    milestone_accepted: bool = Field(
        description="Every deliverable of this milestone is accepted (what billing waits for)")
    need_id: int | None
    need_title: str | None
    scope_item_id: int | None
    due_date: dt.date | None
    status: DeliverableStatus
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decided_by_id: int | None
    decided_by_name: str | None
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_project_code(obj: Deliverable) -> str:
        return obj.project.code

    @staticmethod
    def resolve_milestone_name(obj: Deliverable) -> str | None:
        return obj.milestone.name if obj.milestone is not None else None

    @staticmethod
    def resolve_milestone_accepted(obj: Deliverable) -> bool:
        if obj.milestone_id is None:
            return False
        pending = getattr(obj, "milestone_pending", None)  # annotated by the selectors
        if pending is None:
            from tandem.projects.services.deliverables import milestone_accepted

            return milestone_accepted(obj.milestone)  # type: ignore[arg-type]
        return not pending

    @staticmethod
    def resolve_need_title(obj: Deliverable) -> str | None:
        return obj.need.title if obj.need is not None else None

    @staticmethod
    def resolve_decided_by_name(obj: Deliverable) -> str | None:
        return str(obj.decided_by.display_name) if obj.decided_by else None


class DeliverableCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=TEXT)
    acceptance_criteria: str = Field(min_length=1, max_length=TEXT)
    milestone_id: int | None = Field(None, description="A milestone task of this project")
    need_id: int | None = Field(None, description="A need of the project's client")
    scope_item_id: int | None = None
    due_date: dt.date | None = None


class DeliverablePatch(Schema):
    version: int = Field(ge=1, description="The version you read; a stale one answers 409")
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=TEXT)
    acceptance_criteria: str | None = Field(None, min_length=1, max_length=TEXT)
    milestone_id: int | None = None
    need_id: int | None = None
    scope_item_id: int | None = None
    due_date: dt.date | None = None
    comment: str = Field("", max_length=TEXT, description="Shown in the history")


class DeliverableDecision(Schema):
    version: int = Field(ge=1)
    comment: str = Field("", max_length=TEXT)


class DeliverableReason(Schema):
    version: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=TEXT)


class DeliverableEventOut(Schema):
    id: int
    action: str
    comment: str
    by_id: int | None
    by_label: str
    at: dt.datetime
