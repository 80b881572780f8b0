"""Writes of interactions (calls, meetings, emails, notes) and of a client's contact cadence.

Each write keeps ``Client.last_contact_at`` equal to the time of the client's latest
interaction, in the same transaction, and asks for the client's health to be recomputed once the
transaction commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.clients.access import ensure_can_edit_client
from tandem.clients.models import Client, Contact, Interaction, InteractionKind
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import ValidationError
from tandem.core.models import Membership, User
from tandem.core.roles import Role
from tandem.core.versioning import ensure_version, update_versioned

# An interaction is logged after it happened; a little slack for clocks that disagree.
FUTURE_SLACK = dt.timedelta(minutes=5)
EDITABLE = ("kind", "occurred_at", "summary", "outcome", "next_step", "follow_up_on")
MAX_CADENCE_DAYS = 365


def interaction_log(
    *,
    actor: Actor,
    client: Client,
    kind: str,
    occurred_at: dt.datetime,
    summary: str,
    outcome: str = "",
    next_step: str = "",
    follow_up_on: dt.date | None = None,
    contact_ids: Iterable[int] = (),
    participant_ids: Iterable[int] = (),
) -> Interaction:
    ensure_can_edit_client(actor, client)
    fields = _clean(kind=kind, occurred_at=occurred_at, summary=summary, outcome=outcome,
                    next_step=next_step, follow_up_on=follow_up_on)
    contacts = _contacts_of(client, contact_ids)
    participants = _staff(actor, participant_ids)
    with transaction.atomic():
        interaction = Interaction.objects.create(
            organization=actor.organization, client=client, created_by=actor.user, **fields
        )
        interaction.contacts.set(contacts)
        interaction.participants.set(participants)
        _refresh_last_contact(client)
        audit.record(actor=actor, action="interaction.log", target=interaction, changes={
            **{k: [None, v] for k, v in audit.snapshot(interaction, fields).items()},
            "contacts": [None, sorted(c.pk for c in contacts)],
            "participants": [None, sorted(p.pk for p in participants)],
        })
        _recompute_health_later(client.pk)
    return interaction


def interaction_update(
    *,
    actor: Actor,
    interaction: Interaction,
    expected_version: int,
    contact_ids: Iterable[int] | None = None,
    participant_ids: Iterable[int] | None = None,
    **changes: Any,
) -> Interaction:
    """Change an interaction's fields (those given); ``None`` leaves a field as it is, except
    ``follow_up_on``, which ``clear_follow_up=True`` empties."""
    client = interaction.client
    ensure_can_edit_client(actor, client)
    unknown = set(changes) - {*EDITABLE, "clear_follow_up"}
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    clear_follow_up = bool(changes.pop("clear_follow_up", False))
    given = {k: v for k, v in changes.items() if v is not None}
    merged = {name: given.get(name, getattr(interaction, name)) for name in EDITABLE}
    if clear_follow_up:
        merged["follow_up_on"] = None
    fields = _clean(**merged)
    fields = {k: v for k, v in fields.items() if getattr(interaction, k) != v}
    contacts = _contacts_of(client, contact_ids) if contact_ids is not None else None
    participants = _staff(actor, participant_ids) if participant_ids is not None else None
    with transaction.atomic():
        locked = Interaction.objects.select_for_update().get(pk=interaction.pk)
        before = audit.snapshot(locked, fields)
        m2m: dict[str, list[Any]] = {}
        if contacts is not None:
            old = sorted(locked.contacts.values_list("pk", flat=True))
            new = sorted(c.pk for c in contacts)
            if old != new:
                m2m["contacts"] = [old, new]
        if participants is not None:
            old = sorted(locked.participants.values_list("pk", flat=True))
            new = sorted(p.pk for p in participants)
            if old != new:
                m2m["participants"] = [old, new]
        if not fields and not m2m:
            ensure_version(locked, expected_version=expected_version)
            return locked
        if "follow_up_on" in fields:
            fields["follow_up_done_at"] = None  # a new follow-up date is a new promise
        update_versioned(locked, expected_version=expected_version, fields=fields)
        if contacts is not None:
            locked.contacts.set(contacts)
        if participants is not None:
            locked.participants.set(participants)
        if "occurred_at" in fields:
            _refresh_last_contact(client)
        audit.record(actor=actor, action="interaction.update", target=locked,
                     changes={**audit.diff(before, audit.snapshot(locked, fields)), **m2m})
        if "occurred_at" in fields:
            _recompute_health_later(client.pk)
    locked.client = client
    return locked


def interaction_delete(
    *, actor: Actor, interaction: Interaction, expected_version: int | None = None
) -> None:
    client = interaction.client
    ensure_can_edit_client(actor, client)
    with transaction.atomic():
        locked = Interaction.objects.select_for_update().get(pk=interaction.pk)
        if expected_version is not None:
            ensure_version(locked, expected_version=expected_version)
        audit.record(actor=actor, action="interaction.delete", target=locked, changes={
            "kind": [locked.kind, None], "summary": [locked.summary, None],
            "occurred_at": [locked.occurred_at.isoformat(), None],
        })
        locked.delete()
        _refresh_last_contact(client)
        _recompute_health_later(client.pk)


def follow_up_done(
    *, actor: Actor, interaction: Interaction, expected_version: int, done: bool = True
) -> Interaction:
    """Mark the interaction's follow-up done (or not done again)."""
    ensure_can_edit_client(actor, interaction.client)
    if interaction.follow_up_on is None:
        raise ValidationError("This interaction has no follow-up to mark done.",
                              code="no_follow_up", field="follow_up_on")
    with transaction.atomic():
        locked = Interaction.objects.select_for_update().get(pk=interaction.pk)
        if (locked.follow_up_done_at is not None) == done:
            ensure_version(locked, expected_version=expected_version)
            return locked
        before = audit.snapshot(locked, ["follow_up_done_at"])
        update_versioned(locked, expected_version=expected_version,
                         fields={"follow_up_done_at": timezone.now() if done else None})
        audit.record(actor=actor, action="interaction.follow_up_done", target=locked,
                     changes=audit.diff(before, audit.snapshot(locked, ["follow_up_done_at"])))
    locked.client = interaction.client
    return locked


