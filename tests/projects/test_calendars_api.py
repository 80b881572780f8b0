"""Working calendars through the API: staff read them, administrators change them, a change
(or a day off) reschedules the projects using the calendar; another organization's calendars
are 404."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.core.models import AuditEntry
from tandem.projects.models import CalendarException, WorkCalendar
from tandem.projects.services.calendars import default_calendar, exception_add
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db

STAFF = {"admin", "executive", "finance", "account_manager", "project_manager", "member"}


@pytest.fixture
def calendar(personas):
    return default_calendar(personas.organization)


def status_for(name, *, allowed):
    if name in {"client", "outsider"}:
        return 404
    return allowed if name == "admin" else 403


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_calendars(personas, calendar, name):
    api = personas[name].api()

    listed = api.get("/api/v1/calendars")
    detail = api.get(f"/api/v1/calendars/{calendar.pk}")

    assert listed.status_code == 200
    names = [c["name"] for c in listed.json()["items"]]
    assert names == (["Standard"] if name in STAFF else [])
    assert detail.status_code == (200 if name in STAFF else 404)
    if detail.status_code == 200:
        body = detail.json()
        assert (body["weekdays"], body["hours_per_day"], body["country"]) == (
            [0, 1, 2, 3, 4], 8.0, "VN")
        assert (body["is_default"], body["exceptions"]) == (True, [])


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_creates_calendars(personas, name):
    response = personas[name].api().post("/api/v1/calendars", {
        "name": "Six days", "weekdays": [0, 1, 2, 3, 4, 5], "hours_per_day": 7.5,
        "country": "vn",
    })

    # The outsider is the administrator of their own organization and creates it there.
    allowed = name in {"admin", "outsider"}
    assert response.status_code == (201 if allowed else 403), response.content
    if allowed:
        body = response.json()
        assert (body["weekdays"], body["hours_per_day"], body["country"]) == (
            [0, 1, 2, 3, 4, 5], 7.5, "VN")
        assert body["is_default"] is False
    acme = WorkCalendar.objects.filter(organization=personas.organization, name="Six days")
    assert acme.exists() == (name == "admin")


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"name": "X", "weekdays": [7]}, 422, None),
    ({"name": "X", "weekdays": []}, 422, None),
    ({"name": "X", "hours_per_day": 0}, 422, None),
    ({"name": "X", "country": "ZZ"}, 422, "country"),
    ({"name": "Standard"}, 409, "name"),
])
def test_bad_calendars_are_refused(personas, calendar, body, status, field):
    response = personas.admin.api().post("/api/v1/calendars", body)

    assert response.status_code == status, response.content
    if field:
        assert response.json()["field"] == field


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_edits_calendars(personas, calendar, name):
    response = personas[name].api().patch(f"/api/v1/calendars/{calendar.pk}",
                                          {"version": calendar.version, "hours_per_day": 7})

    assert response.status_code == status_for(name, allowed=200), response.content
    calendar.refresh_from_db()
    assert (calendar.hours_per_day == 7) == (name == "admin")


def test_working_on_saturdays_reschedules_the_projects_using_it(personas, calendar):
    project = make_project(personas)
    t1, t2 = add_tasks(personas, project, 5, 1)  # Mon 2 to Fri 6 March, then Mon 9
    api = personas.admin.api()

    response = api.patch(f"/api/v1/calendars/{calendar.pk}",
                         {"version": calendar.version, "weekdays": [5, 0, 1, 2, 3, 4, 0]})
    stale = api.patch(f"/api/v1/calendars/{calendar.pk}",
                      {"version": calendar.version, "name": "Old"})

    assert response.status_code == 200, response.content
    assert response.json()["weekdays"] == [0, 1, 2, 3, 4, 5]
    assert api.get(f"/api/v1/tasks/{t2.pk}").json()["start"] == "2026-03-07"
    assert stale.status_code == 409
    assert AuditEntry.objects.filter(action="calendar.update").count() == 1
    assert t1.pk


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_adds_and_removes_days_off(personas, calendar, name):
    api = personas[name].api()
    existing = exception_add(actor=personas.admin.actor, calendar=calendar,
                             day=dt.date(2026, 5, 4), working=False)

    added = api.post(f"/api/v1/calendars/{calendar.pk}/exceptions",
                     {"day": "2026-03-02", "name": "Company day"})
    removed = api.delete(f"/api/v1/calendars/{calendar.pk}/exceptions/{existing.pk}")

    assert added.status_code == status_for(name, allowed=201), added.content
    assert removed.status_code == status_for(name, allowed=204)


def test_a_day_off_moves_the_plan_and_removing_it_moves_it_back(personas, calendar):
    project = make_project(personas)
    (t1,) = add_tasks(personas, project, 2)
    api = personas.admin.api()

    added = api.post(f"/api/v1/calendars/{calendar.pk}/exceptions",
                     {"day": "2026-03-02", "working": False, "name": "Company day"})
    again = api.post(f"/api/v1/calendars/{calendar.pk}/exceptions", {"day": "2026-03-02"})
    moved = api.get(f"/api/v1/tasks/{t1.pk}").json()
    listed = api.get(f"/api/v1/calendars/{calendar.pk}").json()["exceptions"]
    exception_id = added.json()["id"]
    elsewhere = make_project(personas, code="P-2")
    other_calendar = api.post("/api/v1/calendars", {"name": "Other"}).json()
    wrong_calendar = api.delete(f"/api/v1/calendars/{other_calendar['id']}/exceptions/"
                                f"{exception_id}")
    removed = api.delete(f"/api/v1/calendars/{calendar.pk}/exceptions/{exception_id}")

    assert added.status_code == 201, added.content
    assert (added.json()["day"], added.json()["working"], added.json()["name"]) == (
        "2026-03-02", False, "Company day")
    assert (again.status_code, again.json()["field"]) == (409, "day")
    assert (moved["start"], moved["finish"]) == ("2026-03-03", "2026-03-04")
    assert [e["day"] for e in listed] == ["2026-03-02"]
    assert wrong_calendar.status_code == 404
    assert removed.status_code == 204
    assert api.get(f"/api/v1/tasks/{t1.pk}").json()["start"] == "2026-03-02"
    assert not CalendarException.objects.filter(pk=exception_id).exists()
    assert elsewhere.pk


def test_another_organizations_calendar_is_404(personas, calendar):
    theirs = default_calendar(personas.other_organization)
    api = personas.admin.api()

    assert api.get(f"/api/v1/calendars/{theirs.pk}").status_code == 404
    assert api.patch(f"/api/v1/calendars/{theirs.pk}", {"version": 1, "name": "Mine"}
                     ).status_code == 404
    assert api.post(f"/api/v1/calendars/{theirs.pk}/exceptions", {"day": "2026-03-02"}
                    ).status_code == 404
    assert [c["id"] for c in api.get("/api/v1/calendars").json()["items"]] == [calendar.pk]
