"""``edubridge jurisdiction load|list``: the shipped privacy-law packs of each jurisdiction."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.governance import packs
from edubridge.governance.models import Jurisdiction


class Command(SubcommandCommand):
    help = "Load or list the jurisdiction packs (privacy rules with their citations)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="store the shipped packs that are new or newer")
        load.add_argument("--force", action="store_true", help="overwrite edits made since")
        sub.add_parser("list", help="the stored packs and their versions")

    def _load(self, options: dict[str, Any]) -> None:
        try:
            stored = packs.load_all(force=options["force"])
        except packs.PackError as error:
            raise CommandError(str(error)) from error
        names = ", ".join(f"{j.code} v{j.version}" for j in stored) or "none (all up to date)"
        self.stdout.write(f"stored: {names}")

    def _list(self, options: dict[str, Any]) -> None:
        packs.ensure_loaded()
        for j in Jurisdiction.objects.all():
            self.stdout.write(f"{j.code}\tv{j.version}\t{j.title}")
