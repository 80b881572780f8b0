"""The shell's pages: the role dashboard, people, audit log, API tokens."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.contrib import messages
from django.utils.translation import gettext as _

from tandem.core import selectors, tokens
from tandem.core.access import can_read_audit
from tandem.core.models import ApiToken, Membership
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped
from tandem.web.dashboards import DASHBOARDS
from tandem.web.decorators import actor_required

PAGE_SIZE = 50


@actor_required
def home(request: HttpRequest) -> HttpResponse:
    dashboard = DASHBOARDS[request.actor.role]  # type: ignore[attr-defined]
    return render(request, dashboard.template, {"dashboard": dashboard})


@actor_required
def members(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if actor.role == Role.CLIENT:
        raise Http404
    role = request.GET.get("role", "")
    search = request.GET.get("q", "")[:100]
    page = Paginator(selectors.member_list(actor, role=role, search=search), PAGE_SIZE)
    context = {
        "page": page.get_page(request.GET.get("page")),
        "roles": Role.choices,
        "role": role,
        "q": search,
    }
    template = "web/partials/member_rows.html" if request.htmx else "web/members.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@actor_required
def audit(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not can_read_audit(actor):
        raise Http404
    object_type = request.GET.get("object_type", "")[:64]
    object_id = request.GET.get("object_id", "")[:64]
    entries = selectors.audit_list(actor, object_type=object_type, object_id=object_id)
    page = Paginator(entries.select_related("actor"), PAGE_SIZE)
    context = {
        "page": page.get_page(request.GET.get("page")),
        "object_type": object_type,
        "object_id": object_id,
    }
    return render(request, "web/audit.html", context)


@require_http_methods(["GET", "POST"])
@actor_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    new_secret = None
    if request.method == "POST":
        membership = get_scoped(Membership, actor, user_id=actor.user_id, is_active=True)
        _token, new_secret = tokens.token_issue(
            membership=membership, name=request.POST.get("name", "")[:100],
            request_id=actor.request_id,
        )
    return render(request, "web/tokens.html", {
        "tokens": selectors.token_list(actor), "new_secret": new_secret,
    })


@require_POST
@actor_required
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    tokens.token_revoke(actor=actor, token=get_scoped(ApiToken, actor, pk=token_id))
    messages.success(request, _("The token was revoked."))
    return redirect("web:tokens")
