"""The shell every page shares: dashboards by role, navigation, headers, error pages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from tests.factories import UserFactory
from tests.personas import ALL_PERSONAS
from tests.web.helpers import page

DASHBOARD_TITLES = {
    "admin": "Organization",
    "executive": "Portfolio",
    "account_manager": "My book",
    "project_manager": "My projects",
    "finance": "Receivables",
    "member": "My work",
    "client": "Your projects",
    "outsider": "Organization",
}
# One panel each dashboard names, so a test notices a role landing on another role's page.
DASHBOARD_PANELS = {
    "admin": "People and roles",
    "executive": "Client health",
    "account_manager": "Quiet clients",
    "project_manager": "Timesheets to approve",
    "finance": "Ready to invoice",
    "member": "My tasks",
    "client": "Deliverables",
    "outsider": "People and roles",
}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_each_role_lands_on_its_own_empty_dashboard(personas, name):
    persona = personas[name]
    response = persona.browser().get("/")
    assert response.status_code == 200
    html = page(response)
    assert f"<h1>{DASHBOARD_TITLES[name]}</h1>" in html
    assert DASHBOARD_PANELS[name] in html
    assert persona.organization.name in html
    assert 'class="empty"' in html or name in {"admin", "outsider"}


def test_the_dashboard_names_the_organization_of_the_person_not_another(personas):
    html = page(personas.outsider.browser().get("/"))
    assert "Other Firm" in html
    assert "Acme Delivery" not in html


def test_a_signed_out_visitor_is_sent_to_sign_in(anonymous):
    response = anonymous.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/people/"


def test_a_person_without_an_organization_gets_an_explaining_page(db):
    client = Client()
    client.force_login(UserFactory(email="lonely@example.test"))
    response = client.get("/")
    assert response.status_code == 403
    html = page(response)
    assert "You are not in an organization yet" in html
    assert "lonely@example.test" in html
    assert 'id="sidenav"' not in html


def test_a_deactivated_member_loses_the_organization(personas):
    member = personas.member
    member.membership.is_active = False
    member.membership.save()
    assert member.browser().get("/").status_code == 403


@pytest.mark.parametrize(
    ("name", "visible", "hidden"),
    [
        ("admin", ["/people/", "/audit/", "/tokens/"], []),
        ("executive", ["/people/", "/tokens/"], ["/audit/"]),
        ("account_manager", ["/people/", "/tokens/"], ["/audit/"]),
        ("member", ["/people/", "/tokens/"], ["/audit/"]),
        ("client", ["/tokens/"], ["/people/", "/audit/"]),
    ],
)
def test_navigation_shows_what_the_role_may_open(personas, name, visible, hidden):
    html = page(personas[name].browser().get("/"))
    nav = html[html.index('id="sidenav"') : html.index("</nav>", html.index('id="sidenav"'))]
    for url in visible:
        assert f'href="{url}"' in nav
    for url in hidden:
        assert f'href="{url}"' not in nav
    assert 'href="/" aria-current="page"' in nav


def test_the_top_bar_has_the_user_menu_and_a_sign_out_form(personas):
    html = page(personas.finance.browser().get("/"))
    assert 'action="/accounts/logout/"' in html
    assert 'href="/accounts/password/change/"' in html
    assert "Finance" in html  # the role, in the user menu
    assert 'name="csrf-token"' in html


def test_pages_send_the_content_security_policy_and_security_headers(personas):
    response = personas.admin.browser().get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_the_sign_in_page_has_the_same_policy(anonymous):
    response = anonymous.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_pages_carry_no_inline_script_or_style(personas, name):
    html = page(personas[name].browser().get("/"))
    assert "style=" not in html
    assert "<style" not in html
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith("src="), chunk[:80]
    assert " on" + "click=" not in html


def test_vendored_htmx_and_tandem_assets_are_served(anonymous):
    for path in (
        "/static/vendor/htmx.org/htmx.min.js",
        "/static/tandem/tandem.js",
        "/static/tandem/tandem.css",
        "/static/tandem/icons.svg",
    ):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 500, path


def test_an_unknown_page_is_a_404_page_in_the_shell(personas):
    response = personas.member.browser().get("/no-such-page/")
    assert response.status_code == 404
    html = page(response)
    assert "This page does not exist" in html
    assert 'id="sidenav"' in html


def test_an_unknown_api_url_stays_json(personas):
    response = personas.member.browser().get("/api/nothing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_500_page_renders_without_a_request_or_the_database():
    # No database fixture: any query would raise.
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "/static/tandem/tandem.css" in html


def test_the_dashboard_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    client = personas.account_manager.browser()
    client.get("/")  # the first request remembers the organization in the session
    # session, user, membership (actor), the memberships to switch between, and the six reads
    # of the account manager's book (tests/clients/test_dashboard_my_book.py pins them down)
    # + the six reads of the projects board (tests/projects/test_dashboard_board.py)
    # + the overdue invoices of the book
    with django_assert_num_queries(17):
        response = client.get("/")
    assert response.status_code == 200
