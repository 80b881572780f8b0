"""Rules shared by the contract services: cleaning input, the terms each contract type needs, the
checks of a whole rate card and billing schedule, and the JSON shapes the audit log and the
amendments keep.

The services write first and check the whole contract afterwards, inside their transaction
(``check_contract``): a refusal rolls everything back, so a rule holds whichever way it was
reached (a draft edit, an amendment, several changes at once)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Max

from tandem.clients.models import Client, Need, NeedStatus
from tandem.clients.services.clients import clean_values
from tandem.contracts.access import can_edit_contract
from tandem.contracts.models import (
    BillingKind,
    BillingLine,
    Contract,
    ContractNeed,
    ContractStatus,
    ContractType,
    RateCardLine,
    RateUnit,
)
from tandem.core.actor import Actor
from tandem.core.audit import json_value
from tandem.core.errors import Conflict, PermissionDenied, ValidationError
from tandem.core.money import ZERO, format_money, parse_amount, round_money
from tandem.projects.models import Deliverable, Project, Task

MAX_PAYMENT_TERMS = 365
HUNDRED = Decimal(100)
RATE_FIELDS = ("role", "person_id", "unit", "rate", "valid_from", "valid_to")
LINE_FIELDS = ("kind", "name", "amount", "percentage", "milestone_id", "deliverable_id",
               "period_start", "period_end", "due_date")
# What a signed contract's billing line may change without an amendment: its name, plan date
# and links to the project (often only known once signing created the project).
LINE_LINK_FIELDS = ("name", "milestone_id", "deliverable_id", "due_date")


# --- who and when -----------------------------------------------------------------------------


def ensure_can_contract_for(actor: Actor, client: Client) -> None:
    """Finance, administrators and the client's account manager make its contracts."""
    if not can_edit_contract(actor, Contract(client=client)):
        raise PermissionDenied("Only finance, administrators and the client's account manager "
                               "can make this client's contracts.")


def ensure_draft(contract: Contract, what: str) -> None:
    if contract.status != ContractStatus.DRAFT:
        raise Conflict(f"The {what} of a {contract.get_status_display().lower()} contract "
                       "changes only through an amendment.", code="contract_not_draft")


def ensure_open(contract: Contract) -> None:
    if contract.status in {ContractStatus.COMPLETED, ContractStatus.TERMINATED}:
        raise Conflict(f"This contract is {contract.get_status_display().lower()}; it no "
                       "longer changes.", code="contract_closed")


def next_position(contract: Contract) -> int:
    top = BillingLine.objects.filter(contract=contract).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


# --- values -----------------------------------------------------------------------------------


def as_date(value: Any, field: str, label: str, *, required: bool = False) -> dt.date | None:
    """A date (or its ISO text, as a change request's stored JSON has it), or ``None``."""
    if value is None or value == "":
        if required:
            raise ValidationError(f"The {label} is required.", code="required", field=field)
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"The {label} must be a date (YYYY-MM-DD).",
                                  field=field) from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(f"The {label} must be a date.", field=field)
    if not 1900 <= value.year <= 2199:
        raise ValidationError(f"The {label} must be between the years 1900 and 2199.",
                              field=field)
    return value


def as_amount(value: Any, currency: str, field: str, *, required: bool = False,
              positive: bool = True) -> Decimal | None:
    """An amount in ``currency`` (``parse_amount``), never a float; ``None`` when empty."""
    if value is None or value == "":
        if required:
            raise ValidationError(f"The {field.replace('_', ' ')} is required.",
                                  code="required", field=field)
        return None
    if isinstance(value, float | bool):
        raise ValidationError(f"Give the {field.replace('_', ' ')} as text or a whole number, "
                              "never a floating-point number.", field=field)
    amount = parse_amount(value, currency, field=field)
    if positive and amount <= 0:
        raise ValidationError(f"The {field.replace('_', ' ')} must be more than zero.",
                              field=field)
    return amount


def as_percentage(value: Any, field: str = "percentage") -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float | bool):
        raise ValidationError("Give the percentage as text or a whole number.", field=field)
    try:
        percentage = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError("The percentage must be a number.", field=field) from None
    if not percentage.is_finite() or not ZERO < percentage <= HUNDRED:
        raise ValidationError("The percentage is more than 0 and at most 100.", field=field)
    if percentage != percentage.quantize(Decimal("0.001")):
        raise ValidationError("The percentage has 3 decimal places at most.", field=field)
    return percentage


