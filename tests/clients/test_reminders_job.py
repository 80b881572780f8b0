"""The daily reminders with a frozen clock: quiet clients and due follow-ups, once a day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from tandem.clients.models import Client, Interaction
from tandem.clients.services.reminders import raise_due_reminders
from tandem.clients.tasks import raise_due_reminders as reminders_task
from tandem.notifications.models import Notification
from tests.clients.factories import ClientFactory, InteractionFactory
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 20, 7, 0, tzinfo=HCM)


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def am(personas):
    return personas.account_manager.user


def client_of(personas, am, **fields):
    fields.setdefault("created_at", days_ago(400))
    return ClientFactory(organization=personas.organization, owner=am, **fields)


def silence(personas):
    """The persona's client was just called, so only the clients a test adds can be quiet."""
    Client.objects.filter(pk=personas.client_company.pk).update(last_contact_at=NOW)


def titles(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_a_client_past_its_tiers_cadence_is_quiet(personas, am):
    silence(personas)
    client_of(personas, am, name="Strategic A", tier="strategic", last_contact_at=days_ago(8))
    client_of(personas, am, name="Strategic B", tier="strategic", last_contact_at=days_ago(6))
    client_of(personas, am, name="Key C", tier="key", last_contact_at=days_ago(15))
    client_of(personas, am, name="Standard D", tier="standard", last_contact_at=days_ago(29))
    assert raise_due_reminders(now=NOW) == 2
    assert titles(am) == ["Key C has been quiet for 15 days",
                          "Strategic A has been quiet for 8 days"]
    note = Notification.objects.get(title__startswith="Key C")
    assert (note.kind, note.target_type, note.organization) == (
        "client_quiet", "clients.client", personas.organization)
    assert "14 days" in note.body


def test_running_twice_the_same_day_raises_nothing_new_but_the_next_day_does(personas, am):
    silence(personas)
    client_of(personas, am, tier="strategic", last_contact_at=days_ago(8))
    assert raise_due_reminders(now=NOW) == 1
    assert raise_due_reminders(now=NOW + dt.timedelta(hours=5)) == 0
    assert raise_due_reminders(now=NOW + dt.timedelta(days=1)) == 1
    assert Notification.objects.count() == 2


def test_prospects_former_and_unowned_clients_are_left_alone(personas, am):
    silence(personas)
    client_of(personas, am, status="prospect", tier="strategic")
    client_of(personas, am, status="former", tier="strategic")
    ClientFactory(organization=personas.organization, owner=None, tier="strategic",
                  created_at=days_ago(100))
    assert raise_due_reminders(now=NOW) == 0


def test_a_never_contacted_client_counts_from_its_creation(personas, am):
    silence(personas)
    client_of(personas, am, name="New", tier="strategic", created_at=days_ago(3))
    client_of(personas, am, name="Forgotten", tier="strategic", created_at=days_ago(30))
    assert raise_due_reminders(now=NOW) == 1
    assert titles(am) == ["Forgotten has never been contacted"]


def test_the_clients_own_cadence_wins(personas, am):
    silence(personas)
    client_of(personas, am, tier="standard", cadence_days=3, last_contact_at=days_ago(4))
    assert raise_due_reminders(now=NOW) == 1


def test_due_follow_ups_remind_the_owner_am(personas, am):
    personas.client_company.last_contact_at = NOW
    personas.client_company.save()
    today = NOW.date()
    due = InteractionFactory(client=personas.client_company, follow_up_on=today,
                             next_step="Send the revised quote", occurred_at=days_ago(3))
    InteractionFactory(client=personas.client_company, follow_up_on=today - dt.timedelta(2),
                       occurred_at=days_ago(5))
    InteractionFactory(client=personas.client_company, follow_up_on=today + dt.timedelta(1),
                       occurred_at=days_ago(3))
    InteractionFactory(client=personas.client_company, follow_up_on=today,
                       follow_up_done_at=NOW, occurred_at=days_ago(3))
    assert raise_due_reminders(now=NOW) == 2
    assert titles(am) == ["Follow up with Sao Mai Logistics today",
                          "Follow-up with Sao Mai Logistics is overdue since 2026-03-18"]
    note = Notification.objects.get(target_id=str(due.pk))
    assert note.body == "Send the revised quote"
    assert note.url == f"/clients/interactions/{due.pk}/edit/"
    assert raise_due_reminders(now=NOW) == 0
    Interaction.objects.filter(pk=due.pk).update(follow_up_done_at=NOW)
    # the next day: the overdue one again, and tomorrow's has come; the done one never
    assert raise_due_reminders(now=NOW + dt.timedelta(days=1)) == 2


def test_reminders_are_written_in_the_ams_language(personas, am):
    am.language = "vi"
    am.save()
    silence(personas)
    client_of(personas, am, name="Hoa Sen", tier="strategic", last_contact_at=days_ago(8))
    raise_due_reminders(now=NOW)
    assert Notification.objects.get().title  # translated if a catalog exists, never empty


def test_every_organization_is_served_in_a_fixed_number_of_queries(personas, am,
                                                                   django_assert_num_queries):
    for number in range(20):
        client_of(personas, am, tier="strategic", last_contact_at=days_ago(9 + number))
    other = OrganizationFactory()
    other_am = MembershipFactory(organization=other, user=UserFactory(),
                                 role="account_manager").user
    for _ in range(5):
        ClientFactory(organization=other, owner=other_am, tier="key",
                      last_contact_at=days_ago(20), created_at=days_ago(100))
    # clients, settings, follow-ups due, existing keys, one insert
    with django_assert_num_queries(5):
        assert raise_due_reminders(now=NOW) == 25
    assert Notification.objects.filter(organization=other, recipient=other_am).count() == 5


def test_the_celery_task_runs_the_job(personas, am, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # no frozen clock here: the persona's client was called just now, the other never
    Client.objects.filter(pk=personas.client_company.pk).update(last_contact_at=timezone.now())
    client_of(personas, am, tier="strategic", last_contact_at=None)
    assert reminders_task.delay().get() == 1
    assert reminders_task.delay().get() == 0
