"""API of the Gantt chart: everything the chart draws for one project, in one answer.

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""

import json

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.projects.schemas_gantt import GanttOut
from tandem.projects.selectors import gantt as selectors

router = Router(tags=["projects"])


@router.get("/projects/{int:project_id}/gantt", response={200: GanttOut, **ERRORS})
def project_gantt(
    request: HttpRequest,
    project_id: int,
    baseline: int | None = Query(
        None, ge=0, le=10, description="Baseline number to draw (default: the first saved one)"
    ),
) -> HttpResponse:
    """The project's tasks in WBS order with their schedule, the dependencies, one baseline's
    bars and the dates that frame the chart. A constant handful of queries whatever the plan's
    size; the JSON is built directly (it matches ``GanttOut``)."""
    actor = actor_of(request)
    project = selectors.gantt_project(actor, project_id)
    data = selectors.gantt_data(actor, project, baseline=baseline)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type="application/json")
