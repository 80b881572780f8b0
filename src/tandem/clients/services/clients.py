"""Writes of clients: create, update (optimistic ``version``), archive, tags.

Each service checks who may act (``tandem.clients.access``), validates before saving, runs in one
transaction with its audit entry, and asks for the client's health to be recomputed once the
change is committed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from tandem.clients.access import can_create_client, ensure_can_edit_client
from tandem.clients.models import Client, ClientStatus, ClientTag, Tier
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, PermissionDenied, ValidationError
from tandem.core.models import Membership, Organization, User
from tandem.core.roles import Role
from tandem.core.versioning import ensure_version, update_versioned

# The fields a person edits; the rest (health, last contact) are kept by other services.
CLIENT_FIELDS = (
    "name", "legal_name", "tax_code", "industry", "tier", "status", "owner_id", "address",
    "notes", "language", "cadence_days",
)
OWNER_ROLES = frozenset({Role.ACCOUNT_MANAGER, Role.ADMIN})
TAG_MAX_LENGTH = 50
MAX_TAGS = 20
_SPACES = re.compile(r"\s+")


# --- validation shared by the AM side's services ----------------------------------------------


def clean_values(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` checked against ``model``'s fields: text stripped and within its length, a
    choice among the field's choices, a required text not empty. Raises ``ValidationError``
    naming the field."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        label = str(getattr(field, "verbose_name", name))
        if isinstance(field, models.CharField | models.TextField):
            text = "" if value is None else str(value).strip()
            if "\x00" in text:
                raise ValidationError(f"The {label} must not contain the NUL character.",
                                      field=name)
            if not text and not field.blank:
                raise ValidationError(f"The {label} is required.", code="required", field=name)
            if field.max_length is not None and len(text) > field.max_length:
                raise ValidationError(
                    f"The {label} is at most {field.max_length} characters.", field=name
                )
            if field.choices and text not in {str(c[0]) for c in field.choices}:
                allowed = ", ".join(str(c[0]) for c in field.choices)
                raise ValidationError(f"Unknown {label} {text!r}; use one of: {allowed}.",
                                      field=name)
            cleaned[name] = text
        elif isinstance(field, models.PositiveSmallIntegerField):
            if value is not None and (not isinstance(value, int) or not 1 <= value <= 365):
                raise ValidationError(f"The {label} is a number of days from 1 to 365.",
                                      field=name)
            cleaned[name] = value
        else:
            cleaned[name] = value
    return cleaned


def clean_tag_names(names: Iterable[str]) -> list[str]:
    """Tag names with white space collapsed, duplicates (ignoring case) dropped, in order."""
    seen: dict[str, str] = {}
    for raw in names:
        name = _SPACES.sub(" ", str(raw)).strip()
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(f"A tag is at most {TAG_MAX_LENGTH} characters.", field="tags")
        seen.setdefault(name.casefold(), name)
    if len(seen) > MAX_TAGS:
        raise ValidationError(f"A client has at most {MAX_TAGS} tags.", field="tags")
    return list(seen.values())


def eligible_owners(organization: Organization) -> models.QuerySet[Membership]:
    """The active account managers and administrators of ``organization``: who may own a client."""
    return Membership.objects.filter(
        organization=organization, is_active=True, role__in=[r.value for r in OWNER_ROLES]
    ).select_related("user")


def check_owner(actor: Actor, owner_id: int | None) -> None:
    if owner_id is None:
        return
    if not eligible_owners(actor.organization).filter(user_id=owner_id).exists():
        raise ValidationError(
            "The owner must be an active account manager or administrator of the organization.",
            code="invalid_owner", field="owner_id",
        )


def tags_get_or_create(organization: Organization, names: Iterable[str]) -> list[ClientTag]:
    """The organization's tags of these names (matched ignoring case), created if missing."""
    wanted = clean_tag_names(names)
    if not wanted:
        return []
    existing = {
        tag.name.casefold(): tag
        for tag in ClientTag.objects.filter(organization=organization)
        .filter(_iexact_any("name", wanted))
    }
    tags = []
    for name in wanted:
        tag = existing.get(name.casefold())
        if tag is None:
            try:
                with transaction.atomic():
                    tag = ClientTag.objects.create(organization=organization, name=name)
            except IntegrityError:  # created by a concurrent request since the look-up
                tag = ClientTag.objects.get(organization=organization, name=name)
            existing[name.casefold()] = tag
        tags.append(tag)
    return tags


def _iexact_any(field: str, values: Iterable[str]) -> models.Q:
    condition = models.Q(pk__in=[])
    for value in values:
        condition |= models.Q(**{f"{field}__iexact": value})
    return condition


# --- the services -----------------------------------------------------------------------------


