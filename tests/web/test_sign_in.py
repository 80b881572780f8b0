"""Signing in and out, throttling, password change and reset."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.factories import TEST_PASSWORD
from tests.web.helpers import page


def sign_in(client: Client, email: str, password: str, **extra: str):
    return client.post("/accounts/login/", {"username": email, "password": password, **extra})


def test_the_sign_in_page_asks_for_email_and_password(anonymous):
    response = anonymous.get("/accounts/login/")
    assert response.status_code == 200
    html = page(response)
    assert 'type="email" name="username"' in html
    assert 'type="password" name="password"' in html
    assert 'href="/accounts/password/reset/"' in html


def test_a_person_signs_in_with_their_email_in_any_letter_case(personas, anonymous):
    response = sign_in(anonymous, "  Account_Manager@ACME.test ", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "<h1>My book</h1>" in page(anonymous.get("/"))


def test_sign_in_returns_to_the_page_asked_for(personas, anonymous):
    response = sign_in(anonymous, "admin@acme.test", TEST_PASSWORD, next="/audit/")
    assert response["Location"] == "/audit/"


def test_sign_in_never_redirects_to_another_site(personas, anonymous):
    response = sign_in(anonymous, "admin@acme.test", TEST_PASSWORD, next="https://evil.test/")
    assert response["Location"] == "/"


def test_a_wrong_password_shows_the_error_and_signs_nobody_in(personas, anonymous):
    response = sign_in(anonymous, "admin@acme.test", "not-the-password")
    assert response.status_code == 200
    assert "That email and password do not match an account." in page(response)
    assert anonymous.get("/").status_code == 302


def test_an_inactive_account_cannot_sign_in(personas, anonymous):
    user = personas.member.user
    user.is_active = False
    user.save()
    response = sign_in(anonymous, "member@acme.test", TEST_PASSWORD)
    assert response.status_code == 200
    assert anonymous.get("/").status_code == 302


def test_a_signed_in_person_visiting_sign_in_goes_to_the_dashboard(personas):
    response = personas.member.browser().get("/accounts/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_repeated_failures_lock_sign_in_with_a_429_page(personas, anonymous):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        assert sign_in(anonymous, "admin@acme.test", "wrong").status_code == 200
    response = sign_in(anonymous, "admin@acme.test", "wrong")
    assert response.status_code == 429
    html = page(response)
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in html
    assert "Sign-in paused" in html
    # Even the right password is refused while locked.
    response = sign_in(anonymous, "admin@acme.test", TEST_PASSWORD)
    assert response.status_code == 429
    assert anonymous.get("/").status_code == 302


def test_the_lock_counts_the_email_in_any_letter_case(personas, anonymous):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = "ADMIN@acme.test" if attempt % 2 else "admin@acme.test"
        response = sign_in(anonymous, email, "wrong")
    assert response.status_code == 429


def test_a_lock_on_one_person_leaves_others_signing_in(personas, anonymous):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(anonymous, "admin@acme.test", "wrong")
    assert sign_in(anonymous, "finance@acme.test", TEST_PASSWORD).status_code == 302


def test_sign_out_is_a_post_that_ends_the_session(personas):
    client = personas.member.browser()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    follow = client.get("/accounts/login/")
    assert "You have signed out." in page(follow)
    assert client.get("/").status_code == 302


def test_sign_out_refuses_get(personas):
    client = personas.member.browser()
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_a_person_changes_their_password(personas):
    persona = personas.project_manager
    client = persona.browser()
    assert client.get("/accounts/password/change/").status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    assert "Your password was changed." in page(client.get(response["Location"]))
    assert client.get("/").status_code == 200  # still signed in here
    persona.user.refresh_from_db()
    assert persona.user.check_password("a-new-and-long-passphrase")


def test_a_password_change_with_the_wrong_old_password_is_refused(personas):
    client = personas.project_manager.browser()
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "wrong",
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
        },
    )
    assert response.status_code == 200
    assert 'class="field__error"' in page(response)


def test_password_change_needs_sign_in(anonymous):
    response = anonymous.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_password_reset_sends_a_link_that_sets_a_new_password(personas, anonymous):
    response = anonymous.post("/accounts/password/reset/", {"email": "Finance@Acme.test"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert "Check your email" in page(anonymous.get(response["Location"]))

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["finance@acme.test"]
    assert email.subject == "Set a new Tandem password"
    assert not email.alternatives  # plain text only
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", email.body)
    assert link, email.body

    form = anonymous.get(link.group(1), follow=True)
    assert form.status_code == 200
    assert "Set a new password" in page(form)
    set_url = form.redirect_chain[-1][0]
    done = anonymous.post(
        set_url,
        {"new_password1": "fresh-long-passphrase-42", "new_password2": "fresh-long-passphrase-42"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/complete/"
    assert "Password saved" in page(anonymous.get(done["Location"]))
    assert sign_in(Client(), "finance@acme.test", "fresh-long-passphrase-42").status_code == 302

    # The link works once.
    again = anonymous.get(link.group(1), follow=True)
    assert "This link no longer works" in page(again)


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(db, anonymous):
    response = anonymous.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        "/accounts/password/reset/complete/",
        "/accounts/password/reset/MQ/set-password/",
    ],
)
def test_password_reset_pages_render(db, anonymous, path):
    response = anonymous.get(path, follow=True)
    assert response.status_code == 200
