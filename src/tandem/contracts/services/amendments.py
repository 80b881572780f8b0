"""Amendments: how a signed (or active) contract's terms change, each with its reason and the
date it takes effect. The contract keeps its current terms; the amendments, numbered 1, 2, ...
per contract, keep the full history as ``{field: [before, after]}``.

Change requests (a later issue) call ``amendment_create`` with ``source`` naming the request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, Max

from tandem.contracts.access import ensure_can_edit_contract
from tandem.contracts.models import Amendment, Contract, ContractStatus
from tandem.contracts.services.common import (
    as_amount,
    as_date,
    as_payment_terms,
    check_contract,
    money_json,
)
from tandem.contracts.services.schedule import (
    apply_line_add,
    apply_line_remove,
    apply_line_update,
    apply_rate_add,
    apply_rate_remove,
    apply_rate_update,
    line_of,
    rate_of,
)
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, ValidationError
from tandem.core.versioning import ensure_version

AMENDABLE = frozenset({ContractStatus.SIGNED, ContractStatus.ACTIVE})
TERM_CHANGES = ("total_value", "monthly_fee", "end_date", "payment_terms_days")
LIST_CHANGES = ("rates", "billing_lines")
OPERATIONS = ("add", "update", "remove")
MAX_SOURCE = 64


def amendment_create(
    *,
    actor: Actor,
    contract: Contract,
    reason: str,
    effective_date: dt.date | str,
    changes: Mapping[str, Any],
    source: str = "",
    expected_version: int | None = None,
) -> Amendment:
    """Amend a signed or active contract, in one transaction with its audit entry.

    ``changes`` says what changes; every key is optional, at least one change is needed::

        {
            "total_value": "1250000000",        # amounts as text (or Decimal / int), or None
            "monthly_fee": "45000000",
            "end_date": "2027-06-30",           # a date or ISO text, or None (open-ended)
            "payment_terms_days": 45,           # 0 (due on receipt) to 365
            "rates": {
                "add": [{"role": "Senior developer", "unit": "day", "rate": "4800000",
                         "valid_from": "2026-07-01"}],          # or "person_id" for a person
                "update": [{"id": 12, "valid_to": "2026-06-30"}],
                "remove": [13],
            },
            "billing_lines": {
                "add": [{"kind": "milestone", "name": "Phase 2 go-live",
                         "percentage": "20", "milestone_id": 345}],
                "update": [{"id": 7, "amount": "300000000"}],
                "remove": [8],
            },
        }

    The fields of a rate or billing line are those of ``rate_add`` and ``billing_line_add``;
    an invoiced billing line neither changes nor goes. Each list is applied in the order
    add, update, remove, and the whole contract is checked afterwards (type rules, milestones
    within the value, no overlapping rates or periods): a refusal changes nothing.

    The amendment stores ``{field: [before, after]}``: ``total_value``, ``monthly_fee``,
    ``end_date``, ``payment_terms_days``, and ``rates.<id>`` / ``billing_lines.<id>`` with the
    line's fields before and after (``None`` for an added or removed line). The contract's
    version goes up; with ``expected_version`` a stale one is refused (409)."""
    ensure_can_edit_contract(actor, contract)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason for the amendment.", code="required",
                              field="reason")
    if len(reason) > 5000:
        raise ValidationError("The reason is at most 5,000 characters.", field="reason")
    source = str(source or "").strip()
    if len(source) > MAX_SOURCE:
        raise ValidationError(f"The source is at most {MAX_SOURCE} characters.", field="source")
    effective = as_date(effective_date, "effective_date", "effective date", required=True)
    assert effective is not None  # noqa: S101 - required above
    if not isinstance(changes, Mapping):
        raise ValidationError("The changes are an object of fields.", field="changes")
    unknown = set(changes) - set(TERM_CHANGES) - set(LIST_CHANGES)
    if unknown:
        raise ValidationError(f"Unknown amendment changes: {', '.join(sorted(unknown))}; "
                              f"use {', '.join(TERM_CHANGES + LIST_CHANGES)}.", field="changes")
    with transaction.atomic():
        locked = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
        locked.client = contract.client
        if expected_version is not None:
            ensure_version(locked, expected_version=expected_version)
        if locked.status not in AMENDABLE:
            raise Conflict(f"Only a signed or active contract is amended; this one is "
                           f"{locked.status}" + (" (edit the draft instead)."
                                                 if locked.status == ContractStatus.DRAFT
                                                 else "."), code="contract_not_amendable")
        if effective < locked.start_date:
            raise ValidationError("An amendment cannot take effect before the contract starts.",
                                  field="effective_date")
        diff = _apply_terms(locked, changes)
        diff.update(_apply_lists(actor, locked, changes))
        if not diff:
            raise ValidationError("The amendment changes nothing.", code="no_change",
                                  field="changes")
        check_contract(locked)
        Contract.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        locked.version += 1
        top = Amendment.objects.filter(contract=locked).aggregate(top=Max("number"))["top"]
        amendment = Amendment.objects.create(
            organization=locked.organization, contract=locked, number=(top or 0) + 1,
            reason=reason, effective_date=effective, changes=diff, source=source,
            created_by=actor.user,
        )
        audit.record(actor=actor, action="contract.amend", target=locked,
                     changes={"amendment": [None, amendment.number],
                              "effective_date": [None, effective.isoformat()], **diff})
    contract.version = locked.version
    return amendment


def _apply_terms(contract: Contract, changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    values: dict[str, Any] = {}
    currency = contract.currency
    for name in ("total_value", "monthly_fee"):
        if name in changes:
            values[name] = as_amount(changes[name], currency, name)
    if "end_date" in changes:
        values["end_date"] = as_date(changes["end_date"], "end_date", "end date")
    if "payment_terms_days" in changes:
        values["payment_terms_days"] = as_payment_terms(changes["payment_terms_days"])
    before = _terms(contract, values)
    for name, value in values.items():
        setattr(contract, name, value)
    after = _terms(contract, values)
    diff = audit.diff(before, after)
    if diff:
        contract.save(update_fields=list(diff))
    return diff


def _terms(contract: Contract, names: Mapping[str, Any]) -> dict[str, Any]:
    data = audit.snapshot(contract, names)
    for name in ("total_value", "monthly_fee"):
        if name in data:
            data[name] = money_json(getattr(contract, name), contract.currency)
    return data


def _apply_lists(actor: Actor, contract: Contract,
                 changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    diff: dict[str, list[Any]] = {}
    for key in LIST_CHANGES:
        if key not in changes:
            continue
        ops = changes[key]
        if not isinstance(ops, Mapping) or set(ops) - set(OPERATIONS):
            raise ValidationError(f"{key} is an object of add, update and remove lists.",
                                  field=key)
        for op in OPERATIONS:
            items = ops.get(op) or []
            if not isinstance(items, list):
                raise ValidationError(f"{key}.{op} is a list.", field=key)
            for item in items:
                diff.update(_apply_one(actor, contract, key, op, item))
    return diff


def _apply_one(actor: Actor, contract: Contract, key: str, op: str,
               item: Any) -> dict[str, list[Any]]:
    rates = key == "rates"
    if op == "add":
        if not isinstance(item, Mapping):
            raise ValidationError(f"Each {key}.add item is an object of fields.", field=key)
        _row, change = (apply_rate_add(actor, contract, item) if rates
                        else apply_line_add(actor, contract, item))
        return change
    if op == "remove":
        row_id = item
        if isinstance(item, Mapping):
            row_id = item.get("id")
        if isinstance(row_id, bool) or not isinstance(row_id, int):
            raise ValidationError(f"Each {key}.remove item is an id.", field=key)
        return (apply_rate_remove(contract, rate_of(contract, row_id)) if rates
                else apply_line_remove(contract, line_of(contract, row_id)))
    if not isinstance(item, Mapping) or isinstance(item.get("id"), bool) \
            or not isinstance(item.get("id"), int):
        raise ValidationError(f"Each {key}.update item is an object with the id.", field=key)
    values = {k: v for k, v in item.items() if k != "id"}
    if rates:
        return apply_rate_update(actor, contract, rate_of(contract, item["id"]), values)
    return apply_line_update(actor, contract, line_of(contract, item["id"]), values)
