"""Account management settings: the administrator's page and API (cadence per tier, business
hours, holidays, SLA warning level, SLA targets per severity and tier), and a client's own
contact cadence, per role and for another organization."""

from __future__ import annotations

import pytest

from tandem.clients.models import AccountSettings, Client, SlaTarget
from tandem.clients.services import settings as services
from tandem.core.models import AuditEntry
from tests.personas import ALL_PERSONAS

HTMX = {"HX-Request": "true"}
PAGE = "/clients/settings/"
SLA_PAGE = "/clients/settings/sla/"
API = "/api/v1/account-settings"
SLA_API = "/api/v1/sla-targets"
SETTINGS_FORM = {
    "strategic_cadence_days": 5, "key_cadence_days": 10, "standard_cadence_days": 21,
    "business_day_start": "09:00", "business_day_end": "18:00", "holiday_country": "sg",
    "sla_warning_percent": 75, "version": 1,
}
# Who may set a client's own cadence: those who see its detail but may not edit it get 403.
CADENCE = {"admin": 200, "account_manager": 200, "executive": 403, "finance": 403,
           "client": 403, "project_manager": 404, "member": 404, "outsider": 404}


def html(response) -> str:
    return response.content.decode()


def cadence_url(personas) -> str:
    return f"/clients/{personas.client_company.pk}/cadence/"


# --- the settings page ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_only_administrators_open_the_settings_page(personas, name):
    browser = personas[name].browser()
    response = browser.get(PAGE)
    # the outsider administers another organization: their own page
    assert response.status_code == (200 if name in {"admin", "outsider"} else 404)
    posted = browser.post(PAGE, SETTINGS_FORM)
    cell = browser.post(SLA_PAGE, {"severity": "high", "tier": "key",
                                   "first_response_hours": "3", "resolution_hours": "20"})
    if name in {"admin", "outsider"}:
        assert posted.status_code == 302
        assert cell.status_code == 302
    else:
        assert (posted.status_code, cell.status_code) == (404, 404)
        assert not AccountSettings.objects.filter(strategic_cadence_days=5).exists()
        assert not SlaTarget.objects.exists()


def test_the_page_shows_settings_and_the_effective_sla_grid(personas):
    page = html(personas.admin.browser().get(PAGE))
    assert "Account management settings" in page
    assert 'name="strategic_cadence_days"' in page
    for value in ("7", "14", "30", "08:30", "17:30", "VN"):
        assert f'value="{value}"' in page
    # twelve cells, one form each, all defaults: critical/strategic is 1 h / 8 h
    assert page.count('action="/clients/settings/sla/"') == 12
    assert page.count(">default<") == 12
    assert 'id="sla-critical-strategic"' in page
    assert "<dd>1 h</dd>" in page
    assert "<dd>8 h</dd>" in page
    # low/standard resolution is 15 business days of 9 hours
    assert "135 h (15 business days)" in page
    # low/strategic resolution: 90 hours, written as a plain number in its input
    assert 'name="resolution_hours" value="90"' in page
    assert "E+" not in page
    assert 'style="' not in page
    assert "<script>" not in page


def test_an_administrator_saves_the_settings(personas):
    browser = personas.admin.browser()
    response = browser.post(PAGE, SETTINGS_FORM)
    assert response.status_code == 302
    assert response["Location"] == PAGE
    current = services.account_settings_for(personas.organization)
    assert (current.strategic_cadence_days, current.key_cadence_days,
            current.standard_cadence_days) == (5, 10, 21)
    assert current.holiday_country == "SG"
    assert (current.sla_warning_percent, current.version) == (75, 2)
    assert "Account management settings saved." in html(browser.get(PAGE))
    assert AuditEntry.objects.filter(action="account_settings.update").count() == 1


