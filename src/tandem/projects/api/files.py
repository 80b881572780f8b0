"""API of the files area: Microsoft Project XML import and export, the plan as CSV or XLSX, and
a task list imported into a project.

The uploads are the raw request body (``application/xml`` for MSPDI, ``text/csv`` or the XLSX
type for a task list), not a multipart form, so scripts can send a file with ``curl
--data-binary``. No ``from __future__ import annotations`` here: ninja reads the parameter
annotations at runtime."""

import io
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status

from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.core.errors import ValidationError
from tandem.projects.access import ensure_can_edit_project
from tandem.projects.schemas_files import MspdiImportOut, TaskImportOut
from tandem.projects.schemas_projects import MAX_ID
from tandem.projects.selectors import projects as selectors
from tandem.projects.services import mspdi, tasklist

router = Router(tags=["projects"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
XLSX = tasklist.CONTENT_TYPES["xlsx"]


def _body(request: HttpRequest, limit: int) -> bytes:
    """The raw request body, refused when larger than ``limit`` bytes."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit:
        raise ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.",
                              code="file_too_large", field="file")
    data = request.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.",
                              code="file_too_large", field="file")
    return data


@router.post(
    "/projects/import/mspdi", response={201: MspdiImportOut, **ERRORS},
    openapi_extra={"requestBody": {
        "required": True, "description": "The Microsoft Project XML (MSPDI) file",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }},
)
def import_mspdi(
    request: HttpRequest,
    client_id: int | None = Query(None, ge=1, le=MAX_ID),
    code: str = Query("", max_length=32),
    name: str = Query("", max_length=200),
    manager_id: int | None = Query(None, ge=1, le=MAX_ID,
                                   description="Default: you, if you manage projects"),
) -> Status[object]:
    """A new project from an MSPDI file sent as the body. The summary counts what was imported
    and how many tasks' recomputed dates match the ones MS Project saved, explaining the rest."""
    summary = mspdi.import_mspdi(
        actor=actor_of(request), data=_body(request, mspdi.MAX_BYTES), client_id=client_id,
        code=code or None, name=name or None, manager_id=manager_id,
    )
    return Status(201, summary.as_dict())


@router.get(
    "/projects/{project_id}/export/mspdi", response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {
        "description": "The plan as a Microsoft Project XML file",
        "content": {mspdi.CONTENT_TYPE: {}},
    }}},
)
def export_mspdi(request: HttpRequest, project_id: Id) -> HttpResponse:
    actor = actor_of(request)
    project = selectors.project_get(actor, project_id)
    content = mspdi.export_mspdi(actor=actor, project=project)
    response = HttpResponse(content, content_type=mspdi.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{mspdi.export_filename(project)}"'
    return response


@router.get(
    "/projects/{project_id}/export/plan", response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {
        "description": "The plan as a file",
        "content": {tasklist.CONTENT_TYPES["csv"].split(";")[0]: {}, XLSX: {}},
    }}},
)
def export_plan(
    request: HttpRequest, project_id: Id, format: str = Query("csv", pattern="^(csv|xlsx)$")
) -> HttpResponse:
    actor = actor_of(request)
    project = selectors.project_get(actor, project_id)
    content = tasklist.export_plan(actor=actor, project=project, file_format=format)
    response = HttpResponse(content, content_type=tasklist.CONTENT_TYPES[format])
    stem = mspdi.export_filename(project).removesuffix(".xml")
    response["Content-Disposition"] = f'attachment; filename="{stem}-plan.{format}"'
    return response


@router.post(
    "/projects/{project_id}/tasks/import", response={200: TaskImportOut, **ERRORS},
    openapi_extra={"requestBody": {
        "required": True, "description": "The task list: CSV (UTF-8) or XLSX",
        "content": {"text/csv": {"schema": {"type": "string"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}}},
    }},
)
def import_tasks(
    request: HttpRequest, project_id: Id, dry_run: bool = False
) -> object:
    """Append a task list's rows to the plan. Every row is checked first; with any bad row
    nothing is imported, and ``dry_run`` only checks. The report lists every bad row (the header
    is row 1)."""
    actor = actor_of(request)
    project = selectors.project_get(actor, project_id)
    ensure_can_edit_project(actor, project)
    content_type = (request.content_type or "").lower()
    if content_type in {"text/csv", "application/csv"}:
        file_format = "csv"
    elif content_type == XLSX:
        file_format = "xlsx"
    else:
        raise ValidationError("Send the task list as text/csv or as an XLSX file "
                              f"({XLSX}).", code="unsupported_format", field="file")
    data = _body(request, 20 * 1024 * 1024)
    return tasklist.import_tasks(actor=actor, project=project, file=io.BytesIO(data),
                                 file_format=file_format, dry_run=dry_run)
