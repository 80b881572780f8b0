"""Pages of the plan: the WBS table with HTMX editing of a row (fields, notes and scope item,
structure, predecessors with their type and lag, progress) and the baselines with their comparison.

Every change goes through the plan services, which reschedule the whole project. A change that
keeps the rows where they are (a field, progress, a predecessor) answers with the edited row and,
swapped out of band, only the other rows whose shown values moved: the view takes a signature of
every row before and after the service (``selectors.pages.plan_signatures``, one small query each)
and compares them. Adding, deleting, indenting or outdenting renumbers rows, so the whole table is
rendered again (HTMX swaps it in place: ``HX-Retarget``). A refusal keeps the row's panel open with
the message: a stale version (409) reloads the row's current values, an invalid value or a
dependency loop (422) keeps the input. The table costs two queries whatever the plan's size
(``selectors.pages.plan_rows``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape as html_escape
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core.actor import Actor
from tandem.core.errors import DomainError, NotFound, PermissionDenied, StaleVersion
from tandem.core.roles import Role
from tandem.projects.access import can_edit_project, can_update_progress
from tandem.projects.forms_plan import (
    BaselineForm,
    DependencyEditForm,
    DependencyForm,
    ProgressForm,
    TaskAddForm,
    TaskForm,
    VersionForm,
)
from tandem.projects.models import MAX_BASELINES, Baseline, Dependency, Project, Task
from tandem.projects.selectors import pages
from tandem.projects.selectors import plan as plan_selectors
from tandem.projects.selectors import projects as selectors
from tandem.projects.selectors.plan import Variance
from tandem.projects.services import baselines as baseline_services
from tandem.projects.services import plan as services
from tandem.projects.views.projects import form_error
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

TABLE = "projects/plan/partials/table.html"
ROWS = "projects/plan/partials/rows.html"
CHANGED = "projects/plan/partials/changed.html"
# Up to this many moved rows (or half the plan, if more) are swapped one by one; beyond, the
# answer would be most of the table anyway, and one swap of the table is lighter for the browser
# than thousands of out-of-band swaps.
FEW_ROWS = 250


def _project(actor: Actor, project_id: int) -> Project:
    """A project whose plan the actor may see (the client's people: 404, as for a missing one)."""
    if actor.role == Role.CLIENT:
        raise Http404
    return selectors.project_get(actor, project_id)


def _task(actor: Actor, task_id: int) -> Task:
    if actor.role == Role.CLIENT:
        raise Http404
    return plan_selectors.task_get(actor, task_id)


def _ensure_editor(actor: Actor, project: Project) -> None:
    if not can_edit_project(actor, project):
        raise PermissionDenied(_("Only the project's manager or an administrator can change "
                                 "the plan."))


def _plan_url(project: Project, task_id: int | None = None) -> str:
    url = reverse("projects:plan", kwargs={"project_id": project.pk})
    return f"{url}#task-{task_id}" if task_id else url


def _table_context(actor: Actor, project: Project, *, focus: int | None = None,
                   **extra: Any) -> dict[str, Any]:
    can_edit = can_edit_project(actor, project)
    rows = pages.plan_rows(actor, project)
    focused, mark = str(focus), ' class="is-focus"'
    body = "".join(
        f'<tbody id="task-{pk}"{mark if pk == focused else ""}>{tr}</tbody>\n'
        for pk, tr in row_cells(rows, can_edit=can_edit, me=actor.user_id)
    )
    return {"project": project, "count": len(rows), "body": SafeString(body),
            "can_edit": can_edit, **extra}


# Django's date format characters that have a plain strftime equivalent.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "j": "{day}", "n": "{month}",
             "/": "/", ".": ".", "-": "-", " ": " "}


def _date_formatter() -> Callable[[dt.date | None], str]:
    """The locale's short date format as a fast function (``date_format`` costs ~60 µs a call,
    which 10,000 dates a page would feel); formats with other characters go through Django."""
    pattern = str(formats.get_format("SHORT_DATE_FORMAT"))
    if not all(c in _STRFTIME for c in pattern):
        return lambda value: "" if value is None else escape(
            formats.date_format(value, "SHORT_DATE_FORMAT"))
    template = "".join(_STRFTIME[c] for c in pattern)

    def day(value: dt.date | None) -> str:
        if value is None:
            return ""
        return value.strftime(template).format(day=value.day, month=value.month)

    return day


