from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from edubridge.catalog import demo as catalog_demo
from edubridge.core import demo
from edubridge.core.policy import SYSTEM
from edubridge.core.server import serve
from edubridge.governance import demo as governance_demo
from edubridge.learning import demo as learning_demo
from edubridge.localization import demo as localization_demo
from edubridge.standards import demo as standards_demo
from edubridge.standards import services
from edubridge.training import demo as training_demo


class Command(BaseCommand):
    help = (
        "Migrate, load the demo (partners, users, frameworks, crosswalk, resources, a practice"
        " item bank, a seed-teacher cascade with credentials, localisation projects), and serve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="load the demo data only")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo.load()
        services.load_builtin(SYSTEM)
        standards_demo.load()
        catalog_demo.load()
        learning_demo.load()
        training_demo.load()
        localization_demo.load()
        governance_demo.load()
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        for username, organisation, roles in logins:
            self.stdout.write(f"  {username:<18} {organisation:<16} {roles}")
        if options["no_serve"]:
            return
        self.stdout.write(f"\nEduBridge demo at http://{options['host']}:{options['port']}/")
        serve(options["host"], options["port"], workers=2)
