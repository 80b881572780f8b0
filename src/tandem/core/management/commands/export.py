"""``tandem export mspdi PROJECT_ID --org SLUG -o FILE``."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from tandem.core.actor import Actor
from tandem.core.management.base import TandemCommand
from tandem.core.management.lookup import organization_of


class Command(TandemCommand):
    help = "Export from Tandem. mspdi: a project's plan as a Microsoft Project XML file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["mspdi"], help="the kind of file")
        parser.add_argument("project_id", type=int, help="the project's id")
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.projects.selectors.projects import project_get
        from tandem.projects.services.mspdi import export_mspdi

        organization = organization_of(options["org"])
        actor = Actor.system(organization, label="cli export")
        project = project_get(actor, options["project_id"])
        content = export_mspdi(actor=actor, project=project)
        path = Path(options["output"])
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.",
                               returncode=2) from None
        data = {"project_id": project.pk, "file": str(path), "bytes": len(content)}
        self.emit(options, data, f"Exported project {project.pk} ({project.code}) to {path} "
                                 f"({len(content)} bytes).")
