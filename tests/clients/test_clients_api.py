"""The clients API: who lists, reads and changes which clients, filters and search, pagination
with a fixed number of queries, optimistic versions (409) and Idempotency-Key on create."""

from __future__ import annotations

import pytest

from tandem.clients.models import Client, ClientTag
from tandem.core.models import AuditEntry
from tests.clients.factories import ClientFactory, ContactFactory
from tests.personas import ALL_PERSONAS

STAFF_WHO_LIST_ALL = ("admin", "executive", "account_manager", "finance")


@pytest.fixture
def book(personas):
    """Sao Mai (the AM's, from the personas), one client of another AM, one of the outsider's."""
    other_am = personas.admin.user  # an admin may own clients too
    theirs = ClientFactory(organization=personas.organization, name="Hoa Binh Foods",
                           tier="strategic", owner=other_am, industry="Food",
                           tax_code="0301234567")
    foreign = ClientFactory(organization=personas.other_organization, name="Foreign Co")
    return {"mine": personas.client_company, "theirs": theirs, "foreign": foreign}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# --- GET /clients -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_the_client_list_follows_the_role(personas, book, name):
    listed = ids(personas[name].api().get("/api/v1/clients"))

    expected = {
        "admin": {book["mine"].pk, book["theirs"].pk},
        "executive": {book["mine"].pk, book["theirs"].pk},
        "account_manager": {book["mine"].pk, book["theirs"].pk},
        "finance": {book["mine"].pk, book["theirs"].pk},
        "project_manager": set(),
        "member": set(),
        "client": {book["mine"].pk},
        "outsider": {book["foreign"].pk},
    }[name]
    assert listed == expected


def test_search_matches_name_legal_name_tax_code_and_contact_names(personas, book):
    api = personas.admin.api()
    ContactFactory(client=book["mine"], name="Nguyễn Văn An")
    book["mine"].legal_name = "Công ty TNHH Sao Mai"
    book["mine"].save()

    assert ids(api.get("/api/v1/clients?q=hoa")) == {book["theirs"].pk}
    assert ids(api.get("/api/v1/clients?q=TNHH")) == {book["mine"].pk}
    assert ids(api.get("/api/v1/clients?q=0301234")) == {book["theirs"].pk}
    assert ids(api.get("/api/v1/clients?q=Văn An")) == {book["mine"].pk}


def test_an_am_does_not_find_another_ams_client_by_its_contacts(personas, book):
    ContactFactory(client=book["theirs"], name="Trần Thị Bình")

    assert ids(personas.account_manager.api().get("/api/v1/clients?q=Bình")) == set()


def test_filters_by_tier_status_owner_tag_and_industry(personas, book):
    api = personas.admin.api()
    tag = ClientTag.objects.create(organization=personas.organization, name="Fintech")
    book["mine"].tags.add(tag)
    am = personas.account_manager.user

    assert ids(api.get("/api/v1/clients?tier=strategic")) == {book["theirs"].pk}
    assert ids(api.get("/api/v1/clients?status=active")) == {book["mine"].pk, book["theirs"].pk}
    assert ids(api.get(f"/api/v1/clients?owner_id={am.pk}")) == {book["mine"].pk}
    assert ids(api.get("/api/v1/clients?tag=fintech")) == {book["mine"].pk}
    assert ids(api.get("/api/v1/clients?industry=food")) == {book["theirs"].pk}
    assert api.get("/api/v1/clients?tier=emperor").status_code == 422


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries, count):
    api = personas.admin.api()
    for number in range(count):
        client = ClientFactory(organization=personas.organization, owner=personas.admin.user)
        client.tags.add(ClientTag.objects.get_or_create(organization=personas.organization,
                                                        name=f"tag{number % 4}")[0])
    # token, its membership, its last use, count, page of clients with owners, their tags
    with django_assert_num_queries(6):
        response = api.get("/api/v1/clients?page_size=100")
    assert len(response.json()["items"]) == count + 1
    tagged = [item for item in response.json()["items"] if item["tags"]]
    assert len(tagged) == count


# --- GET /clients/{id} ------------------------------------------------------------------------


DETAIL = {
    "admin": {"mine": 200, "theirs": 200},
    "executive": {"mine": 200, "theirs": 200},
    "account_manager": {"mine": 200, "theirs": 404},
    "finance": {"mine": 200, "theirs": 200},
    "project_manager": {"mine": 404, "theirs": 404},
    "member": {"mine": 404, "theirs": 404},
    "client": {"mine": 200, "theirs": 404},
    "outsider": {"mine": 404, "theirs": 404},
}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_client_detail_by_role(personas, book, name):
    api = personas[name].api()
    for which in ("mine", "theirs"):
        response = api.get(f"/api/v1/clients/{book[which].pk}")
        assert response.status_code == DETAIL[name][which], (which, response.content)
        if response.status_code == 404:
            assert response.json()["code"] == "not_found"


def test_internal_notes_are_hidden_from_the_clients_own_people(personas, book):
    book["mine"].notes = "Prefers calls after 3pm; budget is tight"
    book["mine"].save()

    assert personas.client.api().get(f"/api/v1/clients/{book['mine'].pk}").json()["notes"] == ""
    owner_view = personas.account_manager.api().get(f"/api/v1/clients/{book['mine'].pk}")
    assert owner_view.json()["notes"].startswith("Prefers calls")


