"""Invoices and credit notes with their lines, gapless numbering, payments and their allocations,
FX rates, billing settings and the reminder log.

Amounts are ``Decimal`` in the invoice's (or payment's) currency, stored with three decimal
places (KWD has three) and always rounded to the currency's minor unit by ``core.money``.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.clients.models import Client
from tandem.contracts.models import BillingLine, Contract
from tandem.core.models import Organization, TenantModel, User
from tandem.projects.models import Project

DEFAULT_TAX_RATES = ["0", "5", "8", "10"]  # Vietnam's VAT rates, in percent
DEFAULT_REMINDER_OFFSETS = [-3, 0, 3, 7, 14]  # days from the due date


class BillingSettings(models.Model):
    """One row per organization: who issues the invoices, how they are numbered, which tax rates
    apply, the base currency of reports, and when reminders go out."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="billing_settings")
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    tax_code = models.CharField(_("tax code"), max_length=40, blank=True)
    logo = models.BinaryField(blank=True, default=b"")  # PNG/JPEG/SVG, embedded in PDFs
    logo_type = models.CharField(max_length=40, blank=True)
    number_format = models.CharField(_("invoice number format"), max_length=60,
                                     default="INV-{year}-{seq:05d}")
    credit_note_format = models.CharField(_("credit note number format"), max_length=60,
                                          default="CN-{year}-{seq:05d}")
    tax_rates = models.JSONField(default=list)  # percent, as strings
    base_currency = models.CharField(_("base currency"), max_length=3, default="VND")
    reminder_offsets = models.JSONField(default=list)  # days from the due date
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Billing settings of {self.organization_id}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


OPEN_INVOICE_STATUSES = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID})


class NumberSequence(TenantModel):
    """The last number used per organization, kind and year; issuing locks the row, so numbers
    are gapless and unique under concurrency."""

    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "kind", "year"],
                                               name="billing_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Invoice(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="invoices")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="invoices")
    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices,
                            default=InvoiceKind.INVOICE)
    credits = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="credit_note")  # a credit note's invoice
    number = models.CharField(_("number"), max_length=60, blank=True)  # "" until issued
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(_("language"), max_length=2, default="vi")
    status = models.CharField(_("status"), max_length=16, choices=InvoiceStatus.choices,
                              default=InvoiceStatus.DRAFT)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    subtotal = models.DecimalField(_("subtotal"), default=0, max_digits=20, decimal_places=3)
    tax_total = models.DecimalField(_("tax"), default=0, max_digits=20, decimal_places=3)
    total = models.DecimalField(_("total"), default=0, max_digits=20, decimal_places=3)
    amount_paid = models.DecimalField(_("paid"), default=0, max_digits=20, decimal_places=3)
    notes = models.TextField(_("notes"), blank=True)
    void_reason = models.TextField(_("reason voided"), blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("invoice")
        ordering: ClassVar[list[str]] = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"],
                                    condition=~Q(number=""),
                                    name="billing_invoice_number_unique"),
            models.UniqueConstraint(fields=["organization", "kind", "year", "sequence"],
                                    condition=Q(sequence__isnull=False),
                                    name="billing_invoice_sequence_unique"),
            models.CheckConstraint(condition=Q(status="draft") | ~Q(number=""),
                                   name="billing_invoice_issued_has_number"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0)
                                   & Q(amount_paid__lte=models.F("total")),
                                   name="billing_invoice_paid_within_total"),
        ]
        indexes = [
            models.Index(fields=["organization", "client", "status"],
                         name="billing_invoice_client_idx"),
            models.Index(fields=["organization", "status", "due_date"],
                         name="billing_invoice_due_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft {self.pk}"


class LineSource(models.TextChoices):
    MILESTONE = "milestone", _("Billing milestone")
    PERIOD = "period", _("Retainer period")
    TIME_ENTRIES = "time_entries", _("Time entries")
    MANUAL = "manual", _("Manual")
    CREDIT = "credit", _("Credit")


class InvoiceLine(TenantModel):
    """A line: quantity x unit price, less a discount (percent), then tax (percent). ``net`` and
    ``tax`` are stored rounded to the currency's minor unit (the one rounding rule)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=16, choices=LineSource.choices,
                              default=LineSource.MANUAL)
    billing_line = models.ForeignKey(BillingLine, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="invoice_lines")
    source_ref = models.CharField(max_length=120, blank=True)  # e.g. time entry ids, later
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=20, decimal_places=3)
    discount_percent = models.DecimalField(_("discount %"), max_digits=6, decimal_places=3,
                                           default=0)
    tax_rate = models.DecimalField(_("tax %"), max_digits=6, decimal_places=3, default=0)
    net = models.DecimalField(_("net"), default=0, max_digits=20, decimal_places=3)
    tax = models.DecimalField(_("tax"), default=0, max_digits=20, decimal_places=3)

    class Meta:
        ordering: ClassVar[list[str]] = ["invoice_id", "position", "id"]

    def __str__(self) -> str:
        return self.description


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="payments")
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=3)
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.TextField(_("reason reversed"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("payment")
        ordering: ClassVar[list[str]] = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_positive"),
            models.CheckConstraint(condition=Q(reversed_at__isnull=True) | ~Q(reversal_reason=""),
                                   name="billing_payment_reversal_has_reason"),
        ]
        indexes = [models.Index(fields=["organization", "client", "received_on"],
                                name="billing_payment_client_idx")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.received_on}"


class Allocation(TenantModel):
    """The part of a payment applied to one invoice of the same client and currency."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=3)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_allocation_positive"),
            models.UniqueConstraint(fields=["payment", "invoice"],
                                    name="billing_allocation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of {self.payment_id} to {self.invoice_id}"


class FxRate(TenantModel):
    """How many units of the base currency one unit of ``currency`` was worth from ``valid_on``."""

    currency = models.CharField(_("currency"), max_length=3)
    base_currency = models.CharField(_("base currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    valid_on = models.DateField(_("valid from"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["currency", "-valid_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "currency", "base_currency",
                                            "valid_on"], name="billing_fx_unique"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="billing_fx_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} {self.base_currency} from {self.valid_on}"


class ReminderSent(TenantModel):
    """One reminder of one invoice at one offset from its due date: sent once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    offset_days = models.IntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invoice", "offset_days"],
                                               name="billing_reminder_once")]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.offset_days:+d}"
