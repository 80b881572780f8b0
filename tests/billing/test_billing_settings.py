"""Billing settings: defaults, checked number formats, tax rates, logo limits, audit, roles."""

from __future__ import annotations

import base64

import pytest

from tandem.billing.services import settings as services
from tandem.core.errors import PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry
from tests.billing.test_pdf import PNG

pytestmark = pytest.mark.django_db
URL = "/api/v1/billing-settings"


def test_defaults(personas):
    current = services.billing_settings_for(personas.organization)
    assert current.number_format == "INV-{year}-{seq:05d}"
    assert [str(r) for r in services.tax_rates(current)] == ["0", "5", "8", "10"]
    assert current.reminder_offsets == [-3, 0, 3, 7, 14]


@pytest.mark.parametrize("number_format", [
    "INV-{seq:05d}",  # no year: numbers would repeat every year
    "INV-{year}",  # no sequence
    "INV-{year}-{seq!r}", "INV-{year}-{client}", "INV-{year}-{seq.real}", "INV-{year}-{seq:q}",
    "INV-{year}-{seq", "X" * 55 + "{year}{seq}",
])
def test_bad_number_formats_are_refused(personas, number_format):
    with pytest.raises(ValidationError) as refusal:
        services.billing_settings_update(actor=personas.finance.actor, expected_version=1,
                                         number_format=number_format)
    assert refusal.value.details["field"] == "number_format"


def test_formats_of_invoices_and_credit_notes_differ(personas):
    with pytest.raises(ValidationError):
        services.billing_settings_update(actor=personas.finance.actor, expected_version=1,
                                         credit_note_format="INV-{year}-{seq:05d}")


def test_updates_are_normalized_audited_and_versioned(personas):
    actor = personas.finance.actor
    updated = services.billing_settings_update(
        actor=actor, expected_version=1, tax_rates=["10", "0", "8.000", "5", "5"],
        base_currency="usd", reminder_offsets=[7, -3, 0, 7], legal_name=" Acme JSC ")
    assert updated.tax_rates == ["0", "5", "8", "10"]
    assert (updated.base_currency, updated.reminder_offsets, updated.legal_name) == (
        "USD", [-3, 0, 7], "Acme JSC")
    entry = AuditEntry.objects.get(action="billing_settings.update")
    assert entry.changes["base_currency"] == ["VND", "USD"]
    with pytest.raises(StaleVersion):
        services.billing_settings_update(actor=actor, expected_version=1, tax_code="1")
    for bad in ({"tax_rates": ["101"]}, {"tax_rates": []}, {"base_currency": "ZZZ"},
                {"reminder_offsets": [400]}):
        with pytest.raises(ValidationError):
            services.billing_settings_update(actor=actor, expected_version=2, **bad)


def test_logo_limits(personas):
    actor = personas.finance.actor
    for content, content_type in ((b"GIF89a....", "image/gif"), (b"not a png", "image/png"),
                                  (b"\x89PNG\r\n\x1a\n" + b"0" * 600_000, "image/png")):
        with pytest.raises(ValidationError):
            services.billing_settings_set_logo(actor=actor, expected_version=1, content=content,
                                               content_type=content_type)
    stored = services.billing_settings_set_logo(actor=actor, expected_version=1, content=PNG,
                                                content_type="image/png")
    assert bytes(stored.logo) == PNG
    assert stored.logo_type == "image/png"


@pytest.mark.parametrize("who", ["executive", "account_manager", "project_manager", "member",
                                 "client"])
def test_only_finance_and_admins_change_settings(personas, who):
    with pytest.raises(PermissionDenied):
        services.billing_settings_update(actor=personas[who].actor, expected_version=1,
                                         tax_code="1")


@pytest.mark.parametrize(("who", "read", "write"), [
    ("admin", 200, 200), ("finance", 200, 200), ("executive", 200, 403),
    ("account_manager", 403, 403), ("project_manager", 403, 403), ("member", 403, 403),
    ("client", 403, 403),
])
def test_the_api_by_role(personas, who, read, write):
    api = personas[who].api()
    assert api.get(URL).status_code == read
    response = api.patch(URL, {"version": 1, "tax_code": "0101"})
    assert response.status_code == write


def test_the_outsider_sees_only_their_own_organizations_settings(personas):
    personas.finance.api().patch(URL, {"version": 1, "legal_name": "Acme"})
    assert personas.outsider.api().get(URL).json()["legal_name"] == ""


def test_the_logo_through_the_api(personas):
    api = personas.finance.api()
    body = {"version": 1, "content_type": "image/png",
            "data_base64": base64.b64encode(PNG).decode()}
    stored = api.put(f"{URL}/logo", body)
    assert stored.status_code == 200
    assert stored.json()["has_logo"] is True
    image = api.get(f"{URL}/logo")
    assert image.status_code == 200
    assert image.content == PNG
    assert api.put(f"{URL}/logo", {**body, "version": 2, "data_base64": "@@@@"}).status_code \
        == 422
    removed = api.delete(f"{URL}/logo?version=2")
    assert removed.status_code == 200
    assert removed.json()["has_logo"] is False
    assert api.get(f"{URL}/logo").status_code == 404


def test_bad_formats_through_the_api_are_422(personas):
    response = personas.admin.api().patch(URL, {"version": 1, "number_format": "{seq}"})
    assert response.status_code == 422
    assert response.json()["code"] == "number_format"
