"""Drafts made by Tandem: a billing milestone once its project milestone is complete and its
deliverable accepted (exactly one), and one per retainer period (never twice)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.billing.models import Invoice, InvoiceLine, InvoiceStatus, LineSource
from tandem.billing.services import drafts  # registers the milestone callback (apps.ready)
from tandem.billing.tasks import create_retainer_drafts
from tandem.contracts.models import BillingKind, BillingLine
from tandem.core.models import AuditEntry
from tandem.projects.events import _milestone_callbacks
from tandem.projects.models import Deliverable
from tandem.projects.services.deliverables import deliverable_accept, deliverable_submit
from tandem.projects.services.plan import task_create, task_progress
from tests.billing.factories import make_contract, make_milestone_line
from tests.projects.factories import START, make_project

pytestmark = pytest.mark.django_db


def test_the_callback_is_registered():
    assert drafts.milestone_ready in _milestone_callbacks


@pytest.fixture
def milestone_setup(personas):
    project = make_project(personas)
    admin = personas.admin.actor
    milestone = task_create(actor=admin, project=project, name="Go-live", duration=0)
    deliverable = Deliverable.objects.create(
        organization=personas.organization, project=project, name="System",
        acceptance_criteria="Runs", milestone=milestone)
    contract = make_contract(personas, project=project, total_value=Decimal(100_000_000))
    line = make_milestone_line(contract, milestone=milestone, deliverable=deliverable,
                               percentage=Decimal("30"))
    return project, milestone, deliverable, contract, line


def test_completing_the_milestone_and_accepting_its_deliverable_makes_exactly_one_draft(
    personas, milestone_setup, django_capture_on_commit_callbacks
):
    _project, milestone, deliverable, contract, line = milestone_setup
    admin = personas.admin.actor
    with django_capture_on_commit_callbacks(execute=True):
        task_progress(actor=admin, task=milestone, expected_version=milestone.version,
                      changes={"percent_complete": 100, "actual_start": START,
                               "actual_finish": START})
    assert not Invoice.objects.exists()  # the deliverable is not accepted yet

    deliverable = deliverable_submit(actor=admin, deliverable=deliverable, expected_version=1)
    with django_capture_on_commit_callbacks(execute=True):
        deliverable_accept(actor=personas.client.actor, deliverable=deliverable,
                           expected_version=deliverable.version)

    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.contract_id == contract.pk
    assert invoice.project_id == contract.project_id
    assert invoice.payment_terms_days == 15
    invoice_line = invoice.lines.get()
    assert invoice_line.source == LineSource.MILESTONE
    assert invoice_line.billing_line_id == line.pk
    assert invoice_line.unit_price == Decimal(30_000_000)
    assert invoice_line.tax_rate == Decimal(10)  # the organization's standard rate
    assert invoice.total == Decimal(33_000_000)
    line.refresh_from_db()
    assert line.invoiced_at is not None
    assert AuditEntry.objects.filter(action="billing_line.invoiced",
                                     object_id=str(line.pk)).exists()

    drafts.milestone_ready(milestone.pk)  # told again: nothing new
    assert Invoice.objects.count() == 1


def test_a_milestone_not_complete_makes_no_draft(personas, milestone_setup):
    _project, milestone, deliverable, _contract, _line = milestone_setup
    Deliverable.objects.filter(pk=deliverable.pk).update(status="accepted")
    drafts.milestone_ready(milestone.pk)
    assert not Invoice.objects.exists()


def test_a_draft_contract_is_not_invoiced(personas, milestone_setup):
    _project, milestone, deliverable, contract, _line = milestone_setup
    Deliverable.objects.filter(pk=deliverable.pk).update(status="accepted")
    type(milestone).objects.filter(pk=milestone.pk).update(actual_finish=START)
    type(contract).objects.filter(pk=contract.pk).update(status="draft")
    drafts.milestone_ready(milestone.pk)
    assert not Invoice.objects.exists()


def test_deleting_the_draft_lets_the_milestone_be_drafted_again(personas, milestone_setup):
    from tandem.billing.services.invoices import invoice_delete

    _project, milestone, deliverable, _contract, line = milestone_setup
    Deliverable.objects.filter(pk=deliverable.pk).update(status="accepted")
    type(milestone).objects.filter(pk=milestone.pk).update(actual_finish=START)
    [draft] = drafts.create_milestone_drafts(milestone.pk)
    invoice_delete(actor=personas.finance.actor, invoice=draft)
    line.refresh_from_db()
    assert line.invoiced_at is None
    assert len(drafts.create_milestone_drafts(milestone.pk)) == 1


def test_a_monthly_fee_is_drafted_once_per_month(personas):
    contract = make_contract(personas, type="retainer", total_value=None,
                             monthly_fee=Decimal(20_000_000), start_date=dt.date(2026, 1, 1))
    assert drafts.create_retainer_drafts(dt.date(2026, 3, 5)) == 1
    assert drafts.create_retainer_drafts(dt.date(2026, 3, 28)) == 0
    assert drafts.create_retainer_drafts(dt.date(2026, 4, 1)) == 1
    refs = sorted(InvoiceLine.objects.filter(invoice__contract=contract)
                  .values_list("source_ref", flat=True))
    assert refs == ["period:2026-03", "period:2026-04"]
    assert {i.total for i in Invoice.objects.all()} == {Decimal(22_000_000)}


def test_periodic_lines_are_drafted_when_their_period_begins(personas):
    contract = make_contract(personas, type="retainer", total_value=None,
                             monthly_fee=Decimal(5_000_000), start_date=dt.date(2026, 1, 1))
    for month, amount in ((1, None), (2, Decimal(6_000_000)), (3, None)):
        BillingLine.objects.create(
            organization=personas.organization, contract=contract, kind=BillingKind.PERIODIC,
            name=f"Month {month}", amount=amount, period_start=dt.date(2026, month, 1),
            period_end=dt.date(2026, month, 28))
    assert drafts.create_retainer_drafts(dt.date(2026, 2, 10)) == 2
    assert drafts.create_retainer_drafts(dt.date(2026, 2, 11)) == 0
    assert sorted(InvoiceLine.objects.values_list("unit_price", flat=True)) == [
        Decimal(5_000_000), Decimal(6_000_000)]
    assert BillingLine.objects.filter(invoiced_at__isnull=True).count() == 1


def test_the_celery_task_runs_the_job(personas):
    make_contract(personas, type="retainer", monthly_fee=Decimal(1_000_000),
                  start_date=dt.date(2020, 1, 1))
    assert create_retainer_drafts.apply().get() == 1


def test_a_refused_draft_is_logged_not_raised_to_the_pm(personas, milestone_setup, caplog):
    _project, milestone, deliverable, contract, _line = milestone_setup
    Deliverable.objects.filter(pk=deliverable.pk).update(status="accepted")
    type(milestone).objects.filter(pk=milestone.pk).update(actual_finish=START)
    type(contract).objects.filter(pk=contract.pk).update(currency="XXQ")  # bad data
    drafts.milestone_ready(milestone.pk)
    assert not Invoice.objects.exists()
    assert "No draft for billing line" in caplog.text
