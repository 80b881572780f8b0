"""The people page: who sees it, filters with HTMX, pagination, and the admin's inline edit."""

from __future__ import annotations

import pytest

from tandem.core.models import AuditEntry, Membership
from tandem.core.roles import Role
from tests.factories import MembershipFactory, UserFactory
from tests.web.helpers import page

HTMX = {"HX-Request": "true"}
STAFF = ("admin", "executive", "account_manager", "project_manager", "finance", "member")


@pytest.mark.parametrize("name", STAFF)
def test_staff_see_their_colleagues(personas, name):
    response = personas[name].browser().get("/people/")
    assert response.status_code == 200
    html = page(response)
    assert "<html" in html
    for email in ("admin@acme.test", "finance@acme.test", "client@acme.test"):
        assert email in html
    assert "outsider@other.test" not in html


def test_a_client_cannot_open_the_people_page(personas):
    assert personas.client.browser().get("/people/").status_code == 404


def test_the_outsider_sees_only_their_own_organization(personas):
    html = page(personas.outsider.browser().get("/people/?q=acme"))
    assert "admin@acme.test" not in html
    assert "No one matches" in html


def test_only_admins_get_the_edit_controls(personas):
    assert 'name="version"' in page(personas.admin.browser().get("/people/"))
    assert 'name="version"' not in page(personas.executive.browser().get("/people/"))


def test_inactive_people_are_listed_for_admins_only(personas):
    membership = personas.member.membership
    membership.is_active = False
    membership.save()
    assert "member@acme.test" in page(personas.admin.browser().get("/people/"))
    assert "member@acme.test" not in page(personas.finance.browser().get("/people/"))


def test_filter_by_role(personas):
    html = page(personas.admin.browser().get("/people/?role=finance"))
    assert "mailto:finance@acme.test" in html
    assert "mailto:admin@acme.test" not in html
    assert "1 person" in html


def test_search_by_name_or_email_ignores_case(personas):
    html = page(personas.admin.browser().get("/people/?q=PROJECT"))
    assert "mailto:project_manager@acme.test" in html
    assert "mailto:finance@acme.test" not in html


def test_an_invalid_role_filter_filters_nothing(personas):
    html = page(personas.admin.browser().get("/people/?role=emperor"))
    assert "7 people" in html


def test_the_filter_form_drives_htmx(personas):
    html = page(personas.admin.browser().get("/people/"))
    assert 'hx-get="/people/"' in html
    assert 'hx-target="#member-results"' in html
    assert 'hx-push-url="true"' in html


def test_an_htmx_request_gets_only_the_rows(personas):
    response = personas.admin.browser().get("/people/?role=finance", headers=HTMX)
    assert response.status_code == 200
    html = page(response)
    assert "<html" not in html
    assert 'id="sidenav"' not in html
    assert 'id="member-rows"' in html
    assert "finance@acme.test" in html
    assert "admin@acme.test" not in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(personas):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    html = page(personas.admin.browser().get("/people/", headers=headers))
    assert "<html" in html


def test_people_are_paginated_with_the_filters_kept(personas):
    for number in range(55):
        MembershipFactory(
            organization=personas.organization,
            user=UserFactory(email=f"dev{number:02}@acme.test", full_name=f"Dev {number:02}"),
            role=Role.MEMBER,
        )
    client = personas.admin.browser()
    html = page(client.get("/people/?role=member"))
    assert "56 people" in html
    assert "Page 1 of 2" in html
    assert 'href="?role=member&amp;page=2"' in html
    second = page(client.get("/people/?role=member&page=2", headers=HTMX))
    assert "Page 2 of 2" in second
    assert second.count("<tr id=") == 6


def test_the_people_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    client = personas.admin.browser()
    client.get("/people/")
    for _ in range(20):
        MembershipFactory(organization=personas.organization, user=UserFactory(), role=Role.MEMBER)
    # session, user, actor's membership, memberships to switch between, count, page of rows
    with django_assert_num_queries(6):
        response = client.get("/people/")
    assert page(response).count("<tr id=") == 27
    with django_assert_num_queries(5):
        client.get("/people/", headers=HTMX)  # no shell, so no switcher query


