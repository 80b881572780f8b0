"""API shapes of payments and their allocations.

Amounts are decimal strings with the currency's minor unit ("12500000" đồng, "1234.50" dollars);
inputs accept a string or a number and are refused if they have more decimals than the currency.
Each resolver also reads a dict: an Idempotency-Key replay answers with the stored JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from tandem.billing.models import PaymentMethod
from tandem.billing.selectors_money import unallocated_of
from tandem.core.money import round_money

AMOUNT_HELP = "A decimal amount with at most the currency's minor digits, e.g. \"1234.50\""


def money_text(value: Any, currency: str) -> str:
    return str(round_money(Decimal(value), currency))


class AllocationIn(Schema):
    invoice_id: int = Field(ge=1, le=2**63 - 1)
    amount: Decimal = Field(description=AMOUNT_HELP, allow_inf_nan=False)


class AllocationOut(Schema):
    invoice_id: int
    invoice_number: str
    amount: str


class PaymentCreate(Schema):
    client_id: int = Field(ge=1, le=2**63 - 1)
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, e.g. VND or USD")
    amount: Decimal = Field(description=AMOUNT_HELP, allow_inf_nan=False)
    received_on: dt.date
    method: PaymentMethod
    reference: str = Field("", max_length=120)
    allocations: list[AllocationIn] = Field(
        default_factory=list, max_length=200,
        description="Invoices of the same client and currency, and how much goes to each; "
                    "what is left is credit on account",
    )


class PaymentAllocate(Schema):
    allocations: list[AllocationIn] = Field(min_length=1, max_length=200)
    version: int | None = Field(None, ge=1, description="Refuse (409) if it changed since")


class PaymentReverse(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    version: int | None = Field(None, ge=1, description="Refuse (409) if it changed since")


class PaymentOut(Schema):
    id: int
    client_id: int
    client_name: str
    currency: str
    amount: str
    allocated: str = Field(description="Allocated to invoices (all of it stays listed once "
                                       "reversed)")
    unallocated: str = Field(description="Credit on account; 0 once reversed")
    received_on: dt.date
    method: PaymentMethod
    reference: str
    reversed: bool
    reversed_at: dt.datetime | None
    reversal_reason: str
    allocations: list[AllocationOut]
    created_by_id: int | None
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return obj["client_name"] if isinstance(obj, dict) else obj.client.name

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return obj["amount"] if isinstance(obj, dict) else money_text(obj.amount, obj.currency)

    @staticmethod
    def resolve_allocated(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["allocated"])
        allocated = getattr(obj, "allocated", None)
        if allocated is None:
            allocated = sum((a.amount for a in obj.allocations.all()), Decimal(0))
        return money_text(allocated, obj.currency)

    @staticmethod
    def resolve_unallocated(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["unallocated"])
        return money_text(unallocated_of(obj), obj.currency)

    @staticmethod
    def resolve_reversed(obj: Any) -> bool:
        return bool(obj["reversed"]) if isinstance(obj, dict) else obj.reversed_at is not None

    @staticmethod
    def resolve_allocations(obj: Any) -> list[dict[str, Any]]:
        if isinstance(obj, dict):
            return list(obj["allocations"])
        return [{"invoice_id": a.invoice_id, "invoice_number": a.invoice.number,
                 "amount": money_text(a.amount, obj.currency)} for a in obj.allocations.all()]
