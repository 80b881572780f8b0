"""Real concurrency, on PostgreSQL only: two requests at the same moment, each in its own
thread, connection and transaction."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tandem.core import services
from tandem.core.models import IdempotencyRecord, Membership
from tandem.core.roles import Role
from tests.factories import MembershipFactory, UserFactory
from tests.personas import ApiClient, Persona

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one write transaction at a time (BEGIN IMMEDIATE): no race to test",
    ),
    pytest.mark.django_db(transaction=True),
]


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def slowed(function: Callable[..., Any], seconds: float = 0.3) -> Callable[..., Any]:
    """``function``, then a pause inside the caller's transaction: widens the race window."""

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        time.sleep(seconds)
        return result

    return slow


def test_two_requests_with_the_same_key_at_once_add_one_member(personas, monkeypatch):
    monkeypatch.setattr(services, "member_add", slowed(services.member_add))
    first, second = personas.admin.api(), personas.admin.api()
    body = {"email": "racer@acme.test", "role": "member"}

    responses = at_once(
        lambda: first.post("/api/v1/members", body, **{"Idempotency-Key": "race-1"}),
        lambda: second.post("/api/v1/members", body, **{"Idempotency-Key": "race-1"}),
    )

    assert [r.status_code for r in responses] == [201, 201], responses
    assert responses[0].json() == responses[1].json()
    assert Membership.objects.filter(user__email="racer@acme.test").count() == 1
    assert IdempotencyRecord.objects.filter(key="race-1").count() == 1


def test_two_requests_adding_the_same_person_without_a_key_give_one_member_and_a_409(
    personas, monkeypatch
):
    monkeypatch.setattr(services, "_create_user", slowed(services._create_user))
    first, second = personas.admin.api(), personas.admin.api()
    body = {"email": "twice@acme.test", "role": "member"}

    responses = at_once(lambda: first.post("/api/v1/members", body),
                        lambda: second.post("/api/v1/members", body))

    assert sorted(r.status_code for r in responses) == [201, 409], responses
    assert {r.json().get("code") for r in responses if r.status_code == 409} == {"already_member"}
    assert Membership.objects.filter(user__email="twice@acme.test").count() == 1


def test_two_administrators_demoting_each_other_at_once_leave_one_administrator(
    personas, monkeypatch
):
    second_admin = MembershipFactory(organization=personas.organization, role=Role.ADMIN,
                                     user=UserFactory(email="admin2@acme.test"))
    monkeypatch.setattr(services, "_keep_one_admin", slowed(services._keep_one_admin))
    first: ApiClient = personas.admin.api()
    second: ApiClient = Persona("admin2", second_admin).api()

    responses = at_once(
        lambda: first.patch(f"/api/v1/members/{second_admin.pk}",
                            {"version": 1, "role": "member"}),
        lambda: second.patch(f"/api/v1/members/{personas.admin.membership.pk}",
                             {"version": 1, "role": "member"}),
    )

    assert sorted(r.status_code for r in responses) == [200, 409], responses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"last_admin"}
    assert Membership.objects.filter(organization=personas.organization, role=Role.ADMIN,
                                     is_active=True).count() == 1
