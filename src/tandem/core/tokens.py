"""API bearer tokens: issue, resolve, revoke. Only a digest of each secret is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import NotAuthenticated
from tandem.core.models import ApiToken, Membership

TOKEN_PREFIX = "tdm"  # noqa: S105 - the visible prefix of every secret, not a secret
# Writing last_used_at on every request would turn every read into a write; once a minute is
# enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_issue(
    *, membership: Membership, name: str = "", request_id: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for ``membership``'s user in its organization; return it and its secret."""
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    actor = Actor.for_membership(membership, request_id=request_id)
    with transaction.atomic():
        token = ApiToken.objects.create(
            organization=membership.organization,
            user=membership.user,
            name=name[:100],
            prefix=prefix,
            digest=digest_of(secret),
            expires_at=timezone.now() + dt.timedelta(days=settings.TANDEM_API_TOKEN_DAYS),
        )
        audit.record(actor=actor, action="api_token.issue", target=token, changes={})
    return token, secret


def token_resolve(secret: str, *, request_id: str = "") -> Actor:
    """The actor a bearer secret stands for, or ``NotAuthenticated``."""
    token = (
        ApiToken.objects.select_related("user", "organization")
        .filter(digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or token.expires_at <= now or not token.user.is_active:
        raise NotAuthenticated("The token is invalid, expired or revoked.")
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=token.organization, user=token.user, is_active=True)
        .first()
    )
    if membership is None:
        raise NotAuthenticated("The token's user no longer belongs to this organization.")
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Actor.for_membership(membership, request_id=request_id)


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                actor=actor,
                action="api_token.revoke",
                target=token,
                changes={"revoked_at": [None, token.revoked_at.isoformat()]},
            )
    return token

