"""``edubridge pseudonym rotate|reidentify``: an organisation's pseudonym keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM
from edubridge.governance import pseudonyms
from edubridge.records import export


class Command(SubcommandCommand):
    help = "Rotate an organisation's pseudonym key, or re-identify one of its pseudonyms."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate", help="new pseudonyms from now on")
        rotate.add_argument("--org", required=True, help="organisation slug")
        find = sub.add_parser("reidentify", help="whose pseudonym is it, in our own records")
        find.add_argument("--org", required=True, help="organisation slug")
        find.add_argument("pseudonym", help="v<version>.<digest>")

    def _organisation(self, options: dict[str, Any]) -> Organisation:
        found = Organisation.objects.filter(slug=options["org"]).first()
        if found is None:
            raise CommandError(f"--org: no organisation {options['org']!r}")
        return found

    def _rotate(self, options: dict[str, Any]) -> None:
        version = pseudonyms.rotate(SYSTEM, self._organisation(options))
        self.stdout.write(f"pseudonyms now use key v{version}")

    def _reidentify(self, options: dict[str, Any]) -> None:
        found = export.reidentify(SYSTEM, self._organisation(options), options["pseudonym"])
        if found is None:
            raise CommandError("pseudonym: no agent of this organisation's records has it")
        self.stdout.write(found)
