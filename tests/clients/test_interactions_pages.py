"""The interaction pages: who sees them, logging a call quickly, editing, follow-up done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.clients.models import Interaction
from tests.clients.factories import ClientFactory, ContactFactory, InteractionFactory
from tests.personas import ALL_PERSONAS

HTMX = {"HX-Request": "true"}
READERS = {"admin", "executive", "account_manager"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def interaction(personas):
    return InteractionFactory(client=personas.client_company, summary="Quarterly review",
                              follow_up_on=timezone.localdate())


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_interactions_page(personas, interaction, name):
    response = personas[name].browser().get("/clients/interactions/")
    # the outsider is the administrator of another organization: their own, empty, page
    assert response.status_code == (200 if name in READERS | {"outsider"} else 404)
    if response.status_code == 200:
        assert ("Quarterly review" in html(response)) == (name in READERS)
    edit = personas[name].browser().get(f"/clients/interactions/{interaction.pk}/edit/")
    assert edit.status_code == (200 if name in {"admin", "account_manager"} else 404)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_opens_the_log_page(personas, name):
    response = personas[name].browser().get("/clients/interactions/new/")
    assert response.status_code == (200 if name in {"admin", "account_manager", "outsider"}
                                    else 404)


def test_an_am_logs_a_call_in_one_post(personas):
    contact = ContactFactory(client=personas.client_company, name="Ms Lan")
    browser = personas.account_manager.browser()
    form = html(browser.get(f"/clients/interactions/new/?client={personas.client_company.pk}"))
    assert "Ms Lan" in form
    assert 'type="datetime-local"' in form
    when = (timezone.localtime() - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = browser.post("/clients/interactions/new/", {
        "client": personas.client_company.pk, "kind": "call", "occurred_at": when,
        "summary": "Agreed the launch date", "contacts": [contact.pk],
        "follow_up_on": timezone.localdate().isoformat(),
    })
    assert response.status_code == 302
    assert response["Location"] == f"/clients/interactions/?client={personas.client_company.pk}"
    interaction = Interaction.objects.get()
    assert list(interaction.contacts.all()) == [contact]
    personas.client_company.refresh_from_db()
    assert personas.client_company.last_contact_at == interaction.occurred_at


def test_a_missing_summary_shows_the_form_again(personas):
    response = personas.account_manager.browser().post("/clients/interactions/new/", {
        "client": personas.client_company.pk, "kind": "call",
        "occurred_at": "2026-03-03T10:00"})
    assert response.status_code == 422
    assert "field__error" in html(response)
    assert not Interaction.objects.exists()


def test_another_ams_client_is_not_offered_nor_accepted(personas):
    other = ClientFactory(organization=personas.organization, owner=personas.admin.user,
                          name="Not Mine Ltd")
    browser = personas.account_manager.browser()
    assert "Not Mine Ltd" not in html(browser.get("/clients/interactions/new/"))
    response = browser.post("/clients/interactions/new/", {
        "client": other.pk, "kind": "call", "occurred_at": "2026-03-03T10:00",
        "summary": "x"})
    assert response.status_code == 422
    assert not Interaction.objects.exists()


def test_editing_with_a_stale_version_explains_the_conflict(personas, interaction):
    browser = personas.account_manager.browser()
    page = html(browser.get(f"/clients/interactions/{interaction.pk}/edit/"))
    assert 'name="version" value="1"' in page
    Interaction.objects.filter(pk=interaction.pk).update(version=2)
    response = browser.post(f"/clients/interactions/{interaction.pk}/edit/", {
        "kind": "meeting", "occurred_at": "2026-03-03T10:00", "summary": "Changed",
        "version": 1})
    assert response.status_code == 409
    assert "Someone else changed this" in html(response)


def test_the_executive_reads_but_does_not_edit(personas, interaction):
    browser = personas.executive.browser()
    assert browser.get(f"/clients/interactions/{interaction.pk}/edit/").status_code == 404
    assert "Mark done" not in html(browser.get("/clients/interactions/"))


def test_follow_up_done_in_the_row(personas, interaction):
    response = personas.account_manager.browser().post(
        f"/clients/interactions/{interaction.pk}/follow-up-done/", {"version": 1}, headers=HTMX)
    assert response.status_code == 200
    row = html(response)
    assert row.lstrip().startswith(f'<tr id="interaction-{interaction.pk}"')
    assert "Done" in row


def test_delete(personas, interaction):
    response = personas.account_manager.browser().post(
        f"/clients/interactions/{interaction.pk}/delete/", {"version": 1})
    assert response.status_code == 302
    assert not Interaction.objects.exists()


def test_filters_drive_htmx_and_return_rows_only(personas, interaction):
    browser = personas.account_manager.browser()
    page = html(browser.get("/clients/interactions/"))
    assert 'hx-target="#interaction-results"' in page
    rows = html(browser.get("/clients/interactions/?kind=meeting", headers=HTMX))
    assert "<html" not in rows
    assert "No interactions yet" in rows


def test_the_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    browser = personas.account_manager.browser()
    browser.get("/clients/interactions/")
    contact = ContactFactory(client=personas.client_company)
    for _ in range(20):
        item = InteractionFactory(client=personas.client_company)
        item.contacts.add(contact)
        item.participants.add(personas.account_manager.user)
    # session, user, membership, switcher, client filter choices, count, page, contacts,
    # participants
    with django_assert_num_queries(9):
        response = browser.get("/clients/interactions/")
    assert html(response).count('<tr id="interaction-') == 20
