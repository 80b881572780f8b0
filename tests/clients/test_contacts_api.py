"""Contacts through the API: who reads them (not the client's own people, not other AMs), who
changes them, one primary contact per client, versions and deletion."""

from __future__ import annotations

import pytest

from tandem.clients.models import Contact
from tandem.core.models import AuditEntry
from tests.clients.factories import ClientFactory, ContactFactory
from tests.personas import ALL_PERSONAS

READERS = {"admin", "executive", "account_manager", "finance"}
EDITORS = {"admin", "account_manager"}


@pytest.fixture
def contact(personas):
    return ContactFactory(client=personas.client_company, name="Lê Minh", is_primary=True)


@pytest.fixture
def others_contact(personas):
    client = ClientFactory(organization=personas.organization, owner=personas.admin.user)
    return ContactFactory(client=client, name="Phạm Hà")


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_contacts(personas, contact, others_contact, name):
    api = personas[name].api()

    listed = {item["id"] for item in api.get("/api/v1/contacts").json()["items"]}
    detail = api.get(f"/api/v1/contacts/{contact.pk}")
    by_client = api.get(f"/api/v1/clients/{personas.client_company.pk}/contacts")

    sees = name in READERS
    assert (contact.pk in listed) == sees
    assert (others_contact.pk in listed) == (name in READERS - {"account_manager"})
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert detail.json()["client_name"] == "Sao Mai Logistics"
        assert [c["id"] for c in by_client.json()["items"]] == [contact.pk]
    elif name != "client":
        assert by_client.status_code == 404
    else:  # the client sees its own client, but none of its contacts
        assert by_client.json()["items"] == []


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_adds_and_changes_contacts(personas, contact, name):
    api = personas[name].api()
    client_id = personas.client_company.pk

    created = api.post(f"/api/v1/clients/{client_id}/contacts",
                       {"name": "Võ Thu", "role": "billing"})
    changed = api.patch(f"/api/v1/contacts/{contact.pk}", {"version": 1, "title": "CFO"})

    if name in EDITORS:
        assert (created.status_code, changed.status_code) == (201, 200)
    elif name in READERS:  # sees them, may not change them
        assert (created.status_code, changed.status_code) == (403, 403)
    elif name == "client":
        assert (created.status_code, changed.status_code) == (403, 404)
    else:
        assert (created.status_code, changed.status_code) == (404, 404)
    assert Contact.objects.filter(name="Võ Thu").exists() == (name in EDITORS)


def test_a_new_primary_contact_replaces_the_old_one(personas, contact):
    api = personas.account_manager.api()

    response = api.post(f"/api/v1/clients/{personas.client_company.pk}/contacts",
                        {"name": "Đỗ Quang", "is_primary": True, "email": "Quang@SaoMai.vn"})

    assert response.status_code == 201
    assert response.json()["email"] == "quang@saomai.vn"
    contact.refresh_from_db()
    assert (contact.is_primary, contact.version) == (False, 2)
    primaries = Contact.objects.filter(client=personas.client_company, is_primary=True)
    assert [c.name for c in primaries] == ["Đỗ Quang"]
    assert AuditEntry.objects.filter(action="contact.update", object_id=str(contact.pk),
                                     changes={"is_primary": [True, False]}).exists()


def test_making_an_existing_contact_primary_unsets_the_old_one(personas, contact):
    second = ContactFactory(client=personas.client_company, name="Second")

    response = personas.account_manager.api().patch(
        f"/api/v1/contacts/{second.pk}", {"version": 1, "is_primary": True}
    )

    assert response.json()["is_primary"] is True
    contact.refresh_from_db()
    assert contact.is_primary is False


def test_an_invalid_email_is_refused(personas):
    response = personas.account_manager.api().post(
        f"/api/v1/clients/{personas.client_company.pk}/contacts", {"name": "X", "email": "no"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "email"


def test_a_stale_contact_version_is_refused(personas, contact):
    api = personas.account_manager.api()
    api.patch(f"/api/v1/contacts/{contact.pk}", {"version": 1, "phone": "+84 90 1"})

    response = api.patch(f"/api/v1/contacts/{contact.pk}", {"version": 1, "phone": "+84 90 2"})

    assert response.status_code == 409


def test_deleting_a_contact_is_recorded_on_the_client(personas, contact):
    response = personas.account_manager.api().delete(f"/api/v1/contacts/{contact.pk}")

    assert response.status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()
    entry = AuditEntry.objects.get(action="contact.delete")
    assert entry.object_id == str(personas.client_company.pk)
    assert entry.changes["contact"] == ["Lê Minh", None]


@pytest.mark.parametrize("name", ["executive", "finance", "client", "outsider"])
def test_others_cannot_delete_a_contact(personas, contact, name):
    response = personas[name].api().delete(f"/api/v1/contacts/{contact.pk}")

    assert response.status_code in {403, 404}
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_contact_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    api = personas.admin.api()
    for _ in range(12):
        ContactFactory(client=ClientFactory(organization=personas.organization))
    with django_assert_num_queries(5):  # token, membership, last use, count, page with clients
        response = api.get("/api/v1/contacts")
    assert response.json()["count"] == 12
