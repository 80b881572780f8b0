"""Invoice drafts made by Tandem itself, for finance or the account manager to check and issue.

* **Billing milestones.** The PM side tells us (``projects.events.on_milestone_ready``, after its
  transaction commits) when a milestone may have become billable. Each milestone line of the
  billing schedule linked to it gets one draft with one ``milestone`` line once the milestone task
  is complete (``actual_finish``) and its deliverable is accepted: the line's own deliverable if
  it names one, else every deliverable tied to the milestone (a milestone without deliverables
  waits only for completion). The amount is the line's amount, or its percentage of the
  contract's total value. The billing line's ``invoiced_at`` is set in the same transaction, under
  a row lock, so a second call (or a concurrent one) creates nothing.
* **Retainer periods.** ``create_retainer_drafts`` (a daily background job) gives each active
  retainer contract one draft per period that has begun: each periodic line of its billing
  schedule, or, without periodic lines, its monthly fee for the current calendar month. A period
  is never drafted twice (periodic lines carry ``invoiced_at``; monthly fees are found by the
  ``period:YYYY-MM`` reference of their invoice line, under a lock of the contract).

The draft's tax rate is that of the contract's latest invoice line, else the organization's
highest rate (the standard VAT); whoever issues the draft can change it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from decimal import Decimal

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from tandem.billing.models import Invoice, InvoiceLine, LineSource
from tandem.billing.services import invoices as invoice_services
from tandem.billing.services.settings import billing_settings_for, tax_rates
from tandem.contracts.models import (
    BillingKind,
    BillingLine,
    Contract,
    ContractStatus,
    ContractType,
)
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import DomainError
from tandem.core.money import round_money
from tandem.projects.events import on_milestone_ready
from tandem.projects.models import Deliverable, DeliverableStatus

logger = logging.getLogger("tandem.billing.drafts")
BILLABLE_CONTRACTS = frozenset({ContractStatus.SIGNED, ContractStatus.ACTIVE})


# ------------------------------------------------------------------------------ milestones
@on_milestone_ready
def milestone_ready(task_id: int) -> None:
    """The PM side's callback: draft every billing line waiting for this milestone. It runs
    after the PM's change committed, so a refusal here is logged, never the PM's error."""
    create_milestone_drafts(task_id)


def create_milestone_drafts(task_id: int) -> list[Invoice]:
    line_ids = list(BillingLine.objects.filter(
        kind=BillingKind.MILESTONE, milestone_id=task_id, invoiced_at=None,
    ).values_list("pk", flat=True))
    drafts = []
    for line_id in line_ids:
        try:
            draft = create_milestone_draft(line_id)
        except (DomainError, DatabaseError) as refusal:
            logger.warning("No draft for billing line %s: %s", line_id, refusal)
            continue
        if draft is not None:
            drafts.append(draft)
    return drafts


def create_milestone_draft(billing_line_id: int) -> Invoice | None:
    """One draft for this milestone line, if it is due and not yet drafted; else ``None``."""
    with transaction.atomic():
        line = (BillingLine.objects.select_for_update(of=("self",))
                .select_related("contract__client", "contract__organization", "milestone")
                .filter(pk=billing_line_id, kind=BillingKind.MILESTONE).first())
        if line is None or line.invoiced_at is not None or not _milestone_due(line):
            return None
        contract = line.contract
        if contract.status not in BILLABLE_CONTRACTS:
            return None
        amount = _milestone_amount(line, contract)
        if amount is None or amount <= 0:
            logger.warning("Billing line %s has no amount to invoice.", line.pk)
            return None
        description = f"{contract.code} · {line.name}"
        return _draft(contract, line, description=description, amount=amount,
                      source=LineSource.MILESTONE, source_ref=f"milestone:{line.milestone_id}")


def _milestone_due(line: BillingLine) -> bool:
    task = line.milestone
    if task is None or task.actual_finish is None:
        return False
    if line.deliverable_id is not None:
        return Deliverable.objects.filter(pk=line.deliverable_id,
                                          status=DeliverableStatus.ACCEPTED).exists()
    tied = Deliverable.objects.filter(milestone_id=task.pk)
    return not tied.exclude(status=DeliverableStatus.ACCEPTED).exists()


def _milestone_amount(line: BillingLine, contract: Contract) -> Decimal | None:
    if line.amount is not None:
        return round_money(line.amount, contract.currency)
    if line.percentage is not None and contract.total_value is not None:
        return round_money(contract.total_value * line.percentage / 100, contract.currency)
    return None


# ------------------------------------------------------------------------------ retainers
def create_retainer_drafts(today: dt.date | None = None) -> int:
    """Drafts of every active retainer's periods that have begun by ``today``; how many."""
    today = today or timezone.localdate()
    contracts = Contract.objects.filter(
        type=ContractType.RETAINER, status=ContractStatus.ACTIVE, start_date__lte=today,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=_month_start(today))
             | Q(billing_lines__kind=BillingKind.PERIODIC,
                 billing_lines__invoiced_at__isnull=True)).distinct()
    created = 0
    for contract_id in contracts.values_list("pk", flat=True):
        try:
            created += _retainer_drafts(contract_id, today)
        except (DomainError, DatabaseError) as refusal:  # one contract must not stop the others
            logger.warning("No retainer draft for contract %s: %s", contract_id, refusal)
    return created


