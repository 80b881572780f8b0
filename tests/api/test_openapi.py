"""The OpenAPI schema and its docs page: valid OpenAPI 3.1, bearer security declared, every
response declared, docs served from local files, and a committed snapshot kept in step."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema_rs
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
OPERATIONS = {
    ("get", "/api/v1/account-settings"),
    ("patch", "/api/v1/account-settings"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/auth/tokens"),
    ("delete", "/api/v1/auth/tokens/{token_id}"),
    ("delete", "/api/v1/baselines/{baseline_id}"),
    ("get", "/api/v1/billing-settings"),
    ("patch", "/api/v1/billing-settings"),
    ("delete", "/api/v1/billing-settings/logo"),
    ("get", "/api/v1/billing-settings/logo"),
    ("put", "/api/v1/billing-settings/logo"),
    ("get", "/api/v1/calendars"),
    ("post", "/api/v1/calendars"),
    ("get", "/api/v1/calendars/{calendar_id}"),
    ("patch", "/api/v1/calendars/{calendar_id}"),
    ("post", "/api/v1/calendars/{calendar_id}/exceptions"),
    ("delete", "/api/v1/calendars/{calendar_id}/exceptions/{exception_id}"),
    ("get", "/api/v1/client-issues"),
    ("post", "/api/v1/client-issues"),
    ("get", "/api/v1/client-issues/{issue_id}"),
    ("patch", "/api/v1/client-issues/{issue_id}"),
    ("post", "/api/v1/client-issues/{issue_id}/comments"),
    ("post", "/api/v1/client-issues/{issue_id}/escalate"),
    ("get", "/api/v1/client-issues/{issue_id}/timeline"),
    ("post", "/api/v1/client-issues/{issue_id}/transition"),
    ("get", "/api/v1/clients"),
    ("post", "/api/v1/clients"),
    ("get", "/api/v1/clients/export"),
    ("post", "/api/v1/clients/import"),
    ("get", "/api/v1/clients/{client_id}"),
    ("patch", "/api/v1/clients/{client_id}"),
    ("put", "/api/v1/clients/{client_id}/cadence"),
    ("get", "/api/v1/clients/{client_id}/contacts"),
    ("post", "/api/v1/clients/{client_id}/contacts"),
    ("get", "/api/v1/clients/{client_id}/health"),
    ("get", "/api/v1/clients/{client_id}/satisfaction"),
    ("get", "/api/v1/contacts"),
    ("delete", "/api/v1/contacts/{contact_id}"),
    ("get", "/api/v1/contacts/{contact_id}"),
    ("patch", "/api/v1/contacts/{contact_id}"),
    ("get", "/api/v1/contracts"),
    ("post", "/api/v1/contracts"),
    ("get", "/api/v1/contracts/{contract_id}"),
    ("patch", "/api/v1/contracts/{contract_id}"),
    ("get", "/api/v1/contracts/{contract_id}/amendments"),
    ("post", "/api/v1/contracts/{contract_id}/amendments"),
    ("get", "/api/v1/contracts/{contract_id}/billing-lines"),
    ("post", "/api/v1/contracts/{contract_id}/billing-lines"),
    ("post", "/api/v1/contracts/{contract_id}/billing-lines/order"),
    ("delete", "/api/v1/contracts/{contract_id}/billing-lines/{line_id}"),
    ("patch", "/api/v1/contracts/{contract_id}/billing-lines/{line_id}"),
    ("get", "/api/v1/contracts/{contract_id}/rates"),
    ("post", "/api/v1/contracts/{contract_id}/rates"),
    ("delete", "/api/v1/contracts/{contract_id}/rates/{rate_id}"),
    ("patch", "/api/v1/contracts/{contract_id}/rates/{rate_id}"),
    ("post", "/api/v1/contracts/{contract_id}/sign"),
    ("post", "/api/v1/contracts/{contract_id}/transition"),
    ("delete", "/api/v1/deliverables/{deliverable_id}"),
    ("get", "/api/v1/deliverables/{deliverable_id}"),
    ("patch", "/api/v1/deliverables/{deliverable_id}"),
    ("post", "/api/v1/deliverables/{deliverable_id}/accept"),
    ("get", "/api/v1/deliverables/{deliverable_id}/events"),
    ("post", "/api/v1/deliverables/{deliverable_id}/reject"),
    ("post", "/api/v1/deliverables/{deliverable_id}/reopen"),
    ("post", "/api/v1/deliverables/{deliverable_id}/submit"),
    ("delete", "/api/v1/dependencies/{dependency_id}"),
    ("patch", "/api/v1/dependencies/{dependency_id}"),
    ("get", "/api/v1/fx-rates"),
    ("post", "/api/v1/fx-rates"),
    ("delete", "/api/v1/fx-rates/{fx_rate_id}"),
    ("get", "/api/v1/interactions"),
    ("post", "/api/v1/interactions"),
    ("delete", "/api/v1/interactions/{interaction_id}"),
    ("get", "/api/v1/interactions/{interaction_id}"),
    ("patch", "/api/v1/interactions/{interaction_id}"),
    ("get", "/api/v1/invoices"),
    ("post", "/api/v1/invoices"),
    ("delete", "/api/v1/invoices/{invoice_id}"),
    ("get", "/api/v1/invoices/{invoice_id}"),
    ("patch", "/api/v1/invoices/{invoice_id}"),
    ("post", "/api/v1/invoices/{invoice_id}/issue"),
    ("post", "/api/v1/invoices/{invoice_id}/lines"),
    ("post", "/api/v1/invoices/{invoice_id}/lines/order"),
    ("delete", "/api/v1/invoices/{invoice_id}/lines/{line_id}"),
    ("patch", "/api/v1/invoices/{invoice_id}/lines/{line_id}"),
    ("get", "/api/v1/invoices/{invoice_id}/pdf"),
    ("post", "/api/v1/invoices/{invoice_id}/void"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/me/calendar-feed"),
    ("post", "/api/v1/me/calendar-feed/reset"),
    ("get", "/api/v1/members"),
    ("post", "/api/v1/members"),
    ("get", "/api/v1/members/{member_id}"),
    ("patch", "/api/v1/members/{member_id}"),
    ("get", "/api/v1/needs"),
    ("post", "/api/v1/needs"),
    ("get", "/api/v1/needs/{need_id}"),
    ("patch", "/api/v1/needs/{need_id}"),
    ("delete", "/api/v1/needs/{need_id}/links"),
    ("post", "/api/v1/needs/{need_id}/links"),
    ("post", "/api/v1/needs/{need_id}/transition"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/read-all"),
    ("post", "/api/v1/notifications/{notification_id}/read"),
    ("get", "/api/v1/organization"),
    ("patch", "/api/v1/organization"),
    ("get", "/api/v1/payments"),
    ("post", "/api/v1/payments"),
    ("get", "/api/v1/payments/{payment_id}"),
    ("post", "/api/v1/payments/{payment_id}/allocate"),
    ("post", "/api/v1/payments/{payment_id}/reverse"),
    ("get", "/api/v1/project-issues/{issue_id}"),
    ("patch", "/api/v1/project-issues/{issue_id}"),
    ("post", "/api/v1/project-issues/{issue_id}/transition"),
    ("get", "/api/v1/projects"),
    ("post", "/api/v1/projects"),
    ("get", "/api/v1/projects/dashboard"),
    ("post", "/api/v1/projects/import/mspdi"),
    ("get", "/api/v1/projects/{project_id}"),
    ("patch", "/api/v1/projects/{project_id}"),
    ("get", "/api/v1/projects/{project_id}/baselines"),
    ("post", "/api/v1/projects/{project_id}/baselines"),
    ("get", "/api/v1/projects/{project_id}/baselines/{number}/compare"),
    ("get", "/api/v1/projects/{project_id}/charter"),
    ("patch", "/api/v1/projects/{project_id}/charter"),
    ("get", "/api/v1/projects/{project_id}/deliverables"),
    ("post", "/api/v1/projects/{project_id}/deliverables"),
    ("get", "/api/v1/projects/{project_id}/dependencies"),
    ("post", "/api/v1/projects/{project_id}/dependencies"),
    ("get", "/api/v1/projects/{project_id}/export/mspdi"),
    ("get", "/api/v1/projects/{project_id}/export/plan"),
    ("get", "/api/v1/projects/{project_id}/gantt"),
    ("get", "/api/v1/projects/{project_id}/issues"),
    ("post", "/api/v1/projects/{project_id}/issues"),
    ("get", "/api/v1/projects/{project_id}/members"),
    ("post", "/api/v1/projects/{project_id}/members"),
    ("delete", "/api/v1/projects/{project_id}/members/{member_id}"),
    ("patch", "/api/v1/projects/{project_id}/members/{member_id}"),
    ("get", "/api/v1/projects/{project_id}/scope-items"),
    ("post", "/api/v1/projects/{project_id}/scope-items"),
    ("get", "/api/v1/projects/{project_id}/tasks"),
    ("post", "/api/v1/projects/{project_id}/tasks"),
    ("post", "/api/v1/projects/{project_id}/tasks/import"),
    ("post", "/api/v1/projects/{project_id}/transition"),
    ("get", "/api/v1/receivables/aging"),
    ("get", "/api/v1/receivables/summary"),
    ("delete", "/api/v1/scope-items/{item_id}"),
    ("get", "/api/v1/scope-items/{item_id}"),
    ("patch", "/api/v1/scope-items/{item_id}"),
    ("get", "/api/v1/sla-targets"),
    ("put", "/api/v1/sla-targets/{severity}/{tier}"),
    ("get", "/api/v1/surveys"),
    ("post", "/api/v1/surveys"),
    ("get", "/api/v1/surveys/{survey_id}"),
    ("delete", "/api/v1/tasks/{task_id}"),
    ("get", "/api/v1/tasks/{task_id}"),
    ("patch", "/api/v1/tasks/{task_id}"),
    ("post", "/api/v1/tasks/{task_id}/indent"),
    ("post", "/api/v1/tasks/{task_id}/move"),
    ("post", "/api/v1/tasks/{task_id}/outdent"),
    ("post", "/api/v1/tasks/{task_id}/progress"),
}


@pytest.fixture
def live_schema(db) -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_the_schema_is_valid_openapi_3_1(live_schema):
    assert live_schema["openapi"].startswith("3.1")

    errors = [error.message for error in OPENAPI_31_VALIDATOR.iter_errors(live_schema)]

    assert errors == []


def test_the_schema_lists_every_endpoint_and_nothing_else(live_schema):
    assert {(method, path) for method, path, _ in operations(live_schema)} == OPERATIONS


def test_the_schema_declares_bearer_tokens_and_requires_them_except_for_getting_one(
    live_schema,
):
    schemes = live_schema["components"]["securitySchemes"]

    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    for method, path, operation in operations(live_schema):
        if (method, path) == ("post", "/api/v1/auth/token"):
            assert "security" not in operation
        else:
            assert {"BearerToken": []} in operation["security"], (method, path)


def test_every_operation_declares_its_error_responses_as_the_error_shape(live_schema):
    error_ref = {"$ref": "#/components/schemas/Error"}
    assert live_schema["components"]["schemas"]["Error"]["required"] == ["detail", "code"]

    for method, path, operation in operations(live_schema):
        responses = operation["responses"]
        expected = {"400", "401", "422"} | ({"403", "404", "409"} if "security" in operation
                                            else {"429"})
        assert expected <= set(responses), (method, path)
        for status in expected:
            assert responses[status]["content"]["application/json"]["schema"] == error_ref


def test_list_operations_declare_their_paging(live_schema):
    for method, path, operation in operations(live_schema):
        names = {p["name"] for p in operation.get("parameters", [])}
        if path in {"/api/v1/auth/tokens", "/api/v1/members", "/api/v1/audit"} and method == "get":
            assert {"page", "page_size"} <= names
            page_size = next(p for p in operation["parameters"] if p["name"] == "page_size")
            assert page_size["schema"]["maximum"] == 200


def test_the_idempotency_key_header_is_declared_on_adding_members(live_schema):
    operation = live_schema["paths"]["/api/v1/members"]["post"]
    [header] = [p for p in operation["parameters"] if p["in"] == "header"]

    assert header["name"] == "Idempotency-Key"
    assert header["required"] is False


def test_the_error_shape_in_the_schema_matches_real_errors(live_schema, personas, api_as):
    validator = jsonschema_rs.validator_for(live_schema["components"]["schemas"]["Error"])
    responses = [
        Client().get("/api/v1/me"),
        api_as("member").get("/api/v1/audit"),
        api_as("admin").get("/api/v1/members/999999"),
        api_as("admin").patch("/api/v1/organization", {"name": "X", "version": 9}),
        api_as("admin").patch("/api/v1/organization", {"name": ""}),
        api_as("admin").put("/api/v1/me"),
    ]

    assert [r.status_code for r in responses] == [401, 403, 404, 409, 422, 405]
    for response in responses:
        validator.validate(response.json())


def test_the_committed_snapshot_matches_the_live_schema(live_schema):
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing: run `make openapi` and commit it."
    committed = json.loads(SNAPSHOT.read_text())

    assert committed == live_schema, (
        "The API changed but docs/openapi.json did not: run `make openapi` "
        "(tandem export_openapi_schema --api tandem.config.api.api --indent 2 "
        "--output docs/openapi.json), review the diff and commit it."
    )


def test_the_export_command_writes_the_live_schema(live_schema, tmp_path):
    output = tmp_path / "openapi.json"

    call_command("export_openapi_schema", api="tandem.config.api.api", indent=2,
                 output=str(output))

    assert json.loads(output.read_text()) == live_schema


def test_the_docs_page_renders_from_local_files_only(db):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
    assert not re.search(r"https?://", html)
    assets = re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html)
    assert {"ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js"} <= set(assets)
    for asset in assets:
        assert finders.find(asset), f"{asset} is referenced by the docs page but not shipped"


def test_the_docs_page_points_at_the_schema(db):
    html = Client().get("/api/v1/docs").content.decode()

    assert '"/api/v1/openapi.json"' in html
