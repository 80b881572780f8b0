"""Writes of the core: organizations, members, roles, language. One transaction each, audited."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction

from tandem.core import audit
from tandem.core.access import ensure_admin
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, ValidationError
from tandem.core.models import Membership, Organization, User
from tandem.core.roles import Role
from tandem.core.versioning import ensure_version, update_versioned

RESERVED_SLUGS = frozenset({"api", "admin", "static", "healthz", "accounts", "i18n"})


def organization_create(
    *, name: str, slug: str, admin_email: str, admin_password: str, admin_name: str = ""
) -> Membership:
    """A new organization with its first administrator (created, or an existing user)."""
    name, slug = name.strip(), slug.strip().lower()
    _check_organization(name, slug)
    with transaction.atomic():
        try:
            with transaction.atomic():
                organization = Organization.objects.create(name=name, slug=slug)
        except IntegrityError:  # created by a concurrent request since the check above
            raise _slug_taken(slug) from None
        system = Actor.system(organization, label="organization_create")
        audit.record(actor=system, action="organization.create", target=organization,
                     changes={"name": [None, name], "slug": [None, slug]})
        return member_add(actor=system, email=admin_email, role=Role.ADMIN,
                          password=admin_password, full_name=admin_name)


def organization_rename(*, actor: Actor, name: str, expected_version: int) -> Organization:
    ensure_admin(actor, "rename the organization")
    name = name.strip()
    if not name:
        raise ValidationError("The organization needs a name.", field="name")
    with transaction.atomic():
        organization = Organization.objects.select_for_update(no_key=True).get(
            pk=actor.organization.pk
        )
        before = organization.name
        if name == before:  # nothing to change: no new version, no audit entry
            ensure_version(organization, expected_version=expected_version)
            return organization
        update_versioned(organization, expected_version=expected_version, fields={"name": name})
        audit.record(actor=actor, action="organization.rename", target=organization,
                     changes=audit.diff({"name": before}, {"name": name}))
    return organization


def member_add(
    *,
    actor: Actor,
    email: str,
    role: Role | str,
    password: str | None = None,
    full_name: str = "",
    validate: bool = True,
    client_id: int | None = None,
) -> Membership:
    """Give a person a role in the actor's organization, creating their user if needed.

    A client-role person names the client they belong to (``client_id``); no one else does.
    ``validate=False`` skips the password rules; only the demo data uses it (password "demo")."""
    ensure_admin(actor, "add members")
    email, role = _clean_email(email), _clean_role(role)
    _check_client_link(actor, role, client_id)
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = _create_user(email, password, full_name, validate=validate)
        elif Membership.objects.filter(organization=actor.organization, user=user).exists():
            raise _already_member(email, actor)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organization=actor.organization, user=user, role=role, client_id=client_id
                )
        except IntegrityError:  # added by a concurrent request since the check above
            raise _already_member(email, actor) from None
        audit.record(actor=actor, action="membership.create", target=membership,
                     changes={"user": [None, email], "role": [None, role.value]})
    return membership


def member_update(
    *,
    actor: Actor,
    membership: Membership,
    expected_version: int,
    role: Role | str | None = None,
    is_active: bool | None = None,
) -> Membership:
    ensure_admin(actor, "change members")
    fields: dict[str, object] = {}
    if role is not None:
        fields["role"] = _clean_role(role).value
        if fields["role"] != membership.role and Role.CLIENT in (fields["role"], membership.role):
            raise ValidationError(
                "A client's person cannot become staff or the other way round; "
                "remove the membership and add the person again.",
                code="client_role_change", field="role",
            )
    if is_active is not None:
        fields["is_active"] = is_active
    with transaction.atomic():
        # Lock the membership row only (not the joined user, which an audit row of a concurrent
        # change may reference); "no key" locks leave inserts that reference the row free.
        locked = (
            Membership.objects.select_for_update(of=("self",), no_key=True)
            .select_related("user")
            .get(pk=membership.pk)
        )
        before = audit.snapshot(locked, fields)
        if before == fields:  # nothing to change: no new version, no audit entry
            ensure_version(locked, expected_version=expected_version)
            return locked
        _keep_one_admin(actor, locked, fields)
        update_versioned(locked, expected_version=expected_version, fields=fields)
        audit.record(actor=actor, action="membership.update", target=locked,
                     changes=audit.diff(before, audit.snapshot(locked, fields)))
    return locked


def user_set_language(*, user: User, language: str) -> User:
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValidationError(f"Unknown language {language!r}.", field="language")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


def _check_client_link(actor: Actor, role: Role, client_id: int | None) -> None:
    if role != Role.CLIENT:
        if client_id is not None:
            raise ValidationError("Only a client-role person belongs to a client.",
                                  code="client_not_allowed", field="client_id")
        return
    if client_id is None:
        raise ValidationError("A client-role person needs the client they belong to.",
                              code="client_required", field="client_id")
    client_model = apps.get_model("clients", "Client")
    if not client_model.objects.filter(organization=actor.organization, pk=client_id).exists():
        raise ValidationError("No such client in this organization.", code="client_not_found",
                              field="client_id")


def _keep_one_admin(actor: Actor, membership: Membership, fields: dict[str, object]) -> None:
    losing_admin = membership.role == Role.ADMIN and membership.is_active and (
        fields.get("role", Role.ADMIN) != Role.ADMIN or fields.get("is_active") is False
    )
    if not losing_admin:
        return
    # Two administrators demoting each other at once must not both succeed: the organization's
    # row serializes such changes (always locked after the membership, never before). A "no key"
    # lock, so that rows referencing the organization can still be inserted meanwhile.
    Organization.objects.select_for_update(no_key=True).filter(pk=actor.organization.pk).first()
    admins = Membership.objects.filter(
        organization=actor.organization, role=Role.ADMIN, is_active=True
    ).exclude(pk=membership.pk)
    if not admins.exists():
        raise Conflict("An organization keeps at least one active administrator.",
                       code="last_admin")


def _already_member(email: str, actor: Actor) -> Conflict:
    return Conflict(f"{email} is already a member of {actor.organization}.", code="already_member")


def _slug_taken(slug: str) -> Conflict:
    return Conflict(f"An organization with the slug {slug!r} already exists.", code="slug_taken")


def _create_user(email: str, password: str | None, full_name: str, *, validate: bool) -> User:
    user = User(email=email, full_name=full_name.strip()[:200])
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            try:
                validate_password(password, user)
            except DjangoValidationError as error:
                raise ValidationError(" ".join(error.messages), field="password") from None
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # created by a concurrent request since the caller looked
        return User.objects.get(email=email)
    return user


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError(f"{email!r} is not a valid email address.", field="email") from None
    return email


def _clean_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError(f"Unknown role {role!r}; use one of: {choices}.",
                              field="role") from None


def _check_organization(name: str, slug: str) -> None:
    if not name:
        raise ValidationError("The organization needs a name.", field="name")
    try:
        validate_slug(slug)
    except DjangoValidationError:
        raise ValidationError(
            f"{slug!r} is not a valid slug (letters, digits, hyphens, underscores).", field="slug"
        ) from None
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"The slug {slug!r} is reserved.", field="slug")
    if Organization.objects.filter(slug=slug).exists():
        raise _slug_taken(slug)
