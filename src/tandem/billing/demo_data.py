"""The invoices and payments of ``tandem demo``: a year of billing in VND and USD.

Built on the contracts' stable codes (``tandem.contracts.demo_data``, loaded before this module:
``core.demo`` runs the apps' loaders in ``INSTALLED_APPS`` order, contracts before billing):

- ``CT-SML-CARE`` and ``CT-NWH-CARE``: a monthly retainer invoice each month; most paid on time,
  the last ones open (one overdue), one partially paid.
- ``CT-SML-ERP``, ``CT-NWH-DW`` and ``CT-CTS-QA``: milestone invoices, paid, one 40 days late.
- ``CT-HTB-SSO``: time and materials invoices by month, one paid by a transfer that also settles
  the next, one overdue by more than 60 days.
- ``CT-PLR-APP``: an invoice voided with a credit note when the contract was terminated.
- USD→VND rates at the start of each month of the year.

Invoices are made and issued through the invoices services in date order, so numbers are real,
gapless and ascending with the dates; payments go through the payments service. Loaded once: a
refresh leaves an organization that already has issued invoices alone. Client health takes
the payments in at its next recompute (the nightly job), so the demo's other stories keep their
one snapshot a day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from tandem.billing.models import FxRate, Invoice, InvoiceStatus
from tandem.billing.services import fx
from tandem.billing.services import payments as payments_service
from tandem.billing.services.invoices import invoice_create, invoice_issue, invoice_void
from tandem.billing.services.settings import billing_settings_for, billing_settings_update
from tandem.contracts.models import Contract
from tandem.core.actor import Actor
from tandem.core.demo import DemoContext
from tandem.core.models import Membership
from tandem.core.roles import Role

USD_RATES = ("25080", "25150", "25210", "25190", "25260", "25330", "25310", "25380", "25420",
             "25395", "25450", "25480", "25500")


@dataclass
class Plan:
    contract: str
    issue: dt.date
    description: str
    amount: str
    paid: list[tuple[int, str]] = field(default_factory=list)  # (days after issue, amount)
    void: bool = False


def _month(today: dt.date, months_ago: int) -> dt.date:
    month = today.month - 1 - months_ago
    return dt.date(today.year + month // 12, month % 12 + 1, 1)


def plans(today: dt.date) -> list[Plan]:
    found: list[Plan] = []
    for n in range(9, 0, -1):  # Sao Mai's support, monthly, since nine months ago
        day = _month(today, n)
        if n == 1:
            paid: list[tuple[int, str]] = []  # last month's: open, overdue by now
        elif n == 2:
            paid = [(20, "20000000")]  # partially paid
        else:
            paid = [(12 + n, "48600000")]
        found.append(Plan("CT-SML-CARE", day, f"Hỗ trợ vận hành tháng {day:%m/%Y}",
                          "45000000", paid))
    for n in range(12, 0, -1):  # Northwind's support, monthly, USD
        day = _month(today, n)
        paid = [] if n == 1 else [(10, "6000.00")] if n == 3 else [(14, "12500.00")]
        found.append(Plan("CT-NWH-CARE", day, f"Support and maintenance {day:%B %Y}",
                          "12500.00", paid))
    found += [
        Plan("CT-SML-ERP", today - dt.timedelta(days=250), "Khởi động dự án (10%)",
             "480000000", [(28, "518400000")]),
        Plan("CT-SML-ERP", today - dt.timedelta(days=150), "Thiết kế được duyệt (20%)",
             "960000000", [(70, "1036800000")]),  # 40 days late
        Plan("CT-NWH-DW", today - dt.timedelta(days=200), "Discovery complete (20%)",
             "36000.00", [(40, "36000.00")]),
        Plan("CT-NWH-DW", today - dt.timedelta(days=20), "Data model approved (30%)", "54000.00"),
        Plan("CT-CTS-QA", today - dt.timedelta(days=300), "Framework delivered (50%)",
             "48000.00", [(25, "48000.00")]),
        Plan("CT-CTS-QA", today - dt.timedelta(days=160), "Suite handed over (50%)",
             "48000.00", [(31, "48000.00")]),
        Plan("CT-PLR-APP", today - dt.timedelta(days=120), "Thiết kế ứng dụng (40%)",
             "480000000", void=True),
        Plan("CT-HTB-SSO", today - dt.timedelta(days=180), "Tư vấn và phát triển SSO",
             "320000000", [(30, "352000000")]),
        Plan("CT-HTB-SSO", today - dt.timedelta(days=120), "Tư vấn và phát triển SSO",
             "410000000"),
        Plan("CT-HTB-SSO", today - dt.timedelta(days=60), "Tư vấn và phát triển SSO",
             "275000000", [(15, "302500000")]),
    ]
    return sorted(found, key=lambda p: (p.issue, p.contract))


def _issuer(actor: Actor) -> None:
    """The demo firm's details as they appear on its invoices."""
    current = billing_settings_for(actor.organization)
    billing_settings_update(
        actor=actor, expected_version=current.version,
        legal_name="Công ty TNHH Tư vấn Demo (Demo Consulting Co., Ltd.)",
        address="Tầng 12, 54 Liễu Giai, Ba Đình, Hà Nội", tax_code="0109876543",
    )


def load_demo(context: DemoContext) -> None:
    organization = context.organization
    if Invoice.objects.filter(organization=organization).exclude(
            status=InvoiceStatus.DRAFT).exists():
        return
    contracts = {c.code: c for c in Contract.objects.filter(organization=organization)
                 .select_related("client")}
    if not contracts:
        return
    finance_user = context.people.get(Role.FINANCE)
    membership = (Membership.objects.filter(organization=organization, user=finance_user)
                  .select_related("user", "organization").first())
    actor = (Actor.for_membership(membership, request_id="demo") if membership
             else context.actor)
    today = timezone.localdate()
    _issuer(actor)
    _rates(actor, today)
    for plan in plans(today):
        contract = contracts.get(plan.contract)
        if contract is None or plan.issue > today:
            continue
        vat = "0" if contract.currency == "USD" else "8"
        draft = invoice_create(actor=actor, client=contract.client, contract_id=contract.pk,
                               lines=[{"description": plan.description, "quantity": 1,
                                       "unit_price": Decimal(plan.amount), "tax_rate": vat}])
        invoice = invoice_issue(actor=actor, invoice=draft, expected_version=draft.version,
                                issue_date=plan.issue)
        if plan.void:
            invoice_void(actor=actor, invoice=invoice, expected_version=invoice.version,
                         reason="Hợp đồng chấm dứt trước khi nghiệm thu thiết kế.")
            continue
        for days, amount in plan.paid:
            received = plan.issue + dt.timedelta(days=days)
            if received > today:
                continue
            invoice.refresh_from_db()
            value = min(Decimal(amount), invoice.total - invoice.amount_paid)
            payments_service.payment_record(
                actor=actor, client=contract.client, currency=contract.currency, amount=value,
                received_on=received, method="bank_transfer",
                reference=f"UNC {invoice.number}", allocations=[(invoice, value)])


def _rates(actor: Actor, today: dt.date) -> None:
    if FxRate.objects.filter(organization=actor.organization).exists():
        return
    base = fx.base_currency_of(actor.organization.pk)
    if base != "VND":
        return
    for months_ago, rate in zip(range(12, -1, -1), USD_RATES, strict=True):
        fx.fx_rate_create(actor=actor, currency="USD", rate=rate,
                          valid_on=_month(today, months_ago))
