from typing import Any

from django.core.management.base import CommandError, CommandParser

from tandem.core.actor import Actor
from tandem.core.management.base import TandemCommand
from tandem.core.models import Organization
from tandem.core.roles import Role
from tandem.core.services import member_add


class Command(TandemCommand):
    help = "Add a person to an organization with a role (creating their user if needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True,
                            help="ignored if the email already belongs to a user")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--client", type=int, default=None,
                            help="for the client role: the id of the client they belong to")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {options['org']!r}.", returncode=3)
        membership = member_add(
            actor=Actor.system(organization, label="cli adduser"), email=options["email"],
            role=options["role"], password=options["password"], full_name=options["name"],
            client_id=options["client"],
        )
        data = {"id": membership.pk, "user_id": membership.user_id,
                "email": membership.user.email, "organization": organization.slug,
                "role": membership.role}
        self.emit(options, data, f"Added {membership.user.email} to {organization.slug} "
                                 f"as {membership.role} (membership {membership.pk}).")
