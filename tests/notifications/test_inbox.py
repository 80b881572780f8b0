"""The in-app inbox: deduplicated notifications, each person's own, mark read (API and page)."""

from __future__ import annotations

import pytest

from tandem.notifications import selectors
from tandem.notifications.models import Notification
from tandem.notifications.services import Message, notify, notify_many
from tests.personas import ALL_PERSONAS

URL = "/api/v1/notifications"


def message(persona, key="k1", **extra):
    return Message(organization_id=persona.organization.pk, recipient_id=persona.user.pk,
                   kind="test", title=f"Hello {key}", dedupe_key=key, **extra)


@pytest.fixture
def notes(personas):
    for name in ALL_PERSONAS:
        notify_many([message(personas[name], "a"), message(personas[name], "b",
                                                            url="/clients/issues/")])
    return Notification.objects.filter(recipient=personas.account_manager.user).order_by("pk")


def test_the_same_key_is_raised_once(personas):
    am = personas.account_manager
    assert notify(message(am)) is True
    assert notify(message(am)) is False
    assert notify_many([message(am), message(am, "k2"), message(am, "k2")]) == 1
    assert Notification.objects.count() == 2
    # the same key for another person is their own notification
    assert notify(message(personas.admin)) is True


def test_unread_count_and_mark_all_read(personas, notes):
    actor = personas.account_manager.actor
    assert selectors.unread_count(actor) == 2
    response = personas.account_manager.api().post(f"{URL}/read-all")
    assert response.json() == {"marked": 2, "unread": 0}
    assert Notification.objects.filter(read_at__isnull=True).count() == 2 * (len(ALL_PERSONAS) - 1)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_everyone_lists_only_their_own(personas, notes, name):
    items = personas[name].api().get(URL).json()["items"]
    assert len(items) == 2
    expected = set(Notification.objects.filter(recipient=personas[name].user)
                   .values_list("pk", flat=True))
    assert {i["id"] for i in items} == expected


@pytest.mark.parametrize("name", [n for n in ALL_PERSONAS if n != "account_manager"])
def test_no_one_marks_someone_elses_notification(personas, notes, name):
    response = personas[name].api().post(f"{URL}/{notes[0].pk}/read")
    assert response.status_code == 404
    notes[0].refresh_from_db()
    assert notes[0].read_at is None


def test_mark_one_read_and_filter_unread(personas, notes):
    api = personas.account_manager.api()
    response = api.post(f"{URL}/{notes[0].pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    unread = api.get(f"{URL}?unread=true").json()["items"]
    assert [i["id"] for i in unread] == [notes[1].pk]


def test_the_inbox_page_shows_and_marks_read(personas, notes, django_assert_num_queries):
    browser = personas.account_manager.browser()
    html = browser.get("/inbox/").content.decode()
    assert "Hello a" in html
    assert "Hello b" in html
    assert "2 unread reminders and alerts." in html
    row = browser.post(f"/inbox/{notes[0].pk}/read/", headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert "<html" not in row.content.decode()
    notes[0].refresh_from_db()
    assert notes[0].read_at is not None
    opened = browser.post(f"/inbox/{notes[1].pk}/read/", {"open": "1"})
    assert opened["Location"] == "/clients/issues/"
    assert browser.post("/inbox/read-all/").status_code == 302
    assert selectors.unread_count(personas.account_manager.actor) == 0
    # session, user, membership, switcher, unread count, count, page
    with django_assert_num_queries(7):
        browser.get("/inbox/")


def test_the_outsider_cannot_read_acme_notifications_from_the_page(personas, notes):
    response = personas.outsider.browser().post(f"/inbox/{notes[0].pk}/read/")
    assert response.status_code == 404
