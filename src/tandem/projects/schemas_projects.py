"""API shapes of projects, charters, teams, scope items and working calendars.

An ``...Out`` shape reads a model row, or the stored JSON of an idempotent replay (a dict)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from tandem.core.schemas import NAME_PATTERN
from tandem.projects.models import ProjectStatus, ScheduleStatus

MAX_ID = 2**63 - 1  # the largest id a database stores
PositiveId = Annotated[int, Field(ge=1, le=MAX_ID)]
VERSION = Field(ge=1, description="The version your change is based on")
TEXT = 10_000


def _value(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def _person(user: Any) -> str:
    return user.display_name if user is not None else ""


# --- projects ---------------------------------------------------------------------------------


class ProjectCounts(Schema):
    tasks: int = Field(description="Tasks and milestones, not counting summary rows")
    milestones: int
    critical: int


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    description: str
    client_id: int | None = Field(description="None for an internal project")
    client_name: str
    manager_id: int
    manager_name: str
    status: ProjectStatus
    start_date: dt.date
    target_finish: dt.date | None
    status_date: dt.date | None = Field(description="The date progress is reported as of")
    calendar_id: int
    calendar_name: str
    currency: str
    finish_date: dt.date | None = Field(description="The scheduled finish")
    schedule_status: ScheduleStatus
    schedule_reasons: list[str] = Field(
        description="Stable codes with figures, e.g. milestone_slip:4 (working days)")
    scheduled_at: dt.datetime | None
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["client_name"])
        return obj.client.name if obj.client is not None else ""

    @staticmethod
    def resolve_manager_name(obj: Any) -> str:
        return str(obj["manager_name"]) if isinstance(obj, dict) else _person(obj.manager)

    @staticmethod
    def resolve_calendar_name(obj: Any) -> str:
        return str(obj["calendar_name"]) if isinstance(obj, dict) else obj.calendar.name


class ProjectDetailOut(ProjectOut):
    counts: ProjectCounts


class ProjectCreate(Schema):
    code: str = Field(min_length=1, max_length=32, pattern=NAME_PATTERN)
    name: str = Field(min_length=1, max_length=200, pattern=NAME_PATTERN)
    client_id: int | None = Field(None, ge=1, le=MAX_ID,
                                  description="The client; none for an internal project")
    manager_id: int | None = Field(None, ge=1, le=MAX_ID,
                                   description="A project manager or admin; yourself by default")
    start_date: dt.date
    target_finish: dt.date | None = None
    calendar_id: int | None = Field(None, ge=1, le=MAX_ID,
                                    description="The organization's default calendar if none")
    currency: str = Field("VND", pattern=r"^[A-Za-z]{3}$", description="ISO 4217")
    description: str = Field("", max_length=TEXT)
    status: ProjectStatus = Field(ProjectStatus.PLANNING,
                                  description="proposed, planning or active")
    need_ids: list[PositiveId] = Field(
        default_factory=list, max_length=100,
        description="Needs of the client the project serves; each becomes a scope item")


class ProjectPatch(Schema):
    version: int = VERSION
    code: str | None = Field(None, min_length=1, max_length=32, pattern=NAME_PATTERN)
    name: str | None = Field(None, min_length=1, max_length=200, pattern=NAME_PATTERN)
    description: str | None = Field(None, max_length=TEXT)
    manager_id: int | None = Field(None, ge=1, le=MAX_ID)
    start_date: dt.date | None = None
    target_finish: dt.date | None = Field(None, description="null clears it")
    status_date: dt.date | None = Field(
        None, description="Progress as of this day; setting it reschedules. null clears it")
    calendar_id: int | None = Field(None, ge=1, le=MAX_ID)
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")


class ProjectTransition(Schema):
    version: int = VERSION
    status: ProjectStatus


# --- charter ----------------------------------------------------------------------------------


class CharterNeedOut(Schema):
    scope_item_id: int
    need_id: int
    title: str
    in_scope: bool


class CharterOut(Schema):
    project_id: int
    objectives: str
    success_criteria: str
    scope_in: str
    scope_out: str
    assumptions: str
    constraints: str
    needs: list[CharterNeedOut] = Field(description="The client's needs the project serves")
    updated_at: dt.datetime
    version: int


class CharterPatch(Schema):
    version: int = VERSION
    objectives: str | None = Field(None, max_length=TEXT)
    success_criteria: str | None = Field(None, max_length=TEXT)
    scope_in: str | None = Field(None, max_length=TEXT)
    scope_out: str | None = Field(None, max_length=TEXT)
    assumptions: str | None = Field(None, max_length=TEXT)
    constraints: str | None = Field(None, max_length=TEXT)


# --- team -------------------------------------------------------------------------------------


class ProjectMemberOut(Schema):
    id: int
    project_id: int
    user_id: int
    name: str
    email: str
    project_role: str
    allocation: int = Field(description="% of the person's time")
    version: int

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj["name"]) if isinstance(obj, dict) else _person(obj.user)

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj["email"]) if isinstance(obj, dict) else obj.user.email


class ProjectMemberCreate(Schema):
    user_id: int = Field(ge=1, le=MAX_ID)
    project_role: str = Field("", max_length=80)
    allocation: int = Field(100, ge=1, le=100)


class ProjectMemberPatch(Schema):
    version: int = VERSION
    project_role: str | None = Field(None, max_length=80)
    allocation: int | None = Field(None, ge=1, le=100)


# --- scope ------------------------------------------------------------------------------------


class ScopeItemOut(Schema):
    id: int
    project_id: int
    title: str
    description: str
    need_id: int | None
    need_title: str
    in_scope: bool
    task_count: int
    deliverable_count: int
    version: int

    @staticmethod
    def resolve_need_title(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["need_title"])
        return obj.need.title if obj.need is not None else ""


class ScopeItemCreate(Schema):
    title: str = Field("", max_length=200, description="The need's title by default")
    description: str = Field("", max_length=TEXT)
    need_id: int | None = Field(None, ge=1, le=MAX_ID,
                                description="A need of the project's client")
    in_scope: bool = Field(True, strict=True)


class ScopeItemPatch(Schema):
    version: int = VERSION
    title: str | None = Field(None, min_length=1, max_length=200, pattern=NAME_PATTERN)
    description: str | None = Field(None, max_length=TEXT)
    in_scope: bool | None = Field(None, strict=True)


# --- calendars --------------------------------------------------------------------------------


class CalendarExceptionOut(Schema):
    id: int
    calendar_id: int
    day: dt.date
    working: bool = Field(description="true: a make-up working day; false: a day off")
    name: str


class WorkCalendarOut(Schema):
    id: int
    name: str
    weekdays: list[int] = Field(description="Working weekdays, 0 = Monday … 6 = Sunday")
    hours_per_day: float
    country: str = Field(description="Public holidays of this country (ISO 3166), or empty")
    subdivision: str
    is_default: bool
    exceptions: list[CalendarExceptionOut]
    version: int

    @staticmethod
    def resolve_weekdays(obj: Any) -> list[int]:
        return list(obj["weekdays"]) if isinstance(obj, dict) else list(obj.weekday_list)

    @staticmethod
    def resolve_exceptions(obj: Any) -> list[Any]:
        return list(obj["exceptions"]) if isinstance(obj, dict) else list(obj.exceptions.all())


Weekday = Annotated[int, Field(ge=0, le=6)]


class WorkCalendarCreate(Schema):
    name: str = Field(min_length=1, max_length=120, pattern=NAME_PATTERN)
    weekdays: list[Weekday] = Field([0, 1, 2, 3, 4], min_length=1, max_length=7)
    hours_per_day: float = Field(8, ge=0.01, le=24)
    country: str = Field("VN", pattern=r"^([A-Za-z]{2})?$")
    subdivision: str = Field("", max_length=10)


class WorkCalendarPatch(Schema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=120, pattern=NAME_PATTERN)
    weekdays: list[Weekday] | None = Field(None, min_length=1, max_length=7)
    hours_per_day: float | None = Field(None, ge=0.01, le=24)
    country: str | None = Field(None, pattern=r"^([A-Za-z]{2})?$")
    subdivision: str | None = Field(None, max_length=10)


class CalendarExceptionCreate(Schema):
    day: dt.date
    working: bool = Field(False, strict=True,
                          description="true for a make-up working day, false for a day off")
    name: str = Field("", max_length=120)
