"""The "my projects" dashboard page: the acting person's open projects and what needs their
attention this fortnight (see ``tandem.projects.selectors.dashboard``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from tandem.projects.selectors.dashboard import projects_board
from tandem.web.decorators import ActorRequest, actor_required


@require_safe
@actor_required
def dashboard(request: ActorRequest) -> HttpResponse:
    board = projects_board(request.actor)
    return render(request, "projects/dashboard/dashboard.html", {"board": board})


urlpatterns: list[URLPattern] = [
    path("dashboard/", dashboard, name="dashboard"),
]
