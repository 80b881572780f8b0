"""Who gets in: a live bearer token, or a signed-in browser session (with CSRF for writes).
Anything else is 401 JSON with ``WWW-Authenticate: Bearer``, for reads and writes alike."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from django.test import Client
from django.utils import timezone

from tandem.core.models import ApiToken, Membership, Organization
from tandem.core.tokens import token_issue
from tests.personas import ApiClient

PROTECTED = [
    ("get", "/api/v1/auth/tokens"),
    ("delete", "/api/v1/auth/tokens/1"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/organization"),
    ("patch", "/api/v1/organization"),
    ("get", "/api/v1/members"),
    ("post", "/api/v1/members"),
    ("get", "/api/v1/members/1"),
    ("patch", "/api/v1/members/1"),
    ("get", "/api/v1/audit"),
]
BODIES = {
    ("patch", "/api/v1/organization"): {"name": "Hacked", "version": 1},
    ("post", "/api/v1/members"): {"email": "intruder@x.test", "role": "admin"},
    ("patch", "/api/v1/members/1"): {"version": 1, "role": "admin"},
}


def call(client: Client, method: str, path: str, **headers: str):
    """A request as a real API client sends it: no CSRF exemption, JSON body for writes."""
    body = BODIES.get((method, path))
    kwargs = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "not_authenticated"
    assert "Bearer" in body["detail"]


def nothing_changed() -> None:
    assert Organization.objects.get(slug="acme").name == "Acme Delivery"
    assert not Membership.objects.filter(user__email="intruder@x.test").exists()
    assert not Membership.objects.filter(role="admin").exclude(
        user__email__in=["admin@acme.test", "outsider@other.test"]
    ).exists()


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_credentials_is_401_for_reads_and_writes(personas, method, path):
    response = call(Client(enforce_csrf_checks=True), method, path)

    assert_unauthenticated(response)
    nothing_changed()


@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer ", "Bearer nonsense", "Bearer tdm_0000_0000", "Token abc",
     "Basic YWRtaW5AYWNtZS50ZXN0OnB3", "bearer"],
)
def test_a_malformed_or_unknown_credential_is_401(personas, authorization):
    response = call(Client(enforce_csrf_checks=True), "patch", "/api/v1/organization",
                    Authorization=authorization)

    assert_unauthenticated(response)
    nothing_changed()


def test_a_bearer_scheme_in_any_letter_case_is_accepted(personas):
    _token, secret = token_issue(membership=personas.admin.membership)

    response = Client().get("/api/v1/me", headers={"Authorization": f"bearer {secret}"})

    assert response.status_code == 200


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_revoked_token_is_401_at_once_for_reads_and_writes(personas, method, path):
    token, secret = token_issue(membership=personas.admin.membership)
    api = ApiClient(secret)
    assert api.get("/api/v1/me").status_code == 200
    assert api.delete(f"/api/v1/auth/tokens/{token.pk}").status_code == 204

    response = call(Client(enforce_csrf_checks=True), method, path,
                    Authorization=f"Bearer {secret}")

    assert_unauthenticated(response)
    nothing_changed()


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_an_expired_token_is_401(personas, method, path):
    token, secret = token_issue(membership=personas.admin.membership)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = call(Client(enforce_csrf_checks=True), method, path,
                    Authorization=f"Bearer {secret}")

    assert_unauthenticated(response)
    nothing_changed()


def test_a_token_whose_membership_was_deactivated_is_401(personas, api_as):
    member = api_as("member")
    assert member.get("/api/v1/me").status_code == 200

    api_as("admin").patch(f"/api/v1/members/{personas.member.membership.pk}",
                          {"version": 1, "is_active": False})

    assert_unauthenticated(member.get("/api/v1/me"))


def test_a_token_of_a_deactivated_user_is_401(personas, api_as):
    member = api_as("member")
    personas.member.user.is_active = False
    personas.member.user.save()

    assert_unauthenticated(member.get("/api/v1/me"))


def test_a_token_works_only_in_the_organization_it_was_issued_for(personas):
    # The same person in two organizations holds one token per organization.
    Membership.objects.create(organization=personas.other_organization,
                              user=personas.finance.user, role="admin")
    _token, secret = token_issue(membership=personas.finance.membership)

    me = ApiClient(secret).get("/api/v1/me").json()

    assert (me["organization"], me["role"]) == ("acme", "finance")
    assert {o["slug"] for o in me["organizations"]} == {"acme", "other"}


# --- The browser's session -------------------------------------------------------------------


def signed_in_browser(personas, name: str) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas[name].user)
    return browser


def test_a_signed_in_browser_reads_with_its_session(personas):
    browser = signed_in_browser(personas, "account_manager")

    response = browser.get("/api/v1/me")

    assert response.status_code == 200
    assert (response.json()["organization"], response.json()["role"]) == ("acme",
                                                                         "account_manager")


def test_a_browser_write_without_the_csrf_token_is_refused(personas):
    browser = signed_in_browser(personas, "admin")

    response = browser.patch("/api/v1/organization", data=json.dumps(
        {"name": "Renamed", "version": 1}), content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert Organization.objects.get(slug="acme").name == "Acme Delivery"


def test_a_browser_write_with_the_csrf_token_goes_through(personas):
    browser = signed_in_browser(personas, "admin")
    csrf = secrets.token_hex(16)
    browser.cookies["csrftoken"] = csrf

    response = browser.patch(
        "/api/v1/organization", data=json.dumps({"name": "Renamed", "version": 1}),
        content_type="application/json", headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 200
    assert Organization.objects.get(slug="acme").name == "Renamed"


def test_a_browser_write_with_a_wrong_csrf_token_is_refused(personas):
    browser = signed_in_browser(personas, "admin")
    browser.cookies["csrftoken"] = secrets.token_hex(16)

    response = browser.post(
        "/api/v1/members", data=json.dumps({"email": "x@acme.test", "role": "member"}),
        content_type="application/json", headers={"X-CSRFToken": secrets.token_hex(16)},
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="x@acme.test").exists()


def test_a_browser_session_without_an_active_membership_is_401(personas):
    browser = signed_in_browser(personas, "member")
    Membership.objects.filter(pk=personas.member.membership.pk).update(is_active=False)

    assert_unauthenticated(browser.get("/api/v1/me"))


def test_a_revoked_token_sent_from_a_signed_in_browser_does_not_fall_back_to_the_session(
    personas,
):
    token, secret = token_issue(membership=personas.admin.membership)
    token.revoked_at = timezone.now()
    token.save()
    browser = signed_in_browser(personas, "admin")

    assert_unauthenticated(browser.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}))
