"""Pages of projects: the list with HTMX filters, creating and editing a project, its overview
(lifecycle buttons, schedule status with its reasons, dates, charter, scope items tracing the
client's needs, each editable in place), its team, and the organization's working calendars.

Each view parses its input, asks the access helpers, calls one selector or service, renders. The
client's people see the overview of their client's projects only (no charter, scope or team)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core.actor import Actor
from tandem.core.errors import DomainError, PermissionDenied, StaleVersion
from tandem.core.roles import Role
from tandem.projects.access import can_create_project, can_edit_project, can_manage_calendars
from tandem.projects.forms_projects import (
    WEEKDAYS,
    CalendarExceptionForm,
    CalendarForm,
    CharterForm,
    MemberForm,
    ProjectFilterForm,
    ProjectForm,
    ScopeItemEditForm,
    ScopeItemForm,
    StatusDateForm,
    TransitionForm,
)
from tandem.projects.models import PROJECT_TRANSITIONS, Project, ProjectStatus, ScopeItem
from tandem.projects.selectors import pages
from tandem.projects.selectors import projects as selectors
from tandem.projects.services import calendars as calendar_services
from tandem.projects.services import projects as services
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50


def form_error(form: Any, error: DomainError) -> int:
    """A service's refusal shown on the form (on its field when the form has one); its status."""
    field = error.details.get("field")
    if isinstance(field, str) and field.endswith("_id") and field not in form.fields:
        field = field.removesuffix("_id")
    form.add_error(field if field in form.fields else None, message_for(error))
    return error.status


def _status(request: ActorRequest, refused: int) -> int:
    return refused or (422 if request.method == "POST" else 200)


def _ensure_editor(actor: Actor, project: Project) -> None:
    if not can_edit_project(actor, project):
        raise PermissionDenied(_("Only the project's manager or an administrator can change "
                                 "this project."))


def _staff_project(actor: Actor, project_id: int) -> Project:
    """A project whose inside (charter, team, plan) the actor may see; the client's people get
    the same 404 as for a missing page."""
    if actor.role == Role.CLIENT:
        raise Http404
    return selectors.project_get(actor, project_id)


def project_url(project: Project) -> str:
    return reverse("projects:detail", kwargs={"project_id": project.pk})


def _done(request: ActorRequest, notice: str, project: Project, anchor: str = "") -> HttpResponse:
    messages.success(request, notice)
    return redirect(f"{project_url(project)}#{anchor}" if anchor else project_url(project))


def _refused(request: ActorRequest, error: DomainError, project: Project,
             anchor: str = "") -> HttpResponse:
    messages.error(request, message_for(error))
    return redirect(f"{project_url(project)}#{anchor}" if anchor else project_url(project))


# --- the list and a new project ---------------------------------------------------------------


