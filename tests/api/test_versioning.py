"""Optimistic versions on PATCH: a write based on a stale version is 409 and changes nothing."""

from __future__ import annotations

import pytest

from tandem.core.models import AuditEntry, Membership, Organization
from tandem.core.roles import Role
from tests.factories import MembershipFactory


def test_renaming_with_the_current_version_bumps_it(personas, api_as):
    response = api_as("admin").patch("/api/v1/organization", {"name": "Acme 2", "version": 1})

    assert response.status_code == 200
    assert response.json() == {"id": personas.organization.pk, "name": "Acme 2", "slug": "acme",
                               "version": 2}


def test_renaming_with_a_stale_version_is_409_and_changes_nothing(personas, api_as):
    admin = api_as("admin")
    admin.patch("/api/v1/organization", {"name": "Acme 2", "version": 1})

    response = admin.patch("/api/v1/organization", {"name": "Acme 3", "version": 1})

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["current_version"]) == ("stale_version", 2)
    assert "reload" in body["detail"]
    organization = Organization.objects.get(pk=personas.organization.pk)
    assert (organization.name, organization.version) == ("Acme 2", 2)
    assert AuditEntry.objects.filter(action="organization.rename").count() == 1


def test_two_renames_from_the_same_version_let_only_the_first_through(personas, api_as):
    alice = api_as("admin")
    bob = personas.admin.api()  # the same admin in another tab, with the same version loaded
    version = alice.get("/api/v1/organization").json()["version"]

    first = alice.patch("/api/v1/organization", {"name": "Alice's name", "version": version})
    second = bob.patch("/api/v1/organization", {"name": "Bob's name", "version": version})

    assert (first.status_code, second.status_code) == (200, 409)
    assert Organization.objects.get(pk=personas.organization.pk).name == "Alice's name"


@pytest.mark.parametrize("version", [2, 99])
def test_a_version_from_the_future_is_stale_too(personas, api_as, version):
    response = api_as("admin").patch("/api/v1/organization", {"name": "X", "version": version})

    assert response.status_code == 409


def test_changing_a_member_with_the_current_version_bumps_it(personas, api_as):
    target = personas.member.membership

    response = api_as("admin").patch(f"/api/v1/members/{target.pk}",
                                     {"version": 1, "role": "finance"})

    assert response.status_code == 200
    assert (response.json()["role"], response.json()["version"]) == ("finance", 2)
    assert response.json()["email"] == "member@acme.test"


def test_changing_a_member_with_a_stale_version_is_409_and_changes_nothing(personas, api_as):
    target = personas.member.membership
    admin = api_as("admin")
    admin.patch(f"/api/v1/members/{target.pk}", {"version": 1, "role": "finance"})

    response = admin.patch(f"/api/v1/members/{target.pk}", {"version": 1, "is_active": False})

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    target.refresh_from_db()
    assert (target.role, target.is_active, target.version) == (Role.FINANCE, True, 2)


def test_two_member_changes_from_the_same_version_let_only_the_first_through(personas, api_as):
    path = f"/api/v1/members/{personas.member.membership.pk}"
    first = api_as("admin").patch(path, {"version": 1, "role": "finance"})
    second = personas.admin.api().patch(path, {"version": 1, "role": "executive"})

    assert (first.status_code, second.status_code) == (200, 409)
    assert Membership.objects.get(pk=personas.member.membership.pk).role == Role.FINANCE


def test_a_patch_that_changes_nothing_keeps_the_version(personas, api_as):
    path = f"/api/v1/members/{personas.member.membership.pk}"

    response = api_as("admin").patch(path, {"version": 1, "role": "member"})

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert not AuditEntry.objects.filter(action="membership.update").exists()


@pytest.mark.parametrize("change", [{"role": "executive"}, {"is_active": False}])
def test_the_last_active_administrator_cannot_be_demoted_or_deactivated(personas, api_as, change):
    response = api_as("admin").patch(f"/api/v1/members/{personas.admin.membership.pk}",
                                     {"version": 1, **change})

    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"
    stored = Membership.objects.get(pk=personas.admin.membership.pk)
    assert (stored.role, stored.is_active, stored.version) == (Role.ADMIN, True, 1)


def test_an_administrator_steps_down_once_another_is_appointed(personas, api_as):
    admin = api_as("admin")
    promoted = admin.patch(f"/api/v1/members/{personas.executive.membership.pk}",
                           {"version": 1, "role": "admin"})

    stepped_down = admin.patch(f"/api/v1/members/{personas.admin.membership.pk}",
                               {"version": 1, "role": "executive"})

    assert (promoted.status_code, stepped_down.status_code) == (200, 200)
    # Their token now carries the executive role: no more member changes.
    again = admin.patch(f"/api/v1/members/{personas.executive.membership.pk}",
                        {"version": 2, "role": "member"})
    assert again.status_code == 403


def test_a_deactivated_administrator_does_not_keep_the_organization_administered(
    personas, api_as
):
    MembershipFactory(organization=personas.organization, role=Role.ADMIN, is_active=False)

    response = api_as("admin").patch(f"/api/v1/members/{personas.admin.membership.pk}",
                                     {"version": 1, "is_active": False})

    assert response.status_code == 409
