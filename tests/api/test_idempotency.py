"""Idempotency-Key on POST /members: a retry replays the first answer instead of adding twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.core.idempotency import MAX_KEY_LENGTH
from tandem.core.models import IdempotencyRecord, Membership

NEW = {"email": "new@acme.test", "role": "member", "full_name": "New Person"}


def post(api, body, key):
    return api.post("/api/v1/members", body, **{"Idempotency-Key": key})


def test_a_retry_with_the_same_key_adds_one_member_and_replays_the_answer(personas, api_as):
    admin = api_as("admin")

    first = post(admin, NEW, "retry-1")
    second = post(admin, NEW, "retry-1")

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.json()["email"] == "new@acme.test"
    assert Membership.objects.filter(user__email="new@acme.test").count() == 1


def test_a_replay_does_not_run_the_service_again(personas, api_as, django_assert_num_queries):
    admin = api_as("admin")
    post(admin, NEW, "retry-1")

    # the token, the membership, then in one savepoint only the stored answer: no user lookup,
    # no insert, no audit entry
    with django_assert_num_queries(5):
        assert post(admin, NEW, "retry-1").status_code == 201


def test_without_a_key_a_retry_is_a_second_request(personas, api_as):
    admin = api_as("admin")

    assert admin.post("/api/v1/members", NEW).status_code == 201
    second = admin.post("/api/v1/members", NEW)

    assert second.status_code == 409
    assert second.json()["code"] == "already_member"


def test_the_same_key_with_another_body_is_refused(personas, api_as):
    admin = api_as("admin")
    post(admin, NEW, "retry-1")

    response = post(admin, {**NEW, "email": "other@acme.test"}, "retry-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Membership.objects.filter(user__email="other@acme.test").exists()


def test_the_same_key_from_two_people_does_not_collide(personas, api_as):
    mine = post(api_as("admin"), NEW, "shared-key")
    theirs = post(api_as("outsider"), {**NEW, "email": "theirs@other.test"}, "shared-key")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert IdempotencyRecord.objects.filter(key="shared-key").count() == 2


def test_a_key_of_the_maximum_length_is_accepted(personas, api_as):
    response = post(api_as("admin"), NEW, "k" * MAX_KEY_LENGTH)

    assert response.status_code == 201


def test_a_key_longer_than_the_maximum_is_422_and_adds_no_one(personas, api_as):
    response = post(api_as("admin"), NEW, "k" * (MAX_KEY_LENGTH + 1))

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Membership.objects.filter(user__email="new@acme.test").exists()


def test_an_expired_key_is_not_replayed(personas, api_as, settings):
    admin = api_as("admin")
    post(admin, NEW, "old-key")
    age = dt.timedelta(hours=settings.TANDEM_IDEMPOTENCY_HOURS, minutes=1)
    IdempotencyRecord.objects.update(created_at=timezone.now() - age)

    retry = post(admin, NEW, "old-key")
    fresh = post(admin, {**NEW, "email": "another@acme.test"}, "old-key")

    assert retry.status_code == 409  # ran again: the person is already a member
    assert fresh.status_code == 201  # and the key is free for a new body
    assert IdempotencyRecord.objects.get(key="old-key").response["email"] == "another@acme.test"


def test_a_refused_request_stores_nothing_and_the_key_can_be_used_again(personas, api_as):
    admin = api_as("admin")

    refused = post(admin, {**NEW, "email": "member@acme.test"}, "key-1")
    accepted = post(admin, NEW, "key-1")

    assert (refused.status_code, accepted.status_code) == (409, 201)


def test_a_non_administrator_is_refused_before_the_key_is_stored(personas, api_as):
    response = post(api_as("finance"), NEW, "key-1")

    assert response.status_code == 403
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["line\u2028break", "\x7f"])
def test_a_key_with_unprintable_characters_is_refused(personas, api_as, key):
    response = post(api_as("admin"), NEW, key)

    assert response.status_code == 422
