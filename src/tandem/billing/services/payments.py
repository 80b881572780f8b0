"""Payments received from clients and their allocation to invoices.

A payment is recorded with its allocations in one transaction. The rows are locked in one fixed
order, the payment first and then its invoices by id, so two writers never wait on each other in
a circle; every check is made on the locked rows:

* the invoices belong to the payment's client and are in its currency;
* each is an issued or partially paid invoice (not a draft, a void invoice or a credit note);
* each allocation is above zero and at most the invoice's open amount (total less paid);
* the allocations together are at most the payment's amount (an over-allocation is refused
  with 422). What is not allocated stays on the payment as credit on account, to allocate later.

An invoice's ``amount_paid`` is the sum of the live allocations to it, and its status follows:
partially paid while something is open, paid when nothing is. A payment is never deleted: a
mistaken one is reversed with a reason, which takes its allocations back off the invoices (the
allocation rows stay, as history). Each state change of the payment and of every invoice it
touches is audited with its before and after values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from tandem.billing.access import ensure_can_bill_client
from tandem.billing.models import (
    OPEN_INVOICE_STATUSES,
    Allocation,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentMethod,
)
from tandem.clients.models import Client
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import Conflict, ValidationError
from tandem.core.money import ZERO, check_currency, format_money, parse_amount, round_money
from tandem.core.versioning import ensure_version

MAX_ALLOCATIONS = 200
REFERENCE_LENGTH = 120
REASON_LENGTH = 2000
INVOICE_AUDITED = ("amount_paid", "status")
PAYMENT_AUDITED = ("reversed_at", "reversal_reason")

AllocationRequest = tuple[Invoice | int, object]


def payment_record(
    *,
    actor: Actor,
    client: Client,
    currency: str,
    amount: object,
    received_on: dt.date,
    method: str,
    reference: str = "",
    allocations: Sequence[AllocationRequest] = (),
) -> Payment:
    """Record a payment of ``client`` and apply it to the given invoices, in one transaction."""
    ensure_can_bill_client(actor, client)
    code = check_currency(currency)
    value = parse_amount(amount, code)
    if value <= 0:
        raise ValidationError("The amount received must be above zero.", field="amount")
    if method not in PaymentMethod.values:
        raise ValidationError(
            f"Unknown method {method!r}; use one of: {', '.join(PaymentMethod.values)}.",
            field="method")
    if not isinstance(received_on, dt.date) or isinstance(received_on, dt.datetime):
        raise ValidationError("Give the day the payment was received.", field="received_on")
    if received_on > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError("A payment is recorded once it has been received, not before.",
                              code="payment_in_future", field="received_on")
    reference = (reference or "").strip()
    if len(reference) > REFERENCE_LENGTH:
        raise ValidationError(f"A reference has {REFERENCE_LENGTH} characters at most.",
                              field="reference")
    wanted = _requested(allocations, code)
    with transaction.atomic():
        payment = Payment.objects.create(
            organization=actor.organization, client=client, currency=code, amount=value,
            received_on=received_on, method=method, reference=reference, created_by=actor.user,
        )
        audit.record(actor=actor, action="payment.record", target=payment, changes={
            "client": [None, client.pk], "currency": [None, code], "amount": [None, str(value)],
            "received_on": [None, received_on.isoformat()], "method": [None, method],
            "reference": [None, reference],
        })
        if wanted:
            _apply(actor, payment, wanted, already=ZERO)
        _recompute_health_later(client.pk)
    return payment


def payment_allocate(
    *,
    actor: Actor,
    payment: Payment,
    allocations: Sequence[AllocationRequest],
    expected_version: int | None = None,
) -> Payment:
    """Apply more of a payment's unallocated amount (its credit on account) to invoices."""
    ensure_can_bill_client(actor, payment.client)
    wanted = _requested(allocations, payment.currency)
    if not wanted:
        raise ValidationError("Choose at least one invoice and an amount to allocate.",
                              code="no_allocation", field="allocations")
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if expected_version is not None:
            ensure_version(locked, expected_version=expected_version)
        if locked.reversed_at is not None:
            raise Conflict("This payment was reversed; it cannot be allocated.",
                           code="payment_reversed")
        already = allocated_of(locked)
        _apply(actor, locked, wanted, already=already)
        Payment.objects.filter(pk=locked.pk).update(version=locked.version + 1)
        locked.version += 1
        _recompute_health_later(locked.client_id)
    locked.client = payment.client
    return locked