def client_create(
    *,
    actor: Actor,
    name: str,
    legal_name: str = "",
    tax_code: str = "",
    industry: str = "",
    tier: str = Tier.STANDARD,
    status: str = ClientStatus.PROSPECT,
    owner_id: int | None = None,
    address: str = "",
    notes: str = "",
    language: str = "en",
    cadence_days: int | None = None,
    tags: Iterable[str] = (),
) -> Client:
    """A new client. An account manager owns the clients they create; an administrator names
    any account manager or administrator as the owner (or none)."""
    if not can_create_client(actor):
        raise PermissionDenied("Only account managers and administrators create clients.")
    if actor.role == Role.ACCOUNT_MANAGER:
        if owner_id not in (None, actor.user_id):
            raise PermissionDenied("An account manager creates clients they own.",
                                   field="owner_id")
        owner_id = actor.user_id
    values = clean_values(Client, {
        "name": name, "legal_name": legal_name, "tax_code": tax_code, "industry": industry,
        "tier": tier, "status": status, "owner_id": owner_id, "address": address,
        "notes": notes, "language": language, "cadence_days": cadence_days,
    })
    tag_names = clean_tag_names(tags)
    check_owner(actor, values["owner_id"])
    _check_tax_code(actor, values["tax_code"])
    with transaction.atomic():
        try:
            with transaction.atomic():
                client = Client.objects.create(organization=actor.organization, **values)
        except IntegrityError:  # the same tax code, created concurrently
            raise _tax_code_taken(values["tax_code"]) from None
        tag_objects = tags_get_or_create(actor.organization, tag_names)
        client.tags.set(tag_objects)
        changes = {k: [None, v] for k, v in audit.snapshot(client, values).items() if v}
        if tag_objects:
            changes["tags"] = [None, sorted(t.name for t in tag_objects)]
        audit.record(actor=actor, action="client.create", target=client, changes=changes)
        _schedule_health(client.pk)
    return client


def client_update(
    *,
    actor: Actor,
    client: Client,
    expected_version: int,
    changes: Mapping[str, Any],
    tags: Iterable[str] | None = None,
) -> Client:
    """Change some of a client's fields (``CLIENT_FIELDS``) and, when given, its tags.

    Refused with ``StaleVersion`` (409) when the client changed since ``expected_version``."""
    ensure_can_edit_client(actor, client)
    unknown = set(changes) - set(CLIENT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown client fields: {', '.join(sorted(unknown))}.")
    values = clean_values(Client, changes)
    tag_names = clean_tag_names(tags) if tags is not None else None
    if "owner_id" in values:
        check_owner(actor, values["owner_id"])
    with transaction.atomic():
        locked = Client.objects.select_for_update(no_key=True).get(pk=client.pk)
        ensure_can_edit_client(actor, locked)
        before = audit.snapshot(locked, values)
        fields = {k: v for k, v in values.items() if before[k] != v}
        diff = audit.diff({k: before[k] for k in fields}, fields)
        if fields.get("tax_code"):
            _check_tax_code(actor, fields["tax_code"], exclude=locked.pk)
        old_tags = sorted(t.name for t in locked.tags.all())
        new_tags = None
        if tag_names is not None and sorted(tag_names, key=str.casefold) != sorted(
            old_tags, key=str.casefold
        ):
            new_tags = tags_get_or_create(actor.organization, tag_names)
            diff["tags"] = [old_tags, sorted(t.name for t in new_tags)]
        if not diff:  # nothing to change: no new version, no audit entry
            ensure_version(locked, expected_version=expected_version)
            return locked
        try:
            with transaction.atomic():
                update_versioned(locked, expected_version=expected_version,
                                 fields={**fields, "updated_at": timezone.now()})
        except IntegrityError:
            raise _tax_code_taken(str(fields.get("tax_code", ""))) from None
        if new_tags is not None:
            locked.tags.set(new_tags)
        archived = fields.get("status") == ClientStatus.FORMER
        action = "client.archive" if archived else "client.update"
        audit.record(actor=actor, action=action, target=locked, changes=diff)
        _schedule_health(locked.pk)
    return locked


def client_archive(*, actor: Actor, client: Client, expected_version: int) -> Client:
    """The client becomes a former client; its history stays."""
    return client_update(actor=actor, client=client, expected_version=expected_version,
                         changes={"status": ClientStatus.FORMER})


def owner_of(actor: Actor, user_id: int | None) -> User | None:
    """The user named as a client's owner, if they may own one (for forms that show a name)."""
    if user_id is None:
        return None
    membership = eligible_owners(actor.organization).filter(user_id=user_id).first()
    return membership.user if membership else None


def _check_tax_code(actor: Actor, tax_code: str, *, exclude: int | None = None) -> None:
    if not tax_code:
        return
    taken = Client.objects.filter(organization=actor.organization, tax_code=tax_code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise _tax_code_taken(tax_code)


def _tax_code_taken(tax_code: str) -> Conflict:
    return Conflict(f"Another client already has the tax code {tax_code!r}.",
                    code="tax_code_taken", field="tax_code")


def _schedule_health(client_id: int) -> None:
    """Recompute the client's health once the change is committed (never on a rollback)."""
    from tandem.clients.tasks import recompute_health

    transaction.on_commit(lambda: recompute_health.delay(client_id))
