"""``edubridge harvest URL [--set S]``: pull another node's catalog into this one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edubridge.catalog.harvest import Harvester, HarvestError
from edubridge.core.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Harvest the records of an OAI-PMH repository (another EduBridge node, or any "
        "repository offering LOM or Dublin Core) from where the last harvest stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the repository's OAI-PMH base URL, e.g. https://node/oai")
        parser.add_argument("--set", default="", help="harvest one set, e.g. country:KE")
        parser.add_argument(
            "--metadata-prefix",
            default="",
            choices=["", "lom", "oai_dc"],
            help="default: lom if offered",
        )
        parser.add_argument(
            "--country", default="", help="country of origin for records that name none"
        )
        parser.add_argument(
            "--full", action="store_true", help="harvest everything again, not only what changed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"].strip()
        if not url.startswith(("http://", "https://")):
            raise CommandError(f"url: {url!r} is not an http(s) URL")
        try:
            harvester = Harvester(
                url,
                options["set"],
                metadata_prefix=options["metadata_prefix"],
                country=options["country"],
            )
            with progress_bar(self.stdout) as progress:
                task = progress.add_task("harvesting", total=None)

                def advance(count: int, total: int) -> None:
                    progress.update(task, advance=count, total=total or None)

                report = harvester.run(full=options["full"], progress=advance)
        except HarvestError as exc:
            raise CommandError(f"{url}: {exc}") from exc
        node = harvester.node
        self.stdout.write(
            f"{node}: {report.created} new, {report.updated} updated, "
            f"{report.deleted} deleted, {len(report.skipped)} skipped"
            + (" (resumed an interrupted harvest)" if report.resumed else "")
        )
        for identifier, reason in report.skipped[:50]:
            self.stdout.write(f"  skipped {identifier}: {reason}")
