"""Contracts with their rate cards, billing schedules and amendments."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.clients.models import Client, Need
from tandem.core.models import TenantModel, User
from tandem.projects.models import Deliverable, Project, Task


class ContractType(models.TextChoices):
    FIXED_PRICE = "fixed_price", _("Fixed price")
    TIME_AND_MATERIALS = "time_materials", _("Time and materials")
    RETAINER = "retainer", _("Retainer")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.SIGNED}),
    ContractStatus.SIGNED: frozenset({ContractStatus.ACTIVE, ContractStatus.TERMINATED}),
    ContractStatus.ACTIVE: frozenset({ContractStatus.COMPLETED, ContractStatus.TERMINATED}),
    ContractStatus.COMPLETED: frozenset(),
    ContractStatus.TERMINATED: frozenset(),
}


class Contract(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contracts")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="contracts")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=ContractType.choices)
    currency = models.CharField(_("currency"), max_length=3)
    total_value = models.DecimalField(_("total value"), null=True, blank=True, max_digits=20,
                                      decimal_places=3)
    monthly_fee = models.DecimalField(_("monthly fee"), null=True, blank=True, max_digits=20,
                                      decimal_places=3)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # 0 = due on receipt
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices,
                              default=ContractStatus.DRAFT)
    needs: models.ManyToManyField[Need, ContractNeed] = models.ManyToManyField(
        Need, blank=True, related_name="contracts", through="ContractNeed")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("contract")
        ordering: ClassVar[list[str]] = ["-start_date", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"],
                                    name="contracts_contract_code_unique"),
            models.CheckConstraint(condition=Q(end_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date")),
                                   name="contracts_contract_dates_ordered"),
        ]
        indexes = [models.Index(fields=["organization", "client", "status"],
                                name="contracts_contract_client_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ContractNeed(TenantModel):
    """A client's need the contract covers; signing carries it into the project's scope."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "need"],
                                               name="contracts_contract_need_unique")]

    def __str__(self) -> str:
        return f"{self.contract_id}:{self.need_id}"


class RateUnit(models.TextChoices):
    HOUR = "hour", _("Per hour")
    DAY = "day", _("Per day")


class RateCardLine(TenantModel):
    """A bill rate for a role (or one person), per hour or per day, valid between two dates."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rates")
    role = models.CharField(_("role"), max_length=80, blank=True)
    person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("person"))
    unit = models.CharField(_("unit"), max_length=4, choices=RateUnit.choices,
                            default=RateUnit.HOUR)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=3)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["contract_id", "role", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(role="") | Q(person__isnull=False),
                                   name="contracts_rate_names_role_or_person"),
        ]

    def __str__(self) -> str:
        return f"{self.role or self.person_id} {self.rate}/{self.unit}"


class BillingKind(models.TextChoices):
    MILESTONE = "milestone", _("Milestone")
    PERIODIC = "periodic", _("Periodic")


class BillingLine(TenantModel):
    """A line of the billing schedule: a milestone payment (an amount or a percentage of the
    contract value, due when its project milestone is complete and its deliverable accepted), or
    a retainer period."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="billing_lines")
    kind = models.CharField(_("kind"), max_length=10, choices=BillingKind.choices)
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(_("amount"), null=True, blank=True, max_digits=20,
                                 decimal_places=3)
    percentage = models.DecimalField(_("percentage"), max_digits=6, decimal_places=3, null=True,
                                     blank=True)
    milestone = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="billing_lines", verbose_name=_("milestone"))
    deliverable = models.ForeignKey(Deliverable, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="billing_lines",
                                    verbose_name=_("deliverable"))
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    due_date = models.DateField(_("planned date"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    invoiced_at = models.DateTimeField(null=True, blank=True)  # when its draft was created
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar[list[str]] = ["contract_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(percentage__isnull=True),
                name="contracts_billing_amount_or_percentage"),
        ]

    def __str__(self) -> str:
        return self.name


class Amendment(TenantModel):
    """A change to a signed contract (value, dates, rate card, schedule) with its reason and
    effective date; ``changes`` keeps ``{field: [before, after]}`` so the history is complete."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    effective_date = models.DateField(_("effective date"))
    changes = models.JSONField(default=dict)
    source = models.CharField(max_length=64, blank=True)  # e.g. a change request, later
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("amendment")
        ordering: ClassVar[list[str]] = ["contract_id", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"],
                                               name="contracts_amendment_number_unique")]

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.number}"