def payment_reverse(
    *,
    actor: Actor,
    payment: Payment,
    reason: str,
    expected_version: int | None = None,
) -> Payment:
    """Undo a payment (never delete it): its allocations come back off the invoices, whose
    status returns to issued or partially paid; the payment keeps its rows and the reason."""
    ensure_can_bill_client(actor, payment.client)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the payment is reversed.", code="reason_required",
                              field="reason")
    if len(reason) > REASON_LENGTH:
        raise ValidationError(f"A reason has {REASON_LENGTH} characters at most.",
                              field="reason")
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if expected_version is not None:
            ensure_version(locked, expected_version=expected_version)
        if locked.reversed_at is not None:
            raise Conflict("This payment was already reversed.", code="payment_reversed")
        rows = list(Allocation.objects.filter(payment=locked).values_list("invoice_id",
                                                                          "amount"))
        amounts: dict[int, Decimal] = {}
        for invoice_id, value in rows:
            amounts[invoice_id] = amounts.get(invoice_id, ZERO) + value
        invoices = list(Invoice.objects.select_for_update().filter(pk__in=amounts)
                        .order_by("pk"))
        for invoice in invoices:
            invoice.amount_paid = round_money(invoice.amount_paid, invoice.currency)
            before = audit.snapshot(invoice, INVOICE_AUDITED)
            paid = round_money(invoice.amount_paid - amounts[invoice.pk], invoice.currency)
            if paid < 0:  # pragma: no cover - amount_paid is the sum of live allocations
                raise Conflict("The invoice's payments do not add up; nothing was reversed.",
                               code="allocation_mismatch")
            _set_paid(invoice, paid)
            audit.record(actor=actor, action="invoice.payment_reversed", target=invoice,
                         changes={**audit.diff(before, audit.snapshot(invoice, INVOICE_AUDITED)),
                                  "payment": [locked.pk, None]})
        before = audit.snapshot(locked, PAYMENT_AUDITED)
        locked.reversed_at = timezone.now()
        locked.reversal_reason = reason
        locked.version += 1
        locked.save(update_fields=["reversed_at", "reversal_reason", "version"])
        audit.record(actor=actor, action="payment.reverse", target=locked,
                     changes=audit.diff(before, audit.snapshot(locked, PAYMENT_AUDITED)))
        _recompute_health_later(locked.client_id)
    locked.client = payment.client
    return locked


def allocated_of(payment: Payment) -> Decimal:
    """What of ``payment`` is allocated to invoices (0 for a reversed payment's live share)."""
    total = Allocation.objects.filter(payment_id=payment.pk).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


# ------------------------------------------------------------------------------ helpers


def _requested(allocations: Iterable[AllocationRequest], currency: str) -> dict[int, Decimal]:
    """``{invoice id: amount}`` from the request, each amount a positive amount in ``currency``;
    an invoice named twice is refused."""
    wanted: dict[int, Decimal] = {}
    items = list(allocations)
    if len(items) > MAX_ALLOCATIONS:
        raise ValidationError(f"At most {MAX_ALLOCATIONS} invoices per payment.",
                              field="allocations")
    for invoice, raw in items:
        invoice_id = invoice.pk if isinstance(invoice, Invoice) else int(invoice)
        value = parse_amount(raw, currency, field="allocation")
        if value <= 0:
            raise ValidationError("Each allocation is an amount above zero.",
                                  code="allocation_not_positive", field="allocations")
        if invoice_id in wanted:
            raise ValidationError("An invoice appears twice in the allocations.",
                                  code="allocation_duplicate", field="allocations")
        wanted[invoice_id] = value
    return wanted


