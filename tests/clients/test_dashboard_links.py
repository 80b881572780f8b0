"""The book is a way in: each client and issue on the dashboard opens its page."""

from __future__ import annotations

from django.urls import reverse

from tests.clients.factories import ClientIssueFactory


def test_my_book_links_each_client_and_open_issue_to_its_page(personas):
    client = personas.client_company
    issue = ClientIssueFactory(client=client, organization=client.organization)

    html = personas.account_manager.browser().get("/").content.decode()

    assert f'href="{reverse("clients:detail", args=[client.pk])}"' in html
    assert f'href="{reverse("clients:issue_detail", args=[issue.pk])}"' in html


def test_a_late_first_response_with_resolution_still_ahead_is_not_shown_as_overdue(personas):
    import datetime as dt

    from django.utils import timezone

    client = personas.client_company
    now = timezone.now()
    ClientIssueFactory(
        client=client, organization=client.organization, status="in_progress",
        first_response_at=now - dt.timedelta(hours=1),
        response_breached_at=now - dt.timedelta(hours=2),
        resolution_due_at=now + dt.timedelta(days=3),
    )

    html = personas.account_manager.browser().get("/").content.decode()

    assert "response was late; resolution due in" in html
    assert " overdue</time>" not in html
