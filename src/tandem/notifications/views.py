"""The inbox page: a person's notifications, newest first, with mark-read (HTMX)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from tandem.notifications import selectors, services
from tandem.web.decorators import ActorRequest, actor_required

PAGE_SIZE = 50


@require_safe
@actor_required
def inbox(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    unread_only = request.GET.get("unread") == "1"
    context = {
        "page": Paginator(selectors.inbox(actor, unread_only=unread_only), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "unread_only": unread_only,
        "unread": selectors.unread_count(actor),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("notifications/partials/inbox_results.html" if partial
                else "notifications/inbox.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@actor_required
def mark_read(request: ActorRequest, notification_id: int) -> HttpResponse:
    actor = request.actor
    notification = selectors.notification_get(actor, notification_id)
    services.notification_mark_read(actor=actor, notification=notification)
    if request.htmx:
        return render(request, "notifications/partials/notification.html", {"n": notification})
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    if request.POST.get("open") and notification.url and safe:
        return redirect(notification.url)
    return redirect("notifications:inbox")


@require_POST
@actor_required
def mark_all_read(request: ActorRequest) -> HttpResponse:
    services.notification_mark_all_read(actor=request.actor)
    return redirect("notifications:inbox")
