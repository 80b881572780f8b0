"""Shared behaviour of Tandem's commands: domain errors become a message and an exit code;
``--json`` prints the created object's fields."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.errors import DomainError


class TandemCommand(BaseCommand):
    json_option = True

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if self.json_option:
            parser.add_argument("--json", action="store_true", help="print the result as JSON")
        return parser

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except DomainError as error:
            raise CommandError(error.message, returncode=error.exit_code) from None

    def emit(self, options: dict[str, Any], data: dict[str, Any], text: str) -> None:
        if options.get("json"):
            self.stdout.write(json.dumps(data, default=str, indent=2))
        else:
            self.stdout.write(text)
