"""Fixtures of the API tests: a signed-in API client per persona, and an anonymous one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.core.models import Membership
from tandem.core.roles import Role
from tests.factories import MembershipFactory, UserFactory
from tests.personas import ApiClient, Personas


@pytest.fixture
def api_as(personas: Personas) -> Callable[[str], ApiClient]:
    """``api_as("finance")``: an API client with a fresh bearer token of that persona."""
    clients: dict[str, ApiClient] = {}

    def client_of(name: str) -> ApiClient:
        if name not in clients:
            clients[name] = personas[name].api()
        return clients[name]

    return client_of


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)


@pytest.fixture
def former_member(personas: Personas) -> Membership:
    """A deactivated member of ``acme``: only its administrators still see them."""
    return MembershipFactory(
        organization=personas.organization,
        user=UserFactory(email="former@acme.test", full_name="Former Colleague"),
        role=Role.MEMBER,
        is_active=False,
    )