def test_a_stale_settings_form_is_refused_and_shows_the_current_values(personas):
    browser = personas.admin.browser()
    assert browser.post(PAGE, SETTINGS_FORM).status_code == 302
    response = browser.post(PAGE, {**SETTINGS_FORM, "strategic_cadence_days": 3})
    assert response.status_code == 409
    page = html(response)
    assert "Someone else changed this" in page
    assert 'name="version" value="2"' in page
    assert services.account_settings_for(personas.organization).strategic_cadence_days == 5


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"business_day_start": "18:00", "business_day_end": "09:00"}, "business_day_end",
     "Business hours must start before they end."),
    ({"holiday_country": "ZZ"}, "holiday_country", "No public holidays are known for"),
    ({"strategic_cadence_days": 0}, "strategic_cadence_days", "greater than or equal to 1"),
    ({"sla_warning_percent": 100}, "sla_warning_percent", "less than or equal to 99"),
    ({"holiday_country": "Vietnam"}, "holiday_country", "two-letter country code"),
])
def test_invalid_settings_are_explained_on_their_field(personas, change, field, message):
    response = personas.admin.browser().post(PAGE, {**SETTINGS_FORM, **change})
    assert response.status_code == 422
    page = html(response)
    assert "field--invalid" in page
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert services.account_settings_for(personas.organization).version == 1


def test_an_sla_cell_is_saved_with_htmx(personas):
    response = personas.admin.browser().post(SLA_PAGE, {
        "severity": "high", "tier": "key", "first_response_hours": "3.5",
        "resolution_hours": "18"}, headers=HTMX)
    assert response.status_code == 200
    cell = html(response)
    assert "<html" not in cell
    assert '<td id="sla-high-key"' in cell
    assert "3.5 h" in cell
    assert "18 h (2 business days)" in cell
    assert "Saved." in cell
    assert ">default<" not in cell
    target = SlaTarget.objects.get(organization=personas.organization)
    assert (target.severity, target.tier, target.first_response_minutes,
            target.resolution_minutes) == ("high", "key", 210, 1080)


@pytest.mark.parametrize(("data", "message"), [
    ({"first_response_hours": "20", "resolution_hours": "10"}, "no later than the resolution"),
    ({"first_response_hours": "", "resolution_hours": "10"}, "Give both targets"),
    ({"first_response_hours": "0.1", "resolution_hours": "10"}, "Give both targets"),
])
def test_an_invalid_sla_cell_explains_itself(personas, data, message):
    response = personas.admin.browser().post(
        SLA_PAGE, {"severity": "medium", "tier": "standard", **data}, headers=HTMX)
    assert response.status_code == 422
    cell = html(response)
    assert message in cell
    assert "row-form__error" in cell
    assert not SlaTarget.objects.exists()


def test_an_unknown_sla_cell_does_not_exist(personas):
    response = personas.admin.browser().post(SLA_PAGE, {
        "severity": "urgent", "tier": "key", "first_response_hours": "1",
        "resolution_hours": "2"})
    assert response.status_code == 404


def test_each_organization_edits_its_own_settings(personas):
    outsider = personas.outsider.browser()
    assert outsider.post(PAGE, SETTINGS_FORM).status_code == 302
    outsider.post(SLA_PAGE, {"severity": "low", "tier": "standard",
                             "first_response_hours": "1", "resolution_hours": "2"})
    theirs = services.account_settings_for(personas.other_organization)
    ours = services.account_settings_for(personas.organization)
    assert (theirs.strategic_cadence_days, ours.strategic_cadence_days) == (5, 7)
    assert SlaTarget.objects.get().organization == personas.other_organization
    page = html(personas.admin.browser().get(PAGE))
    assert page.count(">default<") == 12
    assert 'value="7"' in page


# --- a client's own cadence (page) ------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_opens_and_posts_the_cadence_page(personas, name):
    browser = personas[name].browser()
    assert browser.get(cadence_url(personas)).status_code == CADENCE[name]
    response = browser.post(cadence_url(personas), {"cadence_days": 10, "version": 1})
    expected = 302 if CADENCE[name] == 200 else CADENCE[name]
    assert response.status_code == expected
    personas.client_company.refresh_from_db()
    assert personas.client_company.cadence_days == (10 if expected == 302 else None)


