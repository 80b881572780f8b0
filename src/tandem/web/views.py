"""The shell's pages: the role dashboard, people, audit log, API tokens.

Each view parses its input, asks the access helpers, calls one selector or service, and renders.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.billing.views.receivables import dashboard_panels as money_panels
from tandem.clients.selectors_dashboard import my_book
from tandem.core import selectors, services, tokens
from tandem.core.access import can_manage_members, can_read_audit
from tandem.core.errors import DomainError, PermissionDenied
from tandem.core.models import ApiToken, Membership
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped
from tandem.projects.selectors.dashboard import projects_board
from tandem.web import selectors as web_selectors
from tandem.web.dashboards import DASHBOARDS
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for
from tandem.web.forms import AuditFilterForm, MemberFilterForm, MemberUpdateForm, TokenCreateForm

PAGE_SIZE = 50


@require_safe
@actor_required
def home(request: ActorRequest) -> HttpResponse:
    dashboard = DASHBOARDS[request.actor.role]
    context: dict[str, Any] = {"dashboard": dashboard}
    if request.actor.role in {Role.ACCOUNT_MANAGER, Role.EXECUTIVE}:
        am = request.GET.get("am", "")
        owner_id = int(am) if am.isdigit() and len(am) < 10 else None
        context["book"] = my_book(request.actor, owner_id=owner_id)
        context["money"] = money_panels(request.actor, owner_id=owner_id)
    if request.actor.role == Role.FINANCE:
        context["money"] = money_panels(request.actor)
    if request.actor.role in {Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER}:
        context["projects_board"] = projects_board(request.actor)
    return render(request, dashboard.template, context)


@require_safe
@actor_required
def members(request: ActorRequest) -> HttpResponse:
    """The organization's people, filtered by role and name or email; HTMX gets only the results."""
    actor = request.actor
    if not actor.is_staff:
        raise Http404
    filters = MemberFilterForm(request.GET)
    role, search = filters.filters()
    people = selectors.member_list(actor, role=role, search=search)
    context = {
        "filters": filters,
        "page": Paginator(people, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_manage": can_manage_members(actor),
        "roles": Role.choices,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "web/partials/member_rows.html" if partial else "web/members.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@actor_required
def member_update(request: ActorRequest, membership_id: int) -> HttpResponse:
    """An administrator changes a member's role or active flag, from the row on the people page.

    The form carries the version the row showed; a change made by someone else since then is
    refused (409) and the row comes back with the current values and an explanation."""
    actor = request.actor
    membership = web_selectors.member_for_update(actor, membership_id)
    if not can_manage_members(actor):
        raise PermissionDenied("Only an administrator can change members.")
    form = MemberUpdateForm(request.POST)
    error, notice, status = "", "", 200
    if not form.is_valid():
        error, status = _("Choose one of the roles and try again."), 422
    else:
        changes = _changed_fields(membership, form.cleaned_data)
        try:
            if changes:
                services.member_update(
                    actor=actor,
                    membership=membership,
                    expected_version=form.cleaned_data["version"],
                    **changes,
                )
                notice = _("Saved.")
            else:
                notice = _("Nothing to change.")
        except DomainError as refusal:
            error, status = message_for(refusal), refusal.status
        membership = web_selectors.member_for_update(actor, membership_id)
    if request.htmx:
        context = {
            "m": membership,
            "can_manage": True,
            "roles": Role.choices,
            "row_error": error,
            "row_notice": notice,
        }
        return render(request, "web/partials/member_row.html", context, status=status)
    person = membership.user.display_name
    if error:
        messages.error(request, _("%(person)s: %(text)s") % {"person": person, "text": error})
    else:
        messages.success(request, _("%(person)s: %(text)s") % {"person": person, "text": notice})
    return redirect("web:members")


def _changed_fields(membership: Membership, data: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if data["role"] != membership.role:
        changes["role"] = data["role"]
    if data["is_active"] != membership.is_active:
        changes["is_active"] = data["is_active"]
    return changes


@require_safe
@actor_required
def audit(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not can_read_audit(actor):
        raise Http404
    filters = AuditFilterForm(request.GET)
    object_type, object_id = filters.filters()
    entries = selectors.audit_list(actor, object_type=object_type, object_id=object_id)
    context = {
        "filters": filters,
        "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "web/audit.html", context)


@require_http_methods(["GET", "POST"])
@actor_required
def api_tokens(request: ActorRequest) -> HttpResponse:
    """The person's own API tokens in this organization; a new token's secret is shown once,
    in the response to the request that created it, and never stored."""
    actor = request.actor
    form = TokenCreateForm(request.POST or None)
    new_secret, new_token, status = None, None, 200
    if request.method == "POST":
        if form.is_valid():
            new_token, new_secret = tokens.token_issue(
                membership=web_selectors.own_membership(actor),
                name=form.cleaned_data["name"],
                request_id=actor.request_id,
            )
            form = TokenCreateForm()
            status = 201
        else:
            status = 422
    context = {
        "form": form,
        "rows": web_selectors.token_rows(actor),
        "new_secret": new_secret,
        "new_token": new_token,
        "token_days": settings.TANDEM_API_TOKEN_DAYS,
    }
    return render(request, "web/tokens.html", context, status=status)


@require_POST
@actor_required
def revoke_api_token(request: ActorRequest, token_id: int) -> HttpResponse:
    actor = request.actor
    token = get_scoped(ApiToken, actor, pk=token_id)
    tokens.token_revoke(actor=actor, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {
        "name": token.name or token.prefix,
    })
    return redirect("web:tokens")
