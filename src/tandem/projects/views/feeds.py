"""Pages of the calendar feeds: the person's own feed URL (copy, reset), and the public
``.ics`` feed itself, which calendar apps fetch without signing in.

The feed's secret is its only credential: the feed is rate-limited per address, never cached by
shared caches, and an unknown or reset secret is a plain 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core.errors import NotFound
from tandem.projects.services.feeds import (
    MAX_SECRET_LENGTH,
    feed_calendar,
    feed_for,
    feed_owner,
    feed_reset,
    feed_url,
)
from tandem.web.decorators import ActorRequest, actor_required

# (requests, seconds) per client address: calendar apps poll every few minutes at most.
FEED_LIMIT = (60, 10 * 60)


@require_safe
@actor_required
def calendar_feed(request: ActorRequest) -> HttpResponse:
    feed = feed_for(actor=request.actor)
    url = feed_url(feed)
    return render(request, "projects/feeds/calendar_feed.html", {
        "feed": feed, "feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[-1],
    })


@require_POST
@actor_required
def calendar_feed_reset(request: ActorRequest) -> HttpResponse:
    feed_reset(actor=request.actor)
    messages.success(request, _("Your calendar feed has a new address. The old one no longer "
                                "works: subscribe again with the new one."))
    return redirect("projects:calendar_feed")


def _throttled(request: HttpRequest) -> bool:
    """Count this request in a fixed window; True once the address is over the limit."""
    allowed, seconds = FEED_LIMIT
    key = f"tandem:calendar-feed:{request.META.get('REMOTE_ADDR', 'unknown')}"
    if cache.add(key, 1, seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        return False
    return count > allowed


@never_cache
@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    if _throttled(request):
        response = HttpResponse("Too many requests.\n", status=429,
                                content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(FEED_LIMIT[1])
        return response
    try:
        if len(secret) > MAX_SECRET_LENGTH:
            raise NotFound("Calendar feed not found.")
        actor = feed_owner(secret)
    except NotFound:
        return HttpResponse("Not found.\n", status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(feed_calendar(actor), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns: list[URLPattern] = [
    path("calendar-feed/", calendar_feed, name="calendar_feed"),
    path("calendar-feed/reset/", calendar_feed_reset, name="calendar_feed_reset"),
    path("feeds/<str:secret>.ics", feed, name="feed"),
]
