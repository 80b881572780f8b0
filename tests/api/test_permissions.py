"""The permission matrix: every endpoint of the core's API, called by every persona.

Rows a persona may not see answer 404 exactly like rows that do not exist; actions on visible
rows that are not theirs to take answer 403; the outsider (administrator of another
organization) never reads or changes anything of ``acme``."""

from __future__ import annotations

import pytest

from tandem.core.models import ApiToken, AuditEntry, Membership, Organization
from tandem.core.tokens import token_issue
from tests.factories import TEST_PASSWORD
from tests.personas import ALL_PERSONAS, ApiClient

STAFF = ("executive", "account_manager", "project_manager", "finance", "member")
ACME_ACTIVE = {f"{name}@acme.test" for name in (*STAFF, "admin", "client")}


def by_role(*, admin: object, staff: object, client: object, outsider: object) -> dict:
    table = {"admin": admin, "client": client, "outsider": outsider}
    table.update(dict.fromkeys(STAFF, staff))
    assert set(table) == set(ALL_PERSONAS)
    return table


def assert_error(response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "code"}
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if code is not None:
        assert body["code"] == code


# --- POST /auth/token ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_every_persona_gets_a_token_for_its_own_organization_and_role(personas, name):
    persona = personas[name]

    response = ApiClient(None).post(
        "/api/v1/auth/token", {"email": persona.user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["organization"], body["role"]) == (persona.organization.slug,
                                                   persona.membership.role)
    me = ApiClient(body["token"]).get("/api/v1/me").json()
    assert (me["user"]["email"], me["organization"]) == (persona.user.email,
                                                        persona.organization.slug)


# --- GET /auth/tokens, DELETE /auth/tokens/{id} ----------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_the_token_list_holds_only_the_personas_own_tokens(personas, api_as, name):
    api = api_as(name)
    for other in ALL_PERSONAS:
        token_issue(membership=personas[other].membership)

    response = api.get("/api/v1/auth/tokens")

    assert response.status_code == 200
    own = set(ApiToken.objects.filter(user=personas[name].user).values_list("id", flat=True))
    assert {item["id"] for item in response.json()["items"]} == own
    assert len(own) == 2


REVOKE_A_COLLEAGUES_TOKEN = by_role(admin=404, staff=404, client=404, outsider=404)
REVOKE_A_COLLEAGUES_TOKEN["member"] = 204  # it is the member's own


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_only_the_owner_revokes_a_token(personas, api_as, name):
    token, _secret = token_issue(membership=personas.member.membership)

    response = api_as(name).delete(f"/api/v1/auth/tokens/{token.pk}")

    assert response.status_code == REVOKE_A_COLLEAGUES_TOKEN[name]
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (name == "member")
    if response.status_code == 404:
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_every_persona_revokes_its_own_token(personas, api_as, name):
    token, _secret = token_issue(membership=personas[name].membership)

    response = api_as(name).delete(f"/api/v1/auth/tokens/{token.pk}")

    assert response.status_code == 204
    assert response.content == b""
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- GET /me ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_me_describes_the_persona_and_only_its_own_organizations(personas, api_as, name):
    persona = personas[name]

    response = api_as(name).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "user": {"id": persona.user.pk, "email": persona.user.email,
                 "full_name": persona.user.full_name, "language": ""},
        "organization": persona.organization.slug,
        "organization_name": persona.organization.name,
        "role": persona.membership.role,
        "organizations": [{"slug": persona.organization.slug, "name": persona.organization.name,
                           "role": persona.membership.role}],
    }


# --- GET|PATCH /organization -----------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_every_persona_reads_its_own_organization(personas, api_as, name):
    organization = personas[name].organization

    response = api_as(name).get("/api/v1/organization")

    assert response.status_code == 200
    assert response.json() == {"id": organization.pk, "name": organization.name,
                               "slug": organization.slug, "version": 1}


