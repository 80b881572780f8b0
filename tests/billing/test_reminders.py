"""Payment reminders: once per offset, the latest due only, to the billing contact, with the
PDF, in the invoice's language, logged as an email interaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tandem.billing.models import ReminderSent
from tandem.billing.reminder_tasks import send_payment_reminders
from tandem.billing.services import reminders
from tandem.billing.services.settings import billing_settings_for
from tandem.clients.models import Contact, ContactRole, Interaction, InteractionKind
from tests.billing.payment_fixtures import issued, pay

pytestmark = pytest.mark.django_db


def at(day: dt.date) -> dt.datetime:
    """Nine in the morning of ``day``, or now if that is still to come (an interaction is logged
    once it happened)."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(9))), timezone.now())


PAST = timezone.localdate() - dt.timedelta(days=40)


@pytest.fixture
def contacts(personas):
    company = personas.client_company
    primary = Contact.objects.create(organization=personas.organization, client=company,
                                     name="Mai", email="mai@saomai.test", is_primary=True)
    billing = Contact.objects.create(organization=personas.organization, client=company,
                                     name="Hà", email="ha@saomai.test", role=ContactRole.BILLING)
    return primary, billing


@pytest.mark.parametrize(("offset", "expected"), [
    (-4, None), (-3, -3), (-1, -3), (0, 0), (5, 3), (7, 7), (13, 7), (14, 14), (90, 14)])
def test_the_latest_offset_that_has_come(offset, expected):
    due = dt.date(2026, 3, 10)
    today = due + dt.timedelta(days=offset)
    assert reminders.offset_due(due, [-3, 0, 3, 7, 14], set(), today) == expected


def test_an_offset_is_never_sent_twice_nor_an_earlier_one_after_a_later(personas):
    due = dt.date(2026, 3, 10)
    assert reminders.offset_due(due, [-3, 0, 3], {0}, due) is None
    assert reminders.offset_due(due, [-3, 0, 3], {3}, due + dt.timedelta(days=5)) is None
    assert reminders.offset_due(due, [-3, 0, 3], {0}, due + dt.timedelta(days=3)) == 3


def test_reminders_go_once_per_offset_with_the_pdf_and_an_interaction(personas, contacts):
    invoice = issued(personas, 12_500_000, terms=10, language="vi", issue_date=PAST)
    assert invoice.due_date is not None
    day = invoice.due_date - dt.timedelta(days=3)
    assert reminders.send_due_reminders(now=at(day)) == 1
    assert reminders.send_due_reminders(now=at(day)) == 0  # the same day again: nothing
    assert reminders.send_due_reminders(now=at(invoice.due_date)) == 1
    assert reminders.send_due_reminders(now=at(invoice.due_date + dt.timedelta(days=1))) == 0
    assert sorted(ReminderSent.objects.values_list("offset_days", flat=True)) == [-3, 0]
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.to == ["ha@saomai.test"]  # the billing contact, not the primary
    assert invoice.number in message.subject
    assert "12.500.000" in message.body  # Vietnamese formatting, the invoice's language
    (name, content, mimetype), = message.attachments
    assert name == f"{invoice.number}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    logged = Interaction.objects.filter(client=personas.client_company,
                                        kind=InteractionKind.EMAIL).order_by("id")
    assert logged.count() == 2
    assert invoice.number in logged[0].summary
    assert list(logged[0].contacts.values_list("email", flat=True)) == ["ha@saomai.test"]


def test_paid_invoices_get_no_reminder_and_the_primary_contact_stands_in(personas, contacts):
    primary, billing = contacts
    billing.delete()
    paid = issued(personas, 1000, terms=0)
    pay(personas, [(paid, 1000)])
    open_one = issued(personas, 2000, terms=0)
    assert reminders.send_due_reminders(now=at(timezone.localdate())) == 1
    assert mail.outbox[0].to == [primary.email]
    assert ReminderSent.objects.get().invoice_id == open_one.pk


def test_no_contact_with_an_email_means_no_reminder(personas):
    issued(personas, 1000, terms=0)
    assert reminders.send_due_reminders(now=at(timezone.localdate())) == 0
    assert not ReminderSent.objects.exists()


def test_the_offsets_come_from_the_billing_settings(personas, contacts):
    settings = billing_settings_for(personas.organization)
    settings.reminder_offsets = [10]
    settings.save()
    invoice = issued(personas, 1000, terms=0, issue_date=PAST)
    assert invoice.due_date is not None
    assert reminders.send_due_reminders(now=at(PAST + dt.timedelta(days=9))) == 0
    later = at(invoice.due_date + dt.timedelta(days=10))
    assert reminders.send_due_reminders(now=later) == 1


def test_finding_the_reminders_costs_a_fixed_number_of_queries(personas, contacts,
                                                                django_assert_num_queries):
    for _ in range(4):
        issued(personas, 1000, terms=0)
    with django_assert_num_queries(4):
        due = reminders.reminders_due(timezone.localdate())
    assert len(due) == 4


def test_the_celery_task_runs_the_service(personas, contacts):
    issued(personas, 1000, terms=0)
    assert send_payment_reminders.apply().get() == 1
