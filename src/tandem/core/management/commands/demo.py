from typing import Any

from django.core.management.base import CommandParser

from tandem.core.demo import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_SLUG, demo_exists, demo_load
from tandem.core.management.base import TandemCommand


class Command(TandemCommand):
    help = "Create the demo organization, or refresh its people, roles and passwords."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-missing", action="store_true",
                            help="only create it when it does not exist yet (keeps your changes)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_missing"] and demo_exists():
            verb = "kept"
            from tandem.core.models import Organization

            organization = Organization.objects.get(slug=DEMO_SLUG)
        else:
            context = demo_load()
            organization = context.organization
            verb = "created" if context.created else "refreshed"
        logins = [{"email": email, "password": DEMO_PASSWORD, "role": role.value}
                  for email, _name, role in DEMO_PEOPLE]
        text = [f"Demo organization {organization.slug!r} {verb}. Sign in with:"]
        text += [f"  {login['email']:<20} password {DEMO_PASSWORD!r}  ({login['role']})"
                 for login in logins]
        self.emit(options, {"id": organization.pk, "slug": organization.slug, "status": verb,
                            "logins": logins}, "\n".join(text))
