from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from edubridge.core import demo
from edubridge.core.server import serve


class Command(BaseCommand):
    help = "Migrate, load the demo partners and users (idempotent), and serve the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="load the demo data only")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo.load()
        call_command(
            "case",
            "load-builtin",
            verbosity=0,
            stdout=self.stdout if options["verbosity"] > 1 else None,
        )
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        for username, organisation, roles in logins:
            self.stdout.write(f"  {username:<18} {organisation:<16} {roles}")
        if options["no_serve"]:
            return
        self.stdout.write(f"\nEduBridge demo at http://{options['host']}:{options['port']}/")
        serve(options["host"], options["port"], workers=2)