# --- POST /clients ----------------------------------------------------------------------------


CREATE = {"admin": 201, "account_manager": 201, "executive": 403, "finance": 403,
          "project_manager": 403, "member": 403, "client": 403, "outsider": 201}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_creates_clients(personas, name):
    response = personas[name].api().post("/api/v1/clients", {"name": "Phu My Trading"})

    assert response.status_code == CREATE[name], response.content
    created = Client.objects.filter(name="Phu My Trading").first()
    assert (created is not None) == (CREATE[name] == 201)
    if created:
        assert created.organization == personas[name].organization


def test_an_am_owns_the_client_they_create_with_its_tags(personas):
    response = personas.account_manager.api().post("/api/v1/clients", {
        "name": "Phu My Trading", "tier": "key", "tags": ["Retail", " retail ", "VN  North"],
        "tax_code": "0109999999",
    })

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_id"] == personas.account_manager.user.pk
    assert body["tags"] == ["Retail", "VN North"]
    assert body["version"] == 1
    entry = AuditEntry.objects.get(action="client.create", object_id=str(body["id"]))
    assert entry.changes["tier"] == [None, "key"]
    assert entry.changes["tags"] == [None, ["Retail", "VN North"]]


def test_an_am_cannot_create_a_client_for_someone_else(personas):
    response = personas.account_manager.api().post(
        "/api/v1/clients", {"name": "X", "owner_id": personas.admin.user.pk}
    )
    assert response.status_code == 403


def test_the_owner_must_be_an_account_manager_or_admin(personas):
    response = personas.admin.api().post(
        "/api/v1/clients", {"name": "X", "owner_id": personas.finance.user.pk}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_owner"


def test_a_tax_code_is_unique_in_the_organization(personas, book):
    response = personas.admin.api().post(
        "/api/v1/clients", {"name": "Copy", "tax_code": "0301234567"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "tax_code_taken"


def test_a_retried_create_with_the_same_key_creates_one_client(personas):
    api = personas.account_manager.api()
    body = {"name": "Once Only"}

    first = api.post("/api/v1/clients", body, **{"Idempotency-Key": "k-1"})
    again = api.post("/api/v1/clients", body, **{"Idempotency-Key": "k-1"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Client.objects.filter(name="Once Only").count() == 1


def test_a_client_change_schedules_a_health_recomputation(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        personas.account_manager.api().post("/api/v1/clients", {"name": "Healthy"})
    assert len(callbacks) == 1


# --- PATCH /clients/{id} ----------------------------------------------------------------------


PATCH = {
    "admin": {"mine": 200, "theirs": 200},
    "executive": {"mine": 403, "theirs": 403},
    "account_manager": {"mine": 200, "theirs": 404},
    "finance": {"mine": 403, "theirs": 403},
    "project_manager": {"mine": 404, "theirs": 404},
    "member": {"mine": 404, "theirs": 404},
    "client": {"mine": 403, "theirs": 404},
    "outsider": {"mine": 404, "theirs": 404},
}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_changes_which_client(personas, book, name):
    api = personas[name].api()
    for which in ("mine", "theirs"):
        response = api.patch(f"/api/v1/clients/{book[which].pk}",
                             {"version": 1, "industry": "Logistics"})
        assert response.status_code == PATCH[name][which], (which, response.content)
        book[which].refresh_from_db()
        assert (book[which].industry == "Logistics") == (response.status_code == 200)


def test_a_stale_version_is_refused_with_409(personas, book):
    api = personas.account_manager.api()
    url = f"/api/v1/clients/{book['mine'].pk}"
    assert api.patch(url, {"version": 1, "tier": "strategic"}).json()["version"] == 2

    response = api.patch(url, {"version": 1, "tier": "standard"})

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["current_version"] == 2
    book["mine"].refresh_from_db()
    assert book["mine"].tier == "strategic"


def test_an_update_is_audited_field_by_field_and_tags_replace(personas, book):
    api = personas.account_manager.api()
    url = f"/api/v1/clients/{book['mine'].pk}"

    body = api.patch(url, {"version": 1, "tier": "strategic", "tags": ["A", "B"]}).json()
    assert body["tags"] == ["A", "B"]
    body = api.patch(url, {"version": 2, "tags": ["B"]}).json()

    assert body["tags"] == ["B"]
    entries = AuditEntry.objects.filter(object_id=str(book["mine"].pk),
                                        action="client.update").order_by("id")
    assert [e.changes for e in entries] == [
        {"tier": ["key", "strategic"], "tags": [[], ["A", "B"]]},
        {"tags": [["A", "B"], ["B"]]},
    ]


def test_archiving_makes_a_former_client(personas, book):
    response = personas.account_manager.api().patch(
        f"/api/v1/clients/{book['mine'].pk}", {"version": 1, "status": "former"}
    )
    assert response.json()["status"] == "former"
    assert AuditEntry.objects.filter(action="client.archive").count() == 1


def test_an_unchanged_patch_keeps_the_version(personas, book):
    response = personas.account_manager.api().patch(
        f"/api/v1/clients/{book['mine'].pk}", {"version": 1, "name": "Sao Mai Logistics"}
    )
    assert response.json()["version"] == 1
    assert not AuditEntry.objects.filter(action="client.update").exists()
