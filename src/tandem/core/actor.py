"""Who is acting: a user in one organization with one role, or the system (CLI, background job).

Services take the actor as a keyword argument; nothing reads it from thread-local state, so the
same service works from a request, a Celery task or the command line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tandem.core.models import Membership, Organization, User
from tandem.core.roles import SEES_MONEY, SEES_WHOLE_ORGANIZATION, STAFF_ROLES, Role


def new_request_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Actor:
    organization: Organization
    role: Role
    user: User | None = None
    request_id: str = field(default_factory=new_request_id)
    label: str = ""
    # For the client role: the one client whose data the person may see.
    client_id: int | None = None

    @classmethod
    def for_membership(cls, membership: Membership, *, request_id: str = "") -> Actor:
        return cls(
            organization=membership.organization,
            role=Role(membership.role),
            user=membership.user,
            request_id=request_id or new_request_id(),
            label=membership.user.email,
            client_id=membership.client_id,
        )

    @classmethod
    def system(cls, organization: Organization, *, label: str = "system") -> Actor:
        """The actor of the command line and background jobs: acts with admin reach."""
        return cls(organization=organization, role=Role.ADMIN, user=None, label=label)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sees_whole_organization(self) -> bool:
        return self.role in SEES_WHOLE_ORGANIZATION

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def sees_money(self) -> bool:
        return self.role in SEES_MONEY
