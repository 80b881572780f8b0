"""Pages of a project's deliverables: the list with status and acceptance history, planning and
editing one (the PM), submitting it, and the client's accept or reject with a reason (HTMX
swaps the decision panel). The client's people see their own projects' deliverables here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core.actor import Actor
from tandem.core.errors import DomainError, PermissionDenied
from tandem.core.roles import Role
from tandem.projects.access import can_decide_acceptance, can_edit_project
from tandem.projects.forms_deliverables import DecisionForm, DeliverableFilterForm, DeliverableForm
from tandem.projects.models import Deliverable, DeliverableStatus, Project
from tandem.projects.selectors import deliverables as selectors
from tandem.projects.services import deliverables as services
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50
DS = DeliverableStatus
DECISIONS = {
    "submit": services.deliverable_submit,
    "accept": services.deliverable_accept,
}
NEEDS_REASON = {
    "reject": services.deliverable_reject,
    "reopen": services.deliverable_reopen,
}


def _project(actor: Actor, project_id: int) -> Project:
    return selectors.project_get(actor, project_id)  # out of reach: 404 (middleware)


def _deliverable(actor: Actor, project_id: int, deliverable_id: int) -> Deliverable:
    return selectors.deliverable_get(actor, deliverable_id, project_id=project_id)


def _ensure_editor(actor: Actor, project: Project) -> None:
    if not can_edit_project(actor, project):
        raise PermissionDenied("Only the project's manager or an administrator can change "
                               "its deliverables.")


def _tabs(actor: Actor) -> dict[str, Any]:
    return {"project_tabs_plan": actor.role != Role.CLIENT}


def actions_for(actor: Actor, deliverable: Deliverable) -> list[str]:
    """The buttons this person sees on a deliverable in its current status."""
    project = deliverable.project
    actions = []
    if deliverable.status in services.EDITABLE_STATUSES and can_edit_project(actor, project):
        actions.append("submit")
    if deliverable.status == DS.SUBMITTED and can_decide_acceptance(actor, project):
        actions += ["accept", "reject"]
    if deliverable.status == DS.ACCEPTED and actor.is_admin:
        actions.append("reopen")
    return actions


@require_safe
@actor_required
def deliverable_list(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    filters = DeliverableFilterForm(request.GET)
    page = Paginator(selectors.deliverable_list(actor, project=project, **filters.filters()),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    history = selectors.events_by_deliverable(actor, rows)
    return render(request, "projects/deliverables/list.html", {
        "project": project, "filters": filters, "page": page,
        "rows": [(d, history[d.pk]) for d in rows],
        "can_edit": can_edit_project(actor, project),
        "can_decide": can_decide_acceptance(actor, project), **_tabs(actor),
    })


@require_http_methods(["GET", "POST"])
@actor_required
def deliverable_create(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = _project(actor, project_id)
    _ensure_editor(actor, project)
    form = DeliverableForm(request.POST or None, actor=actor, project=project)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                deliverable = services.deliverable_create(actor=actor, project=project,
                                                          **form.values())
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Deliverable planned."))
                return redirect("projects:deliverable_detail", project.pk, deliverable.pk)
        else:
            status = 422
    return render(request, "projects/deliverables/form.html",
                  {"form": form, "project": project, "deliverable": None, **_tabs(actor)},
                  status=status)


@require_safe
@actor_required
def deliverable_detail(request: ActorRequest, project_id: int, deliverable_id: int) -> HttpResponse:
    actor = request.actor
    deliverable = _deliverable(actor, project_id, deliverable_id)
    return render(request, "projects/deliverables/detail.html",
                  _detail_context(actor, deliverable))


@require_http_methods(["GET", "POST"])
@actor_required
def deliverable_edit(request: ActorRequest, project_id: int, deliverable_id: int) -> HttpResponse:
    actor = request.actor
    deliverable = _deliverable(actor, project_id, deliverable_id)
    project = deliverable.project
    _ensure_editor(actor, project)
    initial = {"name": deliverable.name, "description": deliverable.description,
               "acceptance_criteria": deliverable.acceptance_criteria,
               "milestone": deliverable.milestone_id, "need": deliverable.need_id,
               "scope_item": deliverable.scope_item_id, "due_date": deliverable.due_date,
               "version": deliverable.version}
    form = DeliverableForm(request.POST or None, actor=actor, project=project, editing=True,
                           initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.deliverable_update(
                    actor=actor, deliverable=deliverable,
                    expected_version=form.cleaned_data["version"] or 0,
                    changes=form.values(), comment=form.cleaned_data.get("comment") or "")
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Deliverable saved."))
                return redirect("projects:deliverable_detail", project.pk, deliverable.pk)
        else:
            status = 422
    return render(request, "projects/deliverables/form.html",
                  {"form": form, "project": project, "deliverable": deliverable,
                   **_tabs(actor)}, status=status)


@require_POST
@actor_required
def deliverable_decide(request: ActorRequest, project_id: int, deliverable_id: int) -> HttpResponse:
    """Submit, accept, reject (reason required) or reopen (administrators, reason required)."""
    actor = request.actor
    deliverable = _deliverable(actor, project_id, deliverable_id)
    form = DecisionForm(request.POST)
    error, notice, status = "", "", 200
    if not form.is_valid():
        error, status = _("Choose an action and try again."), 422
    else:
        action = form.cleaned_data["action"]
        version = form.cleaned_data["version"]
        comment = form.cleaned_data["comment"]
        try:
            if action in NEEDS_REASON:
                NEEDS_REASON[action](actor=actor, deliverable=deliverable,
                                     expected_version=version, reason=comment)
            else:
                DECISIONS[action](actor=actor, deliverable=deliverable,
                                  expected_version=version, comment=comment)
        except DomainError as refusal:
            error, status = message_for(refusal), refusal.status
        else:
            notice = {"submit": _("Submitted for the client's acceptance."),
                      "accept": _("Deliverable accepted."),
                      "reject": _("Deliverable rejected."),
                      "reopen": _("Deliverable reopened.")}[action]
    if request.htmx:
        fresh = _deliverable(actor, project_id, deliverable_id)
        return render(request, "projects/deliverables/partials/panel.html",
                      _detail_context(actor, fresh, panel_error=error, panel_notice=notice),
                      status=status)
    (messages.error if error else messages.success)(request, error or notice)
    return redirect("projects:deliverable_detail", project_id, deliverable_id)


@require_POST
@actor_required
def deliverable_delete(request: ActorRequest, project_id: int, deliverable_id: int) -> HttpResponse:
    actor = request.actor
    deliverable = _deliverable(actor, project_id, deliverable_id)
    try:
        services.deliverable_delete(actor=actor, deliverable=deliverable)
    except DomainError as refusal:
        if refusal.status == 403:
            raise
        messages.error(request, message_for(refusal))
        return redirect("projects:deliverable_detail", project_id, deliverable_id)
    messages.success(request, _("Deliverable deleted."))
    return redirect("projects:deliverables", project_id)


def _detail_context(actor: Actor, deliverable: Deliverable, **extra: Any) -> dict[str, Any]:
    project = deliverable.project
    return {
        "project": project,
        "deliverable": deliverable,
        "history": list(selectors.deliverable_events(actor, deliverable)),
        "actions": actions_for(actor, deliverable),
        "can_edit": (can_edit_project(actor, project)
                     and deliverable.status in services.EDITABLE_STATUSES),
        **_tabs(actor),
        **extra,
    }


def _form_error(form: Any, refusal: DomainError) -> None:
    field = str(refusal.details.get("field") or "").removesuffix("_id")
    form.add_error(field if field in form.fields else None, message_for(refusal))


urlpatterns = [
    path("<int:project_id>/deliverables/", deliverable_list, name="deliverables"),
    path("<int:project_id>/deliverables/new/", deliverable_create, name="deliverable_create"),
    path("<int:project_id>/deliverables/<int:deliverable_id>/", deliverable_detail,
         name="deliverable_detail"),
    path("<int:project_id>/deliverables/<int:deliverable_id>/edit/", deliverable_edit,
         name="deliverable_edit"),
    path("<int:project_id>/deliverables/<int:deliverable_id>/decide/", deliverable_decide,
         name="deliverable_decide"),
    path("<int:project_id>/deliverables/<int:deliverable_id>/delete/", deliverable_delete,
         name="deliverable_delete"),
]
