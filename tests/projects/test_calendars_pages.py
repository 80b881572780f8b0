"""The working calendars page: administrators manage calendars and their exceptions (which
reschedules the projects using them); other staff read; the client's people get 404."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.projects.models import CalendarException, Task, WorkCalendar
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_calendars(personas, project, name):
    response = personas[name].browser().get("/projects/calendars/")
    assert response.status_code == (404 if name == "client" else 200)
    if response.status_code == 200:
        page = html(response)
        # the outsider sees their own organization's, not this one's
        assert ("Standard" in page) == (name != "outsider")
        assert ("Add a calendar" in page) == (name in {"admin", "outsider"})


def test_the_admin_adds_a_calendar_and_sees_form_errors(personas):
    browser = personas.admin.browser()
    response = browser.post("/projects/calendars/", {
        "name": "Six days", "weekdays": [0, 1, 2, 3, 4, 5], "hours_per_day": "8",
        "country": "vn", "subdivision": ""})
    assert response.status_code == 302
    calendar = WorkCalendar.objects.get(name="Six days")
    assert (calendar.weekdays, calendar.country) == ("0,1,2,3,4,5", "VN")
    bad = browser.post("/projects/calendars/", {"name": "Broken", "hours_per_day": "30",
                                                "country": "ZZ"})
    assert bad.status_code == 422
    page = html(bad)
    assert "This field is required." in page  # no weekdays
    assert "Ensure this value is less than or equal to 24." in page


def test_a_day_off_reschedules_the_projects_on_the_calendar(personas, project):
    (task,) = add_tasks(personas, project, 3)
    assert task.finish == dt.date(2026, 3, 4)
    browser = personas.admin.browser()
    response = browser.post(f"/projects/calendars/{project.calendar_id}/exceptions/",
                            {"day": "2026-03-03", "working": "0", "name": "Company day"},
                            follow=True)
    assert "Exception added" in html(response)
    assert "Company day" in html(response)
    task.refresh_from_db()
    assert task.finish == dt.date(2026, 3, 5)
    again = browser.post(f"/projects/calendars/{project.calendar_id}/exceptions/",
                         {"day": "2026-03-03", "working": "0"}, follow=True)
    assert "already has an exception" in html(again)
    exception = CalendarException.objects.get(calendar_id=project.calendar_id)
    browser.post(f"/projects/calendars/exceptions/{exception.pk}/delete/")
    assert Task.objects.get(pk=task.pk).finish == dt.date(2026, 3, 4)


def test_editing_a_calendar_with_its_version(personas, project):
    calendar = project.calendar
    browser = personas.admin.browser()
    data = {"name": "Standard", "weekdays": [0, 1, 2, 3, 4], "hours_per_day": "7.5",
            "country": "VN", "subdivision": "", "version": calendar.version}
    assert browser.post(f"/projects/calendars/{calendar.pk}/edit/", data).status_code == 302
    calendar.refresh_from_db()
    assert str(calendar.hours_per_day) == "7.50"
    stale = browser.post(f"/projects/calendars/{calendar.pk}/edit/", data)
    assert stale.status_code == 409


def test_only_admins_change_calendars(personas, project):
    pm = personas.project_manager.browser()
    assert pm.get(f"/projects/calendars/{project.calendar_id}/edit/").status_code == 403
    assert pm.post("/projects/calendars/", {"name": "Mine"}).status_code == 403
    assert pm.post(f"/projects/calendars/{project.calendar_id}/exceptions/",
                   {"day": "2026-03-03", "working": "0"}).status_code == 403
    outsider = personas.outsider.browser()
    assert outsider.get(f"/projects/calendars/{project.calendar_id}/edit/").status_code == 404
