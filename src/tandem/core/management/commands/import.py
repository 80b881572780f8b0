"""``tandem import mspdi FILE --org SLUG [--client ID] [--manager EMAIL] [--json]``."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from tandem.core.actor import Actor
from tandem.core.management.base import TandemCommand
from tandem.core.management.lookup import manager_of, organization_of


class Command(TandemCommand):
    help = ("Import a file into Tandem. mspdi: a Microsoft Project XML file as a new project, "
            "with a report of how many of MS Project's dates the schedule reproduces.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["mspdi"], help="the kind of file")
        parser.add_argument("file", help="the file to read")
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--client", type=int, default=None,
                            help="the client's id (without it the project is an internal one)")
        parser.add_argument("--manager", default=None,
                            help="the project manager's email (default: the organization's "
                                 "first administrator)")
        parser.add_argument("--code", default=None, help="the project's code (default MSP-n)")
        parser.add_argument("--name", default=None,
                            help="the project's name (default: the file's title)")

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.projects.services.mspdi import import_mspdi

        organization = organization_of(options["org"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.",
                               returncode=2) from None
        manager = manager_of(organization, options["manager"])
        summary = import_mspdi(
            actor=Actor.system(organization, label="cli import"), data=data,
            client_id=options["client"], code=options["code"], name=options["name"],
            manager_id=manager.user_id,
        )
        data_out = summary.as_dict()
        lines = [
            f"Imported {path.name} as project {summary.project_id} ({summary.name}).",
            f"  {summary.tasks} tasks ({summary.summaries} summaries, {summary.milestones} "
            f"milestones), {summary.dependencies} dependencies, {summary.resources} resources, "
            f"{summary.assignments} assignments, {summary.calendars} calendar with "
            f"{summary.exceptions} exceptions.",
            f"  Dates matching MS Project's: {summary.dates_matched} of "
            f"{summary.dates_compared} tasks.",
        ]
        for m in summary.mismatches:
            lines.append(f"  - {m.name} (UID {m.uid}): ours {m.ours_start}..{m.ours_finish}, "
                         f"MS Project {m.ms_start}..{m.ms_finish} [{m.category}] "
                         f"{m.explanation}")
        self.emit(options, data_out, "\n".join(lines))

