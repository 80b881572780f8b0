"""Switching organization and language."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from tests.web.helpers import page


def test_a_person_in_one_organization_sees_no_switcher(personas):
    html = page(personas.account_manager.browser().get("/"))
    assert 'action="/accounts/organization/"' not in html


def test_a_person_in_two_organizations_switches_between_them(personas, two_org_person):
    client = two_org_person.browser()
    html = page(client.get("/"))
    assert 'action="/accounts/organization/"' in html
    assert "<h1>My book</h1>" in html  # Acme Delivery comes first by name

    response = client.post(
        "/accounts/organization/", {"organization": personas.other_organization.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = page(client.get("/"))
    assert "<h1>Receivables</h1>" in html  # the finance dashboard of Other Firm
    assert "Now working in Other Firm." in html
    assert 'aria-current="true"' in html

    client.post("/accounts/organization/", {"organization": personas.organization.pk})
    assert "<h1>My book</h1>" in page(client.get("/"))


def test_the_choice_of_organization_lasts_for_the_session(personas, two_org_person):
    client = two_org_person.browser()
    client.post("/accounts/organization/", {"organization": personas.other_organization.pk})
    for _ in range(2):
        assert "<h1>Receivables</h1>" in page(client.get("/"))


def test_switching_to_an_organization_one_is_not_in_is_refused(personas):
    client = personas.account_manager.browser()
    response = client.post(
        "/accounts/organization/", {"organization": personas.other_organization.pk}, follow=True
    )
    html = page(response)
    assert "You are not a member of that organization." in html
    assert "<h1>My book</h1>" in html
    assert "Other Firm" not in html


def test_switching_to_an_organization_where_one_was_deactivated_is_refused(
    personas, two_org_person
):
    membership = two_org_person.user.memberships.get(organization=personas.other_organization)
    membership.is_active = False
    membership.save()
    client = two_org_person.browser()
    response = client.post(
        "/accounts/organization/", {"organization": personas.other_organization.pk}, follow=True
    )
    assert "You are not a member of that organization." in page(response)


def test_switching_organization_needs_a_post_and_a_sign_in(personas, anonymous):
    assert personas.admin.browser().get("/accounts/organization/").status_code == 405
    response = anonymous.post("/accounts/organization/", {"organization": 1})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_garbage_organization_id_is_refused_politely(personas):
    response = personas.admin.browser().post(
        "/accounts/organization/", {"organization": "abc"}, follow=True
    )
    assert "You are not a member of that organization." in page(response)


def test_the_language_switch_saves_the_choice_and_the_next_page_is_vietnamese(personas):
    persona = personas.account_manager
    client = persona.browser()
    assert '<html lang="en">' in page(client.get("/"))
    response = client.post("/accounts/language/", {"language": "vi", "next": "/people/"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    persona.user.refresh_from_db()
    assert persona.user.language == "vi"

    html = page(client.get("/"))
    assert '<html lang="vi">' in html
    assert "Sổ khách hàng của tôi" in html  # "My book"
    assert "Bảng điều khiển" in html  # "Dashboard" in the navigation


def test_the_saved_language_follows_the_person_to_another_device(personas):
    persona = personas.finance
    persona.browser().post("/accounts/language/", {"language": "vi", "next": "/"})
    other_device = persona.browser()  # no language cookie
    assert '<html lang="vi">' in page(other_device.get("/"))


def test_switching_back_to_english(personas):
    client = personas.member.browser()
    client.post("/accounts/language/", {"language": "vi", "next": "/"})
    client.post("/accounts/language/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in page(client.get("/"))
    personas.member.user.refresh_from_db()
    assert personas.member.user.language == "en"


def test_a_visitor_can_switch_the_sign_in_page_to_vietnamese(db):
    client = Client()
    response = client.post("/accounts/language/", {"language": "vi", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    html = page(client.get("/accounts/login/"))
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_an_unknown_language_is_refused_and_nothing_is_saved(personas):
    persona = personas.member
    response = persona.browser().post(
        "/accounts/language/", {"language": "xx", "next": "/"}, follow=True
    )
    assert "Tandem does not speak that language yet." in page(response)
    persona.user.refresh_from_db()
    assert persona.user.language == ""


def test_the_language_switch_never_redirects_to_another_site(personas):
    response = personas.member.browser().post(
        "/accounts/language/", {"language": "vi", "next": "https://evil.test/"}
    )
    assert response["Location"] == "/"
