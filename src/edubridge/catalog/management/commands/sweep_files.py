"""``edubridge sweep-files``: remove stored content that no version uses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edubridge.catalog import sweep


class Command(BaseCommand):
    help = "Remove stored files that no resource version uses (left by interrupted uploads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=1.0,
            help="keep files younger than this, which an upload under way may still use",
        )
        parser.add_argument("--dry-run", action="store_true", help="list them, remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        grace = timedelta(hours=options["grace_hours"])
        paths = sweep.orphans(grace) if options["dry_run"] else sweep.sweep(grace)
        verb = "unused" if options["dry_run"] else "removed"
        for path in paths:
            self.stdout.write(f"{verb}: {path}")
        self.stdout.write(
            f"{len(paths)} unused files {'found' if options['dry_run'] else 'removed'}"
        )
