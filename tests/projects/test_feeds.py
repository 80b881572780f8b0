"""iCalendar feeds: a secret per-person URL with the milestones the person can see and their own
tasks' due dates; resetting the secret kills the old URL; losing access empties or closes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar

from tandem.core.models import AuditEntry, Membership
from tandem.projects.models import CalendarFeed
from tandem.projects.services.feeds import feed_for, feed_reset
from tandem.projects.services.plan import task_create
from tandem.projects.services.projects import member_add
from tests.projects.factories import make_project
from tests.web.helpers import page

pytestmark = pytest.mark.django_db
# The feed reaches 180 days back: plans here start on this week's Monday.
START = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plan(personas):
    """Two projects: the PM's (with the member on the team and a task of theirs) and one of
    another PM that neither sees."""
    from tests.factories import MembershipFactory

    admin = personas.admin.actor
    mine = make_project(personas, code="FEED-1", start_date=START)
    member_add(actor=admin, project=mine, user_id=personas.member.user.pk)
    build = task_create(actor=admin, project=mine, name="Build the API", duration=5,
                        assignee_id=personas.member.user.pk)
    gate = task_create(actor=admin, project=mine, name="Design approved", duration=0,
                       constraint_type="MSO", constraint_date=START + dt.timedelta(days=10))
    other_pm = MembershipFactory(organization=personas.organization, role="project_manager").user
    theirs = make_project(personas, code="HIDDEN", manager_id=other_pm.pk, client=False)
    task_create(actor=admin, project=theirs, name="Secret launch", duration=0,
                constraint_type="MSO", constraint_date=START + dt.timedelta(days=3))
    for task in (build, gate):
        task.refresh_from_db()
    return {"mine": mine, "theirs": theirs, "build": build, "gate": gate}


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _path(persona):
    secret = feed_for(actor=persona.actor).secret
    return f"/projects/feeds/{secret}.ics"


def test_the_feed_has_visible_milestones_and_my_tasks_as_all_day_events(personas, plan, client):
    events = _events(client.get(_path(personas.member)))

    gate, build = plan["gate"], plan["build"]
    by_summary = {str(e["SUMMARY"]): e for e in events.values()}
    assert set(by_summary) == {"FEED-1: Design approved", "FEED-1: Build the API (due)"}
    milestone = by_summary["FEED-1: Design approved"]
    assert milestone["DTSTART"].dt == gate.finish  # a date: all day
    assert not isinstance(milestone["DTSTART"].dt, dt.datetime)
    assert milestone["DTEND"].dt == gate.finish + dt.timedelta(days=1)
    assert str(milestone["UID"]).startswith(f"tandem-task-{gate.pk}@")
    assert by_summary["FEED-1: Build the API (due)"]["DTSTART"].dt == build.finish


def test_uids_are_stable_between_fetches(personas, plan, client):
    path = _path(personas.project_manager)
    assert set(_events(client.get(path))) == set(_events(client.get(path)))


def test_each_person_sees_only_what_their_role_reaches(personas, plan, client):
    pm = {str(e["SUMMARY"]) for e in _events(client.get(_path(personas.project_manager))).values()}
    assert pm == {"FEED-1: Design approved"}  # not HIDDEN's; no tasks assigned to the PM
    admin = {str(e["SUMMARY"])
             for e in _events(client.get(_path(personas.admin))).values()}
    assert admin == {"FEED-1: Design approved", "HIDDEN: Secret launch"}
    am = {str(e["SUMMARY"]) for e in _events(client.get(_path(personas.account_manager))).values()}
    assert am == {"FEED-1: Design approved"}  # their client's project only


def test_losing_access_empties_the_feed(personas, plan, client):
    path = _path(personas.member)
    from tandem.projects.models import ProjectMember

    ProjectMember.objects.filter(user=personas.member.user).delete()
    assert _events(client.get(path)) == {}


def test_an_inactive_person_or_membership_gets_404(personas, plan, client):
    path = _path(personas.member)
    Membership.objects.filter(pk=personas.member.membership.pk).update(is_active=False)
    assert client.get(path).status_code == 404
    Membership.objects.filter(pk=personas.member.membership.pk).update(is_active=True)
    assert client.get(path).status_code == 200
    user = personas.member.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(path).status_code == 404


def test_a_removed_membership_gets_404(personas, plan, client):
    path = _path(personas.finance)
    Membership.objects.filter(pk=personas.finance.membership.pk).delete()
    assert client.get(path).status_code == 404


def test_reset_kills_the_old_url_and_is_audited(personas, plan, client):
    old = _path(personas.project_manager)
    feed = feed_reset(actor=personas.project_manager.actor)
    assert client.get(old).status_code == 404
    assert client.get(f"/projects/feeds/{feed.secret}.ics").status_code == 200
    actions = list(AuditEntry.objects.filter(object_type="projects.calendarfeed")
                   .values_list("action", flat=True))
    assert sorted(actions) == ["calendar_feed.create", "calendar_feed.reset"]
    assert feed.secret not in str(AuditEntry.objects.values_list("changes", flat=True))


def test_one_feed_per_person_and_secrets_are_long(personas):
    first = feed_for(actor=personas.member.actor)
    assert feed_for(actor=personas.member.actor).pk == first.pk
    assert len(first.secret) >= 43
    assert CalendarFeed.objects.count() == 1


def test_unknown_secrets_are_404_and_the_feed_is_rate_limited(personas, client):
    assert client.get("/projects/feeds/not-a-secret.ics").status_code == 404
    assert client.get(f"/projects/feeds/{'x' * 200}.ics").status_code == 404
    for _ in range(60):
        client.get("/projects/feeds/guess.ics")
    limited = client.get("/projects/feeds/guess.ics")
    assert limited.status_code == 429


def test_the_feed_is_not_cached_by_shared_caches(personas, plan, client):
    response = client.get(_path(personas.member))
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


# -- the page -----------------------------------------------------------------------------------


def test_the_page_shows_the_url_and_resets_it(personas, settings):
    settings.TANDEM_BASE_URL = "https://tandem.example.com"
    browser = personas.member.browser()
    html = page(browser.get("/projects/calendar-feed/"))
    secret = CalendarFeed.objects.get(user=personas.member.user).secret
    assert f"https://tandem.example.com/projects/feeds/{secret}.ics" in html
    assert f"webcal://tandem.example.com/projects/feeds/{secret}.ics" in html
    assert "data-confirm" in html
    response = browser.post("/projects/calendar-feed/reset/")
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=personas.member.user).secret
    assert new != secret
    assert new in page(browser.get("/projects/calendar-feed/"))
    assert browser.get("/projects/calendar-feed/reset/").status_code == 405


def test_the_page_is_for_staff(personas):
    assert personas.client.browser().get("/projects/calendar-feed/").status_code == 403
    assert personas.client.browser().post("/projects/calendar-feed/reset/").status_code == 403
    assert not CalendarFeed.objects.exists()
    # The outsider has their own feed in their own organization.
    assert personas.outsider.browser().get("/projects/calendar-feed/").status_code == 200
    feed = CalendarFeed.objects.get()
    assert feed.organization_id == personas.other_organization.pk


# -- the API ------------------------------------------------------------------------------------


def test_the_api_gives_and_resets_the_url(personas, plan, client):
    api = personas.project_manager.api()
    first = api.get("/api/v1/me/calendar-feed")
    assert first.status_code == 200
    url = first.json()["url"]
    assert url.endswith(".ics")
    assert first.json()["webcal_url"].startswith("webcal://")
    assert api.get("/api/v1/me/calendar-feed").json()["url"] == url
    reset = api.post("/api/v1/me/calendar-feed/reset")
    assert reset.status_code == 200
    assert reset.json()["url"] != url
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 404


def test_the_api_refuses_clients_and_anonymous_callers(personas):
    refused = personas.client.api().get("/api/v1/me/calendar-feed")
    assert refused.status_code == 403
    assert personas.client.api().post("/api/v1/me/calendar-feed/reset").status_code == 403
    from tests.personas import ApiClient

    assert ApiClient(None).get("/api/v1/me/calendar-feed").status_code == 401
    outsider = personas.outsider.api().get("/api/v1/me/calendar-feed")
    assert outsider.status_code == 200


def test_closed_projects_and_old_milestones_stay_out(personas, client):
    from tandem.projects.services.projects import project_transition

    admin = personas.admin.actor
    old_start = START - dt.timedelta(weeks=60)
    old = make_project(personas, code="OLD", start_date=old_start)
    task_create(actor=admin, project=old, name="Long ago", duration=0)
    task_create(actor=admin, project=old, name="Next week", duration=0, constraint_type="MSO",
                constraint_date=START + dt.timedelta(days=7))
    shut = make_project(personas, code="SHUT", start_date=START)
    task_create(actor=admin, project=shut, name="Never mind", duration=0)
    shut.refresh_from_db()
    project_transition(actor=admin, project=shut, expected_version=shut.version, status="closed")

    summaries = {str(e["SUMMARY"]) for e in _events(client.get(_path(personas.admin))).values()}
    assert summaries == {"OLD: Next week"}
