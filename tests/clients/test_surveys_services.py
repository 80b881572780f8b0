"""Satisfaction surveys: sending a signed single-use link, CSAT after an issue, the quarterly NPS,
and recording an answer exactly once."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.utils import timezone

from tandem.clients.models import ClientStatus, IssueStatus, Survey, SurveyKind
from tandem.clients.services.surveys import (
    quarter_of,
    send_csat_for_issue,
    send_quarterly_nps,
    survey_answer,
    survey_send,
)
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from tandem.core.models import AuditEntry
from tests.clients.factories import ClientFactory, ClientIssueFactory, ContactFactory

NOW = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def book(personas):
    client = personas.client_company
    primary = ContactFactory(client=client, name="Nguyễn Thị Mai", is_primary=True,
                             email="mai@saomai.example")
    other = ContactFactory(client=client, name="Trần Văn Hùng", email="hung@saomai.example")
    return client, primary, other


def _send(personas, contact, **kwargs):
    kwargs.setdefault("kind", SurveyKind.NPS)
    return survey_send(actor=personas.account_manager.actor, client=personas.client_company,
                       contact=contact, **kwargs)


def test_a_survey_stores_only_the_digest_of_its_token_and_emails_the_link(
    personas, book, django_capture_on_commit_callbacks
):
    _client, primary, _other = book
    with django_capture_on_commit_callbacks(execute=True):
        survey, token = _send(personas, primary, now=NOW)

    assert len(token) >= 43
    assert survey.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Survey.objects.filter(pk=survey.pk).values().get())
    assert survey.period == "2026-Q2"
    assert survey.expires_at == NOW + dt.timedelta(days=30)
    [message] = mail.outbox
    assert message.to == ["mai@saomai.example"]
    assert f"/clients/survey/{token}/" in message.body
    assert "0 to 10" in message.body
    assert AuditEntry.objects.filter(action="survey.send", object_id=str(survey.pk)).exists()


def test_the_email_speaks_the_clients_language(personas, book,
                                               django_capture_on_commit_callbacks):
    client, primary, _other = book
    client.language = "vi"
    client.save()
    with django_capture_on_commit_callbacks(execute=True):
        _send(personas, primary)
    [message] = mail.outbox
    assert "Nguyễn Thị Mai" in message.body
    assert re.search(r"/clients/survey/[\w-]+/", message.body)


def test_one_nps_per_contact_per_quarter(personas, book):
    _client, primary, _other = book
    _send(personas, primary, now=NOW)
    with pytest.raises(Conflict) as refusal:
        _send(personas, primary, now=NOW + dt.timedelta(days=10))
    assert refusal.value.code == "survey_already_sent"
    survey, _token = _send(personas, primary, now=NOW + dt.timedelta(days=60))
    assert survey.period == "2026-Q3"


def test_only_the_owner_or_an_admin_sends(personas, book):
    _client, primary, _other = book
    for name in ("executive", "finance", "project_manager", "client"):
        with pytest.raises(PermissionDenied):
            survey_send(actor=personas[name].actor, client=personas.client_company,
                        contact=primary, kind="nps")
    survey, _token = survey_send(actor=personas.admin.actor, client=personas.client_company,
                                 contact=primary, kind="csat")
    assert survey.kind == "csat"


def test_refuses_a_contact_of_another_client_or_without_email(personas, book):
    stranger = ContactFactory(client=ClientFactory(organization=personas.organization))
    with pytest.raises(ValidationError) as refusal:
        _send(personas, stranger)
    assert refusal.value.code == "invalid_contact"
    silent = ContactFactory(client=personas.client_company, email="")
    with pytest.raises(ValidationError) as refusal:
        _send(personas, silent)
    assert refusal.value.code == "contact_without_email"


def test_refuses_an_unknown_kind_or_a_malformed_quarter(personas, book):
    _client, primary, _other = book
    with pytest.raises(ValidationError):
        _send(personas, primary, kind="ces")
    with pytest.raises(ValidationError):
        _send(personas, primary, period="2026-Q5")
    with pytest.raises(ValidationError):
        _send(personas, primary, kind="csat", period="2026-Q1")


# --- CSAT after an issue ---------------------------------------------------------------------


def test_csat_goes_to_whoever_raised_the_issue_once(personas, book,
                                                   django_capture_on_commit_callbacks):
    _client, _primary, other = book
    issue = ClientIssueFactory(client=personas.client_company, raised_by=other,
                               status=IssueStatus.RESOLVED)
    with django_capture_on_commit_callbacks(execute=True):
        survey = send_csat_for_issue(issue.pk)
    assert survey is not None
    assert (survey.kind, survey.contact, survey.issue) == ("csat", other, issue)
    assert mail.outbox[0].to == ["hung@saomai.example"]
    assert "1 to 5" in mail.outbox[0].body
    assert send_csat_for_issue(issue.pk) is None
    assert Survey.objects.filter(issue=issue).count() == 1


def test_csat_falls_back_to_the_primary_contact(personas, book):
    _client, primary, _other = book
    issue = ClientIssueFactory(client=personas.client_company, status=IssueStatus.CLOSED)
    survey = send_csat_for_issue(issue.pk)
    assert survey is not None
    assert survey.contact == primary


def test_no_csat_for_an_open_issue_a_missing_one_or_a_client_without_contacts(personas):
    open_issue = ClientIssueFactory(client=personas.client_company, status=IssueStatus.NEW)
    assert send_csat_for_issue(open_issue.pk) is None
    assert send_csat_for_issue(10**9) is None
    lonely = ClientIssueFactory(client=ClientFactory(organization=personas.organization),
                                status=IssueStatus.RESOLVED)
    assert send_csat_for_issue(lonely.pk) is None


# --- quarterly NPS ---------------------------------------------------------------------------


def test_quarterly_nps_goes_once_per_active_client_per_quarter(personas, book):
    org = personas.organization
    prospect = ClientFactory(organization=org, status=ClientStatus.PROSPECT)
    ContactFactory(client=prospect, is_primary=True)
    active = ClientFactory(organization=org)
    ContactFactory(client=active, is_primary=True)
    no_primary = ClientFactory(organization=org)
    ContactFactory(client=no_primary, is_primary=False)

    assert send_quarterly_nps(now=NOW) == 2
    assert send_quarterly_nps(now=NOW + dt.timedelta(days=20)) == 0
    assert set(Survey.objects.values_list("client_id", "period")) == {
        (personas.client_company.pk, "2026-Q2"), (active.pk, "2026-Q2"),
    }
    assert send_quarterly_nps(now=NOW + dt.timedelta(days=60)) == 2


def test_quarter_of_uses_the_local_calendar():
    assert quarter_of(dt.date(2026, 12, 31)) == "2026-Q4"
    # 2026-03-31 18:00 UTC is already 1 April in Hồ Chí Minh City.
    assert quarter_of(dt.datetime(2026, 3, 31, 18, 0, tzinfo=dt.UTC)) == "2026-Q2"


# --- answering -------------------------------------------------------------------------------


def test_an_answer_is_recorded_once_and_audited(personas, book):
    _client, primary, _other = book
    survey, token = _send(personas, primary, now=NOW)
    answered = survey_answer(token=token, score=9, comment="  Great team  ",
                             now=NOW + dt.timedelta(days=1))
    assert (answered.score, answered.comment) == (9, "Great team")
    survey.refresh_from_db()
    assert survey.answered_at == NOW + dt.timedelta(days=1)
    entry = AuditEntry.objects.get(action="survey.answer", object_id=str(survey.pk))
    assert entry.changes["score"] == [None, 9]
    assert entry.actor is None

    with pytest.raises(Conflict) as refusal:
        survey_answer(token=token, score=3, now=NOW + dt.timedelta(days=2))
    assert refusal.value.code == "survey_already_answered"
    survey.refresh_from_db()
    assert survey.score == 9


def test_an_expired_link_is_refused(personas, book):
    _client, primary, _other = book
    _survey, token = _send(personas, primary, now=NOW)
    with pytest.raises(ValidationError) as refusal:
        survey_answer(token=token, score=9, now=NOW + dt.timedelta(days=30, seconds=1))
    assert refusal.value.code == "survey_expired"


@pytest.mark.parametrize(("kind", "score"), [("csat", 0), ("csat", 6), ("nps", 11), ("nps", -1)])
def test_a_score_outside_the_scale_is_refused(personas, book, kind, score):
    _client, primary, _other = book
    _survey, token = _send(personas, primary, kind=kind)
    with pytest.raises(ValidationError) as refusal:
        survey_answer(token=token, score=score)
    assert refusal.value.code == "invalid_score"


def test_a_forged_token_is_not_found(personas, book):
    with pytest.raises(NotFound):
        survey_answer(token="not-a-real-token", score=5)


def test_an_answer_queues_a_health_recompute(personas, book,
                                             django_capture_on_commit_callbacks):
    _client, primary, _other = book
    _survey, token = _send(personas, primary, kind="csat")
    with django_capture_on_commit_callbacks(execute=True):
        survey_answer(token=token, score=1)
    personas.client_company.refresh_from_db()
    assert personas.client_company.health_score is not None
    assert personas.client_company.health_computed_at <= timezone.now()


def test_the_admin_of_another_organization_cannot_send(personas, book):
    _client, primary, _other = book
    outsider = Actor.for_membership(personas.outsider.membership)
    with pytest.raises(NotFound):
        survey_send(actor=outsider, client=personas.client_company, contact=primary, kind="nps")
