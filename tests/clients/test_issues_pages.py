"""The client-issue pages: list with SLA timers, detail with timeline, status buttons (HTMX)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tandem.clients.models import ClientIssue
from tandem.clients.services import issues as services
from tests.personas import ALL_PERSONAS

HTMX = {"HX-Request": "true"}
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
READERS = {"admin", "executive", "account_manager", "client"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def issue(personas):
    return services.issue_open(actor=personas.account_manager.actor,
                               client=personas.client_company, title="Wrong invoices",
                               description="Tax code", severity="high")


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_issue_pages(personas, issue, name):
    browser = personas[name].browser()
    listing = browser.get("/clients/issues/")
    detail = browser.get(f"/clients/issues/{issue.pk}/")
    expected = 200 if name in READERS else 404
    assert detail.status_code == expected
    # the outsider is the administrator of another organization: their own, empty, list
    assert listing.status_code == (200 if name in READERS | {"outsider"} else 404)
    if listing.status_code == 200:
        assert ("Wrong invoices" in html(listing)) == (name in READERS)


def test_the_list_shows_sla_timers_coloured_by_state(personas, issue):
    services.issue_open(actor=personas.account_manager.actor, client=personas.client_company,
                        title="Ancient", description="", severity="low",
                        opened_at=dt.datetime(2026, 1, 5, 9, tzinfo=HCM))
    page = html(personas.account_manager.browser().get("/clients/issues/"))
    assert "sla--breached" in page
    assert "Response overdue" in page
    assert "sla--ok" in page or "sla--warning" in page or "sla--breached" in page


def test_the_am_moves_an_issue_with_a_button(personas, issue):
    browser = personas.account_manager.browser()
    detail = html(browser.get(f"/clients/issues/{issue.pk}/"))
    assert 'value="acknowledged"' in detail
    assert "Timeline" in detail
    assert "opened the issue" in detail
    response = browser.post(f"/clients/issues/{issue.pk}/transition/",
                            {"to_status": "acknowledged", "version": 1}, headers=HTMX)
    assert response.status_code == 200
    panel = html(response)
    assert "<html" not in panel
    assert "Status changed." in panel
    assert 'value="in_progress"' in panel
    issue.refresh_from_db()
    assert issue.status == "acknowledged"


def test_a_stale_button_explains_the_conflict(personas, issue):
    response = personas.account_manager.browser().post(
        f"/clients/issues/{issue.pk}/transition/", {"to_status": "acknowledged", "version": 7},
        headers=HTMX)
    assert response.status_code == 409
    assert "Someone else changed this" in html(response)


def test_the_client_reads_without_buttons(personas, issue):
    browser = personas.client.browser()
    page = html(browser.get(f"/clients/issues/{issue.pk}/"))
    assert 'name="to_status"' not in page
    assert "Open an issue" not in html(browser.get("/clients/issues/"))
    response = browser.post(f"/clients/issues/{issue.pk}/transition/",
                            {"to_status": "acknowledged", "version": 1}, headers=HTMX)
    assert response.status_code == 403
    assert ClientIssue.objects.get().status == "new"


def test_comments_from_the_page(personas, issue):
    response = personas.executive.browser().post(f"/clients/issues/{issue.pk}/comment/",
                                                  {"note": "Keep me posted"}, headers=HTMX)
    assert response.status_code == 200
    assert "Keep me posted" in html(response)


def test_open_and_edit_pages(personas):
    browser = personas.account_manager.browser()
    assert browser.get("/clients/issues/new/").status_code == 200
    response = browser.post("/clients/issues/new/", {
        "client": personas.client_company.pk, "title": "Slow API", "severity": "critical"})
    assert response.status_code == 302
    issue = ClientIssue.objects.get()
    assert response["Location"] == f"/clients/issues/{issue.pk}/"
    response = browser.post(f"/clients/issues/{issue.pk}/edit/", {
        "title": "Slow API", "severity": "low", "owner": personas.account_manager.user.pk,
        "version": 1, "note": "Workaround found"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.severity == "low"
    assert "changed the severity" in html(browser.get(f"/clients/issues/{issue.pk}/"))


def test_the_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    browser = personas.account_manager.browser()
    browser.get("/clients/issues/")
    for number in range(15):
        services.issue_open(actor=personas.account_manager.actor,
                            client=personas.client_company, title=f"Issue {number}",
                            description="", severity="medium")
    # session, user, membership, switcher, client filter choices, count, page, account
    # settings, SLA targets
    with django_assert_num_queries(9):
        response = browser.get("/clients/issues/")
    assert html(response).count('<tr id="issue-') == 15
