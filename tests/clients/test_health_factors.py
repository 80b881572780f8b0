"""Client health: each factor on its own, the score they add up to, the history kept, the
recompute jobs (frozen clock: every call passes ``now``), and the health API per persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.clients import health
from tandem.clients.health import FactorResult, HealthContext, register_factor
from tandem.clients.models import AccountSettings, Client, HealthSnapshot, Survey
from tandem.clients.tasks import recompute_health
from tests.clients.factories import ClientFactory, ClientIssueFactory, ContactFactory
from tests.personas import ALL_PERSONAS

NOW = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hồ Chí Minh City


def _context(client, **data):
    context = HealthContext(now=NOW, organization_id=client.organization_id,
                            cadence_by_tier=health.cadence_by_tier(client.organization_id))
    for key, preload in (("open_issues", health._preload_issues),
                         ("satisfaction", health._preload_answers)):
        context.data[key] = preload(client.organization_id, [client.pk], NOW)
    context.data.update(data)
    return context


def _factor(name, client):
    return getattr(health, name)(client, _context(client))


# --- contact vs cadence ----------------------------------------------------------------------


@pytest.mark.parametrize(("tier", "days", "impact"), [
    ("strategic", 7, 0), ("strategic", 8, -10), ("strategic", 15, -20), ("strategic", 60, -30),
    ("key", 14, 0), ("key", 20, -10), ("standard", 30, 0), ("standard", 31, -10),
])
def test_contact_costs_ten_points_per_cadence_overdue(db, tier, days, impact):
    client = ClientFactory(tier=tier, last_contact_at=NOW - dt.timedelta(days=days))
    result = _factor("contact_cadence", client)
    assert result.impact == impact
    assert f"{days} days" in result.detail


def test_a_client_never_contacted_loses_25(db):
    assert _factor("contact_cadence", ClientFactory()).impact == -25


def test_the_cadence_comes_from_the_client_then_the_organizations_settings(db):
    client = ClientFactory(tier="standard", last_contact_at=NOW - dt.timedelta(days=12))
    assert _factor("contact_cadence", client).impact == 0
    AccountSettings.objects.create(organization=client.organization, standard_cadence_days=10)
    assert _factor("contact_cadence", client).impact == -10
    client.cadence_days = 20
    assert _factor("contact_cadence", client).impact == 0


# --- open issues and SLA breaches ------------------------------------------------------------


def test_open_issues_cost_points_by_severity(db):
    client = ClientFactory()
    for severity in ("critical", "high", "medium", "low"):
        ClientIssueFactory(client=client, severity=severity, status="in_progress")
    ClientIssueFactory(client=client, severity="critical", status="closed")
    result = _factor("open_issues", client)
    assert result.impact == -(20 + 10 + 4 + 1)
    assert result.detail == "1 critical, 1 high, 1 medium, 1 low open"


def test_an_issue_past_its_sla_costs_more(db):
    client = ClientFactory()
    ClientIssueFactory(client=client, severity="low", status="new",
                       resolution_due_at=NOW - dt.timedelta(hours=1))
    ClientIssueFactory(client=client, severity="low", status="acknowledged",
                       response_breached_at=NOW - dt.timedelta(days=1))
    ClientIssueFactory(client=client, severity="low", status="waiting_on_client",
                       paused_at=NOW - dt.timedelta(days=2),
                       resolution_due_at=NOW - dt.timedelta(hours=1))
    result = _factor("open_issues", client)
    assert result.impact == -(3 * 1 + 2 * 8)
    assert "2 past SLA" in result.detail


def test_issues_resolved_late_lately_still_count(db):
    client = ClientFactory()
    ClientIssueFactory(client=client, status="closed", resolved_at=NOW - dt.timedelta(days=10),
                       resolution_breached_at=NOW - dt.timedelta(days=11))
    ClientIssueFactory(client=client, status="closed", resolved_at=NOW - dt.timedelta(days=200),
                       resolution_breached_at=NOW - dt.timedelta(days=201))
    assert _factor("open_issues", client).impact == -3


def test_issues_cost_at_most_fifty_points(db):
    client = ClientFactory()
    for _ in range(5):
        ClientIssueFactory(client=client, severity="critical", status="new")
    assert _factor("open_issues", client).impact == -50


# --- satisfaction trend ----------------------------------------------------------------------


def _answer(client, kind, score, days_ago, n=[0]):  # noqa: B006 - a counter for unique digests
    n[0] += 1
    contact = ContactFactory(client=client)
    return Survey.objects.create(
        organization=client.organization, client=client, contact=contact, kind=kind,
        period=f"20{n[0] % 100:02d}-Q1" if kind == "nps" else "",
        token_digest=f"{n[0]:064d}", expires_at=NOW, score=score,
        answered_at=NOW - dt.timedelta(days=days_ago),
    )


def test_no_answers_say_nothing(db):
    assert _factor("satisfaction", ClientFactory()).impact == 0


def test_low_recent_satisfaction_costs_points(db):
    client = ClientFactory()
    _answer(client, "csat", 2, 10)  # 25/100
    result = _factor("satisfaction", client)
    assert result.impact == -20
    assert "25/100" in result.detail


def test_a_drop_against_the_months_before_costs_ten_more(db):
    client = ClientFactory()
    _answer(client, "nps", 10, 200)
    _answer(client, "nps", 7, 20)
    result = _factor("satisfaction", client)
    assert result.impact == -5 - 10
    assert "down from 100" in result.detail


def test_a_rise_earns_points_back(db):
    client = ClientFactory()
    _answer(client, "csat", 2, 200)
    _answer(client, "csat", 5, 5)
    assert _factor("satisfaction", client).impact == 5


def test_only_old_answers_cost_a_little(db):
    client = ClientFactory()
    _answer(client, "csat", 5, 120)
    assert _factor("satisfaction", client).impact == -5


# --- score, history, jobs --------------------------------------------------------------------


def test_the_score_is_100_plus_the_impacts_clamped():
    assert health.score_of([FactorResult("a", "A", -30), FactorResult("b", "B", 5)]) == 75
    assert health.score_of([FactorResult("a", "A", -300)]) == 0
    assert health.score_of([FactorResult("a", "A", 20)]) == 100


def test_recompute_writes_the_score_and_a_snapshot_with_its_reasons(db):
    client = ClientFactory(tier="strategic", last_contact_at=NOW - dt.timedelta(days=10))
    ClientIssueFactory(client=client, severity="high", status="new")
    assert health.recompute_client(client, now=NOW) == 100 - 10 - 10
    client.refresh_from_db()
    assert (client.health_score, client.health_computed_at) == (80, NOW)
    snapshot = HealthSnapshot.objects.get(client=client)
    assert snapshot.score == 80
    assert {f["key"]: f["impact"] for f in snapshot.factors} == {
        "contact_cadence": -10, "open_issues": -10, "satisfaction": 0,
    }


def test_no_new_snapshot_when_nothing_changed_the_same_day(db):
    client = ClientFactory(last_contact_at=NOW - dt.timedelta(days=1))
    health.recompute_client(client, now=NOW)
    health.recompute_client(client, now=NOW + dt.timedelta(hours=2))
    assert HealthSnapshot.objects.filter(client=client).count() == 1
    client.refresh_from_db()
    assert client.health_computed_at == NOW + dt.timedelta(hours=2)
    ClientIssueFactory(client=client, severity="low", status="new")
    health.recompute_client(client, now=NOW + dt.timedelta(hours=3))
    health.recompute_client(client, now=NOW + dt.timedelta(days=1))
    assert list(HealthSnapshot.objects.filter(client=client).values_list("score", flat=True)) \
        == [99, 99, 100]


def test_recompute_all_skips_former_clients_and_costs_fixed_queries(personas):
    org = personas.organization
    Client.objects.bulk_create([Client(organization=org, name=f"C{i}") for i in range(5)])
    with CaptureQueriesContext(connection) as few:
        assert health.recompute_all(now=NOW) == 6
    Client.objects.bulk_create([Client(organization=org, name=f"D{i}") for i in range(60)])
    ClientFactory(organization=org, status="former")
    with CaptureQueriesContext(connection) as many:
        assert health.recompute_all(now=NOW + dt.timedelta(days=1)) == 66
    assert len(many) == len(few)
    assert not Client.objects.filter(status="former", health_score__isnull=False).exists()


def test_the_background_task_recomputes_one_or_all(personas):
    client = personas.client_company
    assert recompute_health.delay(client_id=client.pk).get() == 1
    client.refresh_from_db()
    assert client.health_score == 75  # never contacted
    assert recompute_health.delay().get() == 1
    assert health.recompute_client_by_id(10**9) is None


def test_another_domain_registers_a_factor_with_its_own_preload(db, monkeypatch):
    monkeypatch.setattr(health, "_factors", dict(health._factors))
    calls = []

    def preload(organization_id, client_ids, now):
        calls.append(client_ids)
        return dict.fromkeys(client_ids, 2)

    @register_factor("late_payments", preload=preload)
    def late_payments(client, context):
        late = context.data["late_payments"][client.pk]
        return FactorResult("late_payments", "Late payments", -7 * late, f"{late} overdue")

    clients = [ClientFactory(last_contact_at=NOW) for _ in range(3)]
    org_clients = Client.objects.filter(organization=clients[0].organization)
    assert health.recompute_client(clients[0], now=NOW) == 86
    assert len(calls) == 1
    assert org_clients.count() == 1
    assert "late_payments" in health.registered_factors()
    with pytest.raises(ValueError, match="already registered"):
        register_factor("late_payments")(lambda client, context: None)


# --- GET /clients/{id}/health ----------------------------------------------------------------

HEALTH_READERS = {"admin", "executive", "account_manager", "finance"}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_reads_a_clients_health(personas, name):
    client = personas.client_company
    health.recompute_client(client, now=NOW - dt.timedelta(days=2))
    ClientIssueFactory(client=client, severity="critical", status="new")
    health.recompute_client(client)
    response = personas[name].api().get(f"/api/v1/clients/{client.pk}/health?days=3650")
    assert response.status_code == (200 if name in HEALTH_READERS else 404)
    if response.status_code == 200:
        body = response.json()
        assert body["score"] == 55
        assert [p["score"] for p in body["history"]] == [75, 55]
        assert {f["key"] for f in body["factors"]} == {"contact_cadence", "open_issues",
                                                       "satisfaction"}
