from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Tandem with the Waitress WSGI server (static files through WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.TANDEM_HOST,
                            help="address to bind (TANDEM_HOST, default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=settings.TANDEM_PORT,
                            help="port (TANDEM_PORT, default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from tandem.config.wsgi import application

        port = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {port}.")
        if settings.PRODUCTION and not (settings.STATIC_ROOT / "staticfiles.json").exists():
            raise CommandError("Run `tandem collectstatic` before serving in production.")
        host = options["host"]
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Tandem is running at http://{shown}:{port}/  (Ctrl+C stops it)")
        self.stdout.flush()
        try:
            serve(application, host=host, port=port, threads=options["threads"],
                  ident="Tandem", clear_untrusted_proxy_headers=True)
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None