@require_safe
@actor_required
def project_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    filters = ProjectFilterForm(request.GET, actor=actor)
    projects = selectors.project_list(actor, **filters.filters())
    context = {
        "filters": filters,
        "page": Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_create": can_create_project(actor),
        "is_client": actor.role == Role.CLIENT,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("projects/projects/partials/project_rows.html" if partial
                else "projects/projects/list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def project_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not can_create_project(actor):
        raise PermissionDenied(_("Only project managers, account managers and administrators "
                                 "can create projects."))
    client_id = _client_param(request.POST.get("client_id") or request.GET.get("client_id")
                              or request.GET.get("client"))
    initial: dict[str, Any] = {"client_id": client_id, "currency": "VND"}
    if actor.role == Role.PROJECT_MANAGER:
        initial["manager_id"] = actor.user_id
    form = ProjectForm(request.POST or None, actor=actor, client_id=client_id, initial=initial)
    refused = 0
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            project = services.project_create(actor=actor, **values)
        except DomainError as error:
            refused = form_error(form, error)
        else:
            messages.success(request, _("The project %(code)s was created.")
                             % {"code": project.code})
            return redirect("projects:detail", project_id=project.pk)
    return render(request, "projects/projects/form.html", {"form": form, "project": None},
                  status=_status(request, refused))


def _client_param(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- a project ----------------------------------------------------------------------------------


@require_safe
@actor_required
def project_detail(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor, project_id)
    is_client = actor.role == Role.CLIENT
    can_edit = can_edit_project(actor, project)
    context: dict[str, Any] = {
        "project": project,
        "can_edit": can_edit,
        "is_client": is_client,
        "reasons": pages.schedule_reason_texts(project.schedule_reasons or []),
        "next_statuses": [(value, label) for value, label in ProjectStatus.choices
                          if value in PROJECT_TRANSITIONS[project.status]] if can_edit else [],
    }
    if not is_client:
        context.update(
            counts=pages.plan_counts(actor, project),
            charter=selectors.charter_get(actor, project),
            scope_items=list(selectors.scope_item_list(actor, project)),
            sees_client=project.client_id is not None and actor.role != Role.MEMBER,
        )
    if can_edit:
        context.update(
            status_date_form=StatusDateForm(initial={"status_date": project.status_date,
                                                     "version": project.version}),
            scope_form=ScopeItemForm(actor=actor, project=project),
        )
    return render(request, "projects/projects/detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required
def project_edit(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _staff_project(actor, project_id)
    _ensure_editor(actor, project)
    initial = {name: getattr(project, name) for name in services.PROJECT_FIELDS
               if name != "status_date"}
    form = ProjectForm(request.POST or None, actor=actor, project=project,
                       initial={**initial, "version": project.version})
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=actor, project=project,
                                    expected_version=form.cleaned_data["version"],
                                    changes=form.values())
        except DomainError as error:
            refused = form_error(form, error)
        else:
            return _done(request, _("Saved."), project)
    return render(request, "projects/projects/form.html", {"form": form, "project": project},
                  status=_status(request, refused))


@require_POST
@actor_required
def project_transition(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_get(actor, project_id)
    _ensure_editor(actor, project)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status and try again."))
        return redirect("projects:detail", project_id=project.pk)
    try:
        services.project_transition(actor=actor, project=project,
                                    expected_version=form.cleaned_data["version"],
                                    status=form.cleaned_data["status"])
    except DomainError as error:
        return _refused(request, error, project)
    label = ProjectStatus(form.cleaned_data["status"]).label
    return _done(request, _("The project is now %(status)s.") % {"status": label}, project)


@require_POST
@actor_required
def project_status_date(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _staff_project(actor, project_id)
    _ensure_editor(actor, project)
    form = StatusDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the status date as a date."))
        return redirect("projects:detail", project_id=project.pk)
    try:
        services.project_update(actor=actor, project=project,
                                expected_version=form.cleaned_data["version"],
                                changes={"status_date": form.cleaned_data["status_date"]})
    except DomainError as error:
        return _refused(request, error, project, "dates")
    return _done(request, _("Status date saved; the plan was rescheduled."), project, "dates")


@require_http_methods(["GET", "POST"])
@actor_required
def charter_edit(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _staff_project(actor, project_id)
    _ensure_editor(actor, project)
    charter = selectors.charter_get(actor, project)
    initial = {name: getattr(charter, name) for name in services.CHARTER_FIELDS}
    form = CharterForm(request.POST or None, initial={**initial, "version": charter.version})
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            services.charter_update(actor=actor, project=project,
                                    expected_version=form.cleaned_data["version"],
                                    changes=form.values())
        except DomainError as error:
            refused = form_error(form, error)
        else:
            return _done(request, _("Charter saved."), project, "charter")
    return render(request, "projects/projects/charter_form.html",
                  {"form": form, "project": project}, status=_status(request, refused))


@require_POST
@actor_required
def scope_add(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _staff_project(actor, project_id)
    _ensure_editor(actor, project)
    form = ScopeItemForm(request.POST, actor=actor, project=project)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, errors)
        return redirect(f"{project_url(project)}#scope")
    data = form.cleaned_data
    try:
        item = services.scope_item_create(
            actor=actor, project=project, title=data["title"], description=data["description"],
            need_id=data["need_id"], in_scope=data["in_scope"])
    except DomainError as error:
        return _refused(request, error, project, "scope")
    return _done(request, _("Scope item %(title)s added.") % {"title": item.title}, project,
                 "scope")


@require_POST
@actor_required
def scope_remove(request: ActorRequest, item_id: int) -> HttpResponse:
    actor = request.actor
    item = selectors.scope_item_get(actor, item_id)
    project = item.project
    _ensure_editor(actor, project)
    try:
        services.scope_item_delete(actor=actor, item=item)
    except DomainError as error:
        return _refused(request, error, project, "scope")
    return _done(request, _("Scope item %(title)s removed.") % {"title": item.title}, project,
                 "scope")


def _scope_item(actor: Actor, item_id: int) -> ScopeItem:
    """A scope item the actor may change (the client's people: 404, as for a missing one)."""
    if actor.role == Role.CLIENT:
        raise Http404
    item = selectors.scope_item_get(actor, item_id)
    _ensure_editor(actor, item.project)
    return item


def _scope_row(request: ActorRequest, item: ScopeItem, notice: str = "") -> HttpResponse:
    """The scope item's row of the overview's table, with its task and deliverable counts."""
    actor = request.actor
    shown = selectors.scope_item_list(actor, item.project).get(pk=item.pk)
    context = {"item": shown, "project": item.project, "can_edit": True, "notice": notice}
    return render(request, "projects/projects/partials/scope_row.html", context)


@require_safe
@actor_required
def scope_row(request: ActorRequest, item_id: int) -> HttpResponse:
    """The row again (closing its form); without HTMX, the overview at the row."""
    item = _scope_item(request.actor, item_id)
    if not request.htmx:
        return redirect(f"{project_url(item.project)}#scope-item-{item.pk}")
    return _scope_row(request, item)


@require_http_methods(["GET", "POST"])
@actor_required
def scope_edit(request: ActorRequest, item_id: int) -> HttpResponse:
    """A scope item's title, description and in or out of scope, changed in place (HTMX swaps
    the row for its form and back) or on a page of its own."""
    actor = request.actor
    item = _scope_item(actor, item_id)
    initial = {"title": item.title, "description": item.description,
               "in_scope": item.in_scope, "version": item.version}
    form = ScopeItemEditForm(request.POST or None, initial=initial)
    refused, error = 0, ""
    if request.method == "POST" and form.is_valid():
        try:
            services.scope_item_update(actor=actor, item=item,
                                       expected_version=form.cleaned_data["version"],
                                       changes=form.values())
        except DomainError as failure:
            refused, error = failure.status, message_for(failure)
            if isinstance(failure, StaleVersion):  # show what is saved now
                item = _scope_item(actor, item_id)
                form = ScopeItemEditForm(initial={
                    "title": item.title, "description": item.description,
                    "in_scope": item.in_scope, "version": item.version})
            else:
                form_error(form, failure)
        else:
            notice = _("Scope item %(title)s saved.") % {"title": form.cleaned_data["title"]}
            if request.htmx:
                return _scope_row(request, item, notice)
            messages.success(request, notice)
            return redirect(f"{project_url(item.project)}#scope-item-{item.pk}")
    form.auto_id = f"scope{item.pk}-%s"
    context = {"form": form, "item": item, "project": item.project, "error": error}
    template = ("projects/projects/partials/scope_row_form.html" if request.htmx
                else "projects/projects/scope_item_form.html")
    return render(request, template, context, status=_status(request, refused))


# --- the team -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def team(request: ActorRequest, project_id: int) -> HttpResponse:
    """The team, and (for the project's editors) the form that adds a member."""
    actor = request.actor
    project = _staff_project(actor, project_id)
    can_edit = can_edit_project(actor, project)
    form = MemberForm(actor=actor) if can_edit else None
    refused = 0
    if request.method == "POST":
        _ensure_editor(actor, project)
        form = MemberForm(request.POST, actor=actor)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.member_add(actor=actor, project=project, user_id=data["user_id"],
                                    project_role=data["project_role"],
                                    allocation=data["allocation"])
            except DomainError as error:
                refused = form_error(form, error)
            else:
                messages.success(request, _("Team member added."))
                return redirect("projects:team", project_id=project.pk)
    context = {"project": project, "can_edit": can_edit, "form": form,
               "members": selectors.member_list(actor, project)}
    return render(request, "projects/projects/team.html", context,
                  status=_status(request, refused))


@require_http_methods(["GET", "POST"])
@actor_required
def member_edit(request: ActorRequest, member_id: int) -> HttpResponse:
    actor = request.actor
    if actor.role == Role.CLIENT:
        raise Http404
    member = selectors.member_get(actor, member_id)
    project = selectors.project_get(actor, member.project_id)
    _ensure_editor(actor, project)
    form = MemberForm(request.POST or None, editing=True, initial={
        "project_role": member.project_role, "allocation": member.allocation,
        "version": member.version})
    refused = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member.project = project
        try:
            services.member_update(actor=actor, member=member, expected_version=data["version"],
                                   changes={"project_role": data["project_role"],
                                            "allocation": data["allocation"]})
        except DomainError as error:
            refused = form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:team", project_id=project.pk)
    context = {"form": form, "project": project, "member": member}
    return render(request, "projects/projects/member_form.html", context,
                  status=_status(request, refused))


@require_POST
@actor_required
def member_remove(request: ActorRequest, member_id: int) -> HttpResponse:
    actor = request.actor
    if actor.role == Role.CLIENT:
        raise Http404
    member = selectors.member_get(actor, member_id)
    project = selectors.project_get(actor, member.project_id)
    _ensure_editor(actor, project)
    member.project = project
    services.member_remove(actor=actor, member=member)
    messages.success(request, _("%(name)s left the team.") % {"name": member.user.display_name})
    return redirect("projects:team", project_id=project.pk)


# --- working calendars --------------------------------------------------------------------------


def _calendars_reader(actor: Actor) -> None:
    if actor.role == Role.CLIENT:
        raise Http404


def _calendars_admin(actor: Actor) -> None:
    _calendars_reader(actor)
    if not can_manage_calendars(actor):
        raise PermissionDenied(_("Only administrators manage working calendars."))


@require_http_methods(["GET", "POST"])
@actor_required
def calendars(request: ActorRequest) -> HttpResponse:
    """The calendars with their exceptions; administrators add calendars and exceptions."""
    actor = request.actor
    _calendars_reader(actor)
    manage = can_manage_calendars(actor)
    form = CalendarForm() if manage else None
    refused = 0
    if request.method == "POST":
        _calendars_admin(actor)
        form = CalendarForm(request.POST)
        if form.is_valid():
            try:
                calendar = calendar_services.calendar_create(actor=actor, **form.values())
            except DomainError as error:
                refused = form_error(form, error)
            else:
                messages.success(request, _("Calendar %(name)s added.") % {"name": calendar.name})
                return redirect("projects:calendars")
    names = dict(WEEKDAYS)
    rows = [{"calendar": c, "weekdays": [names[d] for d in c.weekday_list if d in names]}
            for c in selectors.calendar_list(actor)]
    context = {"calendars": rows, "can_manage": manage, "form": form,
               "exception_form": CalendarExceptionForm() if manage else None}
    return render(request, "projects/projects/calendars.html", context,
                  status=_status(request, refused))


@require_http_methods(["GET", "POST"])
@actor_required
def calendar_edit(request: ActorRequest, calendar_id: int) -> HttpResponse:
    actor = request.actor
    _calendars_admin(actor)
    calendar = selectors.calendar_get(actor, calendar_id)
    initial = {"name": calendar.name, "weekdays": list(calendar.weekday_list),
               "hours_per_day": calendar.hours_per_day, "country": calendar.country,
               "subdivision": calendar.subdivision, "version": calendar.version}
    form = CalendarForm(request.POST or None, initial=initial)
    form.fields["version"].required = True
    refused = 0
    if request.method == "POST" and form.is_valid():
        try:
            calendar_services.calendar_update(actor=actor, calendar=calendar,
                                              expected_version=form.cleaned_data["version"],
                                              changes=form.values())
        except DomainError as error:
            refused = form_error(form, error)
        else:
            messages.success(request, _("Saved; the projects using this calendar were "
                                        "rescheduled."))
            return redirect("projects:calendars")
    return render(request, "projects/projects/calendar_form.html",
                  {"form": form, "calendar": calendar}, status=_status(request, refused))


@require_POST
@actor_required
def exception_add(request: ActorRequest, calendar_id: int) -> HttpResponse:
    actor = request.actor
    _calendars_admin(actor)
    calendar = selectors.calendar_get(actor, calendar_id)
    form = CalendarExceptionForm(request.POST)
    anchor = f"{reverse('projects:calendars')}#calendar-{calendar.pk}"
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(anchor)
    data = form.cleaned_data
    try:
        calendar_services.exception_add(actor=actor, calendar=calendar, day=data["day"],
                                        working=data["working"], name=data["name"])
    except DomainError as error:
        messages.error(request, message_for(error))
    else:
        messages.success(request, _("Exception added; the projects using this calendar were "
                                    "rescheduled."))
    return redirect(anchor)


@require_POST
@actor_required
def exception_remove(request: ActorRequest, exception_id: int) -> HttpResponse:
    actor = request.actor
    _calendars_admin(actor)
    exception = pages.calendar_exception_get(actor, exception_id)
    calendar_services.exception_remove(actor=actor, exception=exception)
    messages.success(request, _("Exception removed; the projects using this calendar were "
                                "rescheduled."))
    return redirect(f"{reverse('projects:calendars')}#calendar-{exception.calendar_id}")


urlpatterns: list[URLPattern] = [
    path("", project_list, name="list"),
    path("new/", project_create, name="create"),
    path("calendars/", calendars, name="calendars"),
    path("calendars/<int:calendar_id>/edit/", calendar_edit, name="calendar_edit"),
    path("calendars/<int:calendar_id>/exceptions/", exception_add, name="exception_add"),
    path("calendars/exceptions/<int:exception_id>/delete/", exception_remove,
         name="exception_remove"),
    path("<int:project_id>/", project_detail, name="detail"),
    path("<int:project_id>/edit/", project_edit, name="edit"),
    path("<int:project_id>/transition/", project_transition, name="transition"),
    path("<int:project_id>/status-date/", project_status_date, name="status_date"),
    path("<int:project_id>/charter/", charter_edit, name="charter"),
    path("<int:project_id>/scope/", scope_add, name="scope_add"),
    path("scope/<int:item_id>/", scope_row, name="scope_row"),
    path("scope/<int:item_id>/edit/", scope_edit, name="scope_edit"),
    path("scope/<int:item_id>/delete/", scope_remove, name="scope_remove"),
    path("<int:project_id>/team/", team, name="team"),
    path("team/<int:member_id>/edit/", member_edit, name="member_edit"),
    path("team/<int:member_id>/delete/", member_remove, name="member_remove"),
]
