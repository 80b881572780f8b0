"""Pages of a project's issue log: the list with filters (HTMX), raising and editing an issue
(the PM), moving it through its statuses (the PM or the issue's owner); and, on the client issue
page, the panel that escalates a client issue into a project issue (the client's AM or an
administrator) or shows the project issue it became."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core.actor import Actor
from tandem.core.errors import DomainError, PermissionDenied
from tandem.projects.access import can_edit_project
from tandem.projects.forms_issues import EscalateForm, IssueFilterForm, IssueForm, TransitionForm
from tandem.projects.models import Project, ProjectIssue
from tandem.projects.selectors import issues as selectors
from tandem.projects.services import issues as services
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50


def _ensure_editor(actor: Actor, project: Project) -> None:
    if not can_edit_project(actor, project):
        raise PermissionDenied("Only the project's manager or an administrator can change "
                               "its issue log.")


@require_safe
@actor_required
def issue_list(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for_issues(actor, project_id)
    filters = IssueFilterForm(request.GET, actor=actor, project=project)
    page = Paginator(selectors.issue_list(actor, project=project, **filters.filters()),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"project": project, "filters": filters, "page": page,
               "issues": list(page.object_list), "can_edit": can_edit_project(actor, project)}
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("projects/issues/partials/results.html" if partial
                else "projects/issues/list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def issue_create(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = selectors.project_for_issues(actor, project_id)
    _ensure_editor(actor, project)
    form = IssueForm(request.POST or None, actor=actor, project=project)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issue = services.project_issue_create(actor=actor, project=project,
                                                      **form.values())
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Issue logged."))
                return redirect("projects:issue_detail", project.pk, issue.pk)
        else:
            status = 422
    return render(request, "projects/issues/form.html",
                  {"form": form, "project": project, "issue": None}, status=status)


@require_safe
@actor_required
def issue_detail(request: ActorRequest, project_id: int, issue_id: int) -> HttpResponse:
    actor = request.actor
    issue = selectors.issue_get(actor, issue_id, project_id=project_id)
    return render(request, "projects/issues/detail.html", _detail_context(actor, issue))


@require_http_methods(["GET", "POST"])
@actor_required
def issue_edit(request: ActorRequest, project_id: int, issue_id: int) -> HttpResponse:
    actor = request.actor
    issue = selectors.issue_get(actor, issue_id, project_id=project_id)
    project = issue.project
    _ensure_editor(actor, project)
    initial = {"title": issue.title, "description": issue.description,
               "priority": issue.priority, "owner": issue.owner_id, "due_date": issue.due_date,
               "version": issue.version}
    form = IssueForm(request.POST or None, actor=actor, project=project, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.project_issue_update(
                    actor=actor, issue=issue, expected_version=form.cleaned_data["version"] or 0,
                    changes=form.values())
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Issue saved."))
                return redirect("projects:issue_detail", project.pk, issue.pk)
        else:
            status = 422
    return render(request, "projects/issues/form.html",
                  {"form": form, "project": project, "issue": issue}, status=status)


@require_POST
@actor_required
def issue_transition(request: ActorRequest, project_id: int, issue_id: int) -> HttpResponse:
    """A status button (with the resolution when resolving); HTMX swaps the status panel."""
    actor = request.actor
    issue = selectors.issue_get(actor, issue_id, project_id=project_id)
    form = TransitionForm(request.POST)
    error, status = "", 200
    if not form.is_valid():
        error, status = _("Choose a status and try again."), 422
    else:
        try:
            services.project_issue_transition(
                actor=actor, issue=issue, expected_version=form.cleaned_data["version"],
                to_status=form.cleaned_data["to_status"],
                resolution=form.cleaned_data["resolution"])
        except DomainError as refusal:
            error, status = message_for(refusal), refusal.status
    notice = "" if error else _("Status changed.")
    if request.htmx:
        fresh = selectors.issue_get(actor, issue_id, project_id=project_id)
        return render(request, "projects/issues/partials/panel.html",
                      _detail_context(actor, fresh, panel_error=error, panel_notice=notice),
                      status=status)
    (messages.error if error else messages.success)(request, error or notice)
    return redirect("projects:issue_detail", project_id, issue_id)


@require_http_methods(["GET", "POST"])
@actor_required
def client_issue_escalation(request: ActorRequest, client_issue_id: int) -> HttpResponse:
    """The escalation panel of a client issue page (loaded by HTMX): the project issue it
    became, or for its AM and administrators the form that escalates it."""
    actor = request.actor
    client_issue = selectors.client_issue_get(actor, client_issue_id)
    escalated = selectors.escalation_of(actor, client_issue)
    was_escalated = escalated is not None or selectors.was_escalated(client_issue)
    can_escalate = not was_escalated and services.can_escalate(actor, client_issue)
    form = EscalateForm(request.POST or None, actor=actor,
                        client_issue=client_issue) if can_escalate else None
    error, status = "", 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the client's account manager or an administrator can "
                                   "escalate a client issue, once.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                escalated = services.escalate_client_issue(
                    actor=actor, client_issue=client_issue, project=data["project"],
                    priority=data["priority"] or None, due_date=data["due_date"])
            except DomainError as refusal:
                error, status = message_for(refusal), refusal.status
            else:
                if not request.htmx:
                    messages.success(request, _("Escalated to the project's issue log."))
                    return redirect("clients:issue_detail", client_issue.pk)
                form = None
        else:
            error, status = _("Choose one of the client's open projects."), 422
        if error and not request.htmx:
            messages.error(request, error)
            return redirect("clients:issue_detail", client_issue.pk)
    return render(request, "projects/issues/partials/escalation.html", {
        "client_issue": client_issue, "escalated": escalated, "form": form,
        "escalated_unseen": escalated is None and was_escalated,
        "is_staff": actor.is_staff,
        "panel_error": error,
        "panel_notice": _("Escalated to the project's issue log.")
        if request.method == "POST" and not error else "",
    }, status=status)


def _detail_context(actor: Actor, issue: ProjectIssue, **extra: Any) -> dict[str, Any]:
    can_work = services.can_work_on_issue(actor, issue)
    return {
        "project": issue.project,
        "issue": issue,
        "transitions": services.allowed_transitions(issue) if can_work else [],
        "can_edit": services.can_edit_issue(actor, issue),
        **extra,
    }


def _form_error(form: Any, refusal: DomainError) -> None:
    field = str(refusal.details.get("field") or "").removesuffix("_id")
    form.add_error(field if field in form.fields else None, message_for(refusal))


urlpatterns = [
    path("<int:project_id>/issues/", issue_list, name="issues"),
    path("<int:project_id>/issues/new/", issue_create, name="issue_create"),
    path("<int:project_id>/issues/<int:issue_id>/", issue_detail, name="issue_detail"),
    path("<int:project_id>/issues/<int:issue_id>/edit/", issue_edit, name="issue_edit"),
    path("<int:project_id>/issues/<int:issue_id>/transition/", issue_transition,
         name="issue_transition"),
    path("client-issues/<int:client_issue_id>/escalation/", client_issue_escalation,
         name="client_issue_escalation"),
]
