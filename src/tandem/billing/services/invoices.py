"""Writes of invoices and credit notes: drafts and their lines, issuing (with its number),
voiding (with a credit note) and deleting drafts.

The rounding rule (the one rule, used by every line, preview, PDF and test)
--------------------------------------------------------------------------
For each line, in the invoice's currency::

    net = round_money(quantity * unit_price * (1 - discount_percent / 100))
    tax = round_money(net * tax_rate / 100)

and for the invoice::

    subtotal  = Σ net        (of the rounded nets)
    tax_total = Σ tax        (of the rounded taxes)
    total     = subtotal + tax_total

``round_money`` rounds half away from zero to the currency's minor unit (VND 0 decimals, USD 2,
JPY 0, KWD 3). The products are computed exactly (a wide decimal context), so nothing is rounded
anywhere but at those two points, and the lines, the tax and the total always reconcile. Tax per
rate on the PDF is the sum of the rounded taxes of that rate's lines, likewise.

Lifecycle: draft → issued → partially paid → paid (payments move those), and issued → void with
a credit note. Only drafts are edited; every edit names the invoice ``version`` it was based on
(a stale one is a 409) and stores the recomputed totals in the same transaction. An issued
invoice is never edited or deleted. Every change writes an audit entry with before and after.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.billing.access import ensure_can_bill_client
from tandem.billing.models import (
    Allocation,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineSource,
)
from tandem.billing.services import numbering
from tandem.billing.services.settings import billing_settings_for, tax_rates
from tandem.clients.models import Client
from tandem.contracts.models import BillingLine, Contract
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, NotFound, ValidationError
from tandem.core.money import MAX_AMOUNT, check_currency, minor_digits, parse_amount, round_money
from tandem.core.versioning import ensure_version, update_versioned
from tandem.projects.models import Project

LANGUAGES = ("en", "vi")
DEFAULT_TERMS_DAYS = 30
MAX_TERMS_DAYS = 365
MAX_LINES = 500
MAX_QUANTITY = Decimal(10) ** 10  # NUMERIC(14, 4)
QUANTITY_PLACES = 4
PERCENT_PLACES = 3
HUNDRED = Decimal(100)
TOTAL_FIELDS = ("subtotal", "tax_total", "total")
INVOICE_FIELDS = ("language", "payment_terms_days", "notes", "project_id", "currency")
LINE_FIELDS = ("description", "quantity", "unit_price", "discount_percent", "tax_rate")
# Exact products: 14 + 20 + 6 digits fit well inside 60.
EXACT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP)
LINE_SOURCES = frozenset({LineSource.MANUAL, LineSource.MILESTONE, LineSource.PERIOD,
                            LineSource.TIME_ENTRIES})


# ------------------------------------------------------------------------------ arithmetic
@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal


def line_amounts(*, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal,
                 tax_rate: Decimal, currency: str) -> LineAmounts:
    """The rounding rule for one line (see the module's docstring)."""
    with decimal.localcontext(EXACT):
        gross = quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED
        net = round_money(gross, currency)
        tax = round_money(net * tax_rate / HUNDRED, currency)
    return LineAmounts(net=net, tax=tax)


@dataclass
class Totals:
    currency: str
    subtotal: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    # rate -> [net, tax] of the lines at that rate, for the PDF's tax summary
    by_rate: dict[Decimal, list[Decimal]] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax_total

    def add(self, amounts: LineAmounts, tax_rate: Decimal) -> None:
        self.subtotal += amounts.net
        self.tax_total += amounts.tax
        summary = self.by_rate.setdefault(tax_rate.normalize(), [Decimal(0), Decimal(0)])
        summary[0] += amounts.net
        summary[1] += amounts.tax

    def stored(self) -> dict[str, Decimal]:
        q = Decimal(1).scaleb(-minor_digits(self.currency))
        return {"subtotal": self.subtotal.quantize(q), "tax_total": self.tax_total.quantize(q),
                "total": self.total.quantize(q)}


def totals_of(lines: Iterable[Any], currency: str) -> Totals:
    """Totals of lines that carry ``net``, ``tax`` and ``tax_rate`` (already rounded)."""
    totals = Totals(currency=currency)
    for line in lines:
        totals.add(LineAmounts(net=Decimal(line.net), tax=Decimal(line.tax)),
                   Decimal(line.tax_rate))
    return totals


# ------------------------------------------------------------------------------ input checks
def check_line(values: Mapping[str, Any], *, currency: str,
               rates: Sequence[Decimal]) -> dict[str, Any]:
    """A line's fields checked: description, quantity (> 0, 4 decimals at most), unit price (the
    currency's minor digits at most), discount (0 to 100 %) and a tax rate of the organization."""
    description = str(values.get("description") or "").strip()
    if not description:
        raise ValidationError("Describe the line.", code="required", field="description")
    if len(description) > 500:
        raise ValidationError("A line's description is 500 characters at most.",
                              field="description")
    quantity = _decimal(values.get("quantity", 1), "quantity")
    if quantity <= 0 or quantity >= MAX_QUANTITY:
        raise ValidationError("The quantity must be more than 0 and less than 10 billion.",
                              field="quantity")
    if quantity != quantity.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)):
        raise ValidationError("A quantity has 4 decimal places at most.", field="quantity")
    if values.get("unit_price") in (None, ""):
        raise ValidationError("Give the unit price.", code="required", field="unit_price")
    unit_price = parse_amount(values["unit_price"], currency, field="unit_price")
    discount = _percent(values.get("discount_percent") or 0, "discount_percent", "discount")
    rate = _percent(values.get("tax_rate") or 0, "tax_rate", "tax rate")
    if rate not in rates:
        allowed = ", ".join(f"{r.normalize():f} %" for r in rates)
        raise ValidationError(f"Use one of the organization's tax rates: {allowed}.",
                              code="unknown_tax_rate", field="tax_rate")
    amounts = line_amounts(quantity=quantity, unit_price=unit_price, discount_percent=discount,
                           tax_rate=rate, currency=currency)
    if amounts.net + amounts.tax >= MAX_AMOUNT:
        raise ValidationError("This line's amount is too large.", field="unit_price")
    return {"description": description, "quantity": quantity, "unit_price": unit_price,
            "discount_percent": discount, "tax_rate": rate}


