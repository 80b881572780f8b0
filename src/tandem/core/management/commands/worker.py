from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run a Celery worker for background jobs (needs TANDEM_BROKER_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument("--beat", action="store_true",
                            help="also run the scheduler of periodic jobs in this worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "TANDEM_BROKER_URL is not set, so background jobs run in-process and no worker "
                "is needed. Set it (e.g. redis://127.0.0.1:6379/0) to use a worker."
            )
        from tandem.config.celery import app

        argv = ["worker", f"--loglevel={options['loglevel']}",
                f"--concurrency={options['concurrency']}"]
        if options["beat"]:
            argv.append("--beat")
        app.worker_main(argv)
