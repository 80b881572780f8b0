"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's
live server. Without the browser these tests skip, unless TANDEM_REQUIRE_BROWSER=1 (CI) makes a
missing browser a failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


def chromium_path() -> str:
    return os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")


def _browser_required() -> bool:
    return os.environ.get("TANDEM_REQUIRE_BROWSER", "") == "1"


def _unavailable(reason: str) -> None:
    if _browser_required():
        pytest.fail(f"{reason} (TANDEM_REQUIRE_BROWSER=1 makes this a failure).")
    pytest.skip(f"{reason}; install Debian's chromium or set TANDEM_CHROMIUM to run it.")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium, for the tests of one module.

    Playwright's sync API keeps an event loop running in this thread while it is started, and
    Django refuses ORM calls from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE
    says it is deliberate. Both last only as long as this fixture, so the rest of the suite (and
    the subprocesses it starts, such as ``check --deploy``) keep Django's protection."""
    executable = chromium_path()
    if not (Path(executable).is_file() and os.access(executable, os.X_OK)):
        _unavailable(f"No Chromium executable at {executable}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("The playwright package is not installed")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page, in English, for one test."""
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