def _decimal(value: Any, name: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"The {name.replace('_', ' ')} must be a number.",
                              field=name) from None
    if not number.is_finite():
        raise ValidationError(f"The {name.replace('_', ' ')} must be a number.", field=name)
    return number


def _percent(value: Any, name: str, label: str) -> Decimal:
    number = _decimal(value, name)
    if not Decimal(0) <= number <= HUNDRED:
        raise ValidationError(f"The {label} is a percentage from 0 to 100.", field=name)
    if number != number.quantize(Decimal(1).scaleb(-PERCENT_PLACES)):
        raise ValidationError(f"The {label} has 3 decimal places at most.", field=name)
    return number


def check_language(value: Any) -> str:
    language = str(value or "").strip().lower()
    if language not in LANGUAGES:
        raise ValidationError("An invoice is in English (en) or Vietnamese (vi).",
                              field="language")
    return language


def check_terms(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 0 <= value <= MAX_TERMS_DAYS:
        raise ValidationError(f"Payment terms are 0 (due on receipt) to {MAX_TERMS_DAYS} days.",
                              field="payment_terms_days")
    return value


def default_language(client: Client) -> str:
    """The client's language when an invoice can be in it, else the organization's default."""
    language = (client.language or "")[:2].lower()
    if language in LANGUAGES:
        return language
    fallback = str(django_settings.LANGUAGE_CODE)[:2]
    return fallback if fallback in LANGUAGES else "en"


# ------------------------------------------------------------------------------ drafts
def invoice_create(
    *,
    actor: Actor,
    client: Client,
    currency: str | None = None,
    contract_id: int | None = None,
    project_id: int | None = None,
    language: str | None = None,
    payment_terms_days: int | None = None,
    notes: str = "",
    lines: Sequence[Mapping[str, Any]] = (),
) -> Invoice:
    """A draft invoice of ``client`` by hand; currency, project and payment terms default from
    the contract, the language from the client."""
    ensure_can_bill_client(actor, client)
    contract = _contract(actor, client, contract_id)
    if currency in (None, ""):
        if contract is None:
            raise ValidationError("Give the invoice's currency.", code="required",
                                  field="currency")
        currency = contract.currency
    code = check_currency(currency)
    if contract is not None and contract.currency != code:
        raise ValidationError(f"The contract is in {contract.currency}; its invoices are too.",
                              code="currency_mismatch", field="currency")
    if project_id is None and contract is not None:
        project_id = contract.project_id
    project = _project(actor, client, project_id)
    terms = check_terms(payment_terms_days if payment_terms_days is not None
                        else contract.payment_terms_days if contract is not None
                        else DEFAULT_TERMS_DAYS)
    if len(lines) > MAX_LINES:
        raise ValidationError(f"An invoice has {MAX_LINES} lines at most.", field="lines")
    rates = tax_rates(billing_settings_for(actor.organization))
    checked = [(check_line(values, currency=code, rates=rates),
                _source(values.get("source", LineSource.MANUAL))) for values in lines]
    with transaction.atomic():
        invoice = Invoice.objects.create(
            organization=actor.organization, client=client, contract=contract,
            project=project, currency=code,
            language=check_language(language) if language else default_language(client),
            payment_terms_days=terms, notes=_notes(notes), created_by=actor.user,
        )
        for position, (values, source) in enumerate(checked, start=1):
            _create_line(invoice, values, position=position, source=source)
        _store_totals(invoice)
        audit.record(actor=actor, action="invoice.create", target=invoice, changes={
            "status": [None, invoice.status], "client_id": [None, client.pk],
            "currency": [None, code], "contract_id": [None, invoice.contract_id],
            "project_id": [None, invoice.project_id], "language": [None, invoice.language],
            "payment_terms_days": [None, terms], "lines": [0, len(checked)],
            "total": [None, audit.json_value(invoice.total)],
        })
    return invoice


def invoice_update(*, actor: Actor, invoice: Invoice, expected_version: int,
                   changes: Mapping[str, Any]) -> Invoice:
    """A draft's language, payment terms, notes, project, or currency (while it has no lines)."""
    ensure_can_bill_client(actor, invoice.client)
    unknown = set(changes) - set(INVOICE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown invoice fields: {', '.join(sorted(unknown))}.")
    values: dict[str, Any] = {}
    if "language" in changes:
        values["language"] = check_language(changes["language"])
    if "payment_terms_days" in changes:
        values["payment_terms_days"] = check_terms(changes["payment_terms_days"])
    if "notes" in changes:
        values["notes"] = _notes(changes["notes"])
    if "project_id" in changes:
        project = _project(actor, invoice.client, changes["project_id"])
        values["project_id"] = project.pk if project is not None else None
    if "currency" in changes:
        values["currency"] = check_currency(changes["currency"])
    with transaction.atomic():
        locked = lock_draft(invoice, expected_version)
        if values.get("currency", locked.currency) != locked.currency:
            if locked.lines.exists():
                raise Conflict("Remove the lines before changing the invoice's currency.",
                               code="invoice_has_lines", field="currency")
            if locked.contract is not None:
                raise ValidationError(f"The contract is in {locked.contract.currency}; its "
                                      "invoices are too.", code="currency_mismatch",
                                      field="currency")
        before = audit.snapshot(locked, values)
        fields = {k: v for k, v in values.items() if before[k] != audit.json_value(v)}
        if not fields:
            return locked
        update_versioned(locked, expected_version=expected_version, fields=fields)
        audit.record(actor=actor, action="invoice.update", target=locked,
                     changes=audit.diff({k: before[k] for k in fields},
                                        audit.snapshot(locked, fields)))
    return locked


def invoice_delete(*, actor: Actor, invoice: Invoice) -> None:
    """Only a draft is deleted; the billing lines it invoiced wait for a new draft again."""
    ensure_can_bill_client(actor, invoice.client)
    with transaction.atomic():
        locked = lock_draft(invoice, None)
        billing_line_ids = list(locked.lines.exclude(billing_line=None)
                                .values_list("billing_line_id", flat=True))
        audit.record(actor=actor, action="invoice.delete", target=locked, changes={
            "status": [locked.status, None], "total": [audit.json_value(locked.total), None],
            "client_id": [locked.client_id, None],
        })
        for billing_line in BillingLine.objects.select_for_update().filter(
                pk__in=billing_line_ids).exclude(invoiced_at=None):
            BillingLine.objects.filter(pk=billing_line.pk).update(invoiced_at=None)
            audit.record(actor=actor, action="billing_line.uninvoiced", target=billing_line,
                         changes={"invoiced_at": [audit.json_value(billing_line.invoiced_at),
                                                  None]})
        locked.delete()


def line_add(
    *, actor: Actor, invoice: Invoice, expected_version: int, values: Mapping[str, Any],
    source: str = LineSource.MANUAL, billing_line: BillingLine | None = None,
    source_ref: str = "",
) -> InvoiceLine:
    """A new last line of a draft; the invoice's totals are recomputed and stored."""
    ensure_can_bill_client(actor, invoice.client)
    kind = _source(source)
    rates = tax_rates(billing_settings_for(actor.organization))
    with transaction.atomic():
        locked = lock_draft(invoice, expected_version)
        if locked.lines.count() >= MAX_LINES:
            raise ValidationError(f"An invoice has {MAX_LINES} lines at most.", field="lines")
        checked = check_line(values, currency=locked.currency, rates=rates)
        position = max(locked.lines.values_list("position", flat=True), default=0) + 1
        line = _create_line(locked, checked, position=position, source=kind,
                            billing_line=billing_line, source_ref=source_ref)
        totals = _totals_change(locked, expected_version)
        audit.record(actor=actor, action="invoice.line_add", target=line, changes={
            **{k: [None, audit.json_value(getattr(line, k))]
               for k in (*LINE_FIELDS, "net", "tax", "source", "position")},
            "invoice_id": [None, locked.pk], **totals,
        })
    return line


def line_update(*, actor: Actor, invoice: Invoice, line_id: int, expected_version: int,
                changes: Mapping[str, Any]) -> InvoiceLine:
    """Change a draft's line; its net and tax and the invoice's totals are recomputed."""
    ensure_can_bill_client(actor, invoice.client)
    unknown = set(changes) - set(LINE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown line fields: {', '.join(sorted(unknown))}.")
    rates = tax_rates(billing_settings_for(actor.organization))
    with transaction.atomic():
        locked = lock_draft(invoice, expected_version)
        line = _line(locked, line_id)
        current = {k: getattr(line, k) for k in LINE_FIELDS}
        checked = check_line({**current, **changes}, currency=locked.currency, rates=rates)
        amounts = line_amounts(currency=locked.currency, **{
            k: checked[k] for k in ("quantity", "unit_price", "discount_percent", "tax_rate")})
        if all(checked[k] == current[k] for k in LINE_FIELDS):
            return line
        names = (*LINE_FIELDS, "net", "tax")
        before = audit.snapshot(line, names)
        new = {**checked, "net": amounts.net, "tax": amounts.tax}
        InvoiceLine.objects.filter(pk=line.pk).update(**new)
        for name, value in new.items():
            setattr(line, name, value)
        totals = _totals_change(locked, expected_version)
        audit.record(actor=actor, action="invoice.line_update", target=line,
                     changes={**audit.diff(before, audit.snapshot(line, names)), **totals})
    return line


def line_remove(*, actor: Actor, invoice: Invoice, line_id: int, expected_version: int) -> None:
    ensure_can_bill_client(actor, invoice.client)
    with transaction.atomic():
        locked = lock_draft(invoice, expected_version)
        line = _line(locked, line_id)
        before = audit.snapshot(line, (*LINE_FIELDS, "net", "tax", "source"))
        if line.billing_line_id is not None:
            BillingLine.objects.filter(pk=line.billing_line_id).update(invoiced_at=None)
            before["billing_line_invoiced"] = True
        line.delete()
        totals = _totals_change(locked, expected_version)
        changes = {k: [v, None] for k, v in before.items()}
        audit.record(actor=actor, action="invoice.line_remove", target=locked,
                     changes={**changes, "line_id": [line_id, None], **totals})


def lines_reorder(*, actor: Actor, invoice: Invoice, expected_version: int,
                  line_ids: Sequence[int]) -> Invoice:
    """Put a draft's lines in this order (every line named once)."""
    ensure_can_bill_client(actor, invoice.client)
    with transaction.atomic():
        locked = lock_draft(invoice, expected_version)
        current = list(locked.lines.order_by("position", "id").values_list("pk", flat=True))
        if sorted(current) != sorted(line_ids) or len(set(line_ids)) != len(line_ids):
            raise ValidationError("Name every line of the invoice once, in the new order.",
                                  code="line_order", field="line_ids")
        if list(line_ids) == current:
            return locked
        for position, line_id in enumerate(line_ids, start=1):
            InvoiceLine.objects.filter(pk=line_id).update(position=position)
        update_versioned(locked, expected_version=expected_version, fields={})
        audit.record(actor=actor, action="invoice.lines_reorder", target=locked,
                     changes={"line_order": [current, list(line_ids)]})
    return locked


# ------------------------------------------------------------------------------ issue, void
def invoice_issue(*, actor: Actor, invoice: Invoice, expected_version: int,
                  issue_date: dt.date | None = None) -> Invoice:
    """Issue a draft: its number (gapless, per organization, kind and year of the issue date),
    issue and due dates, status issued, in one transaction. A draft without lines or with a
    total of zero is not issued."""
    ensure_can_bill_client(actor, invoice.client)
    day = issue_date or timezone.localdate()
    with transaction.atomic():
        locked = lock_draft(invoice, expected_version)
        if not locked.lines.exists():
            raise ValidationError("Add at least one line before issuing the invoice.",
                                  code="invoice_empty")
        if locked.total <= 0:
            raise ValidationError("An invoice with a total of zero is not issued.",
                                  code="invoice_zero")
        _issue(actor, locked, expected_version=expected_version, day=day,
               due_date=day + dt.timedelta(days=locked.payment_terms_days),
               action="invoice.issue")
    return locked


def invoice_void(*, actor: Actor, invoice: Invoice, expected_version: int,
                 reason: str) -> Invoice:
    """Void an issued invoice with a credit note that mirrors its lines (issued at once, with its
    own number). An invoice with payments allocated to it is not voided: reverse them first.
    Returns the credit note."""
    ensure_can_bill_client(actor, invoice.client)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError("Say why the invoice is voided.", code="required", field="reason")
    if len(reason) > 2000:
        raise ValidationError("The reason is 2,000 characters at most.", field="reason")
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock(invoice)
        if locked.kind == InvoiceKind.CREDIT_NOTE:
            raise Conflict("A credit note is not voided.", code="credit_note_final")
        if locked.status == InvoiceStatus.DRAFT:
            raise Conflict("A draft is not voided: delete it instead.", code="invoice_draft")
        if locked.status == InvoiceStatus.VOID:
            raise Conflict("This invoice is already void.", code="invoice_void")
        ensure_version(locked, expected_version=expected_version)
        paid = Allocation.objects.filter(invoice=locked, payment__reversed_at=None).exists()
        if paid or locked.amount_paid > 0:
            raise Conflict("Payments are allocated to this invoice: reverse them before voiding "
                           "it.", code="invoice_has_payments")
        before = audit.snapshot(locked, ("status", "void_reason", "voided_at"))
        update_versioned(locked, expected_version=expected_version, fields={
            "status": InvoiceStatus.VOID, "void_reason": reason, "voided_at": timezone.now()})
        credit = Invoice.objects.create(
            organization_id=locked.organization_id, client=locked.client,
            contract=locked.contract, project=locked.project, kind=InvoiceKind.CREDIT_NOTE,
            credits=locked, currency=locked.currency, language=locked.language,
            payment_terms_days=0, notes=reason, created_by=actor.user,
        )
        for line in locked.lines.order_by("position", "id"):
            InvoiceLine.objects.create(
                organization=actor.organization, invoice=credit, position=line.position,
                source=LineSource.CREDIT, source_ref=f"invoice-line:{line.pk}",
                description=line.description, quantity=line.quantity,
                unit_price=line.unit_price, discount_percent=line.discount_percent,
                tax_rate=line.tax_rate, net=line.net, tax=line.tax)
        _store_totals(credit)
        audit.record(actor=actor, action="invoice.void", target=locked, changes={
            **audit.diff(before, audit.snapshot(locked, ("status", "void_reason", "voided_at"))),
            "credit_note_id": [None, credit.pk]})
        audit.record(actor=actor, action="invoice.create", target=credit, changes={
            "status": [None, InvoiceStatus.DRAFT], "kind": [None, credit.kind],
            "credits_id": [None, locked.pk], "total": [None, audit.json_value(credit.total)]})
        # A credit note is owed by nobody: it has no due date, so it is never overdue.
        _issue(actor, credit, expected_version=credit.version, day=today, due_date=None,
               action="credit_note.issue")
    return credit


# ------------------------------------------------------------------------------ helpers
def lock_draft(invoice: Invoice, expected_version: int | None) -> Invoice:
    """The invoice read again under a row lock; refused unless it is a draft of that version."""
    locked = _lock(invoice)
    if locked.status != InvoiceStatus.DRAFT:
        raise Conflict(f"An invoice that is {locked.get_status_display().lower()} is never "
                       "edited or deleted; void it with a credit note instead.",
                       code="invoice_not_draft")
    if expected_version is not None:
        ensure_version(locked, expected_version=expected_version)
    return locked


def _lock(invoice: Invoice) -> Invoice:
    locked = Invoice.objects.select_for_update(no_key=True).get(pk=invoice.pk)
    for name, value in invoice._state.fields_cache.items():
        locked._state.fields_cache[name] = value
    return locked


def _issue(actor: Actor, invoice: Invoice, *, expected_version: int, day: dt.date,
           due_date: dt.date | None, action: str) -> None:
    settings = billing_settings_for(actor.organization)
    number, sequence = numbering.next_number(settings=settings, kind=invoice.kind, year=day.year)
    names = ("status", "number", "year", "sequence", "issue_date", "due_date")
    before = audit.snapshot(invoice, names)
    try:
        with transaction.atomic():
            update_versioned(invoice, expected_version=expected_version, fields={
                "status": InvoiceStatus.ISSUED, "number": number, "year": day.year,
                "sequence": sequence, "issue_date": day, "due_date": due_date})
    except IntegrityError:
        raise Conflict(f"The number {number} is already used; check the number format in the "
                       "billing settings.", code="number_taken") from None
    audit.record(actor=actor, action=action, target=invoice,
                 changes=audit.diff(before, audit.snapshot(invoice, names)))


def _create_line(invoice: Invoice, values: Mapping[str, Any], *, position: int, source: str,
                 billing_line: BillingLine | None = None, source_ref: str = "") -> InvoiceLine:
    amounts = line_amounts(currency=invoice.currency, **{
        k: values[k] for k in ("quantity", "unit_price", "discount_percent", "tax_rate")})
    return InvoiceLine.objects.create(
        organization_id=invoice.organization_id, invoice=invoice, position=position,
        source=source, billing_line=billing_line, source_ref=source_ref[:120],
        net=amounts.net, tax=amounts.tax, **values)


def _store_totals(invoice: Invoice) -> None:
    """Write the totals of a new invoice (no version check: nobody else has seen it)."""
    totals = totals_of(invoice.lines.all(), invoice.currency).stored()
    Invoice.objects.filter(pk=invoice.pk).update(**totals)
    for name, value in totals.items():
        setattr(invoice, name, value)


def _totals_change(invoice: Invoice, expected_version: int) -> dict[str, list[Any]]:
    """Recompute and store the totals with the version check; the audit's before and after."""
    totals = totals_of(invoice.lines.all(), invoice.currency).stored()
    if totals["total"] >= MAX_AMOUNT:
        raise ValidationError("The invoice's total would be too large.", field="lines")
    before = audit.snapshot(invoice, TOTAL_FIELDS)
    update_versioned(invoice, expected_version=expected_version, fields=totals)
    after = audit.snapshot(invoice, TOTAL_FIELDS)
    return {f"invoice_{k}": [before[k], after[k]] for k in TOTAL_FIELDS if before[k] != after[k]}


def _line(invoice: Invoice, line_id: Any) -> InvoiceLine:
    line = InvoiceLine.objects.filter(invoice=invoice, pk=line_id).first() \
        if isinstance(line_id, int) and not isinstance(line_id, bool) else None
    if line is None:
        raise NotFound("Invoice line not found.")
    return line


def _source(value: Any) -> str:
    if value not in LINE_SOURCES:
        raise ValidationError("A line's source is milestone, period, time_entries or manual "
                              "(credit lines come with credit notes).", field="source")
    return str(value)


def _notes(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > 5000:
        raise ValidationError("Notes are 5,000 characters at most.", field="notes")
    return text


def _contract(actor: Actor, client: Client, contract_id: Any) -> Contract | None:
    if contract_id in (None, ""):
        return None
    contract = Contract.objects.filter(organization_id=actor.organization.pk, client=client,
                                       pk=contract_id).first()
    if contract is None:
        raise ValidationError("No such contract of this client.", field="contract_id")
    return contract


def _project(actor: Actor, client: Client, project_id: Any) -> Project | None:
    if project_id in (None, ""):
        return None
    project = Project.objects.filter(organization_id=actor.organization.pk, client=client,
                                     pk=project_id).first()
    if project is None:
        raise ValidationError("No such project of this client.", field="project_id")
    return project


def preview_line(invoice: Invoice, *, line_id: int | None,
                 values: Mapping[str, Any]) -> tuple[LineAmounts, Totals]:
    """What a line being typed would amount to, and the invoice's totals with it (replacing
    line ``line_id``, or added): the same arithmetic as saving, nothing stored."""
    rates = tax_rates(billing_settings_for(invoice.organization_id))
    checked = check_line(values, currency=invoice.currency, rates=rates)
    amounts = line_amounts(currency=invoice.currency, **{
        k: checked[k] for k in ("quantity", "unit_price", "discount_percent", "tax_rate")})
    totals = totals_of([line for line in invoice.lines.all() if line.pk != line_id],
                       invoice.currency)
    totals.add(amounts, checked["tax_rate"])
    return amounts, totals
