"""The ``tandem`` command (also ``python -m tandem``).

``schedule`` and ``bench`` of the engine run without Django (they start fast and need no
database); everything else is a Django management command, Tandem's own (run, worker,
createorg, adduser, demo) or Django's (migrate, check, makemigrations, shell...).
"""

from __future__ import annotations

import os
import sys

ENGINE_COMMANDS = {"schedule": "tandem.engine.cli", "bench": "tandem.engine.bench"}
# Benchmarks of the web app need Django and a database: management commands.
DJANGO_BENCHMARKS = {"gantt": "bench_gantt"}
USAGE = """usage: tandem COMMAND [options]

Tandem commands:
  run          serve Tandem (http://127.0.0.1:8000 by default; TANDEM_PORT changes the port)
  worker       run a background worker (needs TANDEM_BROKER_URL)
  migrate      create or update the database tables
  check        check the configuration (add --deploy for production)
  createorg    create an organization with its administrator
  adduser      add a person to an organization with a role
  demo         create or refresh the demo organization
  schedule     cpm | level | risk FILE: the scheduling engine, no database needed
  import       mspdi FILE --org SLUG [--client ID]: a Microsoft Project file as a new project
  export       mspdi PROJECT_ID --org SLUG -o FILE: a project as a Microsoft Project file
  bench        benchmarks that print figures (psplib, cpm, risk; gantt uses the database)
Any other Django management command works too (tandem makemigrations, tandem shell).
Run `tandem COMMAND --help` for a command's options.
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        sys.stdout.write(USAGE)
        return 0
    if args[0] == "bench" and args[1:2] and args[1] in DJANGO_BENCHMARKS:
        return _run_django_command([DJANGO_BENCHMARKS[args[1]], *args[2:]])
    if args[0] in ENGINE_COMMANDS:
        return _run_engine_command(args[0], args[1:])
    return _run_django_command(args)


def _run_engine_command(name: str, args: list[str]) -> int:
    from importlib import import_module

    module = import_module(ENGINE_COMMANDS[name])
    try:
        return int(module.main(args))
    except BrokenPipeError:
        # The reader went away (`tandem schedule cpm FILE | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _run_django_command(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        sys.stderr.write(f"tandem: configuration error: {error}\n")
        return 2
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["tandem", *args])
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
