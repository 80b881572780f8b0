"""API of a project's plan: tasks in WBS order (edit, move, indent, progress), dependencies,
baselines and the comparison with a baseline. Every change reschedules the project in the same
transaction, so the answer already carries the new dates.

No ``from __future__ import annotations`` here: ninja reads the parameter annotations at
runtime, and through ``@paginate``'s wrapper it cannot see this module's names."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Header, Path, Router, Schema, Status
from ninja.pagination import paginate

from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.pagination import DEFAULT_PAGE_SIZE, PageNumber
from tandem.projects.models import MAX_BASELINES
from tandem.projects.schemas_plan import (
    BaselineCompareOut,
    BaselineCreate,
    BaselineOut,
    DependencyCreate,
    DependencyOut,
    DependencyPatch,
    TaskCreate,
    TaskMove,
    TaskOut,
    TaskPatch,
    TaskProgress,
    TaskVersion,
)
from tandem.projects.schemas_projects import MAX_ID
from tandem.projects.selectors import api_extra
from tandem.projects.selectors import plan as selectors
from tandem.projects.services import baselines as baseline_services
from tandem.projects.services import plan as services

router = Router(tags=["projects"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
BaselineNumber = Annotated[int, Path(ge=0, le=MAX_BASELINES - 1)]
# Task fields a PATCH may set to null (clearing them); for the others null means "unchanged".
TASK_NULLABLE = frozenset({"constraint_date", "assignee_id", "estimate_hours", "optimistic",
                           "most_likely", "pessimistic", "scope_item_id"})
PROGRESS_NULLABLE = frozenset({"actual_start", "actual_finish"})
MAX_PLAN_PAGE_SIZE = 1000


class PlanPage(PageNumber):
    """Pages of a plan's rows, which may be large: up to 1,000 rows a page."""

    class Input(Schema):
        page: int = Field(1, ge=1, description="1-based page number")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PLAN_PAGE_SIZE)


def _idempotency_key() -> Any:
    return Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    )


def _given(body: Any, nullable: frozenset[str]) -> dict[str, Any]:
    """The fields a body sets, as Python values (dates stay dates), without ``version``."""
    values = body.model_dump(exclude_unset=True)
    return {k: v for k, v in values.items()
            if k != "version" and (v is not None or k in nullable)}


def _task_out(actor: Any, task_id: int) -> dict[str, Any]:
    data: dict[str, Any] = TaskOut.model_validate(
        api_extra.task_detail(actor, task_id)).model_dump(mode="json")
    return data


# --- tasks ------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/tasks", response={200: list[TaskOut], **ERRORS})
@paginate(PlanPage)
def list_tasks(request: HttpRequest, project_id: Id) -> object:
    """Every row of the plan in WBS order with its WBS code, outline level and schedule."""
    actor = actor_of(request)
    return api_extra.task_rows(actor, api_extra.plan_project_get(actor, project_id))


