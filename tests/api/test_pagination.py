"""Paged lists: page, page_size (at most 200), count and pages; a fixed number of queries per
page however many rows there are."""

from __future__ import annotations

import pytest

from tandem.core import services
from tandem.core.actor import Actor
from tandem.core.models import Membership
from tandem.core.pagination import MAX_PAGE_SIZE
from tandem.core.roles import Role
from tandem.core.tokens import token_issue
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.personas import ApiClient


@pytest.fixture
def crowded(personas):
    """acme with 20 more members (27 in all), named so that their order is known."""
    for n in range(20):
        MembershipFactory(organization=personas.organization,
                          user=UserFactory(full_name=f"Zz {n:02d}", email=f"zz{n:02d}@acme.test"))
    return personas


def test_a_page_reports_its_place_in_the_list(crowded, api_as):
    response = api_as("admin").get("/api/v1/members?page=2&page_size=10")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (27, 2, 10, 3)
    assert len(body["items"]) == 10


def test_the_last_page_holds_the_rest(crowded, api_as):
    body = api_as("admin").get("/api/v1/members?page=3&page_size=10").json()

    assert [item["email"] for item in body["items"]] == [f"zz{n:02d}@acme.test"
                                                         for n in range(13, 20)]


def test_the_pages_together_list_every_member_once_in_order(crowded, api_as):
    admin = api_as("admin")
    emails = []
    for page in range(1, 5):
        emails += [item["email"] for item in
                   admin.get(f"/api/v1/members?page={page}&page_size=7").json()["items"]]

    expected = list(Membership.objects.filter(organization__slug="acme")
                    .order_by("user__full_name", "user__email")
                    .values_list("user__email", flat=True))
    assert emails == expected
    assert len(set(emails)) == 27


def test_the_default_page_is_the_first_fifty(crowded, api_as):
    body = api_as("admin").get("/api/v1/members").json()

    assert (body["page"], body["page_size"], body["pages"], len(body["items"])) == (1, 50, 1, 27)


def test_a_page_past_the_end_is_404(crowded, api_as):
    response = api_as("admin").get("/api/v1/members?page=4&page_size=10")

    assert response.status_code == 404
    assert response.json() == {"detail": "Page 4 does not exist; there are 3.",
                               "code": "not_found"}


def test_an_empty_list_has_one_empty_page(personas, api_as):
    response = api_as("admin").get("/api/v1/audit?object_type=core.nothing")

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0, "page": 1, "page_size": 50, "pages": 1}


def test_the_largest_page_size_is_allowed(crowded, api_as):
    response = api_as("admin").get(f"/api/v1/members?page_size={MAX_PAGE_SIZE}")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [("page_size=201", "page_size"), ("page_size=0", "page_size"), ("page=0", "page"),
     ("page=-1", "page"), ("page=two", "page"), ("page_size=1e3", "page_size")],
)
def test_out_of_range_paging_is_422_naming_the_parameter(personas, api_as, query, field):
    response = api_as("admin").get(f"/api/v1/members?{query}")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"].startswith(f"Invalid request. {field}: ")


def test_the_member_list_filters_by_role_and_search(crowded, api_as):
    admin = api_as("admin")

    finance = admin.get("/api/v1/members?role=finance").json()
    zz = admin.get("/api/v1/members?q=ZZ 1").json()

    assert [m["email"] for m in finance["items"]] == ["finance@acme.test"]
    assert zz["count"] == 10


def test_an_unknown_role_filter_is_422(personas, api_as):
    response = api_as("admin").get("/api/v1/members?role=owner")

    assert response.status_code == 422
    assert "role" in response.json()["detail"]


# --- Query counts ----------------------------------------------------------------------------


def organization_with(members: int) -> ApiClient:
    organization = OrganizationFactory(slug=f"size-{members}")
    admin = MembershipFactory(organization=organization, role=Role.ADMIN)
    for _ in range(members - 1):
        MembershipFactory(organization=organization)
    actor = Actor.for_membership(admin)
    for n in range(members):
        services.organization_rename(actor=actor, name=f"Name {n}", expected_version=n + 1)
        token_issue(membership=admin, name=f"spare {n}")
    api = ApiClient(token_issue(membership=admin)[1])
    assert api.get("/api/v1/me").status_code == 200  # first use writes last_used_at
    return api


# The token and its membership, the count, the page.
LIST_QUERIES = 4


@pytest.mark.parametrize("members", [3, 30])
def test_the_member_list_costs_the_same_queries_for_3_or_30_members(
    db, django_assert_num_queries, members
):
    api = organization_with(members)

    with django_assert_num_queries(LIST_QUERIES):
        response = api.get("/api/v1/members?page_size=200")

    assert response.json()["count"] == members


@pytest.mark.parametrize("members", [3, 30])
def test_the_audit_list_costs_the_same_queries_for_3_or_30_entries(
    db, django_assert_num_queries, members
):
    api = organization_with(members)

    with django_assert_num_queries(LIST_QUERIES):
        response = api.get("/api/v1/audit?page_size=200")

    assert response.json()["count"] == 2 * members + 1  # renames and token issues


@pytest.mark.parametrize("members", [3, 30])
def test_the_token_list_costs_the_same_queries_for_3_or_30_tokens(
    db, django_assert_num_queries, members
):
    api = organization_with(members)

    with django_assert_num_queries(LIST_QUERIES):
        response = api.get("/api/v1/auth/tokens?page_size=200")

    assert response.json()["count"] == members + 1


@pytest.mark.parametrize("members", [3, 30])
def test_me_costs_the_same_queries_for_any_organization_size(
    db, django_assert_num_queries, members
):
    api = organization_with(members)

    with django_assert_num_queries(3):  # the token, its membership, the person's organizations
        assert api.get("/api/v1/me").status_code == 200
