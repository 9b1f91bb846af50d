"""``edubridge retention [--dry-run] [--schedule]``: apply each kind of data's retention now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edubridge.governance import retention


class Command(BaseCommand):
    help = "Delete, or turn into monthly counts, what is past its retention; say what was done."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument(
            "--schedule", action="store_true", help="queue the daily run for the task worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            retention.schedule()
            self.stdout.write("retention queued: `edubridge db_worker` applies it daily")
            return
        verb = "would" if options["dry_run"] else "did"
        for row in retention.apply(dry_run=options["dry_run"]):
            self.stdout.write(
                f"{row['rule']}: {verb} {row['action']} {row['rows']} rows "
                f"older than {row['before'][:10]}"
            )
