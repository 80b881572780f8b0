"""GET /healthz: up and reaching the database, or 503 saying what is down."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from tandem.core import health


def test_health_is_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


class UnreachableDatabase:
    def cursor(self):
        raise DatabaseError("connection refused")


def test_health_is_503_when_the_database_fails(client, db, monkeypatch):
    monkeypatch.setattr(health, "connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable: DatabaseError"}


def test_health_needs_no_sign_in_and_sets_no_session(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_answers_only_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