def post_update(client, membership: Membership, htmx: bool = True, **data):
    fields = {"role": membership.role, "version": membership.version}
    if membership.is_active:
        fields["is_active"] = "on"
    fields.update(data)
    if fields.get("is_active") is False:
        del fields["is_active"]
    headers = HTMX if htmx else {}
    return client.post(f"/people/{membership.pk}/", fields, headers=headers)


def test_an_admin_changes_a_role_inline(personas):
    target = personas.member.membership
    response = post_update(personas.admin.browser(), target, role="project_manager")
    assert response.status_code == 200
    html = page(response)
    assert html.lstrip().startswith(f'<tr id="member-{target.pk}"')
    assert "Saved." in html
    assert 'value="project_manager" selected' in html
    assert f'name="version" value="{target.version + 1}"' in html
    target.refresh_from_db()
    assert target.role == Role.PROJECT_MANAGER
    entry = AuditEntry.objects.get(action="membership.update", object_id=str(target.pk))
    assert entry.changes == {"role": ["member", "project_manager"]}
    assert entry.actor == personas.admin.user


def test_an_admin_deactivates_a_member_inline(personas):
    target = personas.finance.membership
    response = post_update(personas.admin.browser(), target, is_active=False)
    assert response.status_code == 200
    assert "Inactive" in page(response)
    target.refresh_from_db()
    assert target.is_active is False


def test_a_stale_version_is_refused_with_a_clear_message(personas):
    target = personas.member.membership
    stale_version = target.version
    post_update(personas.admin.browser(), target, role="finance")  # someone else, first
    target.version = stale_version
    response = post_update(personas.admin.browser(), target, role="executive")
    assert response.status_code == 409
    html = page(response)
    assert "Someone else changed this while you were editing it." in html
    assert 'value="finance" selected' in html  # the row shows their change
    target.refresh_from_db()
    assert target.role == Role.FINANCE


def test_the_last_admin_cannot_step_down(personas):
    response = post_update(personas.admin.browser(), personas.admin.membership, role="member")
    assert response.status_code == 409
    assert "at least one active administrator" in page(response)
    personas.admin.membership.refresh_from_db()
    assert personas.admin.membership.role == Role.ADMIN


def test_saving_without_a_change_writes_nothing(personas):
    target = personas.member.membership
    response = post_update(personas.admin.browser(), target)
    assert "Nothing to change." in page(response)
    target.refresh_from_db()
    assert target.version == 1
    assert not AuditEntry.objects.filter(action="membership.update").exists()


def test_an_unknown_role_is_refused(personas):
    response = post_update(personas.admin.browser(), personas.member.membership, role="emperor")
    assert response.status_code == 422
    assert "Choose one of the roles" in page(response)


def test_without_htmx_the_edit_redirects_with_a_message(personas):
    client = personas.admin.browser()
    target = personas.member.membership
    response = post_update(client, target, htmx=False, role="finance")
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert "Saved." in page(client.get("/people/"))


@pytest.mark.parametrize("name", ["executive", "account_manager", "finance", "member"])
def test_other_staff_cannot_change_members(personas, name):
    target = personas.member.membership
    response = post_update(personas[name].browser(), target, role="admin")
    assert response.status_code == 403
    assert "Your role does not allow this." in page(response)
    target.refresh_from_db()
    assert target.role == Role.MEMBER


def test_a_client_cannot_change_a_colleague_they_cannot_see(personas):
    response = post_update(personas.client.browser(), personas.member.membership, role="admin")
    assert response.status_code == 404


def test_another_organizations_admin_gets_404_for_our_members(personas):
    target = personas.member.membership
    response = post_update(personas.outsider.browser(), target, role="admin")
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.role == Role.MEMBER


def test_the_edit_needs_a_post(personas):
    client = personas.admin.browser()
    assert client.get(f"/people/{personas.member.membership.pk}/").status_code == 405
