"""The payment factor of client health: lateness and the share overdue, one query a batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.billing import health
from tandem.clients.health import HealthContext, compute, recompute_client
from tests.billing.payment_fixtures import issued, other_client, pay

pytestmark = pytest.mark.django_db


def context(personas):
    return HealthContext(now=timezone.now(), organization_id=personas.organization.pk,
                         cadence_by_tier={})


@pytest.mark.parametrize(("days", "points"), [(0, 0), (1, 5), (30, 5), (31, 10), (61, 15),
                                              (91, 20)])
def test_lateness_points(days, points):
    assert health.lateness_points(days) == points


def test_an_overdue_invoice_costs_points_with_its_reasons(personas):
    today = timezone.localdate()
    issued(personas, 3_000_000, issue_date=today - dt.timedelta(days=45), terms=10)  # 35 late
    issued(personas, 1_000_000, issue_date=today)  # not due
    result = next(r for r in compute([personas.client_company], context(personas))
                  [personas.client_company.pk] if r.key == "payments")
    # 35 days late: 10 points; 75% of the open amount overdue: 10 points.
    assert result.impact == -20
    assert "1 overdue invoice" in result.detail
    assert "35 days late" in result.detail


def test_nothing_overdue_and_no_invoices(personas):
    pay(personas, [(issued(personas, 1000, terms=0), 1000)])
    issued(personas, 1000)
    fresh = other_client(personas)
    results = compute([personas.client_company, fresh], context(personas))
    assert [r.impact for r in results[personas.client_company.pk] if r.key == "payments"] == [0]
    assert [r for r in results[fresh.pk] if r.key == "payments"] == []


def test_the_factor_joins_the_health_score(personas):
    today = timezone.localdate()
    issued(personas, 1000, issue_date=today - dt.timedelta(days=200), terms=10)
    score = recompute_client(personas.client_company)
    assert score <= 100 - 30 + 0 or score < 100


def test_one_query_for_a_batch(personas, django_assert_num_queries):
    clients = [other_client(personas, f"C{n}") for n in range(5)]
    for client in clients:
        issued(personas, 1000, client=client, terms=0)
    with django_assert_num_queries(1):
        health._preload_open_invoices(personas.organization.pk, [c.pk for c in clients],
                                      timezone.now())
