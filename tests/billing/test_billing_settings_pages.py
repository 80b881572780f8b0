"""The billing settings page: finance and administrators change it, executives read it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.billing.services.settings import billing_settings_for
from tests.billing.test_pdf import PNG

pytestmark = pytest.mark.django_db
URL = reverse("billing:settings")


def form(**values):
    data = {"legal_name": "Acme JSC", "address": "Hà Nội", "tax_code": "0101",
            "number_format": "INV-{year}-{seq:05d}", "credit_note_format": "CN-{year}-{seq:05d}",
            "tax_rates": "0, 5, 8, 10", "base_currency": "VND",
            "reminder_offsets": "-3, 0, 3, 7, 14", "version": 1}
    data.update(values)
    return data


def test_finance_saves_the_settings(personas):
    browser = personas.finance.browser()
    assert browser.get(URL).status_code == 200
    response = browser.post(URL, form(tax_rates="0, 8, 10"))
    assert response.status_code == 302
    current = billing_settings_for(personas.organization)
    assert current.legal_name == "Acme JSC"
    assert current.tax_rates == ["0", "8", "10"]


def test_a_bad_format_is_a_form_error(personas):
    response = personas.admin.browser().post(URL, form(number_format="INV-{seq}"))
    assert response.status_code == 422
    assert "{year}" in response.content.decode()


def test_a_stale_form_shows_the_current_settings(personas):
    browser = personas.finance.browser()
    browser.post(URL, form(legal_name="First"))
    response = browser.post(URL, form(legal_name="Second"))
    assert response.status_code == 409
    assert billing_settings_for(personas.organization).legal_name == "First"


def test_the_logo_is_uploaded_and_removed(personas):
    browser = personas.finance.browser()
    upload = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    assert browser.post(reverse("billing:settings_logo"),
                        {"logo": upload, "version": 1}).status_code == 302
    assert bytes(billing_settings_for(personas.organization).logo) == PNG
    assert "data:image/png;base64," in browser.get(URL).content.decode()
    browser.post(reverse("billing:settings_logo"), {"remove": "on", "version": 2})
    assert not billing_settings_for(personas.organization).logo


@pytest.mark.parametrize(("who", "read", "write"), [
    ("admin", 200, 302), ("finance", 200, 302), ("executive", 200, 403),
    ("account_manager", 404, 404), ("project_manager", 404, 404), ("member", 404, 404),
    ("client", 404, 404),
])
def test_who_sees_and_changes_the_settings(personas, who, read, write):
    browser = personas[who].browser()
    assert browser.get(URL).status_code == read
    assert browser.post(URL, form()).status_code == write
