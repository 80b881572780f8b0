"""API tokens: only a digest is stored; a token resolves to its membership while both live."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from tandem.core.errors import NotAuthenticated
from tandem.core.models import ApiToken, AuditEntry, Membership
from tandem.core.roles import Role
from tandem.core.tokens import token_issue, token_resolve, token_revoke


def test_only_a_digest_of_the_secret_is_stored(personas):
    token, secret = token_issue(membership=personas.member.membership, name="laptop")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in {str(value) for value in stored.values()}
    assert stored["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"tdm_{stored['prefix']}_")
    assert len(secret) > 40


def test_a_token_expires_after_the_configured_days(personas, settings):
    settings.TANDEM_API_TOKEN_DAYS = 7
    before = timezone.now()

    token, _secret = token_issue(membership=personas.member.membership)

    week = dt.timedelta(days=7)
    assert before + week <= token.expires_at <= timezone.now() + week


def test_issuing_a_token_is_audited_without_its_secret(personas):
    token, secret = token_issue(membership=personas.member.membership, request_id="req-issue-1")

    entry = AuditEntry.objects.get(action="api_token.issue")
    assert (entry.object_id, entry.actor, entry.request_id) == (
        str(token.pk), personas.member.user, "req-issue-1"
    )
    assert secret not in str(entry.changes)


def test_a_secret_resolves_to_its_persona_in_its_organization(personas):
    _token, secret = token_issue(membership=personas.project_manager.membership)

    actor = token_resolve(secret, request_id="req-42-abcdef")

    assert actor.user == personas.project_manager.user
    assert actor.organization == personas.organization
    assert actor.role == Role.PROJECT_MANAGER
    assert actor.request_id == "req-42-abcdef"


@pytest.mark.parametrize("secret", ["", "tdm_nope", "x" * 80])
def test_an_unknown_secret_does_not_resolve(personas, secret):
    with pytest.raises(NotAuthenticated):
        token_resolve(secret)


def test_an_expired_token_does_not_resolve(personas):
    token, secret = token_issue(membership=personas.member.membership)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    with pytest.raises(NotAuthenticated):
        token_resolve(secret)


def test_a_revoked_token_does_not_resolve(personas):
    token, secret = token_issue(membership=personas.member.membership)

    token_revoke(actor=personas.member.actor, token=token)

    with pytest.raises(NotAuthenticated):
        token_resolve(secret)


def test_a_token_of_a_deactivated_membership_does_not_resolve(personas):
    _token, secret = token_issue(membership=personas.member.membership)
    Membership.objects.filter(pk=personas.member.membership.pk).update(is_active=False)

    with pytest.raises(NotAuthenticated):
        token_resolve(secret)


def test_a_token_of_a_deactivated_user_does_not_resolve(personas):
    _token, secret = token_issue(membership=personas.member.membership)
    personas.member.user.is_active = False
    personas.member.user.save()

    with pytest.raises(NotAuthenticated):
        token_resolve(secret)


def test_a_token_follows_the_memberships_current_role(personas):
    _token, secret = token_issue(membership=personas.member.membership)
    Membership.objects.filter(pk=personas.member.membership.pk).update(role=Role.FINANCE)

    assert token_resolve(secret).role == Role.FINANCE


def test_first_use_records_last_used_at(personas):
    token, secret = token_issue(membership=personas.member.membership)

    token_resolve(secret)

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_at_is_written_at_most_once_a_minute(
    personas, django_assert_num_queries
):
    token, secret = token_issue(membership=personas.member.membership)
    recently = timezone.now() - dt.timedelta(seconds=50)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recently)

    with django_assert_num_queries(2):  # the token and the membership; no write
        token_resolve(secret)

    token.refresh_from_db()
    assert token.last_used_at == recently


def test_last_used_at_is_refreshed_after_a_minute(personas, django_assert_num_queries):
    token, secret = token_issue(membership=personas.member.membership)
    long_ago = timezone.now() - dt.timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)

    with django_assert_num_queries(3):  # the token, the membership, the write
        token_resolve(secret)

    token.refresh_from_db()
    assert token.last_used_at > long_ago + dt.timedelta(seconds=60)


def test_revoking_twice_is_harmless_and_audited_once(personas):
    token, _secret = token_issue(membership=personas.member.membership)

    first = token_revoke(actor=personas.member.actor, token=token)
    revoked_at = first.revoked_at
    again = token_revoke(actor=personas.member.actor, token=ApiToken.objects.get(pk=token.pk))

    assert revoked_at is not None
    assert again.revoked_at == revoked_at
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1
