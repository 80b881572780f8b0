from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.personas import Personas


@pytest.fixture
def personas(db: None) -> Personas:
    """Admin, executive, account_manager, project_manager, finance, member and client of
    organization ``acme``, and ``outsider``, the administrator of organization ``other``."""
    return Personas()


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings: pytest.FixtureRequest) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language() -> Iterator[None]:
    """A request leaves its language active in the thread (LocaleMiddleware activates, nothing
    deactivates); without this a Vietnamese page in one test would translate the next test's
    service messages."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
