"""Logging interactions: who may, what is checked, last contact kept up to date, audit, cadence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.clients.models import AccountSettings, Interaction
from tandem.clients.services import interactions as services
from tandem.clients.services.settings import (
    account_settings_for,
    account_settings_update,
    cadence_days,
)
from tandem.core.errors import PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry
from tests.clients.factories import ClientFactory, ContactFactory


def ago(**delta):
    return timezone.now() - dt.timedelta(**delta)


def log(personas, **overrides):
    fields = {"actor": personas.account_manager.actor, "client": personas.client_company,
              "kind": "call", "occurred_at": ago(hours=2), "summary": "Weekly check-in"}
    fields.update(overrides)
    return services.interaction_log(**fields)


def test_the_owner_am_logs_a_call_with_contacts_and_colleagues(personas,
                                                               django_capture_on_commit_callbacks):
    contact = ContactFactory(client=personas.client_company)
    with django_capture_on_commit_callbacks() as callbacks:
        interaction = log(personas, contact_ids=[contact.pk],
                          participant_ids=[personas.project_manager.user.pk],
                          next_step="Send the proposal", follow_up_on=timezone.localdate())
    assert list(interaction.contacts.all()) == [contact]
    assert list(interaction.participants.all()) == [personas.project_manager.user]
    personas.client_company.refresh_from_db()
    assert personas.client_company.last_contact_at == interaction.occurred_at
    assert len(callbacks) == 1  # health recomputed after the commit
    entry = AuditEntry.objects.get(action="interaction.log")
    assert entry.changes["summary"] == [None, "Weekly check-in"]
    assert entry.changes["contacts"] == [None, [contact.pk]]


def test_health_is_recomputed_for_the_client_after_commit(personas, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("tandem.clients.tasks.recompute_health.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        log(personas)
    assert queued == [personas.client_company.pk]


def test_last_contact_follows_edits_and_deletes(personas):
    older = log(personas, occurred_at=ago(days=10))
    newer = log(personas, occurred_at=ago(days=1))
    client = personas.client_company
    client.refresh_from_db()
    assert client.last_contact_at == newer.occurred_at
    newer = services.interaction_update(actor=personas.account_manager.actor, interaction=newer,
                                        expected_version=1, occurred_at=ago(days=20))
    client.refresh_from_db()
    assert client.last_contact_at == older.occurred_at
    services.interaction_delete(actor=personas.account_manager.actor, interaction=older)
    client.refresh_from_db()
    assert client.last_contact_at == newer.occurred_at
    services.interaction_delete(actor=personas.account_manager.actor, interaction=newer)
    client.refresh_from_db()
    assert client.last_contact_at is None
    assert AuditEntry.objects.filter(action="interaction.delete").count() == 2


def test_contacts_must_be_the_clients_and_participants_active_staff(personas):
    stranger = ContactFactory(client=ClientFactory(organization=personas.organization))
    with pytest.raises(ValidationError) as refusal:
        log(personas, contact_ids=[stranger.pk])
    assert refusal.value.code == "unknown_contact"
    for user in (personas.client.user, personas.outsider.user):
        with pytest.raises(ValidationError) as refusal:
            log(personas, participant_ids=[user.pk])
        assert refusal.value.code == "unknown_participant"
    assert not Interaction.objects.exists()


def test_an_interaction_is_logged_after_it_happened(personas):
    with pytest.raises(ValidationError) as refusal:
        log(personas, occurred_at=timezone.now() + dt.timedelta(days=1))
    assert refusal.value.code == "interaction_in_future"
    with pytest.raises(ValidationError):
        log(personas, summary="   ")
    with pytest.raises(ValidationError):
        log(personas, kind="fax")


@pytest.mark.parametrize("name", ["executive", "finance", "project_manager", "member", "client"])
def test_other_roles_cannot_log(personas, name):
    with pytest.raises(PermissionDenied):
        log(personas, actor=personas[name].actor)


def test_another_ams_client_is_not_theirs_to_log(personas):
    other = ClientFactory(organization=personas.organization, owner=personas.admin.user)
    with pytest.raises(PermissionDenied):
        log(personas, client=other)
    assert log(personas, actor=personas.admin.actor, client=other).created_by == (
        personas.admin.user)


def test_a_stale_edit_is_refused(personas):
    interaction = log(personas)
    services.interaction_update(actor=personas.account_manager.actor, interaction=interaction,
                                expected_version=1, summary="Changed")
    with pytest.raises(StaleVersion):
        services.interaction_update(actor=personas.account_manager.actor,
                                    interaction=interaction, expected_version=1,
                                    summary="Again")


def test_follow_up_done_and_undone(personas):
    interaction = log(personas, follow_up_on=timezone.localdate())
    interaction = services.follow_up_done(actor=personas.account_manager.actor,
                                          interaction=interaction, expected_version=1)
    assert interaction.follow_up_done_at is not None
    interaction = services.follow_up_done(actor=personas.account_manager.actor,
                                          interaction=interaction, expected_version=2,
                                          done=False)
    assert interaction.follow_up_done_at is None
    with pytest.raises(ValidationError):
        services.follow_up_done(actor=personas.account_manager.actor,
                                interaction=log(personas), expected_version=1)


def test_the_cadence_defaults_per_tier_and_the_client_override(personas):
    account_settings = account_settings_for(personas.organization)
    assert (account_settings.strategic_cadence_days, account_settings.key_cadence_days,
            account_settings.standard_cadence_days) == (7, 14, 30)
    client = personas.client_company
    assert cadence_days(client, account_settings) == 14
    client = services.client_set_cadence(actor=personas.account_manager.actor, client=client,
                                         cadence_days=5, expected_version=client.version)
    assert cadence_days(client, account_settings) == 5
    assert AuditEntry.objects.filter(action="client.set_cadence").count() == 1
    with pytest.raises(PermissionDenied):
        services.client_set_cadence(actor=personas.executive.actor, client=client,
                                    cadence_days=3, expected_version=client.version)
    with pytest.raises(ValidationError):
        services.client_set_cadence(actor=personas.account_manager.actor, client=client,
                                    cadence_days=0, expected_version=client.version)


def test_admins_edit_the_account_settings(personas):
    updated = account_settings_update(actor=personas.admin.actor, expected_version=1,
                                      key_cadence_days=10, holiday_country="vn")
    assert (updated.key_cadence_days, updated.holiday_country, updated.version) == (10, "VN", 2)
    assert AccountSettings.objects.get(organization=personas.organization).key_cadence_days == 10
    with pytest.raises(PermissionDenied):
        account_settings_update(actor=personas.account_manager.actor, expected_version=2,
                                key_cadence_days=3)
    with pytest.raises(ValidationError):
        account_settings_update(actor=personas.admin.actor, expected_version=2,
                                business_day_start=dt.time(18), business_day_end=dt.time(9))
    with pytest.raises(ValidationError):
        account_settings_update(actor=personas.admin.actor, expected_version=2,
                                holiday_country="XX")
    with pytest.raises(StaleVersion):
        account_settings_update(actor=personas.admin.actor, expected_version=1,
                                key_cadence_days=12)
