"""``edubridge data-map``: the inventory of stored fields, and ``--check`` for gaps."""

import io
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from edubridge.governance import report
from edubridge.governance.registry import inventory, problems


class Command(BaseCommand):
    help = "Print every stored field with its level, categories, purpose and retention."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["table", "json", "md"], default="table")
        parser.add_argument(
            "--check",
            action="store_true",
            help="exit non-zero, naming each field that is not classified",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            found = problems()
            if found:
                raise CommandError("data map incomplete:\n  " + "\n  ".join(found))
            self.stdout.write(f"data map complete: {len(inventory())} fields classified")
            return
        rows = inventory()
        if options["format"] == "json":
            self.stdout.write(report.as_json(rows))
        elif options["format"] == "md":
            self.stdout.write(report.as_markdown(rows), ending="")
        else:
            table = Table("model", "field", "level", "categories", "purpose", "retention")
            for r in rows:
                level = r.level.value if r.level else "[red]unclassified[/red]"
                cats = ", ".join(c.value for c in r.categories)
                table.add_row(r.model, r.field, level, cats, r.purpose, r.retention)
            buffer = io.StringIO()
            Console(file=buffer, width=200).print(table)
            self.stdout.write(buffer.getvalue(), ending="")
