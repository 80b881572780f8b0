"""API shapes of the core."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator

from tandem.core.roles import Role


class TokenRequest(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    organization: str | None = Field(None, description="Slug; needed when you belong to several")
    name: str = Field("", max_length=100, description="A label to recognise the token by")


class TokenIssued(Schema):
    token: str = Field(description="The secret; shown only once")
    id: int
    organization: str
    role: Role
    expires_at: dt.datetime


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    language: str


class OrganizationRef(Schema):
    slug: str
    name: str
    role: Role


class Me(Schema):
    user: UserOut
    organization: str
    organization_name: str
    role: Role
    organizations: list[OrganizationRef]


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str
    version: int


# A name needs one character that is not white space (names are stored stripped). The class is
# spelled out because "\S" means three different things to Python, to pydantic's Rust engine and
# to the ECMA-262 regexes of JSON Schema (they disagree on \x1c-\x1f, \x85 and \ufeff).
NAME_PATTERN = (
    r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)


class OrganizationPatch(Schema):
    name: str = Field(min_length=1, max_length=200, pattern=NAME_PATTERN)
    version: int = Field(ge=1, description="The version your change is based on")


class MemberOut(Schema):
    id: int
    user_id: int
    email: str
    full_name: str
    role: Role
    is_active: bool
    created_at: dt.datetime
    version: int

    # A member is read from a Membership row, or from the stored JSON of an idempotent replay.
    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj["email"] if isinstance(obj, dict) else obj.user.email)

    @staticmethod
    def resolve_full_name(obj: Any) -> str:
        return str(obj["full_name"] if isinstance(obj, dict) else obj.user.full_name)


class MemberCreate(Schema):
    email: str = Field(max_length=254, json_schema_extra={"format": "email"})
    role: Role
    full_name: str = Field("", max_length=200)
    password: str | None = Field(
        None, max_length=4096, description="For a new user; without it they use password reset"
    )
    client_id: int | None = Field(
        None, ge=1, description="The client a client-role person belongs to (only for them)"
    )


class MemberPatch(Schema):
    version: int = Field(ge=1)
    role: Role | None = None
    is_active: bool | None = None


class AuditEntryOut(Schema):
    id: int
    created_at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    request_id: str


class Error(Schema):
    detail: str
    code: str


class Health(Schema):
    status: str
    database: str


def _iso_date(value: Any) -> Any:
    """Only a calendar date spelled YYYY-MM-DD (not a number of seconds since 1970, which
    pydantic would otherwise accept)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Use a date as YYYY-MM-DD.")
    if not isinstance(value, str | dt.date):
        raise ValueError("Use a date as YYYY-MM-DD.")
    return value


# A date in a query string or body: YYYY-MM-DD only.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