def row_cells(rows: list[pages.PlanRow], *, can_edit: bool, me: int | None,
              panel: bool = False, oob: bool = False) -> list[tuple[str, SafeString]]:
    """Each row's id and its ``<tr id="row-…">``: built here rather than in the template
    language, which takes seconds for the 60,000 cells of a 5,000-row plan (this takes a few tens
    of ms). With ``oob`` the ``<tr>`` replaces the one on the page wherever it is (an open panel
    below it stays open)."""
    swap = ' hx-swap-oob="true"' if oob else ""
    base = tasks_url()
    badge = f'<span class="badge badge--danger">{html_escape(_("critical"))}</span>'
    close, edit = html_escape(_("Close")), html_escape(_("Edit"))
    progress = html_escape(_("Progress"))
    day = _date_formatter()

    cells = []
    for row in rows:
        pk = str(row.id)
        kind = "".join((" is-summary" if row.is_summary else "",
                        " is-critical" if row.is_critical else "",
                        " is-done" if row.percent_complete == 100 else ""))
        name = html_escape(row.name)
        if row.is_milestone:
            name = f'<span class="plan-milestone" aria-hidden="true">◆</span> {name}'
        if panel:
            action = (f'<a class="button button--ghost button--small" href="{base}{pk}/" '
                      f'hx-get="{base}{pk}/">{close}</a>')
        elif can_edit or (me is not None and row.assignee_id == me and not row.is_summary):
            label = edit if can_edit else progress
            action = (f'<a class="button button--secondary button--small" '
                      f'href="{base}{pk}/edit/" hx-get="{base}{pk}/edit/">{label}</a>')
        else:
            action = ""
        cells.append((pk, SafeString(
            f'<tr id="row-{pk}" class="plan-row{kind}"{swap}>'
            f'<td class="num muted">{row.row}</td>'
            f'<td class="nowrap">{row.wbs}</td>'
            f'<th scope="row" class="plan-name plan-level-{min(row.level, 8)}">{name}</th>'
            f'<td class="num">{row.duration}</td><td class="nowrap">{day(row.start)}</td>'
            f'<td class="nowrap">{day(row.finish)}</td>'
            f'<td class="num{" is-late" if row.total_float < 0 else ""}">{row.total_float}</td>'
            f'<td>{badge if row.is_critical else ""}</td>'
            f'<td class="num">{row.percent_complete}%</td><td>{html_escape(row.assignee)}</td>'
            f'<td class="nowrap">{html_escape(row.predecessors)}</td>'
            f'<td class="table__actions">{action}</td></tr>'
        )))
    return cells


def tasks_url() -> str:
    """Where a task's row actions live ("/projects/plan/tasks/"), for rows built without one
    ``{% url %}`` each (thousands of rows)."""
    return reverse("projects:task_row", kwargs={"task_id": 0}).removesuffix("0/")