def _apply(actor: Actor, payment: Payment, wanted: dict[int, Decimal], *,
           already: Decimal) -> None:
    """Lock the invoices (by id), check every rule, then write allocations and invoices."""
    invoices = {i.pk: i for i in Invoice.objects.select_for_update()
                .filter(organization_id=payment.organization_id, pk__in=wanted).order_by("pk")}
    missing = sorted(set(wanted) - set(invoices))
    if missing:
        raise ValidationError(f"Invoice {missing[0]} not found.", code="unknown_invoice",
                              field="allocations")
    requested = round_money(sum(wanted.values(), ZERO), payment.currency)
    if already + requested > payment.amount:
        left = payment.amount - already
        raise ValidationError(
            f"The allocations ({format_money(requested, payment.currency)}) are more than the "
            f"payment has left to allocate ({format_money(left, payment.currency)}).",
            code="over_allocation", field="allocations")
    for invoice_id in sorted(wanted):
        invoice = invoices[invoice_id]
        label = invoice.number or f"#{invoice.pk}"
        if invoice.client_id != payment.client_id:
            raise ValidationError(f"Invoice {label} belongs to another client.",
                                  code="allocation_other_client", field="allocations")
        if invoice.currency != payment.currency:
            raise ValidationError(
                f"Invoice {label} is in {invoice.currency}, the payment in {payment.currency}.",
                code="allocation_other_currency", field="allocations")
        if invoice.kind != InvoiceKind.INVOICE or invoice.status not in OPEN_INVOICE_STATUSES:
            raise ValidationError(
                f"Invoice {label} is not open for payment ({invoice.get_status_display()}).",
                code="invoice_not_open", field="allocations")
        open_amount = invoice.total - invoice.amount_paid
        if wanted[invoice_id] > open_amount:
            raise ValidationError(
                f"{format_money(wanted[invoice_id], invoice.currency)} is more than the "
                f"{format_money(open_amount, invoice.currency)} open on invoice {label}.",
                code="over_allocation", field="allocations")
    existing = {a.invoice_id: a for a in Allocation.objects.filter(payment=payment,
                                                                     invoice_id__in=wanted)}
    created = []
    for invoice_id in sorted(wanted):
        value = wanted[invoice_id]
        invoice = invoices[invoice_id]
        if invoice_id in existing:
            row = existing[invoice_id]
            Allocation.objects.filter(pk=row.pk).update(amount=row.amount + value)
        else:
            created.append(Allocation(organization_id=payment.organization_id, payment=payment,
                                      invoice=invoice, amount=value))
        invoice.amount_paid = round_money(invoice.amount_paid, invoice.currency)
        before = audit.snapshot(invoice, INVOICE_AUDITED)
        _set_paid(invoice, round_money(invoice.amount_paid + value, invoice.currency))
        audit.record(actor=actor, action="invoice.payment_applied", target=invoice,
                     changes={**audit.diff(before, audit.snapshot(invoice, INVOICE_AUDITED)),
                              "payment": [None, payment.pk]})
    Allocation.objects.bulk_create(created)
    audit.record(actor=actor, action="payment.allocate", target=payment, changes={
        "allocated": [str(already), str(already + requested)],
        "allocations": [None, [{"invoice": i, "amount": str(wanted[i])} for i in sorted(wanted)]],
    })


def _set_paid(invoice: Invoice, paid: Decimal) -> None:
    """Write an invoice's new paid amount and the status that follows (a void invoice stays
    void), bumping its version so an edit based on the old row is refused."""
    fields: dict[str, Any] = {"amount_paid": paid}
    if invoice.status in OPEN_INVOICE_STATUSES or invoice.status == InvoiceStatus.PAID:
        if paid <= 0:
            fields["status"] = InvoiceStatus.ISSUED
        elif paid >= invoice.total:
            fields["status"] = InvoiceStatus.PAID
        else:
            fields["status"] = InvoiceStatus.PARTIALLY_PAID
    fields["version"] = invoice.version + 1
    Invoice.objects.filter(pk=invoice.pk).update(**fields)
    for name, value in fields.items():
        setattr(invoice, name, value)


def _recompute_health_later(client_id: int) -> None:
    from tandem.clients.tasks import recompute_health

    transaction.on_commit(lambda: recompute_health.delay(client_id))
