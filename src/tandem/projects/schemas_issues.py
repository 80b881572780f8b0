"""API shapes of the project issue log and of escalating a client issue into it."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from tandem.projects.models import IssuePriority, ProjectIssue, ProjectIssueStatus

TEXT = 10_000


class ProjectIssueOut(Schema):
    id: int
    project_id: int
    project_code: str
    title: str
    description: str
    priority: IssuePriority
    status: ProjectIssueStatus
    owner_id: int | None
    owner_name: str | None
    due_date: dt.date | None
    resolution: str
    client_issue_id: int | None = Field(description="The client issue it was escalated from")
    raised_by_id: int | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_project_code(obj: ProjectIssue) -> str:
        return obj.project.code

    @staticmethod
    def resolve_owner_name(obj: ProjectIssue) -> str | None:
        return str(obj.owner.display_name) if obj.owner else None


class ProjectIssueCreate(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=TEXT)
    priority: IssuePriority = IssuePriority.MEDIUM
    owner_id: int | None = None
    due_date: dt.date | None = None


class ProjectIssuePatch(Schema):
    version: int = Field(ge=1, description="The version you read; a stale one answers 409")
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=TEXT)
    priority: IssuePriority | None = None
    owner_id: int | None = None
    due_date: dt.date | None = None
    resolution: str | None = Field(None, max_length=TEXT)


class ProjectIssueTransition(Schema):
    version: int = Field(ge=1)
    to_status: ProjectIssueStatus
    resolution: str = Field("", max_length=TEXT, description="Required to resolve")


class EscalateIn(Schema):
    project_id: int
    title: str = Field("", max_length=200, description="Default: the client issue's title")
    description: str | None = Field(None, max_length=TEXT,
                                    description="Default: the client issue's description")
    priority: IssuePriority | None = Field(None, description="Default: from the severity")
    owner_id: int | None = Field(None, description="Default: the project's manager")
    due_date: dt.date | None = None
