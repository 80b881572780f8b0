"""The client pages: the list with HTMX search and filters, the detail page with contacts, needs
and the timeline, the create and edit forms, inline need status changes, import and export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.clients.models import Client, Contact, Need
from tandem.core.models import AuditEntry
from tests.clients.factories import ClientFactory, ContactFactory, NeedFactory
from tests.web.helpers import page

HTMX = {"HX-Request": "true"}


@pytest.fixture
def theirs(personas):
    return ClientFactory(organization=personas.organization, name="Hoa Binh Foods",
                         owner=personas.admin.user, tier="strategic")


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["admin", "executive", "account_manager", "finance"])
def test_staff_who_read_clients_see_them_all(personas, theirs, name):
    html = page(personas[name].browser().get("/clients/"))

    assert "Sao Mai Logistics" in html
    assert "Hoa Binh Foods" in html
    assert "2 clients" in html


@pytest.mark.parametrize("name", ["project_manager", "member"])
def test_project_people_see_no_clients_yet(personas, theirs, name):
    html = page(personas[name].browser().get("/clients/"))

    assert "Sao Mai Logistics" not in html
    assert "No client matches" in html


def test_a_client_person_sees_only_their_own_client(personas, theirs):
    html = page(personas.client.browser().get("/clients/"))

    assert "Sao Mai Logistics" in html
    assert "Hoa Binh Foods" not in html
    assert "Export CSV" not in html


def test_the_outsider_sees_none_of_acme(personas, theirs):
    html = page(personas.outsider.browser().get("/clients/"))

    assert "Sao Mai" not in html


def test_htmx_search_returns_only_the_rows(personas, theirs):
    ContactFactory(client=theirs, name="Trần Thị Bình")
    response = personas.admin.browser().get("/clients/?q=bình&tier=strategic", headers=HTMX)

    html = page(response)
    assert "<html" not in html
    assert 'id="client-rows"' in html
    assert "Hoa Binh Foods" in html
    assert "Sao Mai" not in html
    assert "HX-Request" in response["Vary"]
    assert "format=xlsx" in html
    assert "tier=strategic" in html


def test_the_filter_form_drives_htmx(personas):
    html = page(personas.admin.browser().get("/clients/"))

    assert 'hx-get="/clients/"' in html
    assert 'hx-target="#client-results"' in html


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries, count):
    browser = personas.admin.browser()
    browser.get("/clients/")
    for _ in range(count):
        ClientFactory(organization=personas.organization, owner=personas.admin.user)
    # session, user, membership, switcher, owner choices, tags, industries, count, rows, tags
    with django_assert_num_queries(10):
        response = browser.get("/clients/")
    assert page(response).count('<tr id="client-') == count + 1


# --- the detail page --------------------------------------------------------------------------


DETAIL = {"admin": 200, "executive": 200, "account_manager": 200, "finance": 200,
          "project_manager": 404, "member": 404, "client": 200, "outsider": 404}


@pytest.mark.parametrize("name", list(DETAIL))
def test_the_detail_page_by_role(personas, name):
    ContactFactory(client=personas.client_company, name="Lê Minh")
    NeedFactory(client=personas.client_company, title="Real-time tracking")

    response = personas[name].browser().get(f"/clients/{personas.client_company.pk}/")

    assert response.status_code == DETAIL[name]
    if response.status_code == 200:
        html = page(response)
        assert ("Lê Minh" in html) == (name in {"admin", "executive", "account_manager",
                                                "finance"})
        assert ("Real-time tracking" in html) == (name in {"admin", "executive",
                                                           "account_manager"})
        assert ("Edit client" in html) == (name in {"admin", "account_manager"})


def test_an_am_gets_404_on_another_ams_client_page(personas, theirs):
    assert personas.account_manager.browser().get(f"/clients/{theirs.pk}/").status_code == 404


def test_the_timeline_shows_changes_of_the_client_its_contacts_and_needs(personas):
    am = personas.account_manager
    browser = am.browser()
    client_id = personas.client_company.pk
    browser.post(f"/clients/{client_id}/contacts/new/", {"name": "Lê Minh", "role": "sponsor"})
    browser.post(f"/clients/{client_id}/needs/new/", {"title": "Tracking", "priority": "must",
                                                      "source": "call"})
    browser.post(f"/clients/{client_id}/edit/", {"name": "Sao Mai Logistics JSC",
                                                 "tier": "key", "status": "active",
                                                 "owner_id": am.user.pk, "version": 1})

    html = page(browser.get(f"/clients/{client_id}/"))

    for action in ("client.update", "contact.create", "need.create"):
        assert action in html
    assert "Sao Mai Logistics JSC" in html


def test_the_detail_page_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    browser = personas.account_manager.browser()
    url = f"/clients/{personas.client_company.pk}/"
    browser.get(url)
    for _ in range(8):
        ContactFactory(client=personas.client_company)
        NeedFactory(client=personas.client_company)
    with django_assert_num_queries(13):
        browser.get(url)
    for _ in range(8):
        ContactFactory(client=personas.client_company)
        NeedFactory(client=personas.client_company)
    with django_assert_num_queries(13):
        browser.get(url)


# --- create and edit --------------------------------------------------------------------------


def test_an_am_adds_a_client_they_own(personas):
    response = personas.account_manager.browser().post("/clients/new/", {
        "name": "Phu My Trading", "tier": "key", "status": "prospect", "tags": "Retail, VN",
    })

    client = Client.objects.get(name="Phu My Trading")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.pk}/"
    assert client.owner == personas.account_manager.user
    assert sorted(t.name for t in client.tags.all()) == ["Retail", "VN"]


@pytest.mark.parametrize("name", ["executive", "finance", "member", "client"])
def test_others_cannot_open_the_create_page(personas, name):
    assert personas[name].browser().get("/clients/new/").status_code == 404


def test_an_invalid_client_form_is_shown_again(personas):
    response = personas.admin.browser().post("/clients/new/", {"name": "", "tier": "standard",
                                                                "status": "prospect"})
    assert response.status_code == 422
    assert "field--invalid" in page(response)


def test_a_stale_edit_is_refused_with_409(personas):
    browser = personas.account_manager.browser()
    url = f"/clients/{personas.client_company.pk}/edit/"
    data = {"name": "Sao Mai", "tier": "key", "status": "active",
            "owner_id": personas.account_manager.user.pk, "version": 1}
    assert browser.post(url, data).status_code == 302

    response = browser.post(url, {**data, "name": "Sao Mai 2"})

    assert response.status_code == 409
    assert "Someone else changed this" in page(response)


def test_executives_cannot_edit(personas):
    response = personas.executive.browser().get(f"/clients/{personas.client_company.pk}/edit/")
    assert response.status_code == 403


# --- contacts and needs -----------------------------------------------------------------------


def test_contacts_are_added_edited_and_removed(personas):
    browser = personas.account_manager.browser()
    client_id = personas.client_company.pk

    browser.post(f"/clients/{client_id}/contacts/new/", {"name": "Lê Minh", "role": "billing",
                                                         "is_primary": "on"})
    contact = Contact.objects.get(name="Lê Minh")
    assert contact.is_primary
    response = browser.post(f"/clients/contacts/{contact.pk}/edit/", {
        "name": "Lê Minh", "role": "sponsor", "title": "CEO", "version": 1,
    })
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.title, contact.is_primary) == ("CEO", False)
    browser.post(f"/clients/contacts/{contact.pk}/delete/")
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_need_moves_along_its_lifecycle_in_its_row(personas):
    need = NeedFactory(client=personas.client_company, title="Tracking")
    browser = personas.account_manager.browser()
    url = f"/clients/needs/{need.pk}/transition/"

    response = browser.post(url, {"status": "agreed", "version": 1}, headers=HTMX)

    html = page(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="need-{need.pk}"' in html
    assert 'value="in_scope"' in html  # the next step is offered
    need.refresh_from_db()
    assert need.status == "agreed"
    assert AuditEntry.objects.filter(action="need.transition").count() == 1


def test_a_refused_status_change_comes_back_in_the_row(personas):
    need = NeedFactory(client=personas.client_company)
    browser = personas.account_manager.browser()
    url = f"/clients/needs/{need.pk}/transition/"

    no_reason = browser.post(url, {"status": "dropped", "version": 1}, headers=HTMX)
    stale = browser.post(url, {"status": "agreed", "version": 7}, headers=HTMX)

    assert no_reason.status_code == 422
    assert 'role="alert"' in page(no_reason)
    assert stale.status_code == 409
    need.refresh_from_db()
    assert need.status == "captured"


def test_a_need_is_captured_and_edited(personas):
    browser = personas.account_manager.browser()
    browser.post(f"/clients/{personas.client_company.pk}/needs/new/",
                 {"title": "Dashboards", "priority": "could", "source": "email"})
    need = Need.objects.get(title="Dashboards")

    browser.post(f"/clients/needs/{need.pk}/edit/", {"title": "Dashboards v2",
                                                     "priority": "must", "source": "email",
                                                     "version": 1})

    need.refresh_from_db()
    assert (need.title, need.priority, need.version) == ("Dashboards v2", "must", 2)


@pytest.mark.parametrize("name", ["executive", "finance", "client"])
def test_readers_cannot_change_needs(personas, name):
    need = NeedFactory(client=personas.client_company)
    response = personas[name].browser().post(f"/clients/needs/{need.pk}/transition/",
                                             {"status": "agreed", "version": 1})
    assert response.status_code in {403, 404}
    need.refresh_from_db()
    assert need.status == "captured"


# --- import and export ------------------------------------------------------------------------


def test_the_import_page_reports_bad_rows_and_imports_nothing(personas):
    data = b"name,tier\nGood Co,key\nBad Co,platinum\n"
    response = personas.account_manager.browser().post(
        "/clients/import/", {"file": SimpleUploadedFile("clients.csv", data)}
    )

    html = page(response)
    assert response.status_code == 422
    assert "Nothing was imported." in html
    assert "<th scope=\"row\">3</th>" in html
    assert not Client.objects.filter(name="Good Co").exists()


def test_the_import_page_imports_good_rows_when_asked(personas):
    data = b"name,tier\nGood Co,key\nBad Co,platinum\n"
    response = personas.account_manager.browser().post(
        "/clients/import/", {"file": SimpleUploadedFile("clients.csv", data),
                             "skip_invalid": "on"},
    )
    assert response.status_code == 200
    assert Client.objects.filter(name="Good Co").exists()


def test_the_export_link_downloads_a_neutralised_csv(personas):
    ClientFactory(organization=personas.organization, name="=2+5", owner=personas.admin.user)

    response = personas.finance.browser().get("/clients/export/?format=csv")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="clients.csv"'
    text = io.BytesIO(response.content).read().decode("utf-8-sig")
    assert "'=2+5" in text
    assert "\n=2+5" not in text


@pytest.mark.parametrize("name", ["client", "finance"])
def test_the_import_page_is_for_those_who_create_clients(personas, name):
    assert personas[name].browser().get("/clients/import/").status_code == 404
