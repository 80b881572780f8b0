"""The public survey page: answered once without signing in, clear when a link is expired, used,
or forged, rate-limited, and free of inline script and style (the CSP allows none)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client as BrowserClient

from tandem.clients.models import Survey
from tandem.clients.services.surveys import survey_send
from tandem.clients.views import surveys as survey_views
from tests.clients.factories import ClientIssueFactory, ContactFactory
from tests.web.helpers import page


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sent(personas):
    contact = ContactFactory(client=personas.client_company, is_primary=True,
                             email="mai@saomai.example")
    issue = ClientIssueFactory(client=personas.client_company, title="Export times out",
                               status="resolved")
    survey, token = survey_send(actor=personas.account_manager.actor,
                                client=personas.client_company, kind="csat", contact=contact,
                                issue=issue)
    return survey, token


def test_the_page_opens_without_signing_in(sent):
    _survey, token = sent
    response = BrowserClient().get(f"/clients/survey/{token}/")
    assert response.status_code == 200
    html = page(response)
    assert "Export times out" in html
    assert html.count('type="radio"') == 5
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_an_answer_is_recorded_once(sent):
    survey, token = sent
    browser = BrowserClient()
    response = browser.post(f"/clients/survey/{token}/", {"score": "4", "comment": "Quick fix"})
    assert response.status_code == 200
    assert "Thank you" in page(response)
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Quick fix")

    again = browser.post(f"/clients/survey/{token}/", {"score": "1"})
    assert again.status_code == 409
    assert "You already answered" in page(again)
    assert browser.get(f"/clients/survey/{token}/").status_code == 409
    survey.refresh_from_db()
    assert survey.score == 4


def test_a_missing_score_shows_the_form_again(sent):
    _survey, token = sent
    response = BrowserClient().post(f"/clients/survey/{token}/", {"score": "9"})
    assert response.status_code == 422
    assert "field__error" in page(response)
    assert Survey.objects.get().answered_at is None


def test_an_expired_link_says_so(sent):
    survey, token = sent
    Survey.objects.filter(pk=survey.pk).update(expires_at=survey.sent_at - dt.timedelta(days=1))
    response = BrowserClient().get(f"/clients/survey/{token}/")
    assert response.status_code == 410
    assert "expired" in page(response)


def test_a_forged_link_is_not_found(sent):
    response = BrowserClient().get("/clients/survey/forged-token/")
    assert response.status_code == 404
    assert "not valid" in page(response)
    assert BrowserClient().get(f"/clients/survey/{'x' * 300}/").status_code == 404


def test_the_page_speaks_the_clients_language(personas, sent):
    _survey, token = sent
    personas.client_company.language = "vi"
    personas.client_company.save()
    html = page(BrowserClient().get(f"/clients/survey/{token}/"))
    assert '<html lang="vi">' in html


def test_answers_are_rate_limited_per_address(sent, monkeypatch):
    _survey, token = sent
    monkeypatch.setattr(survey_views, "ANSWER_LIMIT", (2, 600))
    browser = BrowserClient()
    for _ in range(2):
        assert browser.post(f"/clients/survey/{token}/", {"score": "99"}).status_code == 422
    throttled = browser.post(f"/clients/survey/{token}/", {"score": "5"})
    assert throttled.status_code == 429
    assert Survey.objects.get().answered_at is None


def test_an_nps_offers_zero_to_ten(personas):
    contact = ContactFactory(client=personas.client_company, is_primary=True)
    _survey, token = survey_send(actor=personas.admin.actor, client=personas.client_company,
                                 kind="nps", contact=contact)
    html = page(BrowserClient().get(f"/clients/survey/{token}/"))
    assert html.count('type="radio"') == 11
    assert "recommend" in html
