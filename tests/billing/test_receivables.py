"""Aging buckets on fixed dates, DSO arithmetic, expected cash, FX conversion, the API matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tandem.billing import selectors_money as selectors
from tandem.billing.models import FxRate
from tandem.billing.services import fx
from tandem.billing.services import receivables as calc
from tandem.billing.services.payments import payment_reverse
from tandem.core.errors import Conflict, PermissionDenied, ValidationError
from tandem.core.models import AuditEntry
from tests.billing.payment_fixtures import issued, other_client, pay

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 30)


def on(days_before: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_before)


@pytest.mark.parametrize(("days", "bucket"), [
    (-5, "current"), (0, "current"), (1, "d1_30"), (30, "d1_30"), (31, "d31_60"),
    (60, "d31_60"), (61, "d61_90"), (90, "d61_90"), (91, "d90_plus"), (400, "d90_plus")])
def test_bucket_edges(days, bucket):
    assert calc.bucket_of(days) == bucket


def test_aging_per_client_and_currency_as_of_a_date(personas):
    # Due dates: issue date + 10 days of terms.
    issued(personas, 1_000_000, issue_date=on(5), terms=10)  # not yet due
    issued(personas, 2_000_000, issue_date=on(25), terms=10)  # 15 days late
    late = issued(personas, 3_000_000, issue_date=on(110), terms=10)  # 100 days late
    issued(personas, 100, "USD", issue_date=on(50), terms=10)  # 40 days late
    issued(personas, 5_000_000, issue_date=AS_OF + dt.timedelta(days=1))  # after as_of
    pay(personas, [(late, 1_000_000)], received_on=on(1))
    pay(personas, [(late, 500_000)], received_on=AS_OF + dt.timedelta(days=1))  # after
    data = selectors.receivables(personas.finance.actor, as_of=AS_OF, convert=False)
    rows = {(r.client_id, r.currency): r for r in data.aging.rows}
    vnd = rows[(personas.client_company.pk, "VND")]
    assert vnd.buckets == {"current": 1_000_000, "d1_30": 2_000_000, "d31_60": 0,
                           "d61_90": 0, "d90_plus": 2_000_000}
    assert vnd.total == 5_000_000
    usd = rows[(personas.client_company.pk, "USD")]
    assert usd.buckets["d31_60"] == 100
    assert data.aging.total_base is None


def test_conversion_uses_the_latest_rate_valid_on_the_date_and_never_guesses(personas):
    finance = personas.finance.actor
    issued(personas, "100.50", "USD", issue_date=on(10))
    issued(personas, 1000, "EUR", issue_date=on(10))
    issued(personas, 1_000_000, issue_date=on(10))
    fx.fx_rate_create(actor=finance, currency="USD", rate="25000", valid_on=on(40))
    fx.fx_rate_create(actor=finance, currency="USD", rate="25400.5", valid_on=on(3))
    fx.fx_rate_create(actor=finance, currency="USD", rate="30000", valid_on=on(-1))  # future
    data = selectors.receivables(finance, as_of=AS_OF)
    usd = next(t for t in data.aging.totals if t.currency == "USD")
    assert usd.rate == Decimal("25400.5")
    assert usd.total_base == Decimal(2552750)  # 100.50 x 25,400.5 = 2,552,750.25, rounded
    assert data.aging.total_base == Decimal(2552750 + 1_000_000)
    assert data.unconverted == ["EUR"]
    early = fx.rates_on(personas.organization.pk, "VND", on(20))
    assert early.rate_of("USD") == 25000
    assert early.rate_of("EUR") is None
    assert fx.rates_on(personas.organization.pk, "VND", on(41)).convert(Decimal(1), "USD") is None


def test_dso_is_receivables_over_ninety_days_of_sales_times_ninety(personas):
    paid = issued(personas, 6_000_000, issue_date=on(80))
    issued(personas, 3_000_000, issue_date=on(20))
    issued(personas, 9_000_000, issue_date=on(200))  # before the window: owed, not sold
    pay(personas, [(paid, 6_000_000)], received_on=on(10))
    data = selectors.receivables(personas.finance.actor, as_of=AS_OF)
    vnd = next(d for d in data.dso if d.currency == "VND")
    assert (vnd.receivables, vnd.sales) == (12_000_000, 9_000_000)
    assert vnd.days == Decimal("120.0")  # 12 / 9 x 90
    assert data.dso_base is not None
    assert data.dso_base.days == Decimal("120.0")
    assert calc.dso_days(Decimal(1), Decimal(3)) == Decimal("30.0")
    assert calc.dso_days(Decimal(5), Decimal(0)) is None


def test_expected_cash_by_due_week_with_overdue_in_the_current_week(personas):
    issued(personas, 1_000, issue_date=on(40), terms=10)  # overdue
    issued(personas, 2_000, issue_date=AS_OF, terms=7)  # due in a week
    issued(personas, 4_000, issue_date=AS_OF, terms=120)  # later than 8 weeks
    data = selectors.receivables(personas.finance.actor, as_of=AS_OF)
    first = data.cash[0]
    assert first.start == dt.date(2026, 6, 29)  # the Monday of AS_OF's week
    assert first.includes_overdue
    assert first.amounts == {"VND": 1_000}
    assert data.cash[1].amounts == {"VND": 2_000}
    assert data.cash[-1].start is None
    assert data.cash[-1].amounts == {"VND": 4_000}


def test_reversed_payments_count_as_never_received(personas):
    invoice = issued(personas, 1_000, issue_date=on(10))
    payment = pay(personas, [(invoice, 1_000)], received_on=on(5))
    assert selectors.receivables(personas.finance.actor, as_of=AS_OF).items == []
    payment_reverse(actor=personas.finance.actor, payment=payment, reason="Bounced")
    assert len(selectors.receivables(personas.finance.actor, as_of=AS_OF).items) == 1


def test_receivables_cost_a_fixed_number_of_queries(personas, django_assert_num_queries):
    for n in range(5):
        issued(personas, 1000 + n, issue_date=on(n * 20), client=other_client(personas, f"C{n}"))
    with django_assert_num_queries(4):
        selectors.receivables(personas.finance.actor, as_of=AS_OF)


def test_an_account_manager_sees_their_clients_only(personas):
    issued(personas, 1000, issue_date=on(1))
    issued(personas, 2000, issue_date=on(1), client=other_client(personas))
    data = selectors.receivables(personas.account_manager.actor, as_of=AS_OF)
    assert [r.client_id for r in data.aging.rows] == [personas.client_company.pk]


def test_fx_rates_are_entered_by_finance_once_per_day_and_audited(personas):
    with pytest.raises(PermissionDenied):
        fx.fx_rate_create(actor=personas.account_manager.actor, currency="USD", rate=1,
                          valid_on=AS_OF)
    with pytest.raises(ValidationError):
        fx.fx_rate_create(actor=personas.finance.actor, currency="VND", rate=1, valid_on=AS_OF)
    with pytest.raises(ValidationError):
        fx.fx_rate_create(actor=personas.finance.actor, currency="USD", rate=0, valid_on=AS_OF)
    rate = fx.fx_rate_create(actor=personas.finance.actor, currency="usd", rate="25000",
                             valid_on=AS_OF)
    with pytest.raises(Conflict):
        fx.fx_rate_create(actor=personas.finance.actor, currency="USD", rate="1",
                          valid_on=AS_OF)
    fx.fx_rate_delete(actor=personas.finance.actor, fx_rate=rate)
    assert not FxRate.objects.exists()
    actions = list(AuditEntry.objects.filter(action__startswith="fx_rate.")
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["fx_rate.create", "fx_rate.delete"]


# ------------------------------------------------------------------------------ API

READ = {"admin": 200, "executive": 200, "finance": 200, "account_manager": 200,
        "project_manager": 404, "member": 404, "client": 404}


@pytest.mark.parametrize("name", [*READ, "outsider"])
def test_who_reads_receivables(personas, name):
    issued(personas, 1000, issue_date=on(40), terms=10)
    api = personas[name].api()
    aging = api.get(f"/api/v1/receivables/aging?as_of={AS_OF}&convert=true")
    summary = api.get(f"/api/v1/receivables/summary?as_of={AS_OF}")
    rates = api.get("/api/v1/fx-rates")
    if name == "outsider":  # another organization's administrator sees nothing of ours
        assert aging.json()["rows"] == []
        assert rates.json()["count"] == 0
        return
    assert {aging.status_code, summary.status_code, rates.status_code} == {READ[name]}
    if READ[name] == 200:
        body = aging.json()
        assert body["rows"][0]["buckets"]["d1_30"] == "1000"
        assert body["total_base"] == "1000"
        assert body["base_currency"] == "VND"
        assert summary.json()["expected_cash"][0]["amount_base"] == "1000"


@pytest.mark.parametrize(("name", "create", "delete"), [
    ("finance", 201, 204), ("admin", 201, 204), ("executive", 403, 403),
    ("account_manager", 403, 403), ("project_manager", 404, 404), ("member", 404, 404),
    ("client", 404, 404), ("outsider", 201, 404)])
def test_who_enters_fx_rates(personas, name, create, delete):
    existing = fx.fx_rate_create(actor=personas.finance.actor, currency="USD", rate="25000",
                                 valid_on=AS_OF)
    api = personas[name].api()
    response = api.post("/api/v1/fx-rates", {"currency": "USD", "rate": "25100.25",
                                             "valid_on": "2026-07-01"})
    assert response.status_code == create, response.content
    if create == 201:
        assert response.json()["rate"] == "25100.25"
    assert api.delete(f"/api/v1/fx-rates/{existing.pk}").status_code == delete


def test_a_summary_without_rates_lists_the_unconverted_currencies(personas):
    issued(personas, 10, "USD", issue_date=on(1))
    body = personas.finance.api().get(f"/api/v1/receivables/summary?as_of={AS_OF}").json()
    assert body["unconverted"] == ["USD"]
    assert body["dso"]["days"] is None
    assert body["dso_by_currency"][0]["days"] == "90.0"