def as_payment_terms(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 0 <= value <= MAX_PAYMENT_TERMS:
        raise ValidationError(f"The payment terms are a number of days from 0 (due on receipt) "
                              f"to {MAX_PAYMENT_TERMS}.", field="payment_terms_days")
    return value


def as_id(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("Give an id (a whole number).", field=field)
    return value


def clean_text(model: type[Any], values: Mapping[str, Any]) -> dict[str, Any]:
    return clean_values(model, values)


# --- related records --------------------------------------------------------------------------


def client_needs(actor: Actor, client: Client, need_ids: Iterable[Any]) -> list[Need]:
    """The client's needs of these ids (each once, in order), none of them dropped."""
    ids = list(dict.fromkeys(as_id(n, "need_ids") for n in need_ids))
    found = {n.pk: n for n in Need.objects.filter(organization_id=actor.organization.pk,
                                                   client=client, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError("The needs must be needs of the contract's client.",
                              field="need_ids")
    dropped = [found[i].title for i in ids if found[i].status == NeedStatus.DROPPED]  # type: ignore[index]
    if dropped:
        raise ValidationError(f"A dropped need cannot be in a contract: {', '.join(dropped)}.",
                              field="need_ids")
    return [found[i] for i in ids]  # type: ignore[index]


def client_project(actor: Actor, client: Client, project_id: Any) -> Project | None:
    pk = as_id(project_id, "project_id")
    if pk is None:
        return None
    project = Project.objects.filter(organization_id=actor.organization.pk, pk=pk).first()
    if project is None or project.client_id != client.pk:
        raise ValidationError("The project must be one of the contract client's projects.",
                              field="project_id")
    return project


def set_needs(actor: Actor, contract: Contract, needs: list[Need]) -> list[list[int]] | None:
    """The contract covers exactly ``needs``; ``[before, after]`` ids when that changed."""
    before = sorted(ContractNeed.objects.filter(contract=contract)
                    .values_list("need_id", flat=True))
    after = sorted(n.pk for n in needs)
    if before == after:
        return None
    ContractNeed.objects.filter(contract=contract).exclude(need_id__in=after).delete()
    ContractNeed.objects.bulk_create([
        ContractNeed(organization=actor.organization, contract=contract, need_id=pk)
        for pk in after if pk not in before
    ])
    return [before, after]


# --- checks of a whole contract ---------------------------------------------------------------


def check_terms(contract: Contract) -> None:
    """The values its type needs, dates in order."""
    if contract.type == ContractType.FIXED_PRICE:
        if contract.total_value is None:
            raise ValidationError("A fixed-price contract needs its total value.",
                                  code="required", field="total_value")
        if contract.monthly_fee is not None:
            raise ValidationError("A fixed-price contract has no monthly fee.",
                                  field="monthly_fee")
    elif contract.type == ContractType.RETAINER:
        if contract.monthly_fee is None:
            raise ValidationError("A retainer needs its monthly fee.", code="required",
                                  field="monthly_fee")
    elif contract.monthly_fee is not None:
        raise ValidationError("A time-and-materials contract has no monthly fee; it bills "
                              "the time spent at the rate card's rates.", field="monthly_fee")
    if contract.end_date is not None and contract.end_date < contract.start_date:
        raise ValidationError("The end date cannot be before the start date.",
                              field="end_date")


def line_amount(line: BillingLine, contract: Contract) -> Decimal | None:
    """What a billing line bills: its amount, or its percentage of the contract's total value
    rounded to the currency's minor unit (half up). ``None`` when neither is known."""
    if line.amount is not None:
        return round_money(Decimal(line.amount), contract.currency)
    if line.percentage is not None and contract.total_value is not None:
        return round_money(Decimal(contract.total_value) * Decimal(line.percentage) / HUNDRED,
                           contract.currency)
    return None


def check_schedule(contract: Contract) -> None:
    """Every billing line fits the contract: its kind fits the type, amounts fit the currency,
    milestones link to the contract's project, periods lie within the contract and do not
    overlap, and the milestones add up to no more than the contract's value."""
    lines = list(BillingLine.objects.filter(contract=contract).select_related("milestone",
                                                                              "deliverable"))
    for line in lines:
        _check_line(contract, line)
    milestones = [ln for ln in lines if ln.kind == BillingKind.MILESTONE]
    if contract.total_value is not None and milestones:
        total = sum((line_amount(ln, contract) or ZERO for ln in milestones), ZERO)
        value = Decimal(contract.total_value)
        if total > value:
            raise ValidationError(
                f"The billing milestones add up to {format_money(total, contract.currency)}, "
                f"more than the contract value of {format_money(value, contract.currency)}.",
                code="schedule_exceeds_value", field="amount")
    periods = sorted((ln for ln in lines if ln.kind == BillingKind.PERIODIC),
                     key=lambda ln: (ln.period_start or dt.date.min, ln.pk))
    for before, after in itertools.pairwise(periods):
        if before.period_end and after.period_start and after.period_start <= before.period_end:
            raise ValidationError(f"The periods {before.name!r} and {after.name!r} overlap.",
                                  code="periods_overlap", field="period_start")


def _check_line(contract: Contract, line: BillingLine) -> None:
    if line.kind == BillingKind.MILESTONE:
        if contract.type != ContractType.FIXED_PRICE:
            raise ValidationError("Milestone lines belong to fixed-price contracts; a retainer "
                                  "bills by period and time and materials by time spent.",
                                  field="kind")
        if (line.amount is None) == (line.percentage is None):
            raise ValidationError("A milestone line has an amount or a percentage of the "
                                  "contract value (one of them).", field="amount")
        if line.period_start or line.period_end:
            raise ValidationError("A milestone line has no period.", field="period_start")
        if line.milestone is not None:
            if line.milestone.project_id != contract.project_id:
                raise ValidationError("The milestone must be in the contract's project.",
                                      field="milestone_id")
            if not line.milestone.is_milestone:
                raise ValidationError("Link a milestone (a task of zero duration, not a "
                                      "phase).", field="milestone_id")
        if line.deliverable is not None:
            if line.deliverable.project_id != contract.project_id:
                raise ValidationError("The deliverable must be in the contract's project.",
                                      field="deliverable_id")
            if line.milestone_id and line.deliverable.milestone_id not in (None,
                                                                           line.milestone_id):
                raise ValidationError("The deliverable belongs to another milestone.",
                                      field="deliverable_id")
    else:
        if contract.type != ContractType.RETAINER:
            raise ValidationError("Periodic lines belong to retainers.", field="kind")
        if line.amount is None or line.percentage is not None:
            raise ValidationError("A periodic line has an amount (no percentage).",
                                  field="amount")
        if line.milestone_id or line.deliverable_id:
            raise ValidationError("A periodic line has no milestone or deliverable.",
                                  field="milestone_id")
        if line.period_start is None or line.period_end is None:
            raise ValidationError("A periodic line has its period's start and end.",
                                  code="required", field="period_start")
        if line.period_end < line.period_start:
            raise ValidationError("The period cannot end before it starts.", field="period_end")
        if line.period_start < contract.start_date or (
                contract.end_date is not None and line.period_end > contract.end_date):
            raise ValidationError(f"The period {line.name!r} must lie within the contract's "
                                  "dates.", field="period_start")
    if line.amount is not None and Decimal(line.amount) != round_money(Decimal(line.amount),
                                                                       contract.currency):
        raise ValidationError(f"The amount of {line.name!r} has more decimal places than "
                              f"{contract.currency} allows.", field="amount")


def check_rates(contract: Contract) -> None:
    """No two rates of the same role (or person) are valid on the same day; rates fit the
    currency."""
    by_key: dict[Any, list[RateCardLine]] = defaultdict(list)
    for rate in RateCardLine.objects.filter(contract=contract).select_related("person"):
        if Decimal(rate.rate) != round_money(Decimal(rate.rate), contract.currency):
            raise ValidationError(f"A rate has more decimal places than {contract.currency} "
                                  "allows.", field="rate")
        key = ("person", rate.person_id) if rate.person_id else ("role", rate.role.casefold())
        by_key[key].append(rate)
    for rates in by_key.values():
        rates.sort(key=lambda r: (r.valid_from, r.pk))
        for before, after in itertools.pairwise(rates):
            if before.valid_to is None or after.valid_from <= before.valid_to:
                who = before.person.display_name if before.person else before.role
                raise ValidationError(
                    f"Two rates of {who} are valid on the same days; end the first before "
                    "the next starts.", code="rates_overlap", field="valid_from")


def check_contract(contract: Contract) -> None:
    check_terms(contract)
    check_schedule(contract)
    check_rates(contract)


# --- cleaning lines ---------------------------------------------------------------------------


def clean_rate(actor: Actor, contract: Contract, values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a rate card line given in ``values``, checked one by one."""
    unknown = set(values) - set(RATE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown rate card fields: {', '.join(sorted(unknown))}.")
    cleaned: dict[str, Any] = {}
    if "role" in values:
        cleaned.update(clean_text(RateCardLine, {"role": values["role"] or ""}))
    if "person_id" in values:
        person_id = as_id(values["person_id"], "person_id")
        if person_id is not None and not _staff(actor, person_id):
            raise ValidationError("The person must be on the organization's staff.",
                                  field="person_id")
        cleaned["person_id"] = person_id
    if "unit" in values:
        if values["unit"] not in RateUnit.values:
            raise ValidationError("The unit is hour or day.", field="unit")
        cleaned["unit"] = values["unit"]
    if "rate" in values:
        cleaned["rate"] = as_amount(values["rate"], contract.currency, "rate", required=True)
    for name, label in (("valid_from", "start of validity"), ("valid_to", "end of validity")):
        if name in values:
            cleaned[name] = as_date(values[name], name, label, required=name == "valid_from")
    return cleaned


def check_rate(rate: RateCardLine) -> None:
    if bool(rate.role) == bool(rate.person_id):
        raise ValidationError("A rate is for a role or for one person (one of them).",
                              field="role")
    if rate.valid_to is not None and rate.valid_to < rate.valid_from:
        raise ValidationError("The rate's validity cannot end before it starts.",
                              field="valid_to")


def clean_line(actor: Actor, contract: Contract, values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a billing line given in ``values``, checked one by one (the whole line and
    schedule are checked by ``check_schedule``)."""
    unknown = set(values) - set(LINE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown billing line fields: {', '.join(sorted(unknown))}.")
    cleaned: dict[str, Any] = {}
    if "kind" in values:
        if values["kind"] not in BillingKind.values:
            raise ValidationError("The kind is milestone or periodic.", field="kind")
        cleaned["kind"] = values["kind"]
    if "name" in values:
        cleaned.update(clean_text(BillingLine, {"name": values["name"]}))
    if "amount" in values:
        cleaned["amount"] = as_amount(values["amount"], contract.currency, "amount")
    if "percentage" in values:
        cleaned["percentage"] = as_percentage(values["percentage"])
    if "milestone_id" in values:
        cleaned["milestone_id"] = _project_row(actor, contract, Task, values["milestone_id"],
                                               "milestone_id")
    if "deliverable_id" in values:
        cleaned["deliverable_id"] = _project_row(actor, contract, Deliverable,
                                                 values["deliverable_id"], "deliverable_id")
    labels = {"period_start": "period start", "period_end": "period end",
              "due_date": "planned date"}
    for name, label in labels.items():
        if name in values:
            cleaned[name] = as_date(values[name], name, label)
    return cleaned


def _project_row(actor: Actor, contract: Contract, model: type[Any], value: Any,
                 field: str) -> int | None:
    pk = as_id(value, field)
    if pk is None:
        return None
    if contract.project_id is None:
        raise ValidationError("Link the contract to a project first (signing creates or links "
                              "it).", field=field)
    if not model.objects.filter(organization_id=actor.organization.pk, pk=pk,
                                project_id=contract.project_id).exists():
        raise ValidationError(f"The {model._meta.verbose_name} must be in the contract's "
                              "project.", field=field)
    return pk


def _staff(actor: Actor, user_id: int) -> bool:
    from tandem.core.models import Membership
    from tandem.core.roles import Role

    return Membership.objects.filter(organization_id=actor.organization.pk, user_id=user_id,
                                     is_active=True).exclude(role=Role.CLIENT).exists()


# --- JSON shapes (audit log, amendments) ------------------------------------------------------


def rate_json(rate: RateCardLine, currency: str) -> dict[str, Any]:
    data = {name: json_value(getattr(rate, name)) for name in RATE_FIELDS}
    data["rate"] = money_json(rate.rate, currency)
    return data


def line_json(line: BillingLine, currency: str) -> dict[str, Any]:
    data = {name: json_value(getattr(line, name)) for name in LINE_FIELDS}
    data["amount"] = money_json(line.amount, currency)
    if line.percentage is not None:
        data["percentage"] = percentage_json(line.percentage)
    return data


def money_json(value: Decimal | None, currency: str) -> str | None:
    """An amount as text with the currency's digits (``"12500000"``, ``"1234.50"``)."""
    return None if value is None else str(round_money(Decimal(value), currency))


def percentage_json(value: Decimal | None) -> str | None:
    """``"40"``, ``"12.5"``: a percentage without trailing zeros."""
    return None if value is None else format(Decimal(value).normalize(), "f")
