"""API shapes of clients, contacts, needs and imports.

An ``...Out`` shape reads a model row, or the stored JSON of an idempotent replay (a dict)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from tandem.clients.models import (
    ClientStatus,
    ContactRole,
    NeedPriority,
    NeedSource,
    NeedStatus,
    Tier,
)
from tandem.core.roles import Role
from tandem.core.schemas import NAME_PATTERN

TagName = Annotated[str, Field(max_length=50)]
VERSION = Field(ge=1, description="The version your change is based on")
# Roles that read a client's internal notes (a client's own people never do).
NOTE_READERS = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.FINANCE})


def _value(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


class ClientOut(Schema):
    id: int
    name: str
    legal_name: str
    tax_code: str
    industry: str
    tier: Tier
    status: ClientStatus
    owner_id: int | None
    owner_name: str
    address: str
    notes: str = Field(description="Internal; shown to the owner, admins, executives, finance")
    tags: list[str]
    language: str
    cadence_days: int | None
    last_contact_at: dt.datetime | None
    health_score: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_owner_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["owner_name"])
        return obj.owner.display_name if obj.owner is not None else ""

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        if isinstance(obj, dict):
            return list(obj["tags"])
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_notes(obj: Any, context: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["notes"])
        actor = getattr((context or {}).get("request"), "auth", None)
        if actor is None:
            return str(obj.notes)
        if actor.role in NOTE_READERS or (actor.user_id is not None
                                          and obj.owner_id == actor.user_id):
            return str(obj.notes)
        return ""


class ClientCreate(Schema):
    name: str = Field(min_length=1, max_length=200, pattern=NAME_PATTERN)
    legal_name: str = Field("", max_length=300)
    tax_code: str = Field("", max_length=32)
    industry: str = Field("", max_length=100)
    tier: Tier = Tier.STANDARD
    status: ClientStatus = ClientStatus.PROSPECT
    owner_id: int | None = Field(
        None, ge=1, description="An account manager or admin; an AM's own clients by default"
    )
    address: str = Field("", max_length=2000)
    notes: str = Field("", max_length=10000)
    tags: list[TagName] = Field(default_factory=list, max_length=20)
    cadence_days: int | None = Field(None, ge=1, le=365)


class ClientPatch(Schema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=200, pattern=NAME_PATTERN)
    legal_name: str | None = Field(None, max_length=300)
    tax_code: str | None = Field(None, max_length=32)
    industry: str | None = Field(None, max_length=100)
    tier: Tier | None = None
    status: ClientStatus | None = None
    owner_id: int | None = Field(None, ge=1)
    address: str | None = Field(None, max_length=2000)
    notes: str | None = Field(None, max_length=10000)
    tags: list[TagName] | None = Field(None, max_length=20)
    cadence_days: int | None = Field(None, ge=1, le=365)


class ContactOut(Schema):
    id: int
    client_id: int
    client_name: str
    name: str
    title: str
    email: str
    phone: str
    role: ContactRole
    is_primary: bool
    notes: str
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj["client_name"]) if isinstance(obj, dict) else obj.client.name


class ContactCreate(Schema):
    name: str = Field(min_length=1, max_length=200, pattern=NAME_PATTERN)
    title: str = Field("", max_length=200)
    email: str = Field("", max_length=254, description="An email address, or empty")
    phone: str = Field("", max_length=50)
    role: ContactRole = ContactRole.OTHER
    is_primary: bool = Field(False, strict=True)
    notes: str = Field("", max_length=10000)


class ContactPatch(Schema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=200, pattern=NAME_PATTERN)
    title: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=50)
    role: ContactRole | None = None
    is_primary: bool | None = Field(None, strict=True)
    notes: str | None = Field(None, max_length=10000)


class NeedLinkOut(Schema):
    target_type: str
    target_id: str
    created_at: dt.datetime


class NeedOut(Schema):
    id: int
    client_id: int
    client_name: str
    title: str
    description: str
    priority: NeedPriority
    source: NeedSource
    status: NeedStatus
    dropped_reason: str
    links: list[NeedLinkOut]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj["client_name"]) if isinstance(obj, dict) else obj.client.name

    @staticmethod
    def resolve_links(obj: Any) -> list[Any]:
        return list(_value(obj, "links")) if isinstance(obj, dict) else list(obj.links.all())


class NeedCreate(Schema):
    client_id: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200, pattern=NAME_PATTERN)
    description: str = Field("", max_length=10000)
    priority: NeedPriority = NeedPriority.SHOULD
    source: NeedSource = NeedSource.MEETING


class NeedPatch(Schema):
    version: int = VERSION
    title: str | None = Field(None, min_length=1, max_length=200, pattern=NAME_PATTERN)
    description: str | None = Field(None, max_length=10000)
    priority: NeedPriority | None = None
    source: NeedSource | None = None


class NeedTransition(Schema):
    version: int = VERSION
    status: NeedStatus
    reason: str = Field("", max_length=2000, description="Required when dropping the need")


class NeedLinkIn(Schema):
    target_type: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,30}\.[a-z][a-z0-9_]{0,31}$",
        description="The model label of what serves the need, e.g. projects.task",
    )
    target_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")


class ImportRowError(Schema):
    row: int = Field(description="The spreadsheet row; the header is row 1")
    column: str
    message: str


class ImportResult(Schema):
    rows: int
    imported: int
    dry_run: bool
    errors: list[ImportRowError]
