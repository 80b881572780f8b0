"""The interactions API: the permission matrix, filters, versions, idempotency, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.clients.models import Interaction
from tests.clients.factories import ClientFactory, ContactFactory, InteractionFactory
from tests.factories import MembershipFactory, UserFactory
from tests.personas import ALL_PERSONAS, Persona

URL = "/api/v1/interactions"
READERS = {"admin", "executive", "account_manager"}


@pytest.fixture
def api_as(personas):
    return lambda name: personas[name].api()


@pytest.fixture
def interaction(personas):
    return InteractionFactory(client=personas.client_company, summary="Kick-off call")


@pytest.fixture
def other_am(personas):
    return MembershipFactory(organization=personas.organization,
                             user=UserFactory(email="am2@acme.test"), role="account_manager")


def body(client_id, **extra):
    data = {"client_id": client_id, "kind": "call", "summary": "Talked about the roadmap",
            "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()}
    data.update(extra)
    return data


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_lists_interactions(personas, api_as, interaction, name):
    response = api_as(name).get(URL)
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert ids == ([interaction.pk] if name in READERS else [])


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_one_interaction(personas, api_as, interaction, name):
    response = api_as(name).get(f"{URL}/{interaction.pk}")
    assert response.status_code == (200 if name in READERS else 404)
    if name in READERS:
        assert response.json()["summary"] == "Kick-off call"
        assert response.json()["client_name"] == "Sao Mai Logistics"
    else:
        assert response.json()["code"] == "not_found"


CREATE = {"admin": 201, "account_manager": 201, "executive": 403, "finance": 403,
          "client": 403, "project_manager": 404, "member": 404, "outsider": 404}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_logs_an_interaction(personas, api_as, name):
    response = api_as(name).post(URL, body(personas.client_company.pk))
    assert response.status_code == CREATE[name], response.content
    assert Interaction.objects.count() == (1 if CREATE[name] == 201 else 0)


def test_another_am_neither_sees_nor_changes_my_clients_interactions(personas, interaction,
                                                                     other_am):
    api = Persona("am2", other_am).api()
    assert api.get(f"{URL}/{interaction.pk}").status_code == 404
    assert api.get(URL).json()["count"] == 0
    assert api.patch(f"{URL}/{interaction.pk}", {"version": 1, "summary": "x"}).status_code == 404
    assert api.delete(f"{URL}/{interaction.pk}").status_code == 404
    assert api.post(URL, body(personas.client_company.pk)).status_code == 404


def test_logging_returns_the_interaction_with_its_people(personas, api_as):
    contact = ContactFactory(client=personas.client_company)
    response = api_as("account_manager").post(URL, body(
        personas.client_company.pk, contact_ids=[contact.pk],
        participant_ids=[personas.project_manager.user.pk], follow_up_on="2030-01-01",
        next_step="Send the quote"))
    assert response.status_code == 201
    data = response.json()
    assert data["contact_ids"] == [contact.pk]
    assert data["participant_ids"] == [personas.project_manager.user.pk]
    assert (data["version"], data["kind"], data["follow_up_on"]) == (1, "call", "2030-01-01")


def test_invalid_input_is_422(personas, api_as):
    api = api_as("account_manager")
    stranger = ContactFactory(client=ClientFactory(organization=personas.organization))
    response = api.post(URL, body(personas.client_company.pk, contact_ids=[stranger.pk]))
    assert (response.status_code, response.json()["code"]) == (422, "unknown_contact")
    assert api.post(URL, body(personas.client_company.pk, kind="fax")).status_code == 422


def test_an_idempotency_key_replays_the_first_response(personas, api_as):
    api = api_as("account_manager")
    data = body(personas.client_company.pk)
    first = api.post(URL, data, **{"Idempotency-Key": "log-1"})
    second = api.post(URL, data, **{"Idempotency-Key": "log-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Interaction.objects.count() == 1


def test_patch_with_the_version_and_409_when_stale(personas, api_as, interaction):
    api = api_as("account_manager")
    response = api.patch(f"{URL}/{interaction.pk}", {"version": 1, "outcome": "Agreed"})
    assert response.status_code == 200
    assert (response.json()["outcome"], response.json()["version"]) == ("Agreed", 2)
    stale = api.patch(f"{URL}/{interaction.pk}", {"version": 1, "outcome": "Other"})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")


def test_patch_marks_the_follow_up_done(personas, api_as):
    interaction = InteractionFactory(client=personas.client_company,
                                     follow_up_on=timezone.localdate())
    response = api_as("account_manager").patch(f"{URL}/{interaction.pk}",
                                               {"version": 1, "follow_up_done": True})
    assert response.status_code == 200
    assert response.json()["follow_up_done_at"] is not None


def test_delete_with_a_stale_version_is_409_then_204(personas, api_as, interaction):
    api = api_as("account_manager")
    assert api.delete(f"{URL}/{interaction.pk}?version=5").status_code == 409
    assert api.delete(f"{URL}/{interaction.pk}?version=1").status_code == 204
    assert not Interaction.objects.exists()
    assert api_as("executive").delete(f"{URL}/{interaction.pk}").status_code == 404


def test_filters_by_client_kind_and_dates(personas, api_as):
    mine = personas.client_company
    other = ClientFactory(organization=personas.organization)
    now = timezone.now()
    call = InteractionFactory(client=mine, kind="call", occurred_at=now - dt.timedelta(days=1))
    meeting = InteractionFactory(client=mine, kind="meeting",
                                 occurred_at=now - dt.timedelta(days=40))
    elsewhere = InteractionFactory(client=other, kind="call")
    api = api_as("admin")

    def ids(query):
        return [i["id"] for i in api.get(f"{URL}?{query}").json()["items"]]

    assert ids(f"client={mine.pk}") == [call.pk, meeting.pk]
    assert ids("kind=meeting") == [meeting.pk]
    since = (now - dt.timedelta(days=10)).date().isoformat()
    assert set(ids(f"since={since}")) == {call.pk, elsewhere.pk}
    until = (now - dt.timedelta(days=30)).date().isoformat()
    assert ids(f"until={until}") == [meeting.pk]


def test_the_list_costs_a_fixed_number_of_queries(personas, api_as, django_assert_num_queries):
    api = api_as("account_manager")
    api.get(URL)
    contact = ContactFactory(client=personas.client_company)
    for _ in range(15):
        interaction = InteractionFactory(client=personas.client_company)
        interaction.contacts.add(contact)
        interaction.participants.add(personas.account_manager.user)
    # token (and its last use), count, page, contacts, participants
    with django_assert_num_queries(6):
        response = api.get(URL)
    assert response.json()["count"] == 15
