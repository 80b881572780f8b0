"""The Idempotency-Key store at the service level: fingerprints, replay, expiry and purge."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from tandem.core.actor import Actor
from tandem.core.errors import ValidationError
from tandem.core.idempotency import MAX_KEY_LENGTH, fingerprint, purge_expired, run_once
from tandem.core.models import IdempotencyRecord

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
payloads = st.dictionaries(st.text(max_size=10), json_values, max_size=6)


@given(payloads)
def test_a_fingerprint_does_not_depend_on_key_order(payload):
    assert fingerprint(payload) == fingerprint(dict(reversed(list(payload.items()))))


@given(payloads, payloads)
def test_different_bodies_have_different_fingerprints(first, second):
    assume(json.dumps(first, sort_keys=True) != json.dumps(second, sort_keys=True))

    assert fingerprint(first) != fingerprint(second)


def test_a_fingerprint_tells_a_number_from_its_string():
    assert fingerprint({"n": 1}) != fingerprint({"n": "1"})


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> tuple[int, dict[str, int]]:
        self.calls += 1
        return 201, {"call": self.calls}


def test_without_a_key_every_request_runs(personas):
    create = Counter()
    for _ in range(2):
        run_once(actor=personas.admin.actor, endpoint="E", key=None, payload={}, create=create)

    assert create.calls == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_key_runs_once_and_replays_the_stored_response(personas):
    create = Counter()

    first = run_once(actor=personas.admin.actor, endpoint="E", key="k", payload={"a": 1},
                     create=create)
    second = run_once(actor=personas.admin.actor, endpoint="E", key="k", payload={"a": 1},
                      create=create)

    assert first == second == (201, {"call": 1})
    assert create.calls == 1
    record = IdempotencyRecord.objects.get()
    assert (record.status_code, record.response, record.user) == (
        201, {"call": 1}, personas.admin.user
    )


def test_the_same_key_on_another_endpoint_is_another_request(personas):
    create = Counter()
    for endpoint in ("POST /a", "POST /b"):
        run_once(actor=personas.admin.actor, endpoint=endpoint, key="k", payload={},
                 create=create)

    assert create.calls == 2


def test_a_create_that_fails_stores_nothing_and_the_key_can_be_retried(personas):
    def fail() -> tuple[int, dict[str, str]]:
        raise ValidationError("nope")

    with pytest.raises(ValidationError):
        run_once(actor=personas.admin.actor, endpoint="E", key="k", payload={}, create=fail)
    assert not IdempotencyRecord.objects.exists()

    assert run_once(actor=personas.admin.actor, endpoint="E", key="k", payload={},
                    create=Counter()) == (201, {"call": 1})


@pytest.mark.parametrize("key", ["", "x" * (MAX_KEY_LENGTH + 1), "new\nline", "tab\there"])
def test_an_unusable_key_is_refused_before_anything_runs(personas, key):
    create = Counter()

    with pytest.raises(ValidationError) as error:
        run_once(actor=personas.admin.actor, endpoint="E", key=key, payload={}, create=create)

    assert error.value.code == "invalid_idempotency_key"
    assert create.calls == 0


def test_an_expired_record_is_not_replayed(personas, settings):
    settings.TANDEM_IDEMPOTENCY_HOURS = 2
    create = Counter()
    run_once(actor=personas.admin.actor, endpoint="E", key="k", payload={"a": 1}, create=create)
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=2, seconds=1))

    result = run_once(actor=personas.admin.actor, endpoint="E", key="k", payload={"a": 2},
                      create=create)

    assert result == (201, {"call": 2})
    assert IdempotencyRecord.objects.get().response == {"call": 2}


def test_purge_expired_deletes_only_records_older_than_the_window(personas, settings):
    settings.TANDEM_IDEMPOTENCY_HOURS = 24
    now = timezone.now()
    for key, age in (("old", dt.timedelta(hours=25)), ("edge", dt.timedelta(hours=23, minutes=59)),
                     ("new", dt.timedelta(0))):
        run_once(actor=personas.admin.actor, endpoint="E", key=key, payload={},
                 create=Counter())
        IdempotencyRecord.objects.filter(key=key).update(created_at=now - age)

    assert purge_expired(now=now) == 1
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {"edge", "new"}
    assert purge_expired(now=now) == 0


def test_the_system_actor_cannot_hold_an_idempotency_key(personas):
    create = Counter()

    with pytest.raises(ValueError, match="belongs to a person"):
        run_once(actor=Actor.system(personas.organization), endpoint="E", key="k", payload={},
                 create=create)

    assert create.calls == 0
