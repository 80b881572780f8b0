"""The SLA job with a frozen clock: warnings before, alerts at breach, each once; pauses."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tandem.clients.models import IssueEvent
from tandem.clients.services import issues as services
from tandem.clients.services.settings import account_settings_update
from tandem.clients.tasks import check_issue_slas
from tandem.notifications.models import Notification
from tests.clients.factories import ClientFactory

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, d, hh, mm, tzinfo=HCM)


@pytest.fixture
def issue(personas):
    # medium/key: response in 1 business day (9h), resolution in 7 business days.
    # Opened Tue 3 March 08:30, so the first response is due Tue 17:30.
    return services.issue_open(
        actor=personas.account_manager.actor, client=personas.client_company,
        title="Slow reports", description="", severity="medium", opened_at=at(3, 8, 30),
        owner_id=personas.executive.user.pk,
    )


def inbox(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_nothing_happens_while_there_is_time(personas, issue):
    assert services.check_slas(now=at(3, 10)) == 0
    assert not Notification.objects.exists()


def test_a_warning_at_80_percent_then_one_breach_alert(personas, issue):
    # 80% of 9 hours is 7h12m: 15:42
    assert services.check_slas(now=at(3, 15, 41)) == 0
    assert services.check_slas(now=at(3, 15, 43)) == 1
    issue.refresh_from_db()
    assert issue.response_warned_at == at(3, 15, 43)
    # the owner and the client's AM are both told, once
    assert inbox(personas.executive.user) == ["issue_response_warning"]
    assert inbox(personas.account_manager.user) == ["issue_response_warning"]
    assert services.check_slas(now=at(3, 16)) == 0
    assert services.check_slas(now=at(3, 17, 30)) == 1
    assert services.check_slas(now=at(4, 9)) == 0
    issue.refresh_from_db()
    assert issue.response_breached_at == at(3, 17, 30)
    assert inbox(personas.account_manager.user) == ["issue_response_breach",
                                                    "issue_response_warning"]
    kinds = list(IssueEvent.objects.filter(issue=issue).values_list("kind", "note"))
    assert kinds == [("opened", ""), ("sla_warning", "response"), ("sla_breach", "response")]


def test_a_missed_warning_becomes_a_breach_alert_only(personas, issue):
    assert services.check_slas(now=at(5, 9)) == 1
    issue.refresh_from_db()
    assert (issue.response_warned_at, issue.response_breached_at) == (None, at(5, 9))


def test_an_answered_issue_is_judged_on_resolution_only(personas, issue):
    issue = services.issue_transition(actor=personas.account_manager.actor, issue=issue,
                                      to_status="acknowledged", expected_version=issue.version,
                                      at=at(3, 9))
    assert services.check_slas(now=at(4, 9)) == 0
    # resolution due after 7 business days of 9 hours: Tue 3 08:30 -> Wed 11 March 17:30
    assert issue.resolution_due_at == at(11, 17, 30)
    assert services.check_slas(now=at(11, 17, 31)) == 1
    issue.refresh_from_db()
    assert issue.resolution_breached_at == at(11, 17, 31)
    assert issue.response_breached_at is None


def test_a_paused_issue_is_not_alerted_and_its_due_date_moves(personas, issue):
    actor = personas.account_manager.actor
    for to, when in (("acknowledged", at(3, 9)), ("in_progress", at(3, 9, 30)),
                     ("waiting_on_client", at(4, 8, 30))):
        issue = services.issue_transition(actor=actor, issue=issue, to_status=to,
                                          expected_version=issue.version, at=when)
    due_before = issue.resolution_due_at
    assert services.check_slas(now=at(20, 9)) == 0  # way past the old due date, but paused
    issue = services.issue_transition(actor=actor, issue=issue, to_status="in_progress",
                                      expected_version=issue.version, at=at(20, 8, 30))
    # paused Wed 4 to Fri 20 March 08:30: 12 business days of 9 hours
    assert issue.paused_minutes == 12 * 540
    assert issue.resolution_due_at > due_before
    assert services.check_slas(now=at(20, 9)) == 0
    assert not Notification.objects.exists()


def test_the_warning_level_is_the_organizations(personas, issue):
    account_settings_update(actor=personas.admin.actor, expected_version=1,
                            sla_warning_percent=50)
    assert services.check_slas(now=at(3, 13, 1)) == 1  # 50% of 9h: 13:00


def test_resolved_issues_are_left_alone(personas, issue):
    actor = personas.account_manager.actor
    for to, when in (("acknowledged", at(3, 9)), ("in_progress", at(3, 9, 30)),
                     ("resolved", at(3, 10))):
        issue = services.issue_transition(actor=actor, issue=issue, to_status=to,
                                          expected_version=issue.version, at=when)
    assert services.check_slas(now=at(30, 9)) == 0


def test_the_job_costs_the_same_queries_for_one_issue_or_many(personas, issue,
                                                              django_assert_max_num_queries):
    for number in range(15):
        client = ClientFactory(organization=personas.organization, tier="strategic",
                               owner=personas.account_manager.user)
        services.issue_open(actor=personas.account_manager.actor, client=client,
                            title=f"Issue {number}", description="", severity="critical",
                            opened_at=at(3, 8, 30))
    # savepoints, the issues, settings, targets, one update per flag, events, notifications
    with django_assert_max_num_queries(12):
        # each critical issue missed both its 1h response and 8h resolution; the first one
        # its response only
        assert services.check_slas(now=at(3, 17, 45)) == 31
    assert Notification.objects.filter(recipient=personas.account_manager.user).count() == 31


def test_the_celery_task_runs_the_job(personas, issue, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # no frozen clock here: the issue, opened in March, is long overdue now
    assert check_issue_slas.delay().get() == 2  # response and resolution both missed
    issue.refresh_from_db()
    assert issue.response_breached_at is not None
