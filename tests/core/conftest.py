"""Fixtures of the core's tests: the personas' organizations with a little more in them."""

from __future__ import annotations

import pytest

from tandem.core.models import Membership
from tandem.core.roles import Role
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Personas


@pytest.fixture
def former_member(personas: Personas) -> Membership:
    """A deactivated member of ``acme``: only its administrators still see them."""
    return MembershipFactory(
        organization=personas.organization,
        user=UserFactory(email="former@acme.test", full_name="Former Colleague"),
        role=Role.MEMBER,
        is_active=False,
    )


@pytest.fixture
def other_member(personas: Personas) -> Membership:
    """A second person in the outsider's organization ``other``."""
    return MembershipFactory(
        organization=personas.other_organization,
        user=UserFactory(email="colleague@other.test", full_name="Other Colleague"),
        role=Role.MEMBER,
    )
