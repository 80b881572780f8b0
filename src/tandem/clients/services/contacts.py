"""Writes of a client's contacts. One primary contact per client: making a contact primary unsets
the previous one in the same transaction (under the client's row lock, so two at once cannot
both win)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F

from tandem.clients.access import ensure_can_edit_client
from tandem.clients.models import Client, Contact, ContactRole
from tandem.clients.services.clients import clean_values
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import ValidationError
from tandem.core.versioning import ensure_version, update_versioned

CONTACT_FIELDS = ("name", "title", "email", "phone", "role", "is_primary", "notes")


def clean_contact(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown contact fields: {', '.join(sorted(unknown))}.")
    cleaned = clean_values(Contact, {k: v for k, v in values.items() if k != "is_primary"})
    if "is_primary" in values:
        cleaned["is_primary"] = bool(values["is_primary"])
    if cleaned.get("email"):
        cleaned["email"] = cleaned["email"].lower()
        try:
            validate_email(cleaned["email"])
        except DjangoValidationError:
            raise ValidationError(f"{cleaned['email']!r} is not a valid email address.",
                                  field="email") from None
    return cleaned


def contact_create(
    *,
    actor: Actor,
    client: Client,
    name: str,
    title: str = "",
    email: str = "",
    phone: str = "",
    role: str = ContactRole.OTHER,
    is_primary: bool = False,
    notes: str = "",
) -> Contact:
    ensure_can_edit_client(actor, client)
    values = clean_contact({"name": name, "title": title, "email": email, "phone": phone,
                            "role": role, "is_primary": is_primary, "notes": notes})
    with transaction.atomic():
        _lock_client(client)
        if values["is_primary"]:
            _unset_primary(actor, client, keep=None)
        contact = Contact.objects.create(organization=actor.organization, client=client, **values)
        changes = {k: [None, v] for k, v in values.items() if v}
        audit.record(actor=actor, action="contact.create", target=contact, changes=changes)
    return contact


def contact_update(
    *, actor: Actor, contact: Contact, expected_version: int, changes: Mapping[str, Any]
) -> Contact:
    client = contact.client
    ensure_can_edit_client(actor, client)
    values = clean_contact(changes)
    with transaction.atomic():
        _lock_client(client)
        locked = Contact.objects.select_for_update(no_key=True).get(pk=contact.pk)
        before = audit.snapshot(locked, values)
        fields = {k: v for k, v in values.items() if before[k] != v}
        if not fields:  # nothing to change: no new version, no audit entry
            ensure_version(locked, expected_version=expected_version)
            return locked
        ensure_version(locked, expected_version=expected_version)
        if fields.get("is_primary"):
            _unset_primary(actor, client, keep=locked.pk)
        update_versioned(locked, expected_version=expected_version, fields=fields)
        audit.record(actor=actor, action="contact.update", target=locked,
                     changes=audit.diff({k: before[k] for k in fields}, fields))
    locked.client = client
    return locked


def contact_delete(*, actor: Actor, contact: Contact) -> None:
    """Remove a contact. The audit entry is written on the client (the contact is gone), so the
    client's timeline still shows who was removed."""
    client = contact.client
    ensure_can_edit_client(actor, client)
    with transaction.atomic():
        _lock_client(client)
        audit.record(actor=actor, action="contact.delete", target=client,
                     changes={"contact": [contact.name, None], "contact_id": [contact.pk, None]})
        Contact.objects.filter(pk=contact.pk).delete()


def _lock_client(client: Client) -> None:
    Client.objects.select_for_update(no_key=True).filter(pk=client.pk).first()


def _unset_primary(actor: Actor, client: Client, *, keep: int | None) -> None:
    previous = Contact.objects.filter(client=client, is_primary=True)
    if keep is not None:
        previous = previous.exclude(pk=keep)
    for old in previous:
        audit.record(actor=actor, action="contact.update", target=old,
                     changes={"is_primary": [True, False]})
    previous.update(is_primary=False, version=F("version") + 1)
