"""Writes of a contract's rate card and billing schedule.

While the contract is a draft, its rate card lines and billing lines are added, changed and
removed freely. Once it is signed, the money (rates, amounts, percentages, periods) changes only
through an amendment (``tandem.contracts.services.amendments``, which uses the ``apply_*``
functions below); a billing line's name, planned date and links to the project's milestone and
deliverable still change directly, since the project is often only created by the signing. A
line already invoiced does not change at all. The whole contract is checked after each change,
in its transaction (``check_contract``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from tandem.contracts.access import ensure_can_edit_contract
from tandem.contracts.models import BillingLine, Contract, ContractStatus, RateCardLine
from tandem.contracts.services.common import (
    LINE_LINK_FIELDS,
    check_contract,
    check_rate,
    clean_line,
    clean_rate,
    ensure_draft,
    ensure_open,
    line_json,
    next_position,
    rate_json,
)
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, ValidationError
from tandem.core.versioning import ensure_version, update_versioned

Changes = dict[str, list[Any]]


# --- rate card --------------------------------------------------------------------------------


def rate_add(*, actor: Actor, contract: Contract, **values: Any) -> RateCardLine:
    """A rate card line of a draft contract: ``role`` or ``person_id``, ``unit`` (hour or day),
    ``rate``, ``valid_from`` and optionally ``valid_to``."""
    with _editing(actor, contract, "rate card") as locked:
        rate, changes = apply_rate_add(actor, locked, values)
        check_contract(locked)
        audit.record(actor=actor, action="contract.rate_add", target=locked, changes=changes)
    return rate


def rate_update(*, actor: Actor, rate: RateCardLine, changes: Mapping[str, Any]) -> RateCardLine:
    with _editing(actor, rate.contract, "rate card") as locked:
        line = rate_of(locked, rate.pk)
        diff = apply_rate_update(actor, locked, line, changes)
        if diff:
            check_contract(locked)
            audit.record(actor=actor, action="contract.rate_update", target=locked,
                         changes=diff)
    return line


def rate_remove(*, actor: Actor, rate: RateCardLine) -> None:
    with _editing(actor, rate.contract, "rate card") as locked:
        changes = apply_rate_remove(locked, rate_of(locked, rate.pk))
        audit.record(actor=actor, action="contract.rate_remove", target=locked,
                     changes=changes)


def apply_rate_add(actor: Actor, contract: Contract,
                   values: Mapping[str, Any]) -> tuple[RateCardLine, Changes]:
    cleaned = clean_rate(actor, contract, {"unit": "hour", "role": "", "person_id": None,
                                           "valid_to": None, **values})
    if "rate" not in cleaned or "valid_from" not in cleaned:
        raise ValidationError("A rate needs its amount and the date it is valid from.",
                              code="required", field="rate" if "rate" not in cleaned
                              else "valid_from")
    rate = RateCardLine(organization=contract.organization, contract=contract, **cleaned)
    check_rate(rate)
    rate.save()
    return rate, {f"rates.{rate.pk}": [None, rate_json(rate, contract.currency)]}


def apply_rate_update(actor: Actor, contract: Contract, rate: RateCardLine,
                      values: Mapping[str, Any]) -> Changes:
    cleaned = clean_rate(actor, contract, values)
    before = rate_json(rate, contract.currency)
    for name, value in cleaned.items():
        setattr(rate, name, value)
    check_rate(rate)
    after = rate_json(rate, contract.currency)
    if after == before:
        return {}
    rate.save(update_fields=list(cleaned))
    return {f"rates.{rate.pk}": [before, after]}


def apply_rate_remove(contract: Contract, rate: RateCardLine) -> Changes:
    before = rate_json(rate, contract.currency)
    pk = rate.pk
    rate.delete()
    return {f"rates.{pk}": [before, None]}


# --- billing schedule -------------------------------------------------------------------------


def billing_line_add(*, actor: Actor, contract: Contract, **values: Any) -> BillingLine:
    """A billing line of a draft contract: a milestone (``name``, ``amount`` or ``percentage``,
    ``milestone_id``, ``deliverable_id``, ``due_date``) on a fixed-price contract, or a period
    (``name``, ``amount`` — the monthly fee by default —, ``period_start``, ``period_end``) on a
    retainer."""
    with _editing(actor, contract, "billing schedule") as locked:
        line, changes = apply_line_add(actor, locked, values)
        check_contract(locked)
        audit.record(actor=actor, action="contract.billing_line_add", target=locked,
                     changes=changes)
    return line


def billing_line_update(*, actor: Actor, line: BillingLine, expected_version: int,
                        changes: Mapping[str, Any]) -> BillingLine:
    """Change a billing line (``StaleVersion`` when it changed since ``expected_version``); on
    a signed or active contract only its name, planned date, milestone and deliverable."""
    ensure_can_edit_contract(actor, line.contract)
    with transaction.atomic():
        locked = _lock(line.contract)
        ensure_open(locked)
        current = line_of(locked, line.pk)
        if locked.status != ContractStatus.DRAFT and set(changes) - set(LINE_LINK_FIELDS):
            ensure_draft(locked, "billing amounts and periods")
        diff = apply_line_update(actor, locked, current, changes,
                                 expected_version=expected_version)
        if diff:
            check_contract(locked)
            audit.record(actor=actor, action="contract.billing_line_update", target=locked,
                         changes=diff)
    return current


def billing_line_remove(*, actor: Actor, line: BillingLine) -> None:
    with _editing(actor, line.contract, "billing schedule") as locked:
        changes = apply_line_remove(locked, line_of(locked, line.pk))
        audit.record(actor=actor, action="contract.billing_line_remove", target=locked,
                     changes=changes)


def billing_lines_reorder(*, actor: Actor, contract: Contract,
                          line_ids: Sequence[int]) -> list[BillingLine]:
    """Put the billing lines in this order (every line of the contract, each once)."""
    ensure_can_edit_contract(actor, contract)
    with transaction.atomic():
        locked = _lock(contract)
        ensure_open(locked)
        lines = {ln.pk: ln for ln in BillingLine.objects.filter(contract=locked)}
        if sorted(line_ids) != sorted(lines) or len(set(line_ids)) != len(line_ids):
            raise ValidationError("List every billing line of the contract once.",
                                  field="line_ids")
        before = [ln.pk for ln in sorted(lines.values(), key=lambda ln: (ln.position, ln.pk))]
        if before == list(line_ids):
            return [lines[pk] for pk in line_ids]
        for position, pk in enumerate(line_ids):
            lines[pk].position = position
        BillingLine.objects.bulk_update(list(lines.values()), ["position"])
        audit.record(actor=actor, action="contract.billing_reorder", target=locked,
                     changes={"billing_order": [before, list(line_ids)]})
    return [lines[pk] for pk in line_ids]


def apply_line_add(actor: Actor, contract: Contract,
                   values: Mapping[str, Any]) -> tuple[BillingLine, Changes]:
    data = dict(values)
    if data.get("kind") == "periodic" and data.get("amount") in (None, ""):
        data["amount"] = contract.monthly_fee
    cleaned = clean_line(actor, contract, data)
    if "kind" not in cleaned or not cleaned.get("name"):
        raise ValidationError("A billing line needs its kind and name.", code="required",
                              field="kind" if "kind" not in cleaned else "name")
    line = BillingLine(organization=contract.organization, contract=contract,
                       position=next_position(contract), **cleaned)
    _one_of_amount_or_percentage(line)
    line.save()
    return line, {f"billing_lines.{line.pk}": [None, line_json(line, contract.currency)]}


def apply_line_update(actor: Actor, contract: Contract, line: BillingLine,
                      values: Mapping[str, Any], *,
                      expected_version: int | None = None) -> Changes:
    if line.invoiced_at is not None:
        raise Conflict(f"The billing line {line.name!r} is invoiced; it no longer changes.",
                       code="line_invoiced")
    if "kind" in values and values["kind"] != line.kind:
        raise ValidationError("A billing line keeps its kind; remove it and add another.",
                              field="kind")
    cleaned = clean_line(actor, contract, values)
    before = line_json(line, contract.currency)
    for name, value in cleaned.items():
        setattr(line, name, value)
    _one_of_amount_or_percentage(line)
    after = line_json(line, contract.currency)
    if after == before:
        if expected_version is not None:
            ensure_version(line, expected_version=expected_version)
        return {}
    version = line.version if expected_version is None else expected_version
    update_versioned(line, expected_version=version, fields=cleaned)
    for name in ("milestone", "deliverable"):  # reload the links the checks look at
        if f"{name}_id" in cleaned:
            line._state.fields_cache.pop(name, None)
    return {f"billing_lines.{line.pk}": [before, after]}


def apply_line_remove(contract: Contract, line: BillingLine) -> Changes:
    if line.invoiced_at is not None:
        raise Conflict(f"The billing line {line.name!r} is invoiced; it cannot be removed.",
                       code="line_invoiced")
    before = line_json(line, contract.currency)
    pk = line.pk
    line.delete()
    return {f"billing_lines.{pk}": [before, None]}


def _one_of_amount_or_percentage(line: BillingLine) -> None:
    if line.amount is not None and line.percentage is not None:
        raise ValidationError("A billing line has an amount or a percentage of the contract "
                              "value, not both.", field="amount")


# --- helpers ----------------------------------------------------------------------------------


@contextmanager
def _editing(actor: Actor, contract: Contract, what: str) -> Iterator[Contract]:
    """A transaction with the contract locked, refused unless the actor may edit it and it is
    a draft."""
    ensure_can_edit_contract(actor, contract)
    with transaction.atomic():
        locked = _lock(contract)
        ensure_draft(locked, what)
        yield locked


def _lock(contract: Contract) -> Contract:
    locked = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    locked.client = contract.client
    return locked


def rate_of(contract: Contract, rate_id: Any) -> RateCardLine:
    rate = RateCardLine.objects.filter(contract=contract, pk=rate_id).first()
    if rate is None:
        raise ValidationError(f"The contract has no rate card line {rate_id}.", field="rates")
    return rate


def line_of(contract: Contract, line_id: Any) -> BillingLine:
    line = BillingLine.objects.filter(contract=contract, pk=line_id).first()
    if line is None:
        raise ValidationError(f"The contract has no billing line {line_id}.",
                              field="billing_lines")
    return line
