"""The Gantt chart page: the chart itself is drawn in the browser by ``projects/gantt.js`` from
``GET /api/v1/projects/{id}/gantt``; bars dragged by the project's manager or an administrator are
saved through ``PATCH /api/v1/tasks/{id}``. Everyone else who may see the plan gets it read-only."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from tandem.projects.access import can_edit_project
from tandem.projects.selectors.gantt import gantt_project
from tandem.web.decorators import ActorRequest, actor_required


@require_safe
@actor_required
def gantt(request: ActorRequest, project_id: int) -> HttpResponse:
    actor = request.actor
    project = gantt_project(actor, project_id)
    return render(request, "projects/gantt/gantt.html", {
        "project": project,
        "can_edit": can_edit_project(actor, project),
    })


urlpatterns: list[URLPattern] = [
    path("<int:project_id>/gantt/", gantt, name="gantt"),
]
