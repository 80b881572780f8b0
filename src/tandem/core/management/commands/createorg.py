from typing import Any

from django.core.management.base import CommandParser

from tandem.core.management.base import TandemCommand
from tandem.core.services import organization_create


class Command(TandemCommand):
    help = "Create an organization (a tenant) with its first administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the organization's name")
        parser.add_argument("--slug", required=True, help="short identifier, e.g. acme")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True,
                            help="ignored if the email already belongs to a user")
        parser.add_argument("--admin-name", default="", help="the administrator's full name")

    def handle(self, *args: Any, **options: Any) -> None:
        membership = organization_create(
            name=options["name"], slug=options["slug"], admin_email=options["admin_email"],
            admin_password=options["admin_password"], admin_name=options["admin_name"],
        )
        organization = membership.organization
        data = {
            "id": organization.pk, "name": organization.name, "slug": organization.slug,
            "admin": {"id": membership.user_id, "email": membership.user.email,
                      "membership_id": membership.pk, "role": membership.role},
        }
        text = (f"Created organization {organization.slug} (id {organization.pk}) "
                f"with administrator {membership.user.email}.")
        self.emit(options, data, text)
