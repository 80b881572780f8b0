from __future__ import annotations

import pytest
from django.test import Client

from tests.personas import Personas


@pytest.fixture
def two_org_person(personas: Personas):
    """The account manager of ``acme``, who is also a finance person of ``other``."""
    from tests.factories import MembershipFactory

    am = personas.account_manager
    MembershipFactory(organization=personas.other_organization, user=am.user, role="finance")
    return am


@pytest.fixture
def anonymous() -> Client:
    return Client()
