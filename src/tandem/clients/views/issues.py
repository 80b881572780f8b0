"""Pages of the AM side: client issues — the list with SLA timers, opening one, the detail with
its timeline and status buttons (HTMX), editing, comments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.clients import selectors_activity as selectors
from tandem.clients.access import DETAIL_READERS
from tandem.clients.forms_activity import (
    CommentForm,
    IssueEditForm,
    IssueFilterForm,
    IssueForm,
    TransitionForm,
    can_log,
    chosen_client,
)
from tandem.clients.models import ClientIssue
from tandem.clients.services import issues as services
from tandem.core.actor import Actor
from tandem.core.errors import DomainError
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50


def _ensure_reader(actor: Actor) -> None:
    if actor.role not in DETAIL_READERS[ClientIssue]:
        raise Http404


@require_safe
@actor_required
def issue_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    filters = IssueFilterForm(request.GET, actor=actor)
    page = Paginator(selectors.issue_list(actor, **filters.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    issues = list(page.object_list)
    states = selectors.sla_states(actor, issues)
    context = {
        "filters": filters,
        "page": page,
        "rows": [(issue, states[issue.pk]) for issue in issues],
        "can_open": can_log(actor),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("clients/activity/partials/issue_results.html" if partial
                else "clients/activity/issue_list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def issue_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    if not can_log(actor):
        raise Http404
    client = chosen_client(actor, request.POST.get("client") or request.GET.get("client"))
    form = IssueForm(request.POST or None, actor=actor, client=client,
                     initial={"client": client} if client else {})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.issue_open(
                    actor=actor, client=data["client"], title=data["title"],
                    description=data["description"], severity=data["severity"],
                    raised_by_id=data["raised_by"].pk if data["raised_by"] else None,
                    owner_id=data["owner"].pk if data["owner"] else None,
                )
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Issue opened."))
                return redirect("clients:issue_detail", issue.pk)
        else:
            status = 422
    return render(request, "clients/activity/issue_form.html",
                  {"form": form, "issue": None}, status=status)


@require_safe
@actor_required
def issue_detail(request: ActorRequest, issue_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    issue = selectors.issue_get(actor, issue_id)
    return render(request, "clients/activity/issue_detail.html", _detail_context(actor, issue))


@require_POST
@actor_required
def issue_transition(request: ActorRequest, issue_id: int) -> HttpResponse:
    """A status button: HTMX swaps the status panel and timeline; refusals explain themselves."""
    actor = request.actor
    _ensure_reader(actor)
    issue = selectors.issue_get(actor, issue_id)
    form = TransitionForm(request.POST)
    error, status = "", 200
    if not form.is_valid():
        error, status = _("Choose a status and try again."), 422
    else:
        try:
            services.issue_transition(
                actor=actor, issue=issue, to_status=form.cleaned_data["to_status"],
                expected_version=form.cleaned_data["version"], note=form.cleaned_data["note"],
            )
        except DomainError as refusal:
            error, status = message_for(refusal), refusal.status
    return _detail_response(request, issue_id, error=error,
                            notice="" if error else _("Status changed."), status=status)


@require_POST
@actor_required
def issue_comment(request: ActorRequest, issue_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    issue = selectors.issue_get(actor, issue_id)
    form = CommentForm(request.POST)
    error, status = "", 200
    if not form.is_valid():
        error, status = _("Write a comment."), 422
    else:
        try:
            services.issue_comment(actor=actor, issue=issue, note=form.cleaned_data["note"])
        except DomainError as refusal:
            error, status = message_for(refusal), refusal.status
    return _detail_response(request, issue_id, error=error,
                            notice="" if error else _("Comment added."), status=status)


@require_http_methods(["GET", "POST"])
@actor_required
def issue_edit(request: ActorRequest, issue_id: int) -> HttpResponse:
    actor = request.actor
    _ensure_reader(actor)
    issue = selectors.issue_get(actor, issue_id)
    if not services.can_work_on_issue(actor, issue):
        raise Http404
    initial = {"title": issue.title, "description": issue.description,
               "severity": issue.severity, "owner": issue.owner, "version": issue.version}
    form = IssueEditForm(request.POST or None, actor=actor, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.issue_update(
                    actor=actor, issue=issue, expected_version=data["version"],
                    title=data["title"], description=data["description"],
                    severity=data["severity"], owner_id=data["owner"].pk, note=data["note"],
                )
            except DomainError as refusal:
                _form_error(form, refusal)
                status = refusal.status
            else:
                messages.success(request, _("Issue saved."))
                return redirect("clients:issue_detail", issue.pk)
        else:
            status = 422
    return render(request, "clients/activity/issue_form.html",
                  {"form": form, "issue": issue}, status=status)


def _detail_context(actor: Actor, issue: ClientIssue, **extra: Any) -> dict[str, Any]:
    can_work = services.can_work_on_issue(actor, issue)
    return {
        "issue": issue,
        "sla": selectors.sla_states(actor, [issue])[issue.pk],
        "timeline": list(selectors.issue_timeline(actor, issue)),
        "transitions": services.allowed_transitions(issue) if can_work else [],
        "can_work": can_work,
        "can_comment": services.can_comment_on_issue(actor, issue),
        "comment_form": CommentForm(),
        **extra,
    }


def _detail_response(request: ActorRequest, issue_id: int, *, error: str, notice: str,
                     status: int) -> HttpResponse:
    actor = request.actor
    issue = selectors.issue_get(actor, issue_id)
    if request.htmx:
        context = _detail_context(actor, issue, panel_error=error, panel_notice=notice)
        return render(request, "clients/activity/partials/issue_panel.html", context,
                      status=status)
    (messages.error if error else messages.success)(request, error or notice)
    return redirect("clients:issue_detail", issue_id)


def _form_error(form: Any, refusal: DomainError) -> None:
    field = str(refusal.details.get("field") or "")
    field = {"raised_by_id": "raised_by", "owner_id": "owner"}.get(field, field)
    form.add_error(field if field in form.fields else None, message_for(refusal))


urlpatterns = [
    path("issues/", issue_list, name="issues"),
    path("issues/new/", issue_create, name="issue_create"),
    path("issues/<int:issue_id>/", issue_detail, name="issue_detail"),
    path("issues/<int:issue_id>/edit/", issue_edit, name="issue_edit"),
    path("issues/<int:issue_id>/transition/", issue_transition, name="issue_transition"),
    path("issues/<int:issue_id>/comment/", issue_comment, name="issue_comment"),
]
