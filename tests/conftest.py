from __future__ import annotations

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
