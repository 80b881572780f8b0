"""The core's write services: organizations, members, roles, language."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError

from tandem.core import services
from tandem.core.errors import Conflict, PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry, Membership, Organization, User
from tandem.core.roles import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

STRONG = "a-Long-unusual-passphrase-42"
NON_ADMINS = ("executive", "account_manager", "project_manager", "finance", "member", "client")


def create(slug: str = "beta", email: str = "boss@beta.test", password: str = STRONG, **kw):
    return services.organization_create(
        name=kw.pop("name", "Beta Studio"), slug=slug, admin_email=email,
        admin_password=password, **kw,
    )


# --- organization_create ---------------------------------------------------------------------


def test_organization_create_makes_the_organization_and_its_first_administrator(db):
    membership = create(name="  Beta Studio ", slug=" Beta ", email="Boss@Beta.test",
                        admin_name="Bao Boss")

    organization = membership.organization
    assert (organization.name, organization.slug) == ("Beta Studio", "beta")
    assert organization.version == 1
    assert membership.role == Role.ADMIN
    assert membership.is_active
    user = membership.user
    assert (user.email, user.full_name) == ("boss@beta.test", "Bao Boss")
    assert user.check_password(STRONG)


def test_passwords_are_hashed_with_argon2(db):
    membership = create()

    assert membership.user.password.startswith("argon2")


@pytest.mark.parametrize("slug", ["", "has space", "dot.ted", "ümlaut", "slash/ed", "semi;colon"])
def test_organization_create_refuses_an_invalid_slug(db, slug):
    with pytest.raises(ValidationError) as error:
        create(slug=slug)

    assert error.value.details == {"field": "slug"}
    assert not Organization.objects.exists()


@pytest.mark.parametrize("slug", sorted(services.RESERVED_SLUGS))
def test_organization_create_refuses_a_reserved_slug(db, slug):
    with pytest.raises(ValidationError, match="reserved"):
        create(slug=slug.upper())

    assert not Organization.objects.exists()


def test_organization_create_refuses_an_empty_name(db):
    with pytest.raises(ValidationError) as error:
        create(name="   ")

    assert error.value.details == {"field": "name"}


def test_organization_create_refuses_a_taken_slug_as_a_conflict(db):
    create(slug="beta")

    with pytest.raises(Conflict) as error:
        create(slug="BETA", email="someone@else.test")

    assert error.value.code == "slug_taken"
    assert Organization.objects.count() == 1
    assert not User.objects.filter(email="someone@else.test").exists()


@pytest.mark.parametrize("password", ["123", "password", "12345678901", "boss@beta.test"])
def test_organization_create_refuses_a_weak_password_with_djangos_messages(db, password):
    with pytest.raises(DjangoValidationError) as django_says:
        validate_password(password, User(email="boss@beta.test"))

    with pytest.raises(ValidationError) as error:
        create(password=password)

    assert error.value.details == {"field": "password"}
    for message in django_says.value.messages:
        assert message in error.value.message
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_organization_create_makes_an_existing_user_the_administrator_keeping_their_password(
    personas,
):
    existing = personas.member.user

    membership = create(email="MEMBER@acme.test", password="ignored-for-existing-users-1")

    assert membership.user == existing
    assert membership.role == Role.ADMIN
    existing.refresh_from_db()
    assert existing.check_password(TEST_PASSWORD)
    assert Membership.objects.filter(user=existing).count() == 2


# --- member_add ------------------------------------------------------------------------------


def test_member_add_creates_the_user_and_the_membership_with_an_audit_entry(personas):
    membership = services.member_add(
        actor=personas.admin.actor, email="  New.Person@Acme.test ", role="project_manager",
        password=STRONG, full_name=" New Person ",
    )

    assert membership.organization == personas.organization
    assert membership.role == Role.PROJECT_MANAGER
    assert (membership.user.email, membership.user.full_name) == ("new.person@acme.test",
                                                                   "New Person")
    assert membership.user.password.startswith("argon2")
    entry = AuditEntry.objects.get(action="membership.create")
    assert entry.object_id == str(membership.pk)
    assert entry.changes == {"user": [None, "new.person@acme.test"],
                             "role": [None, "project_manager"]}


def test_member_add_without_password_leaves_a_user_who_must_reset_it(personas):
    membership = services.member_add(actor=personas.admin.actor, email="x@acme.test",
                                     role="member")

    assert not membership.user.has_usable_password()


def test_member_add_reuses_an_existing_user_matched_case_insensitively(personas):
    membership = services.member_add(actor=personas.outsider.actor, email="FINANCE@ACME.TEST",
                                     role=Role.FINANCE)

    assert membership.user == personas.finance.user
    assert membership.organization == personas.other_organization
    assert User.objects.filter(email="finance@acme.test").count() == 1


def test_member_add_refuses_a_second_membership_in_the_same_organization(personas):
    with pytest.raises(Conflict) as error:
        services.member_add(actor=personas.admin.actor, email="Member@acme.test", role="finance")

    assert error.value.code == "already_member"
    assert Membership.objects.filter(user=personas.member.user).count() == 1


@pytest.mark.parametrize("email", ["", "no-at-sign", "two@@acme.test", "spaces in@acme.test"])
def test_member_add_refuses_a_bad_email(personas, email):
    with pytest.raises(ValidationError) as error:
        services.member_add(actor=personas.admin.actor, email=email, role="member")

    assert error.value.details == {"field": "email"}


@pytest.mark.parametrize("role", ["owner", "", "ADMIN", "superuser"])
def test_member_add_refuses_an_unknown_role_naming_the_valid_ones(personas, role):
    with pytest.raises(ValidationError) as error:
        services.member_add(actor=personas.admin.actor, email="x@acme.test", role=role)

    assert error.value.details == {"field": "role"}
    assert "admin, executive, account_manager" in error.value.message
    assert not User.objects.filter(email="x@acme.test").exists()


def test_member_add_refuses_a_weak_password_for_a_new_user(personas):
    with pytest.raises(ValidationError) as error:
        services.member_add(actor=personas.admin.actor, email="x@acme.test", role="member",
                            password="short")

    assert error.value.details == {"field": "password"}
    assert not User.objects.filter(email="x@acme.test").exists()


@pytest.mark.parametrize("name", NON_ADMINS)
def test_only_an_administrator_adds_members(personas, name):
    with pytest.raises(PermissionDenied):
        services.member_add(actor=personas[name].actor, email="x@acme.test", role="member")

    assert not User.objects.filter(email="x@acme.test").exists()


# --- member_update ---------------------------------------------------------------------------


def test_member_update_changes_role_and_bumps_the_version(personas):
    updated = services.member_update(
        actor=personas.admin.actor, membership=personas.member.membership, expected_version=1,
        role="account_manager",
    )

    assert (updated.role, updated.version) == (Role.ACCOUNT_MANAGER, 2)
    stored = Membership.objects.get(pk=updated.pk)
    assert (stored.role, stored.version) == (Role.ACCOUNT_MANAGER, 2)


def test_member_update_deactivates_a_member(personas):
    updated = services.member_update(
        actor=personas.admin.actor, membership=personas.member.membership, expected_version=1,
        is_active=False,
    )

    assert not Membership.objects.get(pk=updated.pk).is_active


def test_member_update_with_a_stale_version_changes_nothing(personas):
    target = personas.member.membership
    services.member_update(actor=personas.admin.actor, membership=target, expected_version=1,
                           role="finance")

    with pytest.raises(StaleVersion) as error:
        services.member_update(actor=personas.admin.actor, membership=target,
                               expected_version=1, role="executive")

    assert error.value.code == "stale_version"
    assert error.value.details == {"current_version": 2}
    stored = Membership.objects.get(pk=target.pk)
    assert (stored.role, stored.version) == (Role.FINANCE, 2)
    assert AuditEntry.objects.filter(action="membership.update").count() == 1


def test_member_update_that_changes_nothing_keeps_the_version_and_writes_no_entry(personas):
    target = personas.member.membership

    same = services.member_update(actor=personas.admin.actor, membership=target,
                                  expected_version=1, role="member", is_active=True)

    assert same.version == 1
    assert Membership.objects.get(pk=target.pk).version == 1
    assert not AuditEntry.objects.exists()


def test_member_update_that_changes_nothing_still_refuses_a_stale_version(personas):
    with pytest.raises(StaleVersion):
        services.member_update(actor=personas.admin.actor,
                               membership=personas.member.membership, expected_version=7)


@pytest.mark.parametrize("change", [{"role": "executive"}, {"is_active": False}])
def test_the_last_active_administrator_cannot_be_demoted_or_deactivated(personas, change):
    target = personas.admin.membership

    with pytest.raises(Conflict) as error:
        services.member_update(actor=personas.admin.actor, membership=target,
                               expected_version=1, **change)

    assert error.value.code == "last_admin"
    stored = Membership.objects.get(pk=target.pk)
    assert (stored.role, stored.is_active, stored.version) == (Role.ADMIN, True, 1)


def test_an_inactive_administrator_does_not_count_as_the_other_administrator(personas):
    MembershipFactory(organization=personas.organization, role=Role.ADMIN, is_active=False)

    with pytest.raises(Conflict):
        services.member_update(actor=personas.admin.actor,
                               membership=personas.admin.membership,
                               expected_version=1, role="member")


def test_an_administrator_can_step_down_when_another_remains(personas):
    MembershipFactory(organization=personas.organization, role=Role.ADMIN)

    updated = services.member_update(actor=personas.admin.actor,
                                     membership=personas.admin.membership,
                                     expected_version=1, role="executive")

    assert updated.role == Role.EXECUTIVE


def test_the_other_organizations_administrator_does_not_count_for_acme(personas):
    with pytest.raises(Conflict):
        services.member_update(actor=personas.admin.actor,
                               membership=personas.admin.membership,
                               expected_version=1, is_active=False)


@pytest.mark.parametrize("name", NON_ADMINS)
def test_only_an_administrator_changes_members(personas, name):
    with pytest.raises(PermissionDenied):
        services.member_update(actor=personas[name].actor,
                               membership=personas.member.membership,
                               expected_version=1, role="admin")

    assert Membership.objects.get(pk=personas.member.membership.pk).role == Role.MEMBER


# --- organization_rename ---------------------------------------------------------------------


def test_organization_rename_bumps_the_version(personas):
    organization = services.organization_rename(actor=personas.admin.actor, name=" New Name ",
                                                expected_version=1)

    assert (organization.name, organization.version) == ("New Name", 2)


@pytest.mark.parametrize("name", NON_ADMINS)
def test_only_an_administrator_renames_the_organization(personas, name):
    with pytest.raises(PermissionDenied):
        services.organization_rename(actor=personas[name].actor, name="X", expected_version=1)

    assert Organization.objects.get(pk=personas.organization.pk).name == "Acme Delivery"


def test_organization_rename_refuses_an_empty_name(personas):
    with pytest.raises(ValidationError):
        services.organization_rename(actor=personas.admin.actor, name="  ", expected_version=1)


# --- user_set_language -----------------------------------------------------------------------


def test_user_set_language_saves_the_choice(db):
    user = UserFactory()

    services.user_set_language(user=user, language="vi")

    assert user.language == "vi"
    assert User.objects.get(pk=user.pk).language == "vi"


@pytest.mark.parametrize("language", ["fr", "", "VI", "en-us"])
def test_user_set_language_refuses_a_language_tandem_does_not_speak(db, language):
    user = UserFactory(language="en")

    with pytest.raises(ValidationError) as error:
        services.user_set_language(user=user, language=language)

    assert error.value.details == {"field": "language"}
    assert User.objects.get(pk=user.pk).language == "en"