@router.post("/projects/{project_id}/tasks", response={201: TaskOut, **ERRORS})
def create_task(
    request: HttpRequest, project_id: Id, body: TaskCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """A new row: the last subtask of ``parent_id``, right after ``after_id`` (and its
    subtasks), or at the end of the plan."""
    actor = actor_of(request)
    project = api_extra.plan_project_get(actor, project_id)

    def create() -> tuple[int, object]:
        fields = body.model_dump(exclude_unset=True)
        for name in ("name", "parent_id", "after_id"):
            fields.pop(name, None)
        task = services.task_create(actor=actor, project=project, name=body.name,
                                    parent_id=body.parent_id, after_id=body.after_id, **fields)
        return 201, _task_out(actor, task.pk)

    status, response = run_once(
        actor=actor, endpoint=f"POST /projects/{project.pk}/tasks", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.get("/tasks/{task_id}", response={200: TaskOut, **ERRORS})
def task_detail(request: HttpRequest, task_id: Id) -> object:
    return _task_out(actor_of(request), task_id)


@router.patch("/tasks/{task_id}", response={200: TaskOut, **ERRORS})
def update_task(request: HttpRequest, task_id: Id, body: TaskPatch) -> object:
    """Edit a task; the plan is rescheduled and the answer carries the new dates and version.
    ``start`` pins the task to start no earlier than that day (a bar dragged on the Gantt)."""
    actor = actor_of(request)
    task = selectors.task_get(actor, task_id)
    services.task_update(actor=actor, task=task, expected_version=body.version,
                         changes=_given(body, TASK_NULLABLE))
    return _task_out(actor, task_id)


@router.delete("/tasks/{task_id}", response={204: None, **ERRORS})
def delete_task(request: HttpRequest, task_id: Id) -> Status[None]:
    """Delete a task with its subtasks and their dependencies."""
    actor = actor_of(request)
    services.task_delete(actor=actor, task=selectors.task_get(actor, task_id))
    return Status(204, None)


@router.post("/tasks/{task_id}/progress", response={200: TaskOut, **ERRORS})
def update_task_progress(request: HttpRequest, task_id: Id, body: TaskProgress) -> object:
    """Record % complete and actual dates: the project's manager, or the task's assignee."""
    actor = actor_of(request)
    task = selectors.task_get(actor, task_id)
    services.task_progress(actor=actor, task=task, expected_version=body.version,
                           changes=_given(body, PROGRESS_NULLABLE))
    return _task_out(actor, task_id)


@router.post("/tasks/{task_id}/move", response={200: TaskOut, **ERRORS})
def move_task(request: HttpRequest, task_id: Id, body: TaskMove) -> object:
    """Move a task with its subtasks under ``parent_id`` (null: the top level), after the
    sibling ``after_id`` (null: first)."""
    actor = actor_of(request)
    task = selectors.task_get(actor, task_id)
    services.task_move(actor=actor, task=task, expected_version=body.version,
                       parent_id=body.parent_id, after_id=body.after_id)
    return _task_out(actor, task_id)


@router.post("/tasks/{task_id}/indent", response={200: TaskOut, **ERRORS})
def indent_task(request: HttpRequest, task_id: Id, body: TaskVersion) -> object:
    """Make the task the last subtask of the sibling above it."""
    actor = actor_of(request)
    task = selectors.task_get(actor, task_id)
    services.task_indent(actor=actor, task=task, expected_version=body.version)
    return _task_out(actor, task_id)


@router.post("/tasks/{task_id}/outdent", response={200: TaskOut, **ERRORS})
def outdent_task(request: HttpRequest, task_id: Id, body: TaskVersion) -> object:
    """Move the task one level out, right after its former parent."""
    actor = actor_of(request)
    task = selectors.task_get(actor, task_id)
    services.task_outdent(actor=actor, task=task, expected_version=body.version)
    return _task_out(actor, task_id)


# --- dependencies -----------------------------------------------------------------------------


@router.get("/projects/{project_id}/dependencies", response={200: list[DependencyOut],
                                                                  **ERRORS})
@paginate(PlanPage)
def list_dependencies(request: HttpRequest, project_id: Id) -> object:
    actor = actor_of(request)
    return selectors.dependency_list(actor, api_extra.plan_project_get(actor, project_id))


@router.post("/projects/{project_id}/dependencies", response={201: DependencyOut, **ERRORS})
def create_dependency(
    request: HttpRequest, project_id: Id, body: DependencyCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """Link two tasks (FS, SS, FF or SF, with a lag or, negative, a lead). A link that would
    close a loop is refused with ``dependency_cycle``, naming the tasks."""
    actor = actor_of(request)
    project = api_extra.plan_project_get(actor, project_id)

    def create() -> tuple[int, object]:
        dependency = services.dependency_create(actor=actor, project=project,
                                                **body.model_dump())
        return 201, _dependency_out(actor, dependency.pk)

    status, response = run_once(
        actor=actor, endpoint=f"POST /projects/{project.pk}/dependencies", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.patch("/dependencies/{dependency_id}", response={200: DependencyOut, **ERRORS})
def update_dependency(request: HttpRequest, dependency_id: Id, body: DependencyPatch) -> object:
    actor = actor_of(request)
    dependency = selectors.dependency_get(actor, dependency_id)
    services.dependency_update(actor=actor, dependency=dependency,
                               expected_version=body.version,
                               changes=_given(body, frozenset()))
    return _dependency_out(actor, dependency_id)


@router.delete("/dependencies/{dependency_id}", response={204: None, **ERRORS})
def delete_dependency(request: HttpRequest, dependency_id: Id) -> Status[None]:
    actor = actor_of(request)
    services.dependency_delete(actor=actor,
                               dependency=selectors.dependency_get(actor, dependency_id))
    return Status(204, None)


def _dependency_out(actor: Any, dependency_id: int) -> dict[str, Any]:
    dependency = selectors.dependency_get(actor, dependency_id)
    data: dict[str, Any] = DependencyOut.model_validate(dependency).model_dump(mode="json")
    return data


# --- baselines --------------------------------------------------------------------------------


@router.get("/projects/{project_id}/baselines", response={200: list[BaselineOut], **ERRORS})
@paginate(PageNumber)
def list_baselines(request: HttpRequest, project_id: Id) -> object:
    actor = actor_of(request)
    return selectors.baseline_list(actor, api_extra.plan_project_get(actor, project_id))


@router.post("/projects/{project_id}/baselines", response={201: BaselineOut, **ERRORS})
def save_baseline(
    request: HttpRequest, project_id: Id, body: BaselineCreate,
    idempotency_key: str | None = _idempotency_key(),
) -> Status[object]:
    """Save the current schedule as a baseline (up to eleven, numbered 0 to 10). Saving into a
    number that is taken replaces that baseline."""
    actor = actor_of(request)
    project = api_extra.plan_project_get(actor, project_id)

    def create() -> tuple[int, object]:
        baseline = baseline_services.baseline_save(actor=actor, project=project,
                                                   number=body.number, name=body.name)
        return 201, BaselineOut.model_validate(baseline).model_dump(mode="json")

    status, response = run_once(
        actor=actor, endpoint=f"POST /projects/{project.pk}/baselines", key=idempotency_key,
        payload=body.model_dump(mode="json"), create=create,
    )
    return Status(status, response)


@router.delete("/baselines/{baseline_id}", response={204: None, **ERRORS})
def delete_baseline(request: HttpRequest, baseline_id: Id) -> Status[None]:
    actor = actor_of(request)
    baseline_services.baseline_delete(actor=actor,
                                      baseline=selectors.baseline_get(actor, baseline_id))
    return Status(204, None)


@router.get("/projects/{project_id}/baselines/{number}/compare",
            response={200: BaselineCompareOut, **ERRORS})
def compare_baseline(request: HttpRequest, project_id: Id, number: BaselineNumber) -> object:
    """Every task now beside its row in the baseline: start, finish and duration variances in
    working days (positive: later or longer than planned)."""
    actor = actor_of(request)
    project = api_extra.plan_project_get(actor, project_id)
    baseline, rows = selectors.baseline_compare(actor, project, number)
    return {
        "baseline": baseline,
        "finish_date": project.finish_date,
        "finish_variance": api_extra.working_days_between(project, project.finish_date,
                                                          baseline.finish_date),
        "rows": rows,
    }