def _retainer_drafts(contract_id: int, today: dt.date) -> int:
    created = 0
    with transaction.atomic():
        contract = (Contract.objects.select_for_update(of=("self",))
                    .select_related("client", "organization").get(pk=contract_id))
        periodic = list(contract.billing_lines.filter(kind=BillingKind.PERIODIC)
                        .order_by("period_start", "position", "id"))
        if periodic:
            for line in periodic:
                start = line.period_start or line.due_date
                if line.invoiced_at is not None or start is None or start > today:
                    continue
                amount = line.amount if line.amount is not None else contract.monthly_fee
                if amount is None or amount <= 0:
                    continue
                period = _period_label(line.period_start, line.period_end)
                _draft(contract, line, description=f"{contract.code} · {line.name}{period}",
                       amount=round_money(amount, contract.currency), source=LineSource.PERIOD,
                       source_ref=f"period:{start.isoformat()}")
                created += 1
            return created
        if contract.monthly_fee is None or contract.monthly_fee <= 0:
            return 0
        start = _month_start(today)
        end = dt.date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
        if contract.end_date is not None and contract.end_date < start:
            return 0
        reference = f"period:{today:%Y-%m}"
        if InvoiceLine.objects.filter(invoice__contract=contract, source=LineSource.PERIOD,
                                      source_ref=reference).exists():
            return 0
        _draft(contract, None, description=f"{contract.code} · {contract.title}"
               f"{_period_label(start, end)}",
               amount=round_money(contract.monthly_fee, contract.currency),
               source=LineSource.PERIOD, source_ref=reference)
        return 1


# ------------------------------------------------------------------------------ helpers
def _draft(contract: Contract, line: BillingLine | None, *, description: str, amount: Decimal,
           source: str, source_ref: str) -> Invoice:
    """The draft with its one line, and the billing line marked invoiced; in the caller's
    transaction."""
    actor = Actor.system(contract.organization, label="billing")
    invoice = invoice_services.invoice_create(actor=actor, client=contract.client,
                                              contract_id=contract.pk)
    invoice_services.line_add(
        actor=actor, invoice=invoice, expected_version=invoice.version,
        values={"description": description[:500], "quantity": Decimal(1),
                "unit_price": amount, "tax_rate": _tax_rate(contract)},
        source=source, billing_line=line, source_ref=source_ref)
    if line is not None:
        now = timezone.now()
        BillingLine.objects.filter(pk=line.pk).update(invoiced_at=now)
        audit.record(actor=actor, action="billing_line.invoiced", target=line,
                     changes={"invoiced_at": [None, audit.json_value(now)],
                              "invoice_id": [None, invoice.pk]})
        line.invoiced_at = now
    invoice.refresh_from_db()
    return invoice


def _tax_rate(contract: Contract) -> Decimal:
    rates = tax_rates(billing_settings_for(contract.organization_id))
    last = (InvoiceLine.objects.filter(invoice__contract=contract)
            .exclude(source=LineSource.CREDIT).order_by("-invoice__created_at", "-id")
            .values_list("tax_rate", flat=True).first())
    if last is not None and Decimal(last) in rates:
        return Decimal(last)
    return rates[-1]


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _period_label(start: dt.date | None, end: dt.date | None) -> str:
    if start is None:
        return ""
    if end is None:
        return f" ({start.isoformat()})"
    return f" ({start.isoformat()} → {end.isoformat()})"
