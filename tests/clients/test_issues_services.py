"""Client issues: opening with SLA due dates, the lifecycle, pauses, the timeline and audit."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tandem.clients.models import ClientIssue, IssueEvent, SlaTarget
from tandem.clients.services import issues as services
from tandem.clients.services.settings import DEFAULT_SLA_TARGETS, sla_target_set
from tandem.core.errors import PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry
from tests.clients.factories import ClientFactory, ContactFactory

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(d: int, hh: int, mm: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, d, hh, mm, tzinfo=HCM)


@pytest.fixture
def issue(personas) -> ClientIssue:
    # Tuesday 3 March 2026, 09:00; Sao Mai Logistics is a "key" client.
    return services.issue_open(
        actor=personas.account_manager.actor, client=personas.client_company,
        title="Invoices show the wrong tax code", description="Since the last release",
        severity="high", opened_at=at(3, 9),
    )


def move(personas, issue, to, when, note=""):
    return services.issue_transition(actor=personas.account_manager.actor, issue=issue,
                                     to_status=to, expected_version=issue.version, at=when,
                                     note=note)


def test_opening_sets_the_due_dates_from_the_default_targets_in_business_hours(personas, issue):
    # high/key: first response in 4 business hours, resolution in 3 business days (27 hours)
    assert DEFAULT_SLA_TARGETS[("high", "key")] == (240, 1620)
    assert issue.first_response_due_at == at(3, 13)
    # Tue 09:00 + 27h: Tue 8.5h, Wed 9h, Thu 9h, Fri 0.5h
    assert issue.resolution_due_at == at(6, 9)
    assert issue.owner == personas.account_manager.user
    assert issue.status == "new"
    event = IssueEvent.objects.get(issue=issue)
    assert (event.kind, event.to_status, event.actor) == ("opened", "new",
                                                         personas.account_manager.user)
    assert AuditEntry.objects.filter(action="client_issue.open", object_id=str(issue.pk)).exists()


def test_an_organizations_own_target_wins_over_the_default(personas):
    sla_target_set(actor=personas.admin.actor, severity="high", tier="key",
                   first_response_minutes=60, resolution_minutes=120)
    issue = services.issue_open(actor=personas.account_manager.actor,
                                client=personas.client_company, title="Down", description="",
                                severity="high", opened_at=at(3, 9))
    assert (issue.first_response_due_at, issue.resolution_due_at) == (at(3, 10), at(3, 11))
    assert AuditEntry.objects.filter(action="sla_target.set").count() == 1


def test_only_admins_set_sla_targets_and_in_order(personas):
    with pytest.raises(PermissionDenied):
        sla_target_set(actor=personas.account_manager.actor, severity="low", tier="key",
                       first_response_minutes=60, resolution_minutes=120)
    with pytest.raises(ValidationError):
        sla_target_set(actor=personas.admin.actor, severity="low", tier="key",
                       first_response_minutes=600, resolution_minutes=120)
    assert not SlaTarget.objects.exists()


def test_the_first_move_out_of_new_is_the_first_response(personas, issue):
    issue = move(personas, issue, "acknowledged", at(3, 10))
    assert issue.first_response_at == at(3, 10)
    issue = move(personas, issue, "in_progress", at(3, 11))
    assert issue.first_response_at == at(3, 10)


def test_the_whole_lifecycle_writes_the_timeline(personas, issue,
                                                django_capture_on_commit_callbacks):
    for to, when in (("acknowledged", at(3, 10)), ("in_progress", at(3, 11)),
                     ("waiting_on_client", at(3, 12)), ("in_progress", at(4, 9))):
        issue = move(personas, issue, to, when)
    with django_capture_on_commit_callbacks() as callbacks:
        issue = move(personas, issue, "resolved", at(4, 10), note="Fixed in 2.4.1")
    assert len(callbacks) == 1  # the CSAT survey, sent once the transaction commits
    issue = move(personas, issue, "closed", at(5, 10))
    issue = move(personas, issue, "reopened", at(5, 11))
    issue = move(personas, issue, "in_progress", at(5, 12))
    kinds = list(IssueEvent.objects.filter(issue=issue).values_list("kind", "to_status"))
    assert kinds == [("opened", "new"), ("status", "acknowledged"), ("status", "in_progress"),
                     ("status", "waiting_on_client"), ("status", "in_progress"),
                     ("status", "resolved"), ("status", "closed"), ("status", "reopened"),
                     ("status", "in_progress")]
    assert IssueEvent.objects.get(issue=issue, to_status="resolved").note == "Fixed in 2.4.1"
    assert AuditEntry.objects.filter(action="client_issue.transition").count() == 8
    assert (issue.resolved_at, issue.closed_at) == (None, None)


def test_resolving_enqueues_the_csat_survey_with_the_issue_id(personas, issue, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("tandem.clients.tasks.send_issue_csat.delay", sent.append)
    for to, when in (("acknowledged", at(3, 10)), ("in_progress", at(3, 11))):
        issue = move(personas, issue, to, when)
    with django_capture_on_commit_callbacks(execute=True):
        issue = move(personas, issue, "resolved", at(3, 12))
    assert sent == [issue.pk]
    assert issue.resolved_at == at(3, 12)


@pytest.mark.parametrize(("start", "to"), [("new", "resolved"), ("new", "in_progress"),
                                           ("new", "closed"), ("new", "reopened")])
def test_transitions_outside_the_lifecycle_are_refused(personas, issue, start, to):
    with pytest.raises(ValidationError) as refusal:
        move(personas, issue, to, at(3, 10))
    assert refusal.value.code == "invalid_transition"
    issue.refresh_from_db()
    assert issue.status == "new"


def test_waiting_on_the_client_pauses_the_clock_and_pushes_the_due_dates(personas, issue):
    issue = move(personas, issue, "acknowledged", at(3, 10))
    issue = move(personas, issue, "in_progress", at(3, 10, 30))
    due = issue.resolution_due_at
    issue = move(personas, issue, "waiting_on_client", at(3, 16))
    assert issue.paused_at == at(3, 16)
    # Waiting from Tue 16:00 to Thu 10:00: 1.5h Tue + 9h Wed + 1.5h Thu = 12 business hours
    issue = move(personas, issue, "in_progress", at(5, 10))
    assert issue.paused_at is None
    assert issue.paused_minutes == 720
    assert services.clock_for(issue.organization_id).minutes_between(
        due, issue.resolution_due_at) == 720


def test_a_stale_version_is_refused(personas, issue):
    services.issue_transition(actor=personas.account_manager.actor, issue=issue,
                              to_status="acknowledged", expected_version=1, at=at(3, 10))
    with pytest.raises(StaleVersion):
        services.issue_transition(actor=personas.admin.actor, issue=issue,
                                  to_status="acknowledged", expected_version=1, at=at(3, 10))


def test_a_severity_change_recomputes_the_due_dates(personas, issue):
    issue = services.issue_update(actor=personas.account_manager.actor, issue=issue,
                                  expected_version=issue.version, severity="critical",
                                  note="Production is down")
    # critical/key: response 2h, resolution 12h
    assert (issue.first_response_due_at, issue.resolution_due_at) == (at(3, 11), at(4, 12))
    event = IssueEvent.objects.get(issue=issue, kind="severity")
    assert event.changes["severity"] == ["high", "critical"]
    assert event.note == "Production is down"


def test_the_owner_changes_to_someone_who_can_read_issues(personas, issue):
    issue = services.issue_update(actor=personas.account_manager.actor, issue=issue,
                                  expected_version=issue.version,
                                  owner_id=personas.executive.user.pk)
    assert issue.owner_id == personas.executive.user.pk
    assert IssueEvent.objects.filter(issue=issue, kind="owner").count() == 1
    with pytest.raises(ValidationError) as refusal:
        services.issue_update(actor=personas.account_manager.actor, issue=issue,
                              expected_version=issue.version,
                              owner_id=personas.project_manager.user.pk)
    assert refusal.value.code == "unknown_owner"


def test_comments_join_the_timeline(personas, issue):
    services.issue_comment(actor=personas.executive.actor, issue=issue, note="Call me after")
    event = IssueEvent.objects.get(issue=issue, kind="comment")
    assert (event.note, event.actor) == ("Call me after", personas.executive.user)
    with pytest.raises(PermissionDenied):
        services.issue_comment(actor=personas.client.actor, issue=issue, note="Hello")


@pytest.mark.parametrize("name", ["executive", "finance", "project_manager", "member", "client"])
def test_only_the_owner_am_or_an_admin_opens_and_moves_issues(personas, issue, name):
    with pytest.raises(PermissionDenied):
        services.issue_open(actor=personas[name].actor, client=personas.client_company,
                            title="x", description="", severity="low")
    with pytest.raises(PermissionDenied):
        services.issue_transition(actor=personas[name].actor, issue=issue,
                                  to_status="acknowledged", expected_version=1)


def test_another_am_cannot_open_an_issue_on_a_client_they_do_not_own(personas):
    other = ClientFactory(organization=personas.organization, owner=personas.admin.user)
    with pytest.raises(PermissionDenied):
        services.issue_open(actor=personas.account_manager.actor, client=other, title="x",
                            description="", severity="low")


def test_the_person_who_raised_it_is_a_contact_of_the_client(personas):
    stranger = ContactFactory(client=ClientFactory(organization=personas.organization))
    with pytest.raises(ValidationError) as refusal:
        services.issue_open(actor=personas.account_manager.actor,
                            client=personas.client_company, title="x", description="",
                            severity="low", raised_by_id=stranger.pk)
    assert refusal.value.code == "unknown_contact"
    own = ContactFactory(client=personas.client_company)
    issue = services.issue_open(actor=personas.account_manager.actor,
                                client=personas.client_company, title="x", description="",
                                severity="low", raised_by_id=own.pk, channel="email")
    assert (issue.raised_by, issue.channel) == (own, "email")
