"""The account manager's "my book" and the executive's portfolio: what each panel shows, whose
clients it shows, and a query count that does not grow with the book."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.clients.models import (
    Client,
    ClientIssue,
    Contact,
    HealthSnapshot,
    Interaction,
    Survey,
)
from tandem.clients.selectors_dashboard import my_book, sparkline_points
from tests.clients.factories import ClientFactory, ClientIssueFactory, InteractionFactory
from tests.factories import MembershipFactory
from tests.web.helpers import page


@pytest.fixture
def colleague(personas):
    return MembershipFactory(organization=personas.organization, role="account_manager",
                             user__full_name="Vy Colleague").user


def _fill(org, owner, count, *, now, prefix="Client"):
    """``count`` clients with a bit of everything: history, an open issue, a follow-up due, a
    survey answer; a third have gone quiet."""
    clients = Client.objects.bulk_create([
        Client(organization=org, owner=owner, name=f"{prefix} {i:04d}", status="active",
               tier=("strategic", "key", "standard")[i % 3], health_score=40 + i % 60,
               last_contact_at=now - dt.timedelta(days=2 if i % 3 else 45))
        for i in range(count)
    ])
    HealthSnapshot.objects.bulk_create([
        HealthSnapshot(organization=org, client=c, score=s, computed_at=now - dt.timedelta(days=d))
        for c in clients for d, s in ((30, 90), (10, 70), (1, c.health_score))
    ])
    contacts = Contact.objects.bulk_create([
        Contact(organization=org, client=c, name=f"Contact of {c.name}", is_primary=True)
        for c in clients
    ])
    ClientIssue.objects.bulk_create([
        ClientIssue(organization=org, client=c, title=f"Issue of {c.name}", severity="high",
                    status="in_progress", owner=owner,
                    resolution_due_at=now + dt.timedelta(hours=5 - i % 10))
        for i, c in enumerate(clients)
    ])
    Interaction.objects.bulk_create([
        Interaction(organization=org, client=c, kind="call", occurred_at=now, summary="Call",
                    next_step=f"Send the proposal to {c.name}",
                    follow_up_on=timezone.localdate(now) - dt.timedelta(days=1))
        for c in clients
    ])
    Survey.objects.bulk_create([
        Survey(organization=org, client=c, contact=k, kind="csat", score=2,
               token_digest=f"{c.pk:064d}", expires_at=now, answered_at=now,
               comment=f"Comment of {c.name}")
        for c, k in zip(clients, contacts, strict=True)
    ])
    return clients


def test_the_account_manager_sees_their_own_book_only(personas, colleague):
    now = timezone.now()
    org = personas.organization
    _fill(org, personas.account_manager.user, 3, now=now, prefix="Mine")
    _fill(org, colleague, 2, now=now, prefix="Theirs")

    html = page(personas.account_manager.browser().get("/"))

    assert "Mine 0000" in html
    assert "Sao Mai Logistics" in html
    assert "Theirs" not in html
    assert "Issue of Mine 0001" in html
    assert "Send the proposal to Mine 0002" in html
    assert "Comment of Mine 0000" in html
    assert "<polyline" in html
    assert "style=" not in html
    assert "Books by account manager" not in html


def test_panels_tell_the_story(personas):
    now = timezone.now()
    am = personas.account_manager
    quiet = ClientFactory(organization=personas.organization, owner=am.user, name="Quiet Co",
                          tier="strategic", last_contact_at=now - dt.timedelta(days=20),
                          health_score=35)
    ClientIssueFactory(client=quiet, title="Past due", severity="critical", status="new",
                       resolution_due_at=now - dt.timedelta(hours=3))
    ClientIssueFactory(client=quiet, title="Paused", status="waiting_on_client",
                       paused_at=now, resolution_due_at=now + dt.timedelta(days=2))
    InteractionFactory(client=quiet, follow_up_on=timezone.localdate(now) + dt.timedelta(days=3),
                       next_step="Not yet due")
    InteractionFactory(client=quiet, follow_up_on=timezone.localdate(now), next_step="Done one",
                       follow_up_done_at=now)

    book = my_book(am.actor, now=now)

    assert [r.client.name for r in book.quiet] == ["Sao Mai Logistics", "Quiet Co"]
    assert book.quiet[1].days_quiet == 20
    assert [r.client.name for r in book.clients] == ["Quiet Co", "Sao Mai Logistics"]
    assert book.clients[0].health_band == "at_risk"
    assert [(r.issue.title, r.state) for r in book.issues] == [("Past due", "breached"),
                                                               ("Paused", "paused")]
    assert book.breached == 1
    assert book.follow_ups == []
    html = page(am.browser().get("/"))
    assert 'data-sla="breached"' in html
    assert 'data-sla="paused"' in html
    assert "20 days quiet" in html
    assert "Never contacted" in html


def test_the_executive_sees_every_book_and_filters_by_account_manager(personas, colleague):
    now = timezone.now()
    org = personas.organization
    _fill(org, personas.account_manager.user, 2, now=now, prefix="Lan")
    _fill(org, colleague, 2, now=now, prefix="Vy")
    browser = personas.executive.browser()

    html = page(browser.get("/"))
    assert "Books by account manager" in html
    assert "Lan 0000" in html
    assert "Vy 0001" in html
    assert "Vy Colleague" in html
    book = my_book(personas.executive.actor, now=now)
    assert {(o.name, o.clients, o.open_issues) for o in book.owners} == {
        ("Account Manager", 3, 2), ("Vy Colleague", 2, 2),
    }

    filtered = page(browser.get(f"/?am={colleague.pk}"))
    assert "Vy 0000" in filtered
    assert "Lan 0000" not in filtered
    assert f'value="{colleague.pk}" selected' in filtered
    assert page(browser.get("/?am=not-a-number")).count("Lan 0000") >= 1


@pytest.mark.parametrize("name", ["project_manager", "finance", "member", "client", "admin"])
def test_other_roles_get_no_book(personas, name):
    response = personas[name].browser().get("/")
    assert response.status_code == 200
    assert response.context.get("book") is None
    assert "Sao Mai Logistics" not in page(response) or name == "client"


def test_another_organizations_clients_never_appear(personas):
    now = timezone.now()
    outsider_admin = personas.outsider.user
    _fill(personas.other_organization, outsider_admin, 2, now=now, prefix="Foreign")
    for name in ("account_manager", "executive"):
        assert "Foreign" not in page(personas[name].browser().get("/"))
    assert my_book(personas.executive.actor, now=now).total_clients == 1


def test_my_book_costs_the_same_queries_for_10_clients_and_for_1000(
    personas, django_assert_num_queries
):
    now = timezone.now()
    am = personas.account_manager
    _fill(personas.organization, am.user, 9, now=now)
    browser = am.browser()
    browser.get("/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as ten:
        assert browser.get("/").status_code == 200
    _fill(personas.organization, am.user, 990, now=now, prefix="More")
    with django_assert_num_queries(len(ten)):
        response = browser.get("/")
    assert response.context["book"].total_clients == 1000
    assert len(response.context["book"].clients) == 100


def test_the_portfolio_costs_the_same_queries_whatever_the_size(personas, colleague,
                                                                django_assert_num_queries):
    now = timezone.now()
    _fill(personas.organization, colleague, 10, now=now)
    browser = personas.executive.browser()
    browser.get("/")
    with CaptureQueriesContext(connection) as small:
        browser.get("/")
    _fill(personas.organization, personas.account_manager.user, 500, now=now, prefix="More")
    with django_assert_num_queries(len(small)):
        browser.get("/")


def test_the_sparkline_is_a_step_line_in_its_box():
    since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    now = since + dt.timedelta(days=90)
    points = sparkline_points([(since, 100), (since + dt.timedelta(days=45), 0)], since, now)
    assert points == "0.0,1.0 48.0,1.0 48.0,23.0 96.0,23.0"
    assert sparkline_points([], since, now) == ""
