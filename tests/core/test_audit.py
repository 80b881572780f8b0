"""The audit log: written by services inside the change's transaction, with who, what, before and
after and the request id; append-only in the ORM and in the database itself."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from tandem.core import audit, services
from tandem.core.actor import Actor
from tandem.core.errors import ValidationError
from tandem.core.models import AuditEntry, Membership, Organization
from tandem.core.roles import Role
from tests.factories import OrganizationFactory


@pytest.fixture
def entry(personas) -> AuditEntry:
    services.organization_rename(
        actor=personas.admin.actor, name="Acme Renamed", expected_version=1
    )
    return AuditEntry.objects.get(action="organization.rename")


def test_a_service_records_actor_action_object_changes_and_request_id(personas):
    actor = Actor.for_membership(personas.admin.membership, request_id="req-0001-abcd")

    services.organization_rename(actor=actor, name="Acme Renamed", expected_version=1)

    entry = AuditEntry.objects.get()
    assert entry.organization == personas.organization
    assert entry.actor == personas.admin.user
    assert entry.actor_label == "admin@acme.test"
    assert entry.action == "organization.rename"
    assert entry.object_type == "core.organization"
    assert entry.object_id == str(personas.organization.pk)
    assert entry.object_repr == "Acme Renamed"
    assert entry.changes == {"name": ["Acme Delivery", "Acme Renamed"]}
    assert entry.request_id == "req-0001-abcd"


def test_a_member_update_records_each_changed_field_before_and_after(personas):
    target = personas.member.membership

    services.member_update(
        actor=personas.admin.actor, membership=target, expected_version=1,
        role=Role.FINANCE, is_active=False,
    )

    entry = AuditEntry.objects.get(action="membership.update")
    assert entry.object_type == "core.membership"
    assert entry.object_id == str(target.pk)
    assert entry.changes == {"role": ["member", "finance"], "is_active": [True, False]}


def test_a_system_actor_is_recorded_by_its_label(db):
    membership = services.organization_create(
        name="Beta", slug="beta", admin_email="boss@beta.test",
        admin_password="a-Long-unusual-passphrase-42",
    )

    entries = AuditEntry.objects.filter(organization=membership.organization).order_by("id")
    assert [e.action for e in entries] == ["organization.create", "membership.create"]
    assert {e.actor_id for e in entries} == {None}
    assert {e.actor_label for e in entries} == {"organization_create"}
    assert entries[1].changes == {"user": [None, "boss@beta.test"], "role": [None, "admin"]}


def test_a_service_that_fails_after_writing_leaves_neither_the_change_nor_its_entry(
    personas, monkeypatch
):
    real_record = audit.record

    def record_then_fail(**kwargs):
        real_record(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", record_then_fail)

    with pytest.raises(RuntimeError, match="disk full"):
        services.organization_rename(
            actor=personas.admin.actor, name="Half-renamed", expected_version=1
        )

    organization = Organization.objects.get(pk=personas.organization.pk)
    assert (organization.name, organization.version) == ("Acme Delivery", 1)
    assert not AuditEntry.objects.exists()


def test_a_member_add_that_fails_leaves_no_user_membership_or_entry(personas, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("forced")

    monkeypatch.setattr(audit, "record", fail)

    with pytest.raises(RuntimeError):
        services.member_add(actor=personas.admin.actor, email="new@acme.test", role="member")

    assert not Membership.objects.filter(user__email="new@acme.test").exists()
    assert not AuditEntry.objects.exists()


def test_a_refused_change_writes_no_entry(personas):
    with pytest.raises(ValidationError):
        services.member_add(actor=personas.admin.actor, email="not an email", role="member")

    assert not AuditEntry.objects.exists()


def test_saving_an_existing_entry_again_is_refused(entry):
    entry.action = "forged"

    with pytest.raises(TypeError, match="append-only"):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).action == "organization.rename"


def test_queryset_update_of_entries_is_refused(entry):
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    entry.action = "forged"
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])

    assert AuditEntry.objects.get(pk=entry.pk).action == "organization.rename"


def test_queryset_delete_of_entries_is_refused(entry):
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_an_entry_instance_is_refused(entry):
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_a_raw_sql_update_of_an_entry(entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).action == "organization.rename"


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    organization = OrganizationFactory(slug="lonely")

    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record(actor=Actor.system(organization), action="test.write", target=organization)

    assert not AuditEntry.objects.exists()


def test_diff_lists_only_the_fields_that_changed():
    before = {"name": "A", "role": "member", "is_active": True}
    after = {"name": "A", "role": "finance", "is_active": False, "new": 1}

    assert audit.diff(before, after) == {
        "role": ["member", "finance"],
        "is_active": [True, False],
        "new": [None, 1],
    }


def test_snapshot_stores_json_safe_values_under_field_names(personas):
    membership = personas.member.membership

    assert audit.snapshot(membership, ["role", "user", "created_at"]) == {
        "role": "member",
        "user": personas.member.user.pk,
        "created_at": membership.created_at.isoformat(),
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2025, 1, 29), "2025-01-29"),
        (decimal.Decimal("10.50"), "10.50"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (3, 3),
    ],
)
def test_snapshot_values_are_json_safe(value, expected):
    assert audit.json_value(value) == expected
