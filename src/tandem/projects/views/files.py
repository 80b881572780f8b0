"""Pages of the files area: a Microsoft Project file imported as a new project (the upload shows
its progress, then the import summary with how many of MS Project's dates the schedule
reproduces), and a project's files page (the plan exported as MSPDI, CSV or XLSX; a task list
imported with a per-row report, or only checked)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core.actor import Actor
from tandem.core.errors import DomainError, PermissionDenied
from tandem.core.roles import Role
from tandem.projects.access import can_create_project, can_edit_project
from tandem.projects.forms_files import MspdiImportForm, TaskImportForm
from tandem.projects.models import Project
from tandem.projects.selectors import projects as selectors
from tandem.projects.services import mspdi, tasklist
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

# Short names of why a task's dates differ from MS Project's (``mspdi.CAUSES`` explains them).
CAUSE_LABELS = {
    "manually_scheduled": gettext_lazy("Manually scheduled in Microsoft Project"),
    "task_calendar": gettext_lazy("The task's own calendar"),
    "resource_calendar": gettext_lazy("Resource calendars"),
    "fractional_duration": gettext_lazy("Part-day duration rounded up"),
    "elapsed_lag": gettext_lazy("Elapsed lag"),
    "predecessor": gettext_lazy("Follows a moved predecessor"),
    "summary_rollup": gettext_lazy("Summary of a moved task"),
    "progress": gettext_lazy("Task under way"),
    "unexplained": gettext_lazy("Not explained"),
}


def _form_error(form: Any, error: DomainError) -> int:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, message_for(error))
    return error.status


def _project(actor: Actor, project_id: int) -> Project:
    """A project whose files this person may take: not the client role (no plan for them)."""
    project = selectors.project_get(actor, project_id)  # out of reach: 404 (middleware)
    if actor.role == Role.CLIENT:
        raise PermissionDenied("Only the project's staff can see its plan's files.")
    return project


@require_http_methods(["GET", "POST"])
@actor_required
def import_mspdi(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not can_create_project(actor):
        raise PermissionDenied("Only project managers, account managers and administrators "
                               "can create projects.")
    form = MspdiImportForm(request.POST or None, request.FILES or None, actor=actor)
    summary, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > mspdi.MAX_BYTES:
                form.add_error("file", _too_large(mspdi.MAX_BYTES))
            else:
                try:
                    summary = mspdi.import_mspdi(actor=actor, data=upload.read(),
                                                 **form.values())
                    status = 201
                except DomainError as error:
                    _form_error(form, error)
    mismatches = [(m, CAUSE_LABELS.get(m.category, m.category))
                  for m in (summary.mismatches if summary else [])]
    context = {"form": form, "summary": summary, "mismatches": mismatches}
    template = ("projects/files/partials/mspdi_import.html" if request.htmx
                else "projects/files/import_mspdi.html")
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _too_large(limit: int) -> str:
    return _("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)}


def _files_context(actor: Actor, project: Project, form: TaskImportForm | None,
                   report: Any = None) -> dict[str, Any]:
    can_edit = can_edit_project(actor, project)
    return {
        "project": project, "can_edit": can_edit,
        "form": form if form is not None else (TaskImportForm() if can_edit else None),
        "report": report, "columns": tasklist.IMPORT_COLUMNS,
    }


@require_safe
@actor_required
def files(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    return render(request, "projects/files/files.html", _files_context(actor, project, None))


@require_POST
@actor_required
def import_tasks(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    if not can_edit_project(actor, project):
        raise PermissionDenied("Only the project's manager or an administrator can change "
                               "this project.")
    form = TaskImportForm(request.POST, request.FILES)
    report, status = None, 422
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = tasklist.import_tasks(
                actor=actor, project=project, file=upload,
                file_format=tasklist.format_of(upload.name or ""),
                dry_run=form.cleaned_data["dry_run"],
            )
            status = 422 if report.errors else 200
        except DomainError as error:
            _form_error(form, error)
    context = _files_context(actor, project, form, report)
    template = ("projects/files/partials/task_import.html" if request.htmx
                else "projects/files/files.html")
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@actor_required
def export_mspdi(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    content = mspdi.export_mspdi(actor=actor, project=project)
    response = HttpResponse(content, content_type=mspdi.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{mspdi.export_filename(project)}"'
    return response


@require_safe
@actor_required
def export_plan(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    file_format = request.GET.get("format", "csv")
    if file_format not in tasklist.FORMATS:
        file_format = "csv"
    content = tasklist.export_plan(actor=actor, project=project, file_format=file_format)
    response = HttpResponse(content, content_type=tasklist.CONTENT_TYPES[file_format])
    stem = mspdi.export_filename(project).removesuffix(".xml")
    response["Content-Disposition"] = f'attachment; filename="{stem}-plan.{file_format}"'
    return response


urlpatterns: list[URLPattern] = [
    path("import/", import_mspdi, name="import_mspdi"),
    path("<int:project_id>/files/", files, name="files"),
    path("<int:project_id>/files/mspdi/", export_mspdi, name="export_mspdi"),
    path("<int:project_id>/files/plan/", export_plan, name="export_plan"),
    path("<int:project_id>/files/tasks/", import_tasks, name="import_tasks"),
]
