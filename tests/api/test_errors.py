"""Every error of the API is JSON ``{"detail": str, "code": str}`` with the right status."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.core import selectors


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["code"] == code
    return body


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"version": 1}, "name", "Field required"),
        ({"name": "", "version": 1}, "name", "at least 1 character"),
        ({"name": "x" * 201, "version": 1}, "name", "at most 200 characters"),
        ({"name": "X", "version": "one"}, "version", "valid integer"),
        ({"name": "X", "version": 0}, "version", "greater than or equal to 1"),
        ({"name": "X"}, "version", "Field required"),
    ],
)
def test_an_invalid_body_is_422_with_a_detail_naming_the_field(
    personas, api_as, body, field, message
):
    response = api_as("admin").patch("/api/v1/organization", body)

    error = assert_error(response, 422, "invalid")
    assert error["detail"].startswith("Invalid request. ")
    assert f"{field}: " in error["detail"]
    assert message in error["detail"]
    assert error["errors"][0]["loc"][-1] == field


def test_an_invalid_role_names_the_allowed_ones(personas, api_as):
    response = api_as("admin").post("/api/v1/members", {"email": "x@acme.test", "role": "boss"})

    error = assert_error(response, 422, "invalid")
    assert "role: Input should be 'admin', 'executive'" in error["detail"]


def test_a_domain_validation_error_names_its_field(personas, api_as):
    response = api_as("admin").post("/api/v1/members", {"email": "not-an-email",
                                                        "role": "member"})

    error = assert_error(response, 422, "invalid")
    assert error["field"] == "email"
    assert error["detail"] == "'not-an-email' is not a valid email address."


def test_a_body_that_is_not_json_is_400(personas, api_as):
    api = api_as("admin")

    response = api.client.patch("/api/v1/organization", data="{name:", headers=api.headers,
                                content_type="application/json")

    assert_error(response, 400, "bad_request")


def test_an_unparsable_path_id_is_422(personas, api_as):
    error = assert_error(api_as("admin").get("/api/v1/members/abc"), 422, "invalid")

    assert "member_id: " in error["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing", "/api/v1/members/1/extra", "/api/v2/members", "/api/"]
)
def test_an_unknown_api_path_is_a_json_404(personas, api_as, path):
    assert_error(api_as("admin").get(path), 404, "not_found")


def test_an_unknown_api_path_is_a_json_404_without_signing_in(db):
    assert_error(Client().post("/api/v1/nothing"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/me", "GET"),
        ("delete", "/api/v1/organization", {"GET", "PATCH"}),
        ("put", "/api/v1/members", {"GET", "POST"}),
        ("post", "/api/v1/members/1", {"GET", "PATCH"}),
        ("get", "/api/v1/auth/token", "POST"),
        ("get", "/api/v1/auth/tokens/1", "DELETE"),
    ],
)
def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(
    personas, api_as, method, path, allowed
):
    response = getattr(api_as("admin"), method)(path)

    error = assert_error(response, 405, "method_not_allowed")
    allowed = {allowed} if isinstance(allowed, str) else allowed
    assert {m.strip() for m in response["Allow"].split(",")} == allowed
    assert method.upper() in error["detail"]


def test_a_wrong_method_is_405_even_before_signing_in(db):
    response = Client().put("/api/v1/me")

    assert_error(response, 405, "method_not_allowed")


def test_an_unexpected_failure_is_a_json_500_that_hides_the_cause(personas, api_as, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "member_list", broken)
    api = api_as("admin")
    api.client.raise_request_exception = False

    response = api.get("/api/v1/members")

    error = assert_error(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert set(error) == {"detail", "code"}


def test_an_unexpected_failure_reaches_the_test_client_like_any_view_error(
    personas, api_as, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "member_list", broken)

    with pytest.raises(RuntimeError, match="secret internals"):
        api_as("admin").get("/api/v1/members")


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("get", "/api/v1/members/999999", None, 404, "not_found"),
        ("patch", "/api/v1/members/999999", {"version": 1}, 404, "not_found"),
        ("get", "/api/v1/audit?page=9", None, 404, "not_found"),
        ("patch", "/api/v1/organization", {"name": "X", "version": 5}, 409, "stale_version"),
        ("post", "/api/v1/members", {"email": "member@acme.test", "role": "member"}, 409,
         "already_member"),
    ],
)
def test_domain_errors_carry_their_status_and_code(personas, api_as, method, path, body,
                                                    status, code):
    api = api_as("admin")
    response = getattr(api, method)(path, body) if body else getattr(api, method)(path)

    assert_error(response, status, code)


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain"])
def test_a_json_body_sent_with_another_content_type_is_400(personas, api_as, content_type):
    api = api_as("admin")

    response = api.client.post("/api/v1/members", data='{"email": "x@acme.test", "role": "admin"}',
                               content_type=content_type, headers=api.headers)

    error = assert_error(response, 400, "bad_request")
    assert error["detail"] == (
        "The request body must be JSON, sent with Content-Type: application/json."
    )


def test_a_json_body_with_a_charset_or_a_json_suffix_type_is_accepted(personas, api_as):
    api = api_as("admin")

    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = api.client.patch("/api/v1/organization",
                                    data='{"name": "Acme 2", "version": 1}',
                                    content_type=content_type, headers=api.headers)
        assert response.status_code in {200, 409}


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/v1/auth/token", {"email": "a\x00@acme.test", "password": "x"}, "email"),
        ("patch", "/api/v1/organization", {"name": "Acme\x00", "version": 1}, "name"),
        ("post", "/api/v1/members", {"email": "x@acme.test", "role": "member",
                                     "full_name": "\x00"}, "full_name"),
        ("post", "/api/v1/members", {"email": "x@acme.test", "role": "member",
                                     "extra": {"deep": ["\x00"]}}, "extra.deep"),
        ("get", "/api/v1/members?q=a%00b", None, "q"),
        ("get", "/api/v1/audit?object_type=core.membership&object_id=%00", None, "object_id"),
        ("get", "/api/v1/members?page=1%00", None, "page"),
    ],
)
def test_text_with_a_nul_character_is_422_on_every_database(
    personas, api_as, method, path, body, field
):
    api = api_as("admin")

    response = getattr(api, method)(path, body) if body else getattr(api, method)(path)

    error = assert_error(response, 422, "invalid")
    assert error["detail"] == f"Invalid request. {field}: must not contain the NUL character."
    assert error["field"] == field


def test_a_nul_character_in_a_key_of_the_body_is_refused(personas, api_as):
    response = api_as("admin").post("/api/v1/members", {"email": "x@acme.test", "role": "member",
                                                        "a\x00": 1})

    assert_error(response, 422, "invalid")


def test_a_body_that_is_not_valid_json_says_so(personas, api_as):
    api = api_as("admin")

    response = api.client.post("/api/v1/members", data="[1, 2", headers=api.headers,
                               content_type="application/json")

    assert assert_error(response, 400, "bad_request")["detail"] == (
        "The request body is not valid JSON."
    )
