"""API of the PM side: projects and their lifecycle, charters, teams, scope items, and the
organization's working calendars.

No ``from __future__ import annotations`` here: ninja reads the parameter annotations at
runtime, and through ``@paginate``'s wrapper it cannot see this module's names."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Header, Path, Query, Router, Status
from ninja.pagination import paginate

from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.errors import NotFound
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import PageNumber
from tandem.core.scoping import get_scoped, scoped
from tandem.projects.models import CalendarException, ProjectStatus, ScheduleStatus
from tandem.projects.schemas_projects import (
    MAX_ID,
    CalendarExceptionCreate,
    CalendarExceptionOut,
    CharterOut,
    CharterPatch,
    ProjectCreate,
    ProjectDetailOut,
    ProjectMemberCreate,
    ProjectMemberOut,
    ProjectMemberPatch,
    ProjectOut,
    ProjectPatch,
    ProjectTransition,
    ScopeItemCreate,
    ScopeItemOut,
    ScopeItemPatch,
    WorkCalendarCreate,
    WorkCalendarOut,
    WorkCalendarPatch,
)
from tandem.projects.selectors import api_extra
from tandem.projects.selectors import projects as selectors
from tandem.projects.services import calendars as calendar_services
from tandem.projects.services import projects as services

router = Router(tags=["projects"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# Fields a PATCH may set to null; for the others null means "unchanged", like leaving them out.
NULLABLE = frozenset({"target_finish", "status_date"})


def _idempotency_key() -> Any:
    return Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    )


def _given(body: Any, nullable: frozenset[str] = NULLABLE) -> dict[str, Any]:
    """The fields a PATCH body sets, as Python values (dates stay dates), without ``version``."""
    values = body.model_dump(exclude_unset=True)
    return {k: v for k, v in values.items()
            if k != "version" and (v is not None or k in nullable)}


def _out(schema: Any, obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = schema.model_validate(obj).model_dump(mode="json")
    return data


def _project_detail(actor: Any, project_id: int) -> dict[str, Any]:
    project = selectors.project_get(actor, project_id)
    data = _out(ProjectOut, project)
    data["counts"] = api_extra.project_counts(project)
    return data


def _charter(actor: Any, project: Any) -> dict[str, Any]:
    charter = selectors.charter_get(actor, project)
    data = {name: getattr(charter, name) for name in (
        "project_id", "objectives", "success_criteria", "scope_in", "scope_out", "assumptions",
        "constraints", "updated_at", "version")}
    data["needs"] = api_extra.charter_needs(actor, project)
    return data


# --- projects ---------------------------------------------------------------------------------


@router.get("/projects", response={200: list[ProjectOut], **ERRORS})
@paginate(PageNumber)
def list_projects(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Code, name or client name"),
    status: ProjectStatus | None = None,
    client_id: int | None = Query(None, ge=1, le=MAX_ID),
    manager_id: int | None = Query(None, ge=1, le=MAX_ID),
    schedule_status: ScheduleStatus | None = None,
) -> object:
    return selectors.project_list(actor_of(request), status=status or None, client_id=client_id,
                                  manager_id=manager_id, schedule_status=schedule_status or None,
                                  search=q)


@router.post("/projects", response={201: ProjectDetailOut, **ERRORS})
def create_project(
    request: HttpRequest, body: ProjectCreate, idempotency_key: str | None = _idempotency_key()
) -> Status[object]:
    actor = actor_of(request)

    def create() -> tuple[int, object]:
        values = body.model_dump()
        if values["manager_id"] is None:
            values["manager_id"] = actor.user_id
        project = services.project_create(actor=actor, **values)
        return 201, _project_detail(actor, project.pk)

    status, response = run_once(actor=actor, endpoint="POST /projects", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


# ``int:`` keeps this path from swallowing /projects/dashboard (mounted after this router).
@router.get("/projects/{int:project_id}", response={200: ProjectDetailOut, **ERRORS})
def project_detail(request: HttpRequest, project_id: Id) -> object:
    return _project_detail(actor_of(request), project_id)


@router.patch("/projects/{int:project_id}", response={200: ProjectDetailOut, **ERRORS})
def update_project(request: HttpRequest, project_id: Id, body: ProjectPatch) -> object:
    """Edit a project. Changing the start date, status date, target finish or calendar
    reschedules its plan."""
    actor = actor_of(request)
    project = selectors.project_get(actor, project_id)
    services.project_update(actor=actor, project=project, expected_version=body.version,
                            changes=_given(body))
    return _project_detail(actor, project_id)


@router.post("/projects/{project_id}/transition",
             response={200: ProjectDetailOut, **ERRORS})
def transition_project(request: HttpRequest, project_id: Id, body: ProjectTransition) -> object:
    """Move a project along proposed → planning → active ⇄ on hold → closing → closed."""
    actor = actor_of(request)
    project = selectors.project_get(actor, project_id)
    services.project_transition(actor=actor, project=project, expected_version=body.version,
                                status=body.status)
    return _project_detail(actor, project_id)


# --- charter ----------------------------------------------------------------------------------


@router.get("/projects/{project_id}/charter", response={200: CharterOut, **ERRORS})
def charter_detail(request: HttpRequest, project_id: Id) -> object:
    actor = actor_of(request)
    return _charter(actor, api_extra.plan_project_get(actor, project_id))


@router.patch("/projects/{project_id}/charter", response={200: CharterOut, **ERRORS})
def update_charter(request: HttpRequest, project_id: Id, body: CharterPatch) -> object:
    actor = actor_of(request)
    project = api_extra.plan_project_get(actor, project_id)
    services.charter_update(actor=actor, project=project, expected_version=body.version,
                            changes=_given(body))
    return _charter(actor, project)


# --- team -------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/members", response={200: list[ProjectMemberOut], **ERRORS})
@paginate(PageNumber)
def list_project_members(request: HttpRequest, project_id: Id) -> object:
    actor = actor_of(request)
    return selectors.member_list(actor, api_extra.plan_project_get(actor, project_id))


@router.post("/projects/{project_id}/members", response={201: ProjectMemberOut, **ERRORS})
def add_project_member(
    request: HttpRequest, project_id: Id, body: ProjectMemberCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    actor = actor_of(request)
    project = api_extra.plan_project_get(actor, project_id)

    def create() -> tuple[int, object]:
        member = services.member_add(actor=actor, project=project, **body.model_dump())
        return 201, _out(ProjectMemberOut, selectors.member_get(actor, member.pk))

    status, response = run_once(
        actor=actor, endpoint=f"POST /projects/{project.pk}/members", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.patch("/projects/{project_id}/members/{member_id}",
              response={200: ProjectMemberOut, **ERRORS})
def update_project_member(
    request: HttpRequest, project_id: Id, member_id: Id, body: ProjectMemberPatch
) -> object:
    actor = actor_of(request)
    member = _member(actor, project_id, member_id)
    services.member_update(actor=actor, member=member, expected_version=body.version,
                           changes=_given(body))
    return selectors.member_get(actor, member_id)


@router.delete("/projects/{project_id}/members/{member_id}",
               response={204: None, **ERRORS})
def remove_project_member(request: HttpRequest, project_id: Id, member_id: Id) -> Status[None]:
    actor = actor_of(request)
    services.member_remove(actor=actor, member=_member(actor, project_id, member_id))
    return Status(204, None)


def _member(actor: Any, project_id: int, member_id: int) -> Any:
    member = selectors.member_get(actor, member_id)
    if member.project_id != project_id:
        raise NotFound("Team member not found.")
    return member


# --- scope ------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/scope-items", response={200: list[ScopeItemOut], **ERRORS})
@paginate(PageNumber)
def list_scope_items(request: HttpRequest, project_id: Id) -> object:
    actor = actor_of(request)
    return selectors.scope_item_list(actor, api_extra.plan_project_get(actor, project_id))


@router.post("/projects/{project_id}/scope-items", response={201: ScopeItemOut, **ERRORS})
def create_scope_item(
    request: HttpRequest, project_id: Id, body: ScopeItemCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """A piece of scope; with ``need_id`` it traces that need of the client (which moves in
    scope) into the plan."""
    actor = actor_of(request)
    project = api_extra.plan_project_get(actor, project_id)

    def create() -> tuple[int, object]:
        item = services.scope_item_create(actor=actor, project=project, **body.model_dump())
        return 201, _out(ScopeItemOut, api_extra.scope_item_detail(actor, item.pk))

    status, response = run_once(
        actor=actor, endpoint=f"POST /projects/{project.pk}/scope-items", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.get("/scope-items/{item_id}", response={200: ScopeItemOut, **ERRORS})
def scope_item_detail(request: HttpRequest, item_id: Id) -> object:
    return api_extra.scope_item_detail(actor_of(request), item_id)


@router.patch("/scope-items/{item_id}", response={200: ScopeItemOut, **ERRORS})
def update_scope_item(request: HttpRequest, item_id: Id, body: ScopeItemPatch) -> object:
    actor = actor_of(request)
    item = api_extra.scope_item_detail(actor, item_id)
    services.scope_item_update(actor=actor, item=item, expected_version=body.version,
                               changes=_given(body))
    return api_extra.scope_item_detail(actor, item_id)


@router.delete("/scope-items/{item_id}", response={204: None, **ERRORS})
def delete_scope_item(request: HttpRequest, item_id: Id) -> Status[None]:
    actor = actor_of(request)
    services.scope_item_delete(actor=actor, item=api_extra.scope_item_detail(actor, item_id))
    return Status(204, None)


# --- calendars --------------------------------------------------------------------------------


@router.get("/calendars", response={200: list[WorkCalendarOut], **ERRORS})
@paginate(PageNumber)
def list_calendars(request: HttpRequest) -> object:
    return selectors.calendar_list(actor_of(request))


@router.post("/calendars", response={201: WorkCalendarOut, **ERRORS})
def create_calendar(
    request: HttpRequest, body: WorkCalendarCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """A working calendar (administrators): working weekdays, hours per day and the public
    holidays of a country."""
    actor = actor_of(request)

    def create() -> tuple[int, object]:
        calendar = calendar_services.calendar_create(actor=actor, **body.model_dump())
        return 201, _out(WorkCalendarOut, selectors.calendar_list(actor).get(pk=calendar.pk))

    status, response = run_once(actor=actor, endpoint="POST /calendars", key=idempotency_key,
                                payload=body.model_dump(mode="json"), create=create)
    return Status(status, response)


@router.get("/calendars/{calendar_id}", response={200: WorkCalendarOut, **ERRORS})
def calendar_detail(request: HttpRequest, calendar_id: Id) -> object:
    actor = actor_of(request)
    return get_scoped(selectors.calendar_list(actor), actor, pk=calendar_id)


@router.patch("/calendars/{calendar_id}", response={200: WorkCalendarOut, **ERRORS})
def update_calendar(request: HttpRequest, calendar_id: Id, body: WorkCalendarPatch) -> object:
    """Edit a calendar (administrators); every open project using it is rescheduled."""
    actor = actor_of(request)
    calendar = selectors.calendar_get(actor, calendar_id)
    calendar_services.calendar_update(actor=actor, calendar=calendar,
                                      expected_version=body.version, changes=_given(body))
    return get_scoped(selectors.calendar_list(actor), actor, pk=calendar_id)


@router.post("/calendars/{calendar_id}/exceptions",
             response={201: CalendarExceptionOut, **ERRORS})
def add_calendar_exception(
    request: HttpRequest, calendar_id: Id, body: CalendarExceptionCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """A day off (``working: false``) or a make-up working day (administrators); the projects
    using the calendar are rescheduled."""
    actor = actor_of(request)
    calendar = selectors.calendar_get(actor, calendar_id)

    def create() -> tuple[int, object]:
        exception = calendar_services.exception_add(actor=actor, calendar=calendar,
                                                    **body.model_dump())
        return 201, _out(CalendarExceptionOut, exception)

    status, response = run_once(
        actor=actor, endpoint=f"POST /calendars/{calendar.pk}/exceptions", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.delete("/calendars/{calendar_id}/exceptions/{exception_id}",
               response={204: None, **ERRORS})
def remove_calendar_exception(
    request: HttpRequest, calendar_id: Id, exception_id: Id
) -> Status[None]:
    actor = actor_of(request)
    calendar = selectors.calendar_get(actor, calendar_id)
    exceptions = scoped(CalendarException, actor).select_related("calendar")
    exception = get_scoped(exceptions.filter(calendar=calendar), actor, pk=exception_id)
    calendar_services.exception_remove(actor=actor, exception=exception)
    return Status(204, None)
