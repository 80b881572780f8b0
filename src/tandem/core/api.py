"""The core's API: tokens, who am I, the organization, its members, the audit log.

No ``from __future__ import annotations`` here: ninja reads the parameter annotations at
runtime, and through ``@paginate``'s wrapper it cannot see this module's names (``Role``)."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from tandem.core import selectors, services, tokens
from tandem.core.access import can_read_audit, ensure_admin
from tandem.core.api_auth import actor_of
from tandem.core.errors import NotAuthenticated, PermissionDenied, Throttled, ValidationError
from tandem.core.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, run_once
from tandem.core.models import ApiToken
from tandem.core.pagination import PageNumber
from tandem.core.roles import Role
from tandem.core.schemas import (
    AuditEntryOut,
    Error,
    Me,
    MemberCreate,
    MemberOut,
    MemberPatch,
    OrganizationOut,
    OrganizationPatch,
    TokenInfo,
    TokenIssued,
    TokenRequest,
)
from tandem.core.scoping import get_scoped
from tandem.core.throttle import lockout_message

router = Router(tags=["core"])
# Every authenticated operation may answer with these; 400 is a body that is not JSON.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


@router.post("/auth/token", auth=None, response={200: TokenIssued, 400: Error, 401: Error,
                                                   422: Error, 429: Error})
def issue_token(request: HttpRequest, body: TokenRequest) -> TokenIssued:
    user = authenticate(request, username=body.email.strip().lower(), password=body.password)
    if getattr(request, "axes_locked_out", False):
        raise Throttled(lockout_message())
    if user is None:
        raise NotAuthenticated("Invalid email or password.", code="invalid_credentials")
    memberships = selectors.memberships_of_user(user)
    if body.organization:
        memberships = memberships.filter(organization__slug=body.organization.strip().lower())
    chosen = list(memberships[:2])
    if not chosen:
        raise NotAuthenticated("You have no access to that organization.", code="no_membership")
    if len(chosen) > 1:
        raise ValidationError(
            "You belong to several organizations; name one with \"organization\".",
            code="organization_required",
        )
    token, secret = tokens.token_issue(membership=chosen[0], name=body.name,
                                       request_id=getattr(request, "request_id", ""))
    return TokenIssued(token=secret, id=token.pk, organization=chosen[0].organization.slug,
                       role=chosen[0].role, expires_at=token.expires_at)  # type: ignore[arg-type]


@router.get("/auth/tokens", response={200: list[TokenInfo], **ERRORS})
@paginate(PageNumber)
def list_tokens(request: HttpRequest) -> object:
    return selectors.token_list(actor_of(request))


@router.delete("/auth/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    actor = actor_of(request)
    tokens.token_revoke(actor=actor, token=get_scoped(ApiToken, actor, pk=token_id))
    return Status(204, None)


@router.get("/me", response={200: Me, **ERRORS})
def me(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request)
    user = actor.user
    assert user is not None  # noqa: S101 - API actors are always people
    return {
        "user": user,
        "organization": actor.organization.slug,
        "organization_name": actor.organization.name,
        "role": actor.role,
        "organizations": [
            {"slug": m.organization.slug, "name": m.organization.name, "role": m.role}
            for m in selectors.memberships_of_user(user)
        ],
    }


@router.get("/organization", response={200: OrganizationOut, **ERRORS})
def organization_detail(request: HttpRequest) -> object:
    return actor_of(request).organization


@router.patch("/organization", response={200: OrganizationOut, **ERRORS})
def organization_update(request: HttpRequest, body: OrganizationPatch) -> object:
    return services.organization_rename(
        actor=actor_of(request), name=body.name, expected_version=body.version
    )


@router.get("/members", response={200: list[MemberOut], **ERRORS})
@paginate(PageNumber)
def list_members(
    request: HttpRequest, role: Role | None = None, q: str = Query("", max_length=100)
) -> object:
    return selectors.member_list(actor_of(request), role=role, search=q)


@router.post("/members", response={201: MemberOut, **ERRORS})
def add_member(
    request: HttpRequest,
    body: MemberCreate,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN,
        description="Send the same key to retry safely: the first response is replayed",
    ),
) -> Status[object]:
    actor = actor_of(request)
    ensure_admin(actor, "add members")

    def create() -> tuple[int, object]:
        membership = services.member_add(
            actor=actor, email=body.email, role=body.role,
            password=body.password, full_name=body.full_name, client_id=body.client_id,
        )
        return 201, MemberOut.from_orm(membership).model_dump(mode="json")

    status, response = run_once(actor=actor, endpoint="POST /members", key=idempotency_key,
                                payload=body.model_dump(), create=create)
    return Status(status, response)


@router.get("/members/{member_id}", response={200: MemberOut, **ERRORS})
def member_detail(request: HttpRequest, member_id: int) -> object:
    actor = actor_of(request)
    return get_scoped(selectors.member_list(actor), actor, pk=member_id)


@router.patch("/members/{member_id}", response={200: MemberOut, **ERRORS})
def update_member(request: HttpRequest, member_id: int, body: MemberPatch) -> object:
    actor = actor_of(request)
    membership = get_scoped(selectors.member_list(actor), actor, pk=member_id)
    return services.member_update(
        actor=actor, membership=membership, expected_version=body.version,
        role=body.role, is_active=body.is_active,
    )


@router.get("/audit", response={200: list[AuditEntryOut], **ERRORS})
@paginate(PageNumber)
def list_audit(
    request: HttpRequest,
    object_type: str = Query("", max_length=64),
    object_id: str = Query("", max_length=64),
    action: str = Query("", max_length=64),
) -> object:
    actor = actor_of(request)
    if not can_read_audit(actor):
        raise PermissionDenied("Only an administrator can read the audit log.")
    return selectors.audit_list(actor, object_type=object_type, object_id=object_id,
                                action=action)