def _changed(request: ActorRequest, project_id: int, notice: str, task_id: int | None = None,
             before: dict[int, pages.Signature] | None = None) -> HttpResponse:
    """After a change: a plain form post goes back to the plan. HTMX gets, in place of the row's
    panel, the row and (out of band) the other rows whose shown values changed since ``before``
    (the rows' signatures taken before the change) with the plan's status line; the whole table
    when there is no ``before``, rows were added, removed or moved, or most rows changed."""
    actor = request.actor
    project = selectors.project_get(actor, project_id)  # finish and status were rescheduled
    if not request.htmx:
        messages.success(request, notice)
        return redirect(_plan_url(project, task_id))
    changed, after = None, {}
    if before is not None and task_id is not None:
        after = pages.plan_signatures(actor, project)
        changed = pages.rows_changed(before, after)
    if changed is None or task_id is None or len(changed) > max(FEW_ROWS, len(after) // 2):
        response = render(request, TABLE, _table_context(actor, project, notice=notice,
                                                         focus=task_id))
        response["HX-Retarget"] = "#plan-table"
        response["HX-Reswap"] = "outerHTML"
        return response
    can_edit = can_edit_project(actor, project)
    rows = pages.plan_rows(actor, project, only=changed | {task_id}, signatures=after)
    edited = [r for r in rows if r.id == task_id]
    others = [r for r in rows if r.id != task_id]
    context = {
        "project": project, "count": len(after), "notice": notice,
        "cells": row_cells(edited, can_edit=can_edit, me=actor.user_id),
        "oob_rows": SafeString("".join(tr for _pk, tr in row_cells(
            others, can_edit=can_edit, me=actor.user_id, oob=True))),
        "changed": len(others),
    }
    response = render(request, CHANGED, context)
    response["HX-Retarget"] = f"#task-{task_id}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _signatures(request: ActorRequest, project: Project) -> dict[int, pages.Signature] | None:
    """The rows' signatures before a change, for an HTMX request (which gets only the rows the
    change moved); a plain form post is redirected and needs none."""
    return pages.plan_signatures(request.actor, project) if request.htmx else None


def _panel(request: ActorRequest, task: Task, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The row with its editing panel open (the forms given keep their input and errors)."""
    actor = request.actor
    project = task.project
    can_edit = can_edit_project(actor, project)
    can_progress = can_update_progress(actor, task, project) and not task.is_summary
    if not (can_edit or can_progress):
        raise PermissionDenied(_("Only the task's assignee or the project's manager can change "
                                 "this task."))
    row = pages.plan_rows(actor, project, only={task.pk})[0]
    error = forms.pop("error", "")
    notice = forms.pop("notice", "")
    people = _people(actor) if can_edit else []
    context: dict[str, Any] = {
        "project": project,
        "row": row,
        "cells": row_cells([row], can_edit=can_edit, me=actor.user_id, panel=True),
        "panel": True,
        "task": task,
        "can_edit": can_edit,
        "can_progress": can_progress,
        "me": actor.user_id,
        "tasks_url": tasks_url(),
        "error": error,
        "notice": notice,
    }
    if can_edit:
        initial = {name: getattr(task, name) for name in
                   ("name", "duration", "constraint_type", "constraint_date", "assignee_id",
                    "estimate_hours", "optimistic", "most_likely", "pessimistic",
                    "scope_item_id", "notes", "version")}
        links = pages.task_links(actor, task)
        kept: dict[int, DependencyEditForm] = forms.get("link_forms") or {}
        for link in links:
            link["form"] = kept.get(link["id"]) or DependencyEditForm(initial={
                "type": link["type"], "lag": link["lag"], "version": link["version"]})
            link["form"].auto_id = f"link{link['id']}-%s"
        context.update(
            form=forms.get("form") or TaskForm(
                initial=initial, people=people, summary=task.is_summary,
                scope_items=pages.scope_item_choices(actor, project)),
            dependency_form=forms.get("dependency_form") or DependencyForm(),
            add_form=forms.get("add_form") or TaskAddForm(),
            links=links,
        )
    if can_progress:
        context["progress_form"] = forms.get("progress_form") or ProgressForm(initial={
            "percent_complete": task.percent_complete, "actual_start": task.actual_start,
            "actual_finish": task.actual_finish, "version": task.version})
    for name, short in (("form", "edit"), ("dependency_form", "link"), ("add_form", "add"),
                        ("progress_form", "progress")):
        if name in context:  # several panels may be open: ids of their fields stay unique
            context[name].auto_id = f"task{task.pk}-{short}-%s"
    if request.htmx:
        return render(request, ROWS, context, status=status)
    return render(request, "projects/plan/task.html", context, status=status)


def _people(actor: Actor) -> list[tuple[str, str]]:
    return [(str(m.user_id), m.user.display_name) for m in pages.staff_choices(actor)]


def _refused(request: ActorRequest, task_id: int, error: DomainError,
             **forms: Any) -> HttpResponse:
    """The panel again with the refusal; after a stale version, with the row's current values
    (the forms are fresh) so the person sees what changed and can apply theirs again."""
    task = _task(request.actor, task_id)
    if isinstance(error, StaleVersion):
        forms = {}
    elif "form" in forms and error.details.get("field") in forms["form"].fields:
        form_error(forms["form"], error)
    return _panel(request, task, status=error.status, error=message_for(error), **forms)


# --- the plan -------------------------------------------------------------------------------------


@require_safe
@actor_required
def plan(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    context = _table_context(actor, project, add_form=TaskAddForm())
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, TABLE, context)
    return render(request, "projects/plan/plan.html", context)


@require_POST
@actor_required
def task_add(request: ActorRequest, project_id: int) -> HttpResponse:
    """A new task or milestone: at the end, under a parent, or after a row (with its subtree)."""
    actor = request.actor
    project = _project(actor, project_id)
    _ensure_editor(actor, project)
    form = TaskAddForm(request.POST)
    if form.is_valid():
        try:
            task = services.task_create(actor=actor, project=project, **form.values())
        except DomainError as error:
            form_error(form, error)
        else:
            return _changed(request, project.pk, _("%(name)s added; the plan was rescheduled.")
                            % {"name": task.name}, task.pk)
    anchor = form.data.get("after_id") or form.data.get("parent_id")
    if anchor and request.htmx:
        try:
            return _panel(request, _task(actor, int(anchor)), status=422, add_form=form)
        except (ValueError, NotFound):
            pass
    if not request.htmx:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(_plan_url(project))
    response = render(request, "projects/plan/partials/add_form.html",
                      {"project": project, "add_form": form}, status=422)
    response["HX-Retarget"] = "#task-add"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_safe
@actor_required
def task_row(request: ActorRequest, task_id: int) -> HttpResponse:
    """The row without its panel (closing the panel)."""
    actor = request.actor
    task = _task(actor, task_id)
    if not request.htmx:
        return redirect(_plan_url(task.project, task.pk))
    rows = pages.plan_rows(actor, task.project, only={task.pk})
    context = {"cells": row_cells(rows, can_edit=can_edit_project(actor, task.project),
                                  me=actor.user_id)}
    return render(request, ROWS, context)


@require_http_methods(["GET", "POST"])
@actor_required
def task_edit(request: ActorRequest, task_id: int) -> HttpResponse:
    actor = request.actor
    task = _task(actor, task_id)
    if request.method == "GET":
        return _panel(request, task)
    _ensure_editor(actor, task.project)
    form = TaskForm(request.POST, people=_people(actor), summary=task.is_summary,
                    scope_items=pages.scope_item_choices(actor, task.project))
    if not form.is_valid():
        return _panel(request, task, status=422, form=form,
                      error=_("Check the highlighted fields."))
    before = _signatures(request, task.project)
    try:
        services.task_update(actor=actor, task=task, expected_version=form.cleaned_data["version"],
                             changes=form.values())
    except DomainError as error:
        return _refused(request, task.pk, error, form=form)
    return _changed(request, task.project_id, _("%(name)s saved; the plan was rescheduled.")
                    % {"name": form.cleaned_data["name"]}, task.pk, before)


@require_POST
@actor_required
def task_progress(request: ActorRequest, task_id: int) -> HttpResponse:
    actor = request.actor
    task = _task(actor, task_id)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return _panel(request, task, status=422, progress_form=form,
                      error=_("Check the highlighted fields."))
    before = _signatures(request, task.project)
    try:
        services.task_progress(actor=actor, task=task,
                               expected_version=form.cleaned_data["version"],
                               changes=form.values())
    except DomainError as error:
        if error.details.get("field") in form.fields:
            form_error(form, error)
        return _refused(request, task.pk, error, progress_form=form)
    return _changed(request, task.project_id, _("Progress of %(name)s saved.")
                    % {"name": task.name}, task.pk, before)


def _structure(request: ActorRequest, task_id: int, action: str) -> HttpResponse:
    actor = request.actor
    task = _task(actor, task_id)
    _ensure_editor(actor, task.project)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _panel(request, task, status=422, error=_("The row's version is missing; reload "
                                                         "the page."))
    version = form.cleaned_data["version"]
    try:
        if action == "indent":
            services.task_indent(actor=actor, task=task, expected_version=version)
        else:
            services.task_outdent(actor=actor, task=task, expected_version=version)
    except DomainError as error:
        return _refused(request, task.pk, error)
    notice = (_("%(name)s indented.") if action == "indent" else _("%(name)s outdented.")) \
        % {"name": task.name}
    return _changed(request, task.project_id, notice, task.pk)


@require_POST
@actor_required
def task_indent(request: ActorRequest, task_id: int) -> HttpResponse:
    return _structure(request, task_id, "indent")


@require_POST
@actor_required
def task_outdent(request: ActorRequest, task_id: int) -> HttpResponse:
    return _structure(request, task_id, "outdent")


@require_POST
@actor_required
def task_delete(request: ActorRequest, task_id: int) -> HttpResponse:
    actor = request.actor
    task = _task(actor, task_id)
    _ensure_editor(actor, task.project)
    count = services.task_delete(actor=actor, task=task)
    notice = (_("%(name)s deleted.") if count == 1
              else _("%(name)s and its %(count)d subtasks deleted.")) % {
        "name": task.name, "count": count - 1}
    return _changed(request, task.project_id, notice)


@require_POST
@actor_required
def dependency_add(request: ActorRequest, task_id: int) -> HttpResponse:
    """A predecessor of the task, named by its row number as in the table."""
    actor = request.actor
    task = _task(actor, task_id)
    project = task.project
    _ensure_editor(actor, project)
    form = DependencyForm(request.POST)
    if form.is_valid():
        row = form.cleaned_data["predecessor_row"]
        predecessor = pages.task_ids_by_row(actor, project, [row]).get(row)
        if predecessor is None:
            form.add_error("predecessor_row", _("There is no row %(row)d in this plan.")
                           % {"row": row})
        else:
            before = _signatures(request, project)
            try:
                services.dependency_create(actor=actor, project=project,
                                           predecessor_id=predecessor, successor_id=task.pk,
                                           type=form.cleaned_data["type"],
                                           lag=form.cleaned_data["lag"])
            except DomainError as error:
                if error.details.get("field") in {"type", "lag"}:
                    form_error(form, error)
                return _panel(request, task, status=error.status, dependency_form=form,
                              error=message_for(error))
            return _changed(request, project.pk, _("Predecessor added; the plan was "
                                                   "rescheduled."), task.pk, before)
    return _panel(request, task, status=422, dependency_form=form,
                  error=_("Check the highlighted fields."))


def _dependency(actor: Actor, dependency_id: int) -> Dependency:
    if actor.role == Role.CLIENT:
        raise Http404
    dependency = plan_selectors.dependency_get(actor, dependency_id)
    _ensure_editor(actor, dependency.project)
    return dependency


@require_POST
@actor_required
def dependency_edit(request: ActorRequest, dependency_id: int) -> HttpResponse:
    """A predecessor's type and lag, changed in place in the successor's panel."""
    actor = request.actor
    dependency = _dependency(actor, dependency_id)
    successor = dependency.successor_id
    form = DependencyEditForm(request.POST)
    if not form.is_valid():
        return _panel(request, _task(actor, successor), status=422,
                      link_forms={dependency.pk: form},
                      error=_("Check the highlighted fields."))
    before = _signatures(request, dependency.project)
    try:
        services.dependency_update(actor=actor, dependency=dependency,
                                   expected_version=form.cleaned_data["version"],
                                   changes=form.values())
    except DomainError as error:
        if isinstance(error, StaleVersion):
            kept = {}
        else:
            if error.details.get("field") in form.fields:
                form_error(form, error)
            kept = {dependency.pk: form}
        return _panel(request, _task(actor, successor), status=error.status, link_forms=kept,
                      error=message_for(error))
    return _changed(request, dependency.project_id, _("Predecessor changed; the plan was "
                                                      "rescheduled."), successor, before)


@require_POST
@actor_required
def dependency_remove(request: ActorRequest, dependency_id: int) -> HttpResponse:
    actor = request.actor
    dependency = _dependency(actor, dependency_id)
    successor = dependency.successor_id
    before = _signatures(request, dependency.project)
    services.dependency_delete(actor=actor, dependency=dependency)
    return _changed(request, dependency.project_id, _("Predecessor removed; the plan was "
                                                      "rescheduled."), successor, before)


# --- baselines ----------------------------------------------------------------------------------


@require_safe
@actor_required
def baselines(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    return _baselines_page(request, project)


def _baselines_page(request: ActorRequest, project: Project, form: BaselineForm | None = None,
                    status: int = 200) -> HttpResponse:
    actor = request.actor
    saved = list(plan_selectors.baseline_list(actor, project))
    can_edit = can_edit_project(actor, project)
    compare: Baseline | None = None
    rows: list[Variance] = []
    chosen: int | None = None
    if saved:
        try:
            chosen = int(request.GET.get("compare", saved[0].number))
        except ValueError:
            chosen = saved[0].number
        if chosen in {b.number for b in saved}:
            compare, rows = plan_selectors.baseline_compare(actor, project, chosen)
    taken = {b.number for b in saved}
    if can_edit and form is None:
        free = next((n for n in range(MAX_BASELINES) if n not in taken), 0)
        form = BaselineForm(initial={"number": free})
    context = {
        "project": project, "baselines": saved, "can_edit": can_edit, "form": form,
        "compare": compare, "rows": rows, "chosen": chosen,
        "late": sum(1 for r in rows if (r.finish_variance or 0) > 0),
    }
    return render(request, "projects/plan/baselines.html", context, status=status)


@require_POST
@actor_required
def baseline_save(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    _ensure_editor(actor, project)
    form = BaselineForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["number"]
        taken = plan_selectors.baseline_list(actor, project).filter(number=number).first()
        if taken is not None and not form.cleaned_data["replace"]:
            form.add_error("replace", _("%(name)s is already saved under this number. Tick "
                                        "the box to replace it.") % {"name": taken.name})
        else:
            try:
                baseline = baseline_services.baseline_save(
                    actor=actor, project=project, number=number, name=form.cleaned_data["name"])
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("%(name)s saved.") % {"name": baseline.name})
                url = reverse("projects:baselines", kwargs={"project_id": project.pk})
                return redirect(f"{url}?compare={baseline.number}")
    return _baselines_page(request, project, form, status=422)


@require_POST
@actor_required
def baseline_delete(request: ActorRequest, baseline_id: int) -> HttpResponse:
    actor = request.actor
    if actor.role == Role.CLIENT:
        raise Http404
    baseline = plan_selectors.baseline_get(actor, baseline_id)
    _ensure_editor(actor, baseline.project)
    baseline_services.baseline_delete(actor=actor, baseline=baseline)
    messages.success(request, _("%(name)s deleted.") % {"name": baseline.name})
    return redirect("projects:baselines", project_id=baseline.project_id)


urlpatterns: list[URLPattern] = [
    path("<int:project_id>/plan/", plan, name="plan"),
    path("<int:project_id>/plan/tasks/", task_add, name="task_add"),
    path("plan/tasks/<int:task_id>/", task_row, name="task_row"),
    path("plan/tasks/<int:task_id>/edit/", task_edit, name="task_edit"),
    path("plan/tasks/<int:task_id>/progress/", task_progress, name="task_progress"),
    path("plan/tasks/<int:task_id>/indent/", task_indent, name="task_indent"),
    path("plan/tasks/<int:task_id>/outdent/", task_outdent, name="task_outdent"),
    path("plan/tasks/<int:task_id>/delete/", task_delete, name="task_delete"),
    path("plan/tasks/<int:task_id>/predecessors/", dependency_add, name="dependency_add"),
    path("plan/dependencies/<int:dependency_id>/edit/", dependency_edit,
         name="dependency_edit"),
    path("plan/dependencies/<int:dependency_id>/delete/", dependency_remove,
         name="dependency_remove"),
    path("<int:project_id>/baselines/", baselines, name="baselines"),
    path("<int:project_id>/baselines/save/", baseline_save, name="baseline_save"),
    path("baselines/<int:baseline_id>/delete/", baseline_delete, name="baseline_delete"),
]
