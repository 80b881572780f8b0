"""API shapes of contracts, rate cards, billing lines and amendments.

Money is text in JSON (``"12500000"``, ``"1234.50"``: the currency's digits), never a float.
A project manager reads a contract's scope and billing milestones without the money: the
``...Out`` shapes leave values, fees, amounts and percentages ``null`` for a role that does not
see them (``money_visible`` says which it is). An ``...Out`` shape reads a model row, or the
stored JSON of an idempotent replay (a dict)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from tandem.contracts.access import sees_contract_money
from tandem.contracts.models import BillingKind, ContractStatus, ContractType, RateUnit
from tandem.contracts.services.common import money_json, percentage_json

VERSION = Field(ge=1, description="The version your change is based on")
AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,3})?$"
Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, description=(
    "A decimal amount as text, with no more decimals than the currency has "
    "(e.g. \"12500000\" VND, \"1234.50\" USD)"))]
Percentage = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3})?$",
                                  description="A percentage of the contract's total value")]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _value(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def _sees_money(context: Any) -> bool:
    actor = getattr((context or {}).get("request"), "auth", None)
    return actor is None or sees_contract_money(actor)


def _money(obj: Any, name: str, context: Any, currency: str | None = None) -> str | None:
    if isinstance(obj, dict):
        return obj.get(name)
    if not _sees_money(context):
        return None
    value = getattr(obj, name)
    return money_json(value, currency or obj.currency)


class NeedRef(Schema):
    id: int
    title: str
    status: str


class ContractOut(Schema):
    id: int
    code: str
    title: str
    client_id: int
    client_name: str
    project_id: int | None
    project_code: str
    type: ContractType
    currency: str
    total_value: str | None = Field(description="Null for a role that does not see money")
    monthly_fee: str | None = Field(description="Null for a role that does not see money")
    start_date: dt.date
    end_date: dt.date | None
    payment_terms_days: int = Field(description="0 means due on receipt")
    status: ContractStatus
    signed_on: dt.date | None
    ended_on: dt.date | None
    termination_reason: str
    notes: str
    needs: list[NeedRef]
    money_visible: bool
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj["client_name"]) if isinstance(obj, dict) else obj.client.name

    @staticmethod
    def resolve_project_code(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["project_code"])
        return obj.project.code if obj.project_id else ""

    @staticmethod
    def resolve_total_value(obj: Any, context: Any) -> str | None:
        return _money(obj, "total_value", context)

    @staticmethod
    def resolve_monthly_fee(obj: Any, context: Any) -> str | None:
        return _money(obj, "monthly_fee", context)

    @staticmethod
    def resolve_notes(obj: Any, context: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["notes"])
        return str(obj.notes) if _sees_money(context) else ""

    @staticmethod
    def resolve_needs(obj: Any) -> list[Any]:
        return list(_value(obj, "needs")) if isinstance(obj, dict) else list(obj.needs.all())

    @staticmethod
    def resolve_money_visible(obj: Any, context: Any) -> bool:
        return bool(obj["money_visible"]) if isinstance(obj, dict) else _sees_money(context)


class ContractCreate(Schema):
    client_id: Id
    code: str = Field(min_length=1, max_length=40, pattern=r"^\S.*$")
    title: str = Field(min_length=1, max_length=200, pattern=r"^\S.*$")
    type: ContractType
    currency: str = Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217, e.g. VND, USD")
    total_value: Amount | None = None
    monthly_fee: Amount | None = None
    start_date: dt.date
    end_date: dt.date | None = None
    payment_terms_days: int = Field(30, ge=0, le=365, description="0 means due on receipt")
    notes: str = Field("", max_length=10000)
    project_id: Id | None = Field(None, description="An existing project of the client")
    need_ids: list[Id] = Field(default_factory=list, max_length=200)


class ContractPatch(Schema):
    version: int = VERSION
    code: str | None = Field(None, min_length=1, max_length=40, pattern=r"^\S.*$")
    title: str | None = Field(None, min_length=1, max_length=200, pattern=r"^\S.*$")
    type: ContractType | None = None
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    total_value: Amount | None = None
    monthly_fee: Amount | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    notes: str | None = Field(None, max_length=10000)
    project_id: Id | None = None
    need_ids: list[Id] | None = Field(None, max_length=200)


class ContractTransition(Schema):
    version: int = VERSION
    status: ContractStatus
    reason: str = Field("", max_length=2000, description="Required when terminating")
    on: dt.date | None = Field(None, description="The day it ended; today by default")


class ContractSign(Schema):
    version: int = VERSION
    manager_id: Id | None = Field(None, description="The PM of the new project")
    project_id: Id | None = Field(None, description="Link this project of the client instead")
    project_code: str = Field("", max_length=32, description="The new project's code; the "
                                                             "contract's by default")
    project_name: str = Field("", max_length=200)
    signed_on: dt.date | None = None


class RateOut(Schema):
    id: int
    contract_id: int
    role: str
    person_id: int | None
    person_name: str
    unit: RateUnit
    rate: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["person_name"])
        return obj.person.display_name if obj.person_id else ""

    @staticmethod
    def resolve_rate(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["rate"])
        return str(money_json(obj.rate, obj.contract.currency))


class RateCreate(Schema):
    role: str = Field("", max_length=80)
    person_id: Id | None = None
    unit: RateUnit = RateUnit.HOUR
    rate: Amount
    valid_from: dt.date
    valid_to: dt.date | None = None


class RatePatch(Schema):
    role: str | None = Field(None, max_length=80)
    person_id: Id | None = None
    unit: RateUnit | None = None
    rate: Amount | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class BillingLineOut(Schema):
    id: int
    contract_id: int
    kind: BillingKind
    name: str
    amount: str | None = Field(description="Null for a percentage line, or without money")
    percentage: str | None
    billed_amount: str | None = Field(description="The amount, or the percentage of the value")
    milestone_id: int | None
    milestone_name: str
    deliverable_id: int | None
    deliverable_name: str
    period_start: dt.date | None
    period_end: dt.date | None
    due_date: dt.date | None
    position: int
    invoiced_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_amount(obj: Any, context: Any) -> str | None:
        return _money(obj, "amount", context, None if isinstance(obj, dict)
                      else obj.contract.currency)

    @staticmethod
    def resolve_billed_amount(obj: Any, context: Any) -> str | None:
        if isinstance(obj, dict):
            return obj.get("billed_amount")
        if not _sees_money(context):
            return None
        return money_json(getattr(obj, "billed_amount", None), obj.contract.currency)

    @staticmethod
    def resolve_percentage(obj: Any, context: Any) -> str | None:
        if isinstance(obj, dict):
            return obj.get("percentage")
        if not _sees_money(context):
            return None
        return percentage_json(obj.percentage)

    @staticmethod
    def resolve_milestone_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["milestone_name"])
        return obj.milestone.name if obj.milestone_id else ""

    @staticmethod
    def resolve_deliverable_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["deliverable_name"])
        return obj.deliverable.name if obj.deliverable_id else ""


class BillingLineCreate(Schema):
    kind: BillingKind
    name: str = Field(min_length=1, max_length=200, pattern=r"^\S.*$")
    amount: Amount | None = None
    percentage: Percentage | None = None
    milestone_id: Id | None = None
    deliverable_id: Id | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    due_date: dt.date | None = None


class BillingLinePatch(Schema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=200, pattern=r"^\S.*$")
    amount: Amount | None = None
    percentage: Percentage | None = None
    milestone_id: Id | None = None
    deliverable_id: Id | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    due_date: dt.date | None = None


class BillingOrder(Schema):
    line_ids: list[Id] = Field(max_length=500, description="Every line of the contract, once")


class AmendmentOut(Schema):
    id: int
    contract_id: int
    number: int
    reason: str
    effective_date: dt.date
    changes: dict[str, list[Any]] = Field(description="{field: [before, after]}; rates.<id> and "
                                                      "billing_lines.<id> hold whole lines")
    source: str
    created_by_name: str
    created_at: dt.datetime

    @staticmethod
    def resolve_created_by_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["created_by_name"])
        return obj.created_by.display_name if obj.created_by_id else ""


class RateChanges(Schema):
    add: list[RateCreate] = Field(default_factory=list, max_length=100)
    update: list[dict[str, Any]] = Field(default_factory=list, max_length=100,
                                         description="Each {\"id\": ..., fields to change}")
    remove: list[Id] = Field(default_factory=list, max_length=100)


class LineChanges(Schema):
    add: list[BillingLineCreate] = Field(default_factory=list, max_length=100)
    update: list[dict[str, Any]] = Field(default_factory=list, max_length=100,
                                         description="Each {\"id\": ..., fields to change}")
    remove: list[Id] = Field(default_factory=list, max_length=100)


class AmendmentChanges(Schema):
    total_value: Amount | None = None
    monthly_fee: Amount | None = None
    end_date: dt.date | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    rates: RateChanges | None = None
    billing_lines: LineChanges | None = None


class AmendmentCreate(Schema):
    version: int = VERSION
    reason: str = Field(min_length=1, max_length=5000)
    effective_date: dt.date
    changes: AmendmentChanges
    source: str = Field("", max_length=64)

