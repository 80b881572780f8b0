"""API tokens in the browser: each person lists, creates and revokes their own."""

from __future__ import annotations

import re

import pytest

from tandem.core.models import ApiToken
from tandem.core.tokens import token_issue
from tests.personas import ALL_PERSONAS, ApiClient
from tests.web.helpers import page


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_everyone_opens_their_token_page(personas, name):
    response = personas[name].browser().get("/tokens/")
    assert response.status_code == 200
    assert "No tokens yet" in page(response)


def test_creating_a_token_shows_its_secret_once_and_it_works(personas):
    client = personas.account_manager.browser()
    response = client.post("/tokens/", {"name": "reporting script"})
    assert response.status_code == 201
    html = page(response)
    secret = re.search(r'id="new-token-secret">(tdm_[^<]+)</code>', html).group(1)
    assert "reporting script" in html

    me = ApiClient(secret).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["role"] == "account_manager"

    again = page(client.get("/tokens/"))
    assert secret not in again
    assert "reporting script" in again
    token = ApiToken.objects.get()
    assert f"tdm_{token.prefix}_" in again


def test_a_too_long_name_is_refused(personas):
    response = personas.member.browser().post("/tokens/", {"name": "x" * 101})
    assert response.status_code == 422
    assert 'class="field__error"' in page(response)
    assert not ApiToken.objects.exists()


def test_people_see_only_their_own_tokens(personas):
    token_issue(membership=personas.finance.membership, name="finance export")
    token_issue(membership=personas.outsider.membership, name="outsider sync")
    html = page(personas.admin.browser().get("/tokens/"))
    assert "finance export" not in html
    assert "outsider sync" not in html
    assert "finance export" in page(personas.finance.browser().get("/tokens/"))


def test_a_token_of_the_other_organization_is_not_listed_there(personas, two_org_person):
    token_issue(membership=personas.account_manager.membership, name="acme only")
    client = two_org_person.browser()
    client.post("/accounts/organization/", {"organization": personas.other_organization.pk})
    assert "acme only" not in page(client.get("/tokens/"))


def test_revoking_a_token_stops_it(personas):
    token, secret = token_issue(membership=personas.member.membership, name="old laptop")
    client = personas.member.browser()
    response = client.post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == "/tokens/"
    html = page(client.get("/tokens/"))
    assert "The token “old laptop” was revoked." in html
    assert "Revoked" in html
    assert ApiClient(secret).get("/api/v1/me").status_code == 401


def test_revoking_a_colleagues_token_is_a_404(personas):
    token, secret = token_issue(membership=personas.finance.membership)
    response = personas.admin.browser().post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiClient(secret).get("/api/v1/me").status_code == 200


def test_revoking_another_organizations_token_is_a_404(personas):
    token, secret = token_issue(membership=personas.admin.membership)
    response = personas.outsider.browser().post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert "This page does not exist" in page(response)
    assert ApiClient(secret).get("/api/v1/me").status_code == 200


def test_revoking_needs_a_post(personas):
    token, _secret = token_issue(membership=personas.member.membership)
    assert personas.member.browser().get(f"/tokens/{token.pk}/revoke/").status_code == 405


def test_the_revoke_form_asks_for_confirmation(personas):
    token_issue(membership=personas.member.membership, name="ci")
    assert "data-confirm=" in page(personas.member.browser().get("/tokens/"))
