"""The contracts of ``tandem demo``: one or more of every type, in VND and USD, at every stage,
for the demo clients and the projects the PM side made for them.

Codes are stable (the billing demo builds its invoices on them):

- ``CT-SML-ERP``  Sao Mai Logistics, fixed price 4.800.000.000 ₫ (SML-ERP), active, five billing
  milestones linked to the project's milestones and deliverables; amendment 1 adds the bonded
  warehouse extension (+350.000.000 ₫) and moves the end date.
- ``CT-HTB-SSO``  Hà Thành Bank, time and materials in VND (HTB-SSO), active, a rate card.
- ``CT-NWH-DW``   Northwind Health, fixed price $180,000.00 (NWH-DW), active, percentages.
- ``CT-CTS-QA``   Contoso Insurance, fixed price $96,000.00 (CTS-QA), completed.
- ``CT-PLR-APP``  Phúc Long Retail, fixed price 1.200.000.000 ₫ (PLR-APP), terminated.
- ``CT-NWH-CARE`` Northwind Health, retainer $12,500.00 a month for two years from twelve months
  ago (the data platform's support; linked to NWH-DW), eighteen monthly periods.
- ``CT-SML-CARE`` Sao Mai Logistics, retainer 45.000.000 ₫ a month for a year from nine months
  ago (support of the old systems until the ERP goes live; linked to SML-ERP).
- ``CT-DNS-DASH`` Đà Nẵng Smart City, fixed price, still a draft (DNS-DASH).

Loaded once: a refresh of the demo leaves an organization that already has contracts alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tandem.clients.models import Client, Need, NeedStatus
from tandem.contracts.models import Contract
from tandem.contracts.services.amendments import amendment_create
from tandem.contracts.services.contracts import (
    contract_create,
    contract_sign,
    contract_transition,
)
from tandem.contracts.services.schedule import billing_line_add, rate_add
from tandem.core.actor import Actor
from tandem.core.demo import DemoContext
from tandem.core.models import Membership, User
from tandem.core.roles import Role
from tandem.projects.models import Deliverable, Project, Task

CODES = ("CT-SML-ERP", "CT-HTB-SSO", "CT-NWH-DW", "CT-CTS-QA", "CT-PLR-APP", "CT-NWH-CARE",
         "CT-SML-CARE", "CT-DNS-DASH")


@dataclass
class Milestone:
    name: str  # the billing line
    task: str  # the project milestone's name
    deliverable: str = ""
    amount: str | None = None
    percentage: str | None = None


@dataclass
class Spec:
    code: str
    client: str
    title: str
    type: str
    currency: str
    project: str = ""  # an existing project's code
    total_value: str | None = None
    monthly_fee: str | None = None
    terms: int = 30
    end: str = ""  # "active", "completed", "terminated", "signed" or "draft"
    milestones: list[Milestone] = field(default_factory=list)


FIXED: tuple[Spec, ...] = (
    Spec("CT-SML-ERP", "Sao Mai Logistics", "ERP implementation — fixed price", "fixed_price",
         "VND", "SML-ERP", total_value="4800000000", terms=30, end="active", milestones=[
             Milestone("Requirements signed off", "Requirements specification accepted",
                       "Requirements specification", amount="960000000"),
             Milestone("Solution design approved", "Solution design approved",
                       "Warehouse module design", amount="1200000000"),
             Milestone("Trial migration signed off", "Trial migration signed off",
                       "Data migration plan", amount="720000000"),
             Milestone("User acceptance", "User acceptance signed", amount="960000000"),
             Milestone("Go-live", "Go-live", "Go-live readiness report", amount="960000000"),
         ]),
    Spec("CT-NWH-DW", "Northwind Health", "Data warehouse migration", "fixed_price", "USD",
         "NWH-DW", total_value="180000.00", terms=45, end="active", milestones=[
             Milestone("Design approved", "Design approved", percentage="30"),
             Milestone("Warehouse migrated", "Build complete", "Migrated data warehouse",
                       percentage="40"),
             Milestone("Handover", "Go-live", "Handover documentation", percentage="30"),
         ]),
    Spec("CT-CTS-QA", "Contoso Insurance", "Regression test automation", "fixed_price", "USD",
         "CTS-QA", total_value="96000.00", terms=30, end="completed", milestones=[
             Milestone("Suite built", "Build complete", "Automated regression suite",
                       percentage="60"),
             Milestone("Handover", "Go-live", "Test reports and handover", percentage="40"),
         ]),
    Spec("CT-PLR-APP", "Phúc Long Retail", "Store operations app", "fixed_price", "VND",
         "PLR-APP", total_value="1200000000", terms=15, end="terminated", milestones=[
             Milestone("Prototype accepted", "Design approved", "Clickable prototype",
                       percentage="40"),
             Milestone("App in pilot stores", "Go-live", percentage="60"),
         ]),
    Spec("CT-DNS-DASH", "Đà Nẵng Smart City", "City operations dashboard", "fixed_price",
         "VND", "DNS-DASH", total_value="2500000000", terms=0, end="draft", milestones=[
             Milestone("Design approved", "Design approved", percentage="40"),
             Milestone("Go-live", "Go-live", percentage="60"),
         ]),
)


def load_demo(context: DemoContext) -> None:
    organization = context.organization
    if Contract.objects.filter(organization=organization).exists():
        return
    clients = {c.name: c for c in Client.objects.filter(organization=organization)}
    projects = {p.code: p for p in Project.objects.filter(organization=organization)}
    if not clients:
        return
    demo = _Demo(context, clients, projects)
    for spec in FIXED:
        demo.fixed_price(spec)
    demo.time_and_materials()
    demo.retainer("CT-NWH-CARE", "Northwind Health", "Data platform support and maintenance",
                  "USD", "12500.00", months_ago=12, months=24, scheduled=18, project="NWH-DW")
    demo.retainer("CT-SML-CARE", "Sao Mai Logistics", "Hỗ trợ vận hành hệ thống hiện tại",
                  "VND", "45000000", months_ago=9, months=12, scheduled=12, project="SML-ERP")


class _Demo:
    def __init__(self, context: DemoContext, clients: dict[str, Client],
                 projects: dict[str, Project]) -> None:
        self.context = context
        self.clients = clients
        self.projects = projects
        self.today = timezone.localdate()
        memberships = (Membership.objects.filter(organization=context.organization,
                                                 is_active=True)
                       .select_related("user", "organization"))
        self.actors = {m.user_id: Actor.for_membership(m, request_id="demo")
                       for m in memberships}
        self.finance = self._actor(context.people.get(Role.FINANCE))

    def _actor(self, user: User | None) -> Actor:
        if user is not None and user.pk in self.actors:
            return self.actors[user.pk]
        return self.context.actor

    def _owner(self, client: Client) -> Actor:
        """The client's account manager makes the contract (finance when it has none)."""
        return self._actor(client.owner) if client.owner_id else self.finance

    def _needs(self, client: Client) -> list[int]:
        return list(Need.objects.filter(client=client).exclude(status=NeedStatus.DROPPED)
                    .order_by("id").values_list("pk", flat=True)[:4])

    def fixed_price(self, spec: Spec) -> Contract | None:
        client = self.clients.get(spec.client)
        project = self.projects.get(spec.project)
        if client is None or project is None or project.client_id != client.pk:
            return None
        actor = self._owner(client)
        start = project.start_date
        contract = contract_create(
            actor=actor, client=client, code=spec.code, title=spec.title, type=spec.type,
            currency=spec.currency, total_value=spec.total_value, start_date=start,
            end_date=_end_of(project, start), payment_terms_days=spec.terms,
            project_id=project.pk, need_ids=self._needs(client),
            notes="Signed after two rounds of scope workshops." if spec.end != "draft" else "",
        )
        milestones = {t.name: t for t in Task.objects.filter(project=project, duration=0,
                                                              is_summary=False)}
        deliverables = {d.name: d for d in Deliverable.objects.filter(project=project)}
        for line in spec.milestones:
            task = milestones.get(line.task)
            deliverable = deliverables.get(line.deliverable) if line.deliverable else None
            if deliverable is not None and deliverable.milestone_id not in (
                    None, task.pk if task else None):
                deliverable = None
            billing_line_add(actor=actor, contract=contract, kind="milestone", name=line.name,
                             amount=line.amount, percentage=line.percentage,
                             milestone_id=task.pk if task else None,
                             deliverable_id=deliverable.pk if deliverable else None,
                             due_date=task.finish if task else None)
        if spec.end == "draft":
            return contract
        contract = contract_sign(actor=actor, contract=contract, expected_version=1,
                                 project_id=project.pk,
                                 signed_on=start - dt.timedelta(days=5))
        self._finish(actor, contract, spec.end)
        if spec.code == "CT-SML-ERP":
            self._sml_amendment(actor, contract, milestones)
        return contract

    def _finish(self, actor: Actor, contract: Contract, end: str) -> None:
        steps = {"active": ("active",), "completed": ("active", "completed"),
                 "terminated": ("active", "terminated"), "signed": ()}[end]
        for step in steps:
            contract.refresh_from_db(fields=["version", "status"])
            on = None
            reason = ""
            if step == "completed":
                on = min(self.today, (contract.project.finish_date if contract.project
                                      and contract.project.finish_date else self.today)
                         + dt.timedelta(days=7))
            if step == "terminated":
                reason = ("The client froze the store app's budget after the prototype was "
                          "rejected; the prototype work is paid, the rest is cancelled.")
            contract_transition(actor=actor, contract=contract,
                                expected_version=contract.version, status=step, reason=reason,
                                on=on)

    def _sml_amendment(self, actor: Actor, contract: Contract,
                       milestones: dict[str, Task]) -> None:
        go_live = milestones.get("Go-live")
        contract.refresh_from_db()
        effective = max(contract.start_date, self.today - dt.timedelta(days=20))
        changes: dict[str, Any] = {
            "total_value": "5150000000",
            "billing_lines": {"add": [{
                "kind": "milestone", "name": "Bonded warehouse extension",
                "amount": "350000000", "milestone_id": go_live.pk if go_live else None,
                "due_date": go_live.finish if go_live else None,
            }]},
        }
        if contract.end_date is not None:
            changes["end_date"] = contract.end_date + dt.timedelta(days=30)
        amendment_create(
            actor=actor, contract=contract, effective_date=effective, changes=changes,
            reason="Bonded warehouse stock and the customs hold status were added to the "
                   "scope after the warehouse design review (client issue escalated to the "
                   "project).",
        )

    def time_and_materials(self) -> Contract | None:
        client = self.clients.get("Hà Thành Bank")
        project = self.projects.get("HTB-SSO")
        if client is None or project is None:
            return None
        actor = self._owner(client)
        start = project.start_date
        contract = contract_create(
            actor=actor, client=client, code="CT-HTB-SSO",
            title="Single sign-on — time and materials", type="time_materials",
            currency="VND", start_date=start, end_date=_end_of(project, start),
            payment_terms_days=30, project_id=project.pk, need_ids=self._needs(client),
        )
        rates = (("Solution architect", "day", "6500000"), ("Senior developer", "day",
                                                            "4800000"),
                 ("Developer", "hour", "450000"), ("Tester", "hour", "350000"))
        for role, unit, rate in rates:
            rate_add(actor=actor, contract=contract, role=role, unit=unit, rate=rate,
                     valid_from=start)
        member = self.context.people.get(Role.MEMBER)
        if member is not None:
            rate_add(actor=actor, contract=contract, person_id=member.pk, unit="hour",
                     rate="400000", valid_from=start)
        contract = contract_sign(actor=actor, contract=contract, expected_version=1,
                                 project_id=project.pk, signed_on=start - dt.timedelta(days=3))
        self._finish(actor, contract, "active")
        return contract

    def retainer(self, code: str, client_name: str, title: str, currency: str, fee: str, *,
                 months_ago: int, months: int, scheduled: int,
                 project: str) -> Contract | None:
        client = self.clients.get(client_name)
        linked = self.projects.get(project)
        if client is None or linked is None or linked.client_id != client.pk:
            return None
        actor = self._owner(client)
        start = _add_months(self.today.replace(day=1), -months_ago)
        end = _add_months(start, months) - dt.timedelta(days=1)
        contract = contract_create(
            actor=actor, client=client, code=code, title=title, type="retainer",
            currency=currency, monthly_fee=fee, start_date=start, end_date=end,
            payment_terms_days=15, need_ids=self._needs(client),
        )
        for n in range(scheduled):
            period_start = _add_months(start, n)
            period_end = _add_months(start, n + 1) - dt.timedelta(days=1)
            billing_line_add(actor=actor, contract=contract, kind="periodic",
                             name=period_start.strftime("%Y-%m"), period_start=period_start,
                             period_end=period_end, due_date=period_start)
        contract = contract_sign(actor=actor, contract=contract, expected_version=1,
                                 project_id=linked.pk,
                                 signed_on=start - dt.timedelta(days=7))
        self._finish(actor, contract, "active")
        return contract


def _end_of(project: Project, start: dt.date) -> dt.date:
    finish = project.target_finish or project.finish_date
    return max(finish, start) + dt.timedelta(days=30) if finish else start + dt.timedelta(
        days=365)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1, day=1)

