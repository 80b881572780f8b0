"""Look-ups the commands share: an organization by its slug, a person of it by email."""

from __future__ import annotations

from django.core.management.base import CommandError

from tandem.core.models import Membership, Organization
from tandem.core.roles import Role


def organization_of(slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise CommandError(f"No organization with the slug {slug!r}.", returncode=3)
    return organization


def manager_of(organization: Organization, email: str | None) -> Membership:
    """The person with this email in the organization, or its first administrator."""
    memberships = Membership.objects.filter(organization=organization, user__is_active=True)
    if email:
        found = memberships.filter(user__email__iexact=email.strip()).first()
        if found is None:
            raise CommandError(f"No one with the email {email!r} in {organization.slug}.",
                               returncode=3)
        return found
    first_admin = memberships.filter(role=Role.ADMIN).order_by("id").first()
    if first_admin is None:
        raise CommandError(f"{organization.slug} has no administrator; give --manager.",
                           returncode=2)
    return first_admin
