"""The audit log page: administrators only, filtered by object, never another organization's."""

from __future__ import annotations

import pytest
from django.utils import formats, timezone, translation

from tandem.core import services
from tandem.core.models import AuditEntry
from tests.web.helpers import page


@pytest.fixture
def changed_member(personas):
    membership = personas.member.membership
    services.member_update(
        actor=personas.admin.actor, membership=membership, expected_version=1, role="finance"
    )
    return membership


def test_an_admin_reads_who_changed_what_and_when(personas, changed_member):
    response = personas.admin.browser().get("/audit/")
    assert response.status_code == 200
    html = page(response)
    assert "membership.update" in html
    assert "admin@acme.test" in html
    assert '<span class="changes__before">member</span>' in html
    assert '<span class="changes__after">finance</span>' in html
    entry = AuditEntry.objects.get(action="membership.update")
    with translation.override("en"):
        when = formats.date_format(timezone.localtime(entry.created_at), "SHORT_DATETIME_FORMAT")
    assert when in html


@pytest.mark.parametrize(
    "name", ["executive", "account_manager", "project_manager", "finance", "member", "client"]
)
def test_other_roles_get_404(personas, changed_member, name):
    assert personas[name].browser().get("/audit/").status_code == 404


def test_another_organizations_admin_never_sees_our_entries(personas, changed_member):
    client = personas.outsider.browser()
    url = f"/audit/?object_type=core.membership&object_id={changed_member.pk}"
    html = page(client.get(url))
    assert "membership.update" not in html
    assert "No entries" in html
    assert "acme" not in page(client.get("/audit/")).lower()


def test_filter_by_object(personas, changed_member):
    client = personas.admin.browser()
    html = page(client.get(f"/audit/?object_type=core.membership&object_id={changed_member.pk}"))
    assert "membership.update" in html
    assert "1 entry" in html
    html = page(client.get("/audit/?object_type=core.organization"))
    assert "membership.update" not in html


def test_the_type_filter_offers_tandem_record_types(personas):
    html = page(personas.admin.browser().get("/audit/"))
    assert 'value="core.membership"' in html
    assert 'value="core.apitoken"' in html


def test_an_unknown_type_filters_nothing_rather_than_failing(personas, changed_member):
    html = page(personas.admin.browser().get("/audit/?object_type=nope.nope"))
    assert "membership.update" in html


def test_the_audit_page_is_read_only(personas, changed_member):
    client = personas.admin.browser()
    assert client.post("/audit/").status_code == 405
    assert AuditEntry.objects.count() == 1
