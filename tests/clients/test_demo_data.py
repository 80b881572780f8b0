"""``tandem demo`` loads the AM side's story once: two books, every kind of record, computed
health; a refresh adds nothing."""

from __future__ import annotations

import pytest

from tandem.clients.models import (
    Client,
    ClientIssue,
    HealthSnapshot,
    Interaction,
    Need,
    NeedStatus,
    Survey,
)
from tandem.core.demo import demo_load
from tandem.core.models import Membership
from tandem.core.roles import Role


@pytest.fixture
def demo(db):
    return demo_load()


def test_the_demo_has_two_books_that_tell_a_story(demo):
    clients = Client.objects.filter(organization=demo.organization)
    assert 20 <= clients.count() <= 30
    owners = set(clients.values_list("owner__email", flat=True))
    assert owners == {"am@demo.test", "am2@demo.test"}
    assert Membership.objects.get(organization=demo.organization,
                                  user__email="am2@demo.test").role == Role.ACCOUNT_MANAGER
    assert {"strategic", "key", "standard"} <= set(clients.values_list("tier", flat=True))
    assert len(set(clients.values_list("industry", flat=True))) >= 10
    vietnamese = clients.filter(language="vi")
    assert vietnamese.count() >= 5
    addresses = " ".join(vietnamese.values_list("address", flat=True))
    for city in ("Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"):
        assert city in addresses

    # ... and the story it tells.
    org = demo.organization
    assert set(Need.objects.filter(organization=org).values_list("status", flat=True)) \
        == set(NeedStatus.values)
    assert Interaction.objects.filter(organization=org).count() > 300
    issues = ClientIssue.objects.filter(organization=org)
    assert issues.filter(resolution_breached_at__isnull=False, resolved_at__isnull=False).exists()
    assert issues.filter(resolution_breached_at__isnull=True, resolved_at__isnull=False).exists()
    assert issues.filter(resolved_at__isnull=True).exists()
    for issue in issues:
        assert issue.opened_at < issue.first_response_due_at <= issue.resolution_due_at
    surveys = Survey.objects.filter(organization=org)
    assert surveys.filter(kind="csat", score__isnull=False).exists()
    assert surveys.filter(kind="nps", score__isnull=False).exists()
    scores = list(Client.objects.filter(organization=org, health_score__isnull=False)
                  .values_list("health_score", flat=True))
    assert min(scores) < 50
    assert max(scores) >= 90
    # One real snapshot per client that has a score: computed, not invented.
    assert HealthSnapshot.objects.filter(organization=org).count() == len(scores)


def test_a_refresh_adds_nothing(demo):
    counts = [Model.objects.count() for Model in (Client, Interaction, ClientIssue, Survey,
                                                  HealthSnapshot, Membership)]
    demo_load()
    assert [Model.objects.count() for Model in (Client, Interaction, ClientIssue, Survey,
                                                HealthSnapshot, Membership)] == counts


def test_the_demo_dashboards_render(demo, client):
    client.force_login(demo.people[Role.ACCOUNT_MANAGER])
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["book"].total_clients >= 10
    client.force_login(demo.people[Role.EXECUTIVE])
    book = client.get("/").context["book"]
    assert {o.name for o in book.owners} >= {"Lan Account Manager", "Vy Account Manager"}