RENAME = by_role(admin=200, staff=403, client=403, outsider=200)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_only_an_administrator_renames_and_only_their_own_organization(personas, api_as, name):
    response = api_as(name).patch("/api/v1/organization", {"name": "Renamed", "version": 1})

    assert response.status_code == RENAME[name]
    acme = Organization.objects.get(slug="acme")
    other = Organization.objects.get(slug="other")
    assert acme.name == ("Renamed" if name == "admin" else "Acme Delivery")
    assert other.name == ("Renamed" if name == "outsider" else "Other Firm")
    if RENAME[name] == 403:
        assert_error(response, 403, "permission_denied")
    else:
        assert response.json()["version"] == 2


# --- GET|POST /members -----------------------------------------------------------------------


MEMBER_LIST = by_role(
    admin=ACME_ACTIVE | {"former@acme.test"},
    staff=ACME_ACTIVE,
    client={"client@acme.test"},
    outsider={"outsider@other.test"},
)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_the_member_list_holds_the_roles_reach_in_its_own_organization(
    api_as, former_member, name
):
    response = api_as(name).get("/api/v1/members?page_size=200")

    assert response.status_code == 200
    body = response.json()
    assert {item["email"] for item in body["items"]} == MEMBER_LIST[name]
    assert body["count"] == len(MEMBER_LIST[name])


ADD_MEMBER = by_role(admin=201, staff=403, client=403, outsider=201)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_only_an_administrator_adds_members_and_only_to_their_own_organization(
    personas, api_as, name
):
    response = api_as(name).post("/api/v1/members", {"email": "new@x.test", "role": "member"})

    assert response.status_code == ADD_MEMBER[name]
    added = Membership.objects.filter(user__email="new@x.test")
    if ADD_MEMBER[name] == 201:
        assert list(added.values_list("organization", flat=True)) == [
            personas[name].organization.pk
        ]
        assert response.json()["id"] == added.get().pk
    else:
        assert_error(response, 403, "permission_denied")
        assert not added.exists()


# --- GET|PATCH /members/{id} -----------------------------------------------------------------


READ_A_COLLEAGUE = by_role(admin=200, staff=200, client=404, outsider=404)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_reading_a_colleague_follows_the_roles_reach(personas, api_as, name):
    colleague = personas.project_manager.membership

    response = api_as(name).get(f"/api/v1/members/{colleague.pk}")

    assert response.status_code == READ_A_COLLEAGUE[name]
    if response.status_code == 200:
        assert response.json()["email"] == "project_manager@acme.test"
    else:
        assert_error(response, 404, "not_found")


READ_A_FORMER_MEMBER = by_role(admin=200, staff=404, client=404, outsider=404)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_a_deactivated_member_is_visible_to_administrators_only(api_as, former_member, name):
    response = api_as(name).get(f"/api/v1/members/{former_member.pk}")

    assert response.status_code == READ_A_FORMER_MEMBER[name]


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_every_persona_reads_its_own_membership(personas, api_as, name):
    own = personas[name].membership

    response = api_as(name).get(f"/api/v1/members/{own.pk}")

    assert response.status_code == 200
    assert response.json()["role"] == own.role


CHANGE_A_COLLEAGUE = by_role(admin=200, staff=403, client=404, outsider=404)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_only_an_administrator_changes_a_colleague(personas, api_as, name):
    target = personas.member.membership

    response = api_as(name).patch(f"/api/v1/members/{target.pk}",
                                  {"version": 1, "role": "finance"})

    assert response.status_code == CHANGE_A_COLLEAGUE[name]
    target.refresh_from_db()
    assert target.role == ("finance" if name == "admin" else "member")
    if response.status_code != 200:
        assert_error(response, CHANGE_A_COLLEAGUE[name])


# --- GET /audit ------------------------------------------------------------------------------


