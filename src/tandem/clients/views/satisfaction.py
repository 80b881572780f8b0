"""Pages of the AM side: satisfaction surveys (the list, "Send a survey") and a client's health
(the score, the factors that moved it with their reasons, its history and satisfaction trends).

The same rules as the API: surveys are read by admins, executives, the owning account manager
and the client's own people, and sent by an administrator or the owning account manager;
health is read by admins, executives, account managers and finance. Anything else is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from tandem.clients import health
from tandem.clients.access import DETAIL_READERS
from tandem.clients.forms_activity import can_log, editable_clients
from tandem.clients.forms_satisfaction import SurveyFilterForm, SurveySendForm
from tandem.clients.models import Client, HealthSnapshot, Survey, SurveyKind
from tandem.clients.selectors_dashboard import SPARK_HEIGHT, SPARK_WIDTH, sparkline_points
from tandem.clients.selectors_satisfaction import (
    satisfaction_client,
    satisfaction_trends,
    survey_list,
)
from tandem.clients.services.surveys import survey_send
from tandem.core.actor import Actor
from tandem.core.errors import DomainError, NotFound
from tandem.core.roles import Role
from tandem.core.scoping import get_scoped
from tandem.web.decorators import ActorRequest, actor_required
from tandem.web.errors import message_for

PAGE_SIZE = 50
HISTORY_DAYS = (90, 180, 365)
DEFAULT_HISTORY_DAYS = 180

# The history chart: a plot area inside margins for the axis labels (SVG user units).
CHART_WIDTH, CHART_HEIGHT = 640, 200
PLOT_LEFT, PLOT_TOP, PLOT_RIGHT, PLOT_BOTTOM = 36, 10, 8, 24
GRID_SCORES = (0, 25, 50, 75, 100)

FACTOR_LABELS = {
    "contact_cadence": gettext_lazy("Contact"),
    "open_issues": gettext_lazy("Client issues"),
    "satisfaction": gettext_lazy("Satisfaction"),
}
REFUSALS = {
    "invalid_contact": ("contact", gettext_lazy("Choose a contact of this client.")),
    "contact_without_email": ("contact", gettext_lazy(
        "The contact has no email address to send the survey to.")),
    "invalid_issue": ("issue", gettext_lazy("Choose an issue of this client.")),
    "invalid_period": ("period", gettext_lazy("The quarter looks like 2026-Q2.")),
}


# ------------------------------------------------------------------------------ surveys
def _ensure_survey_reader(actor: Actor) -> None:
    if actor.role not in DETAIL_READERS[Survey]:
        raise Http404


@require_safe
@actor_required
def survey_list_page(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_survey_reader(actor)
    filters = SurveyFilterForm(request.GET, actor=actor)
    surveys = survey_list(actor, **filters.filters()).select_related("issue")
    page = Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "now": timezone.now(),
        "can_send": can_log(actor),
        "is_staff": actor.role != Role.CLIENT,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = ("clients/satisfaction/partials/survey_results.html" if partial
                else "clients/satisfaction/survey_list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def survey_send_page(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _ensure_survey_reader(actor)
    if not can_log(actor):
        raise Http404
    client = _chosen_client(actor, request.POST.get("client") or request.GET.get("client"))
    if request.method == "POST":
        form = SurveySendForm(request.POST, actor=actor, client=client)
    else:
        initial: dict[str, Any] = {"client": client} if client else {}
        for name in ("kind", "period"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        form = SurveySendForm(actor=actor, client=client, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey, _token = survey_send(
                    actor=actor, client=data["client"], kind=data["kind"],
                    contact=data["contact"], issue=data["issue"],
                    period=data["period"] or None,
                )
            except DomainError as refusal:
                _form_error(form, refusal, data)
                status = refusal.status
            else:
                contact = survey.contact.name if survey.contact else ""
                messages.success(request, _("Survey sent to %(contact)s.") % {"contact": contact})
                url = reverse("clients:surveys") + "?" + urlencode({"client": survey.client_id})
                return redirect(url)
        else:
            status = 422
    template = ("clients/satisfaction/partials/send_form.html"
                if request.htmx and request.method == "GET"
                else "clients/satisfaction/survey_send.html")
    response = render(request, template, {"form": form, "client": client}, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _chosen_client(actor: Actor, value: str | None) -> Client | None:
    if not value:
        return None
    try:
        return editable_clients(actor).get(pk=int(value))
    except (ValueError, OverflowError, Client.DoesNotExist):
        return None


def _form_error(form: SurveySendForm, refusal: DomainError, data: dict[str, Any]) -> None:
    if refusal.code == "survey_already_sent":
        if data.get("kind") == SurveyKind.NPS:
            message = _("An NPS survey for %(period)s was already sent to this contact.") % {
                "period": data.get("period") or _("this quarter")}
        else:
            message = _("A CSAT survey was already sent for this issue.")
        form.add_error(None, message)
        return
    field, text = REFUSALS.get(refusal.code, (None, None))
    form.add_error(field, str(text) if text else message_for(refusal))


# ------------------------------------------------------------------------------ health
@dataclass(frozen=True)
class Chart:
    """The health history drawn server-side: the step line and its axes."""

    width: int
    height: int
    points: str
    grid: list[tuple[int, float]]  # (score, y)
    start: dt.datetime
    end: dt.datetime
    plot_left: int
    plot_right: float
    plot_bottom: float


def history_chart(history: list[dict[str, Any]], since: dt.datetime,
                  now: dt.datetime) -> Chart | None:
    """The dashboard's sparkline (a step line that holds each score until the next), scaled
    from its small box into a larger chart with a grid at 0, 25, 50, 75 and 100."""
    points = [(row["computed_at"], row["score"]) for row in history]
    small = sparkline_points(points, since, now)
    if not small:
        return None
    plot_width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM

    def y_of(score: float) -> float:
        return PLOT_TOP + plot_height * (100 - score) / 100

    scaled = []
    for pair in small.split():
        x, y = (float(v) for v in pair.split(","))
        # the sparkline maps 0..100 to y = 1..SPARK_HEIGHT-1
        score = 100 - (y - 1) * 100 / (SPARK_HEIGHT - 2)
        scaled.append(f"{PLOT_LEFT + plot_width * x / SPARK_WIDTH:.1f},{y_of(score):.1f}")
    return Chart(
        width=CHART_WIDTH, height=CHART_HEIGHT, points=" ".join(scaled),
        grid=[(s, round(y_of(s), 1)) for s in GRID_SCORES], start=since, end=now,
        plot_left=PLOT_LEFT, plot_right=CHART_WIDTH - PLOT_RIGHT,
        plot_bottom=CHART_HEIGHT - PLOT_BOTTOM + 16,
    )


def health_band(score: int | None) -> str:
    if score is None:
        return "unknown"
    return "good" if score >= 75 else "watch" if score >= 50 else "at_risk"


@require_safe
@actor_required
def client_health_page(request: ActorRequest, client_id: int) -> HttpResponse:
    actor = request.actor
    if actor.role not in DETAIL_READERS[HealthSnapshot]:
        raise Http404
    try:
        days = int(request.GET.get("days", DEFAULT_HISTORY_DAYS))
    except ValueError:
        days = DEFAULT_HISTORY_DAYS
    if days not in HISTORY_DAYS:
        days = DEFAULT_HISTORY_DAYS
    now = timezone.now()
    client = get_scoped(Client, actor, pk=client_id)
    view = health.health_of(actor, client.pk, days=days, now=now)
    factors = sorted(
        ({**f, "label": FACTOR_LABELS.get(f.get("key", ""), f.get("label", ""))}
         for f in view.factors),
        key=lambda f: (f.get("impact", 0), str(f["label"])),
    )
    trends = None
    try:
        trends = satisfaction_trends(actor, satisfaction_client(actor, client.pk), now=now)
    except NotFound:
        trends = None  # health is wider than satisfaction (finance, a colleague's client)
    rate = trends.response_rate if trends else None
    context = {
        "client": client,
        "health": view,
        "band": health_band(view.score),
        "factors": factors,
        "chart": history_chart(view.history, now - dt.timedelta(days=days), now),
        "history": list(reversed(view.history)),
        "trend": (view.history[-1]["score"] - view.history[0]["score"]
                  if len(view.history) >= 2 else None),
        "days": days,
        "day_choices": HISTORY_DAYS,
        "trends": trends,
        "response_rate": None if rate is None else round(rate * 100),
        "can_send": can_log(actor) and trends is not None
        and editable_clients(actor).filter(pk=client.pk).exists(),
    }
    return render(request, "clients/satisfaction/client_health.html", context)


urlpatterns = [
    path("surveys/", survey_list_page, name="surveys"),
    path("surveys/new/", survey_send_page, name="survey_send"),
    path("<int:client_id>/health/", client_health_page, name="client_health"),
]