def test_the_cadence_page_shows_the_tier_default_and_goes_back_to_the_client(personas):
    browser = personas.account_manager.browser()
    page = html(browser.get(cadence_url(personas)))
    assert 'name="cadence_days"' in page
    assert "default is 14 days" in page
    response = browser.post(cadence_url(personas), {"cadence_days": 9, "version": 1})
    assert response["Location"] == f"/clients/{personas.client_company.pk}/"
    page = html(browser.get(cadence_url(personas)))
    assert 'value="9"' in page
    assert "quiet after 9 days" in page
    # empty returns the client to its tier's cadence
    assert browser.post(cadence_url(personas), {"cadence_days": "", "version": 2}).status_code \
        == 302
    personas.client_company.refresh_from_db()
    assert personas.client_company.cadence_days is None


def test_the_cadence_form_with_htmx(personas):
    browser = personas.admin.browser()
    form = browser.get(cadence_url(personas), headers=HTMX)
    assert form.status_code == 200
    assert "<html" not in html(form)
    assert 'id="cadence-form"' in html(form)
    invalid = browser.post(cadence_url(personas), {"cadence_days": 400, "version": 1},
                           headers=HTMX)
    assert invalid.status_code == 422
    assert "<html" not in html(invalid)
    assert "field--invalid" in html(invalid)
    saved = browser.post(cadence_url(personas), {"cadence_days": 12, "version": 1},
                         headers=HTMX)
    assert saved.status_code == 200
    assert saved["HX-Redirect"] == f"/clients/{personas.client_company.pk}/"


def test_a_stale_cadence_form_is_refused(personas):
    browser = personas.account_manager.browser()
    assert browser.post(cadence_url(personas), {"cadence_days": 9, "version": 1}).status_code \
        == 302
    response = browser.post(cadence_url(personas), {"cadence_days": 20, "version": 1})
    assert response.status_code == 409
    page = html(response)
    assert "Someone else changed this" in page
    assert 'value="9"' in page
    personas.client_company.refresh_from_db()
    assert personas.client_company.cadence_days == 9


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_the_settings_through_the_api(personas, name):
    api = personas[name].api()
    settings = api.get(API)
    targets = api.get(SLA_API)
    if name in {"admin", "outsider"}:
        assert settings.status_code == 200
        assert settings.json() == {
            "strategic_cadence_days": 7, "key_cadence_days": 14, "standard_cadence_days": 30,
            "business_day_start": "08:30", "business_day_end": "17:30",
            "holiday_country": "VN", "sla_warning_percent": 80, "version": 1,
        }
        assert targets.status_code == 200
        assert len(targets.json()) == 12
    else:
        assert (settings.status_code, targets.status_code) == (403, 403)
        assert settings.json()["code"] == "permission_denied"


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_changes_the_settings_through_the_api(personas, name):
    api = personas[name].api()
    patched = api.patch(API, {"version": 1, "key_cadence_days": 12})
    put = api.put(f"{SLA_API}/critical/key", {"first_response_minutes": 90,
                                               "resolution_minutes": 600})
    if name in {"admin", "outsider"}:
        assert patched.status_code == 200, patched.content
        assert (patched.json()["key_cadence_days"], patched.json()["version"]) == (12, 2)
        assert put.status_code == 200
        assert put.json() == {"severity": "critical", "tier": "key",
                              "first_response_minutes": 90, "resolution_minutes": 600,
                              "is_default": False}
    else:
        assert (patched.status_code, put.status_code) == (403, 403)
    # the outsider's change stays in their organization
    assert services.account_settings_for(personas.organization).key_cadence_days == (
        12 if name == "admin" else 14)
    assert services.sla_table(personas.organization.pk)[("critical", "key")] == (
        (90, 600) if name == "admin" else (120, 720))


