"""API of the calendar feed (the person's secret iCalendar address, and its reset) and of the
"my projects" dashboard.

No ``from __future__ import annotations`` here: ninja reads the parameter annotations at
runtime."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of
from tandem.projects.models import CalendarFeed, Deliverable, ProjectIssue, Task
from tandem.projects.schemas_feeds import CalendarFeedOut, DashboardOut
from tandem.projects.selectors.dashboard import Panel, ProjectsBoard, projects_board
from tandem.projects.services.feeds import feed_for, feed_reset, feed_url

router = Router(tags=["projects"])


def _feed_out(feed: CalendarFeed) -> dict[str, Any]:
    url = feed_url(feed)
    return {"url": url, "webcal_url": "webcal://" + url.split("://", 1)[-1],
            "created_at": feed.created_at}


@router.get("/me/calendar-feed", response={200: CalendarFeedOut, **ERRORS})
def get_calendar_feed(request: HttpRequest) -> dict[str, Any]:
    """Your iCalendar feed's secret address (made the first time you ask): the milestones of
    the projects you can see and the due dates of your tasks."""
    return _feed_out(feed_for(actor=actor_of(request)))


@router.post("/me/calendar-feed/reset", response={200: CalendarFeedOut, **ERRORS})
def reset_calendar_feed(request: HttpRequest) -> dict[str, Any]:
    """Give your feed a new secret address; the old one answers 404 from now on."""
    return _feed_out(feed_reset(actor=actor_of(request)))


@router.get("/projects/dashboard", response={200: DashboardOut, **ERRORS})
def get_dashboard(request: HttpRequest) -> dict[str, Any]:
    """Your open projects with their schedule status and reasons, milestones due in the next
    14 days, overdue and critical tasks, open project issues and deliverables awaiting the
    client's acceptance (an account manager: their clients' projects)."""
    return _board_out(projects_board(actor_of(request)))


def _board_out(board: ProjectsBoard) -> dict[str, Any]:
    return {
        "today": board.today, "horizon": board.horizon,
        "total_projects": board.total_projects, "late": board.late,
        "at_risk": board.at_risk, "on_track": board.on_track,
        "projects": [_project(row.project, row) for row in board.projects],
        "milestones": _tasks(board.milestones),
        "overdue_tasks": _tasks(board.overdue),
        "critical_tasks": _tasks(board.critical),
        "issues": {"total": board.issues.total,
                   "items": [_issue(i) for i in board.issues.rows]},
        "awaiting_acceptance": {"total": board.deliverables.total,
                                "items": [_deliverable(d) for d in board.deliverables.rows]},
    }


def _project(project: Any, row: Any) -> dict[str, Any]:
    return {
        "id": project.pk, "code": project.code, "name": project.name,
        "client_id": project.client_id,
        "client_name": project.client.name if project.client is not None else "",
        "manager_id": project.manager_id, "manager_name": project.manager.display_name,
        "status": project.status, "schedule_status": project.schedule_status,
        "schedule_reasons": [str(c) for c in project.schedule_reasons or []],
        "reasons": row.reasons, "finish_date": project.finish_date,
        "target_finish": project.target_finish, "overdue_tasks": row.overdue_tasks,
        "open_issues": row.open_issues, "awaiting_acceptance": row.awaiting_acceptance,
        "next_milestone": row.next_milestone, "next_milestone_on": row.next_milestone_on,
    }


def _tasks(panel: Panel[Task]) -> dict[str, Any]:
    return {"total": panel.total, "items": [{
        "id": t.pk, "project_id": t.project_id, "project_code": t.project.code, "name": t.name,
        "start": t.start, "finish": t.finish, "percent_complete": t.percent_complete,
        "is_critical": t.is_critical, "assignee_id": t.assignee_id,
        "assignee_name": t.assignee.display_name if t.assignee is not None else "",
    } for t in panel.rows]}


def _issue(issue: ProjectIssue) -> dict[str, Any]:
    return {"id": issue.pk, "project_id": issue.project_id, "project_code": issue.project.code,
            "title": issue.title, "priority": issue.priority, "status": issue.status,
            "owner_id": issue.owner_id, "due_date": issue.due_date}


def _deliverable(deliverable: Deliverable) -> dict[str, Any]:
    return {"id": deliverable.pk, "project_id": deliverable.project_id,
            "project_code": deliverable.project.code, "name": deliverable.name,
            "status": deliverable.status, "due_date": deliverable.due_date,
            "submitted_at": deliverable.submitted_at}