READ_AUDIT = by_role(admin=200, staff=403, client=403, outsider=200)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_only_administrators_read_the_audit_log_of_their_own_organization(
    personas, api_as, name
):
    api_as("admin").patch("/api/v1/organization", {"name": "Acme 2", "version": 1})
    api_as("outsider").patch("/api/v1/organization", {"name": "Other 2", "version": 1})

    response = api_as(name).get("/api/v1/audit")

    assert response.status_code == READ_AUDIT[name]
    if response.status_code == 200:
        organization = personas[name].organization
        ids = {item["id"] for item in response.json()["items"]}
        assert ids == set(
            AuditEntry.objects.filter(organization=organization).values_list("id", flat=True)
        )
        assert "organization.rename" in {item["action"] for item in response.json()["items"]}
    else:
        assert_error(response, 403, "permission_denied")


# --- The outsider ----------------------------------------------------------------------------


@pytest.fixture
def acme_state(personas, former_member):
    for name in ALL_PERSONAS[:-1]:
        token_issue(membership=personas[name].membership)

    def snapshot() -> dict:
        return {
            "organization": list(Organization.objects.filter(slug="acme").values()),
            "members": list(Membership.objects.filter(organization__slug="acme")
                            .order_by("pk").values()),
            "tokens": list(ApiToken.objects.filter(organization__slug="acme")
                           .order_by("pk").values("pk", "revoked_at")),
            "audit": AuditEntry.objects.filter(organization__slug="acme").count(),
        }

    return snapshot


def test_the_outsider_cannot_read_or_change_any_acme_member(api_as, acme_state):
    before = acme_state()
    outsider = api_as("outsider")
    missing = outsider.get("/api/v1/members/999999").json()

    for member in before["members"]:
        path = f"/api/v1/members/{member['id']}"
        read = outsider.get(path)
        change = outsider.patch(path, {"version": member["version"], "role": "admin"})
        assert (read.status_code, change.status_code) == (404, 404)
        assert read.json() == change.json() == missing

    assert acme_state() == before


def test_the_outsider_cannot_revoke_any_acme_token(api_as, acme_state):
    before = acme_state()
    outsider = api_as("outsider")
    missing = outsider.delete("/api/v1/auth/tokens/999999").json()

    for token in before["tokens"]:
        response = outsider.delete(f"/api/v1/auth/tokens/{token['pk']}")
        assert response.status_code == 404
        assert response.json() == missing

    assert acme_state() == before


def test_the_outsiders_lists_hold_only_its_own_organizations_rows(personas, api_as, acme_state):
    outsider = api_as("outsider")
    other = personas.outsider.organization

    members = outsider.get("/api/v1/members").json()["items"]
    tokens = outsider.get("/api/v1/auth/tokens").json()["items"]
    history = outsider.get("/api/v1/audit").json()["items"]

    assert {m["email"] for m in members} == {"outsider@other.test"}
    assert {t["id"] for t in tokens} == set(
        ApiToken.objects.filter(organization=other).values_list("id", flat=True)
    )
    assert {e["id"] for e in history} == set(
        AuditEntry.objects.filter(organization=other).values_list("id", flat=True)
    )
    assert not {e["id"] for e in history} & set(
        AuditEntry.objects.filter(organization__slug="acme").values_list("id", flat=True)
    )


def test_the_outsider_cannot_add_itself_to_acme_by_any_field(personas, api_as, acme_state):
    before = acme_state()

    response = api_as("outsider").post(
        "/api/v1/members",
        {"email": "spy@other.test", "role": "admin", "organization": "acme",
         "organization_id": personas.organization.pk},
    )

    assert response.status_code == 201
    assert Membership.objects.get(user__email="spy@other.test").organization.slug == "other"
    assert acme_state() == before


def test_the_outsiders_audit_filter_by_an_acme_object_finds_nothing(personas, api_as):
    api_as("admin").patch(f"/api/v1/members/{personas.member.membership.pk}",
                          {"version": 1, "role": "finance"})

    response = api_as("outsider").get(
        f"/api/v1/audit?object_type=core.membership&object_id={personas.member.membership.pk}"
    )

    assert response.status_code == 200
    assert response.json()["count"] == 0