def test_the_api_lists_the_effective_targets(personas):
    api = personas.admin.api()
    api.put(f"{SLA_API}/low/standard", {"first_response_minutes": 60, "resolution_minutes": 120})
    targets = {(t["severity"], t["tier"]): t for t in api.get(SLA_API).json()}
    assert len(targets) == 12
    assert targets[("low", "standard")]["first_response_minutes"] == 60
    assert targets[("low", "standard")]["is_default"] is False
    assert targets[("critical", "strategic")] == {
        "severity": "critical", "tier": "strategic", "first_response_minutes": 60,
        "resolution_minutes": 480, "is_default": True}


def test_business_hours_and_holidays_through_the_api(personas):
    response = personas.admin.api().patch(API, {
        "version": 1, "business_day_start": "09:00", "business_day_end": "18:15",
        "holiday_country": "sg"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["business_day_start"], data["business_day_end"]) == ("09:00", "18:15")
    assert (data["holiday_country"], data["version"]) == ("SG", 2)
    current = services.account_settings_for(personas.organization)
    assert str(current.business_day_end) == "18:15:00"
    assert personas.admin.api().get(API).json() == data


def test_a_stale_settings_patch_answers_409(personas):
    api = personas.admin.api()
    assert api.patch(API, {"version": 1, "sla_warning_percent": 70}).status_code == 200
    response = api.patch(API, {"version": 1, "sla_warning_percent": 60})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert services.account_settings_for(personas.organization).sla_warning_percent == 70


@pytest.mark.parametrize("body", [
    {"version": 1, "business_day_start": "18:00", "business_day_end": "08:00"},
    {"version": 1, "business_day_start": "8:30"},
    {"version": 1, "business_day_start": "25:00"},
    {"version": 1, "holiday_country": "ZZ"},
    {"version": 1, "strategic_cadence_days": 0},
    {"version": 1, "sla_warning_percent": 100},
    {"key_cadence_days": 9},
])
def test_invalid_settings_answer_422(personas, body):
    response = personas.admin.api().patch(API, body)
    assert response.status_code == 422, response.content
    assert services.account_settings_for(personas.organization).version == 1


@pytest.mark.parametrize(("path", "body"), [
    ("critical/key", {"first_response_minutes": 600, "resolution_minutes": 60}),
    ("critical/key", {"first_response_minutes": 0, "resolution_minutes": 60}),
    ("urgent/key", {"first_response_minutes": 10, "resolution_minutes": 60}),
    ("critical/gold", {"first_response_minutes": 10, "resolution_minutes": 60}),
])
def test_invalid_sla_targets_answer_422(personas, path, body):
    response = personas.admin.api().put(f"{SLA_API}/{path}", body)
    assert response.status_code == 422, response.content
    assert not SlaTarget.objects.exists()


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sets_a_clients_cadence_through_the_api(personas, name):
    url = f"/api/v1/clients/{personas.client_company.pk}/cadence"
    response = personas[name].api().put(url, {"cadence_days": 10, "version": 1})
    assert response.status_code == CADENCE[name], response.content
    if response.status_code == 200:
        assert response.json() == {"client_id": personas.client_company.pk, "tier": "key",
                                   "cadence_days": 10, "effective_cadence_days": 10,
                                   "version": 2}
    personas.client_company.refresh_from_db()
    assert personas.client_company.cadence_days == (10 if CADENCE[name] == 200 else None)


def test_a_clients_cadence_returns_to_its_tier_and_refuses_stale_versions(personas):
    api = personas.account_manager.api()
    url = f"/api/v1/clients/{personas.client_company.pk}/cadence"
    assert api.put(url, {"cadence_days": 10, "version": 1}).status_code == 200
    stale = api.put(url, {"cadence_days": 20, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    reset = api.put(url, {"cadence_days": None, "version": 2})
    assert reset.status_code == 200
    assert (reset.json()["cadence_days"], reset.json()["effective_cadence_days"]) == (None, 14)
    assert api.put(url, {"cadence_days": 0, "version": 3}).status_code == 422
    assert api.put(url, {"cadence_days": 10}).status_code == 422
    assert Client.objects.get().cadence_days is None
