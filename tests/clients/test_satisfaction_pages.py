"""The satisfaction pages: the survey list (filters, score badges, fixed query count), "Send a
survey" (creates it and emails the contact; refusals shown on the form), and a client's health
page (score, factors with reasons, history chart, satisfaction trends) — per persona."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.core import mail
from django.utils import timezone

from tandem.clients import health
from tandem.clients.models import Survey
from tandem.clients.services.surveys import quarter_of
from tests.clients.factories import ClientFactory, ClientIssueFactory, ContactFactory
from tests.factories import MembershipFactory
from tests.personas import ALL_PERSONAS
from tests.web.helpers import page

HTMX = {"HX-Request": "true"}
SURVEY_READERS = {"admin", "executive", "account_manager", "client"}
SENDERS = {"admin", "account_manager"}
HEALTH_READERS = {"admin", "executive", "account_manager", "finance"}
SATISFACTION_READERS = {"admin", "executive", "account_manager"}


def _survey(client, contact, *, kind="nps", period="2026-Q1", score=None, answered_at=None,
            issue=None, comment=""):
    return Survey.objects.create(
        organization=client.organization, client=client, contact=contact, kind=kind,
        period=period if kind == "nps" else "", issue=issue, comment=comment,
        token_digest=secrets.token_hex(32),
        expires_at=timezone.now() + dt.timedelta(days=30), score=score, answered_at=answered_at,
    )


@pytest.fixture
def book(personas):
    own = personas.client_company
    contact = ContactFactory(client=own, is_primary=True, name="Mai", email="mai@saomai.example")
    colleague = MembershipFactory(organization=personas.organization, role="account_manager")
    theirs = ClientFactory(organization=personas.organization, owner=colleague.user,
                           name="Someone Else's")
    their_contact = ContactFactory(client=theirs, is_primary=True, name="Binh")
    foreign = ClientFactory(organization=personas.other_organization, name="Foreign Co")
    foreign_contact = ContactFactory(client=foreign, is_primary=True, name="Olaf")
    now = timezone.now()
    return {
        "own": own, "contact": contact, "theirs": theirs, "foreign": foreign,
        "own_survey": _survey(own, contact, score=10, answered_at=now, comment="Great team"),
        "their_survey": _survey(theirs, their_contact, kind="csat", score=2, answered_at=now),
        "foreign_survey": _survey(foreign, foreign_contact),
    }


# --- the survey list -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_which_surveys(personas, book, name):
    response = personas[name].browser().get("/clients/surveys/")
    # the outsider is the administrator of another organization: their own list
    assert response.status_code == (200 if name in SURVEY_READERS | {"outsider"} else 404)
    if response.status_code != 200:
        return
    body = page(response)
    assert ("Great team" in body) == (name in SURVEY_READERS)
    assert ("Someone Else&#x27;s" in body) == (name in {"admin", "executive"})
    assert ("Foreign Co" in body) == (name == "outsider")
    assert ("Send a survey" in body) == (name in SENDERS | {"outsider"})


def test_the_list_shows_score_badges_and_filters(personas, book):
    _survey(book["own"], book["contact"], kind="csat", score=3,
            answered_at=timezone.now())
    _survey(book["own"], book["contact"], kind="nps", period="2026-Q2")
    browser = personas.admin.browser()
    body = page(browser.get("/clients/surveys/"))
    assert "10 / 10" in body
    assert "Promoter" in body
    assert '<span class="badge badge--danger" data-score="2">' in body
    assert '<span class="badge badge--warning" data-score="3">' in body
    assert "Awaiting answer" in body
    assert body.count('<tr id="survey-') == 4
    csat = page(browser.get(f"/clients/surveys/?client={book['own'].pk}&kind=csat",
                            headers=HTMX))
    assert "<html" not in csat
    assert csat.count('<tr id="survey-') == 1
    waiting = page(browser.get("/clients/surveys/?answered=no"))
    assert waiting.count('<tr id="survey-') == 1
    answered = page(browser.get("/clients/surveys/?answered=yes"))
    assert answered.count('<tr id="survey-') == 3


def test_the_list_is_paginated(personas, book):
    for number in range(55):
        _survey(book["own"], book["contact"], period=f"{1900 + number}-Q1")
    browser = personas.account_manager.browser()
    first = page(browser.get("/clients/surveys/"))
    assert first.count('<tr id="survey-') == 50
    assert "Page 1 of 2" in first
    assert page(browser.get("/clients/surveys/?page=2")).count('<tr id="survey-') == 6


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_a_fixed_number_of_queries(personas, count, django_assert_num_queries):
    client = personas.client_company
    contact = ContactFactory(client=client)
    for number in range(count):
        issue = ClientIssueFactory(client=client) if number % 2 else None
        _survey(client, contact, kind="csat" if issue else "nps", issue=issue,
                period=f"{1900 + number}-Q1", score=4 if issue else None,
                answered_at=timezone.now() if issue else None)
    browser = personas.account_manager.browser()
    browser.get("/clients/surveys/")
    # session, user, membership, switcher, client filter choices, count, page
    with django_assert_num_queries(7):
        response = browser.get("/clients/surveys/")
    assert page(response).count('<tr id="survey-') == count


# --- sending a survey -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_opens_the_send_form(personas, book, name):
    response = personas[name].browser().get(f"/clients/surveys/new/?client={book['own'].pk}")
    assert response.status_code == (200 if name in SENDERS | {"outsider"} else 404)
    if response.status_code == 200:
        # the client's own contact is offered only in its organization, to its senders
        assert ("mai@saomai.example" in page(response)) == (name in SENDERS)


def test_sending_from_the_form_creates_the_survey_and_emails_the_contact(
    personas, book, django_capture_on_commit_callbacks
):
    browser = personas.account_manager.browser()
    form = page(browser.get(f"/clients/surveys/new/?client={book['own'].pk}"))
    assert f'value="{quarter_of(timezone.now())}"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/clients/surveys/new/", {
            "client": book["own"].pk, "kind": "nps", "contact": book["contact"].pk,
            "period": "2026-Q3"})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/surveys/?client={book['own'].pk}"
    survey = Survey.objects.get(period="2026-Q3")
    assert (survey.client, survey.contact, survey.kind) == (book["own"], book["contact"], "nps")
    [email] = mail.outbox
    assert email.to == ["mai@saomai.example"]
    assert "Survey sent to Mai." in page(browser.get(response["Location"]))


def test_a_csat_about_an_issue(personas, book, django_capture_on_commit_callbacks):
    issue = ClientIssueFactory(client=book["own"], title="Export times out", status="resolved")
    browser = personas.admin.browser()
    assert "Export times out" in page(browser.get(f"/clients/surveys/new/?client={book['own'].pk}"))
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/clients/surveys/new/", {
            "client": book["own"].pk, "kind": "csat", "issue": issue.pk, "period": "2026-Q3"})
    assert response.status_code == 302
    survey = Survey.objects.get(issue=issue)
    assert (survey.kind, survey.period, survey.contact) == ("csat", "", book["contact"])
    assert len(mail.outbox) == 1
    again = browser.post("/clients/surveys/new/", {
        "client": book["own"].pk, "kind": "csat", "issue": issue.pk})
    assert again.status_code == 409
    assert "A CSAT survey was already sent for this issue." in page(again)


def test_a_second_nps_this_quarter_is_shown_on_the_form(personas, book):
    response = personas.account_manager.browser().post("/clients/surveys/new/", {
        "client": book["own"].pk, "kind": "nps", "contact": book["contact"].pk,
        "period": "2026-Q1"})
    assert response.status_code == 409
    assert "An NPS survey for 2026-Q1 was already sent to this contact." in page(response)
    assert Survey.objects.filter(client=book["own"]).count() == 1
    assert not mail.outbox


def test_the_form_refuses_what_does_not_fit(personas, book):
    browser = personas.account_manager.browser()
    their_contact = book["theirs"].contacts.get()
    response = browser.post("/clients/surveys/new/", {
        "client": book["own"].pk, "kind": "nps", "contact": their_contact.pk})
    assert response.status_code == 422
    assert "Select a valid choice" in page(response)
    bad_period = browser.post("/clients/surveys/new/", {
        "client": book["own"].pk, "kind": "nps", "period": "Q3 2026"})
    assert bad_period.status_code == 422
    assert "The quarter looks like 2026-Q2." in page(bad_period)
    # a colleague's client is not one this account manager may send to
    theirs = browser.post("/clients/surveys/new/", {"client": book["theirs"].pk, "kind": "nps"})
    assert theirs.status_code == 422
    assert Survey.objects.count() == 3


def test_a_new_client_reloads_the_form_with_its_contacts(personas, book):
    other = ClientFactory(organization=personas.organization, name="Hoa Binh",
                          owner=personas.account_manager.user)
    ContactFactory(client=other, name="Lan", email="lan@hoabinh.example")
    response = personas.account_manager.browser().get(
        f"/clients/surveys/new/?client={other.pk}&kind=nps", headers=HTMX)
    body = page(response)
    assert "<html" not in body
    assert 'id="survey-form"' in body
    assert "lan@hoabinh.example" in body
    assert "mai@saomai.example" not in body


# --- the health page ------------------------------------------------------------------------


@pytest.fixture
def scored(personas, book):
    client = book["own"]
    now = timezone.now()
    health.recompute_client(client, now=now - dt.timedelta(days=20))
    ClientIssueFactory(client=client, severity="critical", status="new")
    _survey(client, book["contact"], kind="csat", score=5, answered_at=now)
    health.recompute_client(client, now=now)
    client.refresh_from_db()
    return client


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_health_page(personas, scored, name):
    response = personas[name].browser().get(f"/clients/{scored.pk}/health/")
    assert response.status_code == (200 if name in HEALTH_READERS else 404)
    if response.status_code == 200:
        body = page(response)
        assert f"{scored.health_score} / 100" in body
        # satisfaction has the narrower reach of the surveys
        assert ('id="response-rate"' in body) == (name in SATISFACTION_READERS)


def test_another_organizations_client_is_404(personas, book):
    foreign = book["foreign"]
    assert personas.admin.browser().get(f"/clients/{foreign.pk}/health/").status_code == 404
    outsider = personas.outsider.browser()
    assert outsider.get(f"/clients/{foreign.pk}/health/").status_code == 200
    assert outsider.get(f"/clients/{book['own'].pk}/health/").status_code == 404


def test_a_colleagues_client_shows_health_without_satisfaction(personas, book):
    body = page(personas.account_manager.browser().get(f"/clients/{book['theirs'].pk}/health/"))
    assert 'id="response-rate"' not in body
    assert "Send a survey" not in body


def test_the_health_page_explains_the_score(personas, scored):
    body = page(personas.account_manager.browser().get(f"/clients/{scored.pk}/health/"))
    assert 'data-factor="open_issues"' in body
    assert "1 critical open" in body
    assert '<span class="badge badge--danger">-20</span>' in body
    assert 'data-factor="contact_cadence"' in body
    assert "<polyline points=" in body
    assert "<script" not in body.split("</head>")[1]
    assert " style=" not in body
    # the trends: CSAT this month, the answered NPS of 2026-Q1, the response rate
    assert 'id="csat-trend"' in body
    assert "2026-Q1" in body
    assert "Response rate: 100%" in body
    assert "Send a survey" in body


def test_no_history_yet_is_said_plainly(personas, book):
    body = page(personas.admin.browser().get(f"/clients/{book['own'].pk}/health/"))
    assert "Not computed yet" in body
    assert "No history in this period" in body
    assert "<polyline" not in body


def test_the_history_period_is_chosen_from_a_few(personas, scored):
    browser = personas.executive.browser()
    assert "History over the last 90 days" in page(
        browser.get(f"/clients/{scored.pk}/health/?days=90"))
    assert "History over the last 180 days" in page(
        browser.get(f"/clients/{scored.pk}/health/?days=9999"))
