"""API shapes of invoices, credit notes and their lines.

Money, quantities and percentages are text in JSON (``"12500000"``, ``"1234.50"``, ``"1.5"``),
never floats; amounts have the currency's minor digits. An ``...Out`` shape reads a model row or
the stored JSON of an idempotent replay (a dict)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema

from tandem.billing.models import InvoiceKind, InvoiceStatus, LineSource
from tandem.core.money import round_money

VERSION = Field(ge=1, description="The invoice's version your change is based on")
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Amount = Annotated[str, Field(pattern=r"^[0-9]{1,15}(\.[0-9]{1,3})?$", description=(
    "A decimal amount as text, with no more decimals than the currency has "
    "(e.g. \"12500000\" VND, \"1234.50\" USD)"))]
Quantity = Annotated[str, Field(pattern=r"^[0-9]{1,10}(\.[0-9]{1,4})?$",
                                description="More than 0, up to 4 decimals")]
Percent = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3})?$",
                               description="Percent, 0 to 100, up to 3 decimals")]
Language = Annotated[str, Field(pattern="^(en|vi)$", description="en or vi")]
Currency = Annotated[str, Field(pattern="^[A-Za-z]{3}$", description="ISO 4217, e.g. VND")]
EDITABLE_SOURCES = (LineSource.MANUAL, LineSource.MILESTONE, LineSource.PERIOD,
                    LineSource.TIME_ENTRIES)


def money_text(value: Any, currency: str) -> str:
    return str(round_money(Decimal(value), currency))


def number_text(value: Any) -> str:
    """``Decimal("1.5000")`` → ``"1.5"``; whole numbers without a point, never ``1E+1``."""
    normalized = Decimal(value).normalize()
    return format(normalized, "f")


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


class InvoiceLineOut(Schema):
    id: int
    position: int
    source: LineSource
    billing_line_id: int | None
    source_ref: str
    description: str
    quantity: str
    unit_price: str
    discount_percent: str
    tax_rate: str
    net: str
    tax: str

    @staticmethod
    def resolve_quantity(obj: Any) -> str:
        return obj["quantity"] if isinstance(obj, dict) else number_text(obj.quantity)

    @staticmethod
    def resolve_discount_percent(obj: Any) -> str:
        return obj["discount_percent"] if isinstance(obj, dict) \
            else number_text(obj.discount_percent)

    @staticmethod
    def resolve_tax_rate(obj: Any) -> str:
        return obj["tax_rate"] if isinstance(obj, dict) else number_text(obj.tax_rate)

    @staticmethod
    def resolve_unit_price(obj: Any) -> str:
        return obj["unit_price"] if isinstance(obj, dict) \
            else money_text(obj.unit_price, obj.invoice.currency)

    @staticmethod
    def resolve_net(obj: Any) -> str:
        return obj["net"] if isinstance(obj, dict) else money_text(obj.net, obj.invoice.currency)

    @staticmethod
    def resolve_tax(obj: Any) -> str:
        return obj["tax"] if isinstance(obj, dict) else money_text(obj.tax, obj.invoice.currency)


class InvoiceSummaryOut(Schema):
    id: int
    number: str = Field(description="Empty until the invoice is issued")
    kind: InvoiceKind
    status: InvoiceStatus
    overdue: bool = Field(description="Issued or partially paid, and past its due date")
    client_id: int
    client_name: str
    contract_id: int | None
    project_id: int | None
    credits_id: int | None = Field(description="A credit note's voided invoice")
    currency: str
    language: str
    issue_date: dt.date | None
    due_date: dt.date | None
    payment_terms_days: int
    subtotal: str
    tax_total: str
    total: str
    amount_paid: str
    balance: str = Field(description="Total less what is paid")
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        if isinstance(obj, dict):
            return bool(obj["overdue"])
        from tandem.billing.selectors_invoices import is_overdue

        return is_overdue(obj)

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj["client_name"]) if isinstance(obj, dict) else obj.client.name

    @staticmethod
    def resolve_subtotal(obj: Any) -> str:
        return _money(obj, "subtotal")

    @staticmethod
    def resolve_tax_total(obj: Any) -> str:
        return _money(obj, "tax_total")

    @staticmethod
    def resolve_total(obj: Any) -> str:
        return _money(obj, "total")

    @staticmethod
    def resolve_amount_paid(obj: Any) -> str:
        return _money(obj, "amount_paid")

    @staticmethod
    def resolve_balance(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["balance"])
        return money_text(obj.total - obj.amount_paid, obj.currency)


def _money(obj: Any, name: str) -> str:
    if isinstance(obj, dict):
        return str(obj[name])
    return money_text(getattr(obj, name), obj.currency)


class InvoiceOut(InvoiceSummaryOut):
    notes: str
    void_reason: str
    voided_at: dt.datetime | None
    credit_note_id: int | None = Field(description="The credit note of a void invoice")
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_credit_note_id(obj: Any) -> int | None:
        if isinstance(obj, dict):
            return obj.get("credit_note_id")
        if obj.status != InvoiceStatus.VOID:
            return None
        try:
            return int(obj.credit_note.pk)
        except ObjectDoesNotExist:
            return None

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        if isinstance(obj, dict):
            return list(obj["lines"])
        lines = list(obj.lines.all())
        for line in lines:
            line.invoice = obj  # the currency, without a query per line
        return lines


class LineIn(Schema):
    description: str = Field(min_length=1, max_length=500)
    quantity: Quantity = "1"
    unit_price: Amount
    discount_percent: Percent = "0"
    tax_rate: Percent = Field("0", description="One of the organization's tax rates")
    source: LineSource = Field(LineSource.MANUAL, description=(
        "manual, milestone, period or time_entries (credit lines come with credit notes)"))


class InvoiceCreate(Schema):
    client_id: Id
    currency: Currency | None = Field(None, description="The contract's currency by default")
    contract_id: Id | None = None
    project_id: Id | None = Field(None, description="The contract's project by default")
    language: Language | None = Field(None, description="The client's language by default")
    payment_terms_days: int | None = Field(None, ge=0, le=365, description=(
        "Days from the issue date to the due date (0: due on receipt); the contract's, or 30"))
    notes: str = Field("", max_length=5000)
    lines: list[LineIn] = Field(default_factory=list, max_length=500)


class InvoicePatch(Schema):
    version: int = VERSION
    language: Language | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    notes: str | None = Field(None, max_length=5000)
    project_id: Id | None = None
    currency: Currency | None = Field(None, description="Only while the draft has no lines")


class LineCreate(LineIn):
    version: int = VERSION


class LinePatch(Schema):
    version: int = VERSION
    description: str | None = Field(None, min_length=1, max_length=500)
    quantity: Quantity | None = None
    unit_price: Amount | None = None
    discount_percent: Percent | None = None
    tax_rate: Percent | None = None


class LinesReorder(Schema):
    version: int = VERSION
    line_ids: list[Id] = Field(min_length=1, max_length=500)


class InvoiceIssue(Schema):
    version: int = VERSION
    issue_date: dt.date | None = Field(None, description="Today by default")


class InvoiceVoid(Schema):
    version: int = VERSION
    reason: str = Field(min_length=1, max_length=2000)
