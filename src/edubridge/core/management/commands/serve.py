import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edubridge.core.server import serve


class Command(BaseCommand):
    help = "Serve this node with gunicorn and a background worker (collects static files first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("EDUBRIDGE_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("EDUBRIDGE_PORT", "8000"))
        )
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("EDUBRIDGE_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-background",
            action="store_true",
            help="run no background worker (run `edubridge db_worker` elsewhere)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"EduBridge at http://{options['host']}:{options['port']}/")
        serve(
            options["host"],
            options["port"],
            options["workers"],
            background=not options["no_background"],
        )