def client_set_cadence(
    *, actor: Actor, client: Client, cadence_days: int | None, expected_version: int
) -> Client:
    """The owner AM (or an administrator) sets how often this client should hear from us;
    ``None`` returns it to its tier's cadence."""
    ensure_can_edit_client(actor, client)
    if cadence_days is not None and not 1 <= cadence_days <= MAX_CADENCE_DAYS:
        raise ValidationError(f"A contact cadence is 1 to {MAX_CADENCE_DAYS} days.",
                              field="cadence_days")
    with transaction.atomic():
        locked = Client.objects.select_for_update().get(pk=client.pk)
        if locked.cadence_days == cadence_days:
            ensure_version(locked, expected_version=expected_version)
            return locked
        before = locked.cadence_days
        update_versioned(locked, expected_version=expected_version,
                         fields={"cadence_days": cadence_days, "updated_at": timezone.now()})
        audit.record(actor=actor, action="client.set_cadence", target=locked,
                     changes={"cadence_days": [before, cadence_days]})
    return locked


# ------------------------------------------------------------------------------ helpers
def _clean(
    *, kind: str, occurred_at: dt.datetime, summary: str, outcome: str, next_step: str,
    follow_up_on: dt.date | None,
) -> dict[str, Any]:
    if kind not in InteractionKind.values:
        choices = ", ".join(InteractionKind.values)
        raise ValidationError(f"Unknown kind {kind!r}; use one of: {choices}.", field="kind")
    if occurred_at is None or timezone.is_naive(occurred_at):
        raise ValidationError("When did it happen? Give a date and time with its time zone.",
                              field="occurred_at")
    if occurred_at > timezone.now() + FUTURE_SLACK:
        raise ValidationError("An interaction is logged once it has happened.",
                              code="interaction_in_future", field="occurred_at")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError("Summarize the interaction.", field="summary")
    if follow_up_on is not None and follow_up_on < timezone.localtime(occurred_at).date():
        raise ValidationError("The follow-up date comes on or after the interaction.",
                              code="follow_up_before_interaction", field="follow_up_on")
    return {"kind": kind, "occurred_at": occurred_at, "summary": summary,
            "outcome": (outcome or "").strip(), "next_step": (next_step or "").strip(),
            "follow_up_on": follow_up_on}


def _contacts_of(client: Client, contact_ids: Iterable[int]) -> list[Contact]:
    ids = set(contact_ids)
    contacts = list(Contact.objects.filter(client=client, pk__in=ids)) if ids else []
    if len(contacts) != len(ids):
        raise ValidationError("Choose contacts of this client.", code="unknown_contact",
                              field="contact_ids")
    return contacts


def _staff(actor: Actor, user_ids: Iterable[int]) -> list[User]:
    ids = set(user_ids)
    if not ids:
        return []
    users = list(User.objects.filter(
        pk__in=Membership.objects.filter(
            organization_id=actor.organization.pk, user_id__in=ids, is_active=True
        ).exclude(role=Role.CLIENT).values("user_id")
    ))
    if len(users) != len(ids):
        raise ValidationError("Participants are active colleagues of this organization.",
                              code="unknown_participant", field="participant_ids")
    return users


def _refresh_last_contact(client: Client) -> None:
    latest = Interaction.objects.filter(client_id=client.pk).aggregate(
        latest=Max("occurred_at")
    )["latest"]
    Client.objects.filter(pk=client.pk).update(last_contact_at=latest)
    client.last_contact_at = latest


def _recompute_health_later(client_id: int) -> None:
    from tandem.clients.tasks import recompute_health

    transaction.on_commit(lambda: recompute_health.delay(client_id))
