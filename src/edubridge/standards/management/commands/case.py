"""``edubridge case import|export|load-builtin``: CASE packages from the shell."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from edubridge.core.fetch import fetch
from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.models import Country, Organisation
from edubridge.core.policy import SYSTEM
from edubridge.standards import services
from edubridge.standards.models import Framework


class Command(SubcommandCommand):
    help = "Import and export CASE 1.0/1.1 framework packages."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import a CFPackage from a file or an http(s) URL")
        load.add_argument("source", help="a file path, or an http(s) URL")
        load.add_argument("--org", help="slug of the organisation that maintains it")
        load.add_argument("--country", help="ISO 3166-1 code of its jurisdiction")
        load.add_argument("--show-warnings", action="store_true")
        export = sub.add_parser("export", help="write a framework as a CASE 1.1 CFPackage")
        export.add_argument("framework", help="the framework's CASE identifier")
        export.add_argument("-o", "--output", required=True)
        sub.add_parser("load-builtin", help="load the UNESCO AI competency frameworks")

    def _import(self, options: dict[str, Any]) -> None:
        source = options["source"]
        if "://" in source:
            raw = fetch(
                source, max_bytes=settings.CASE_MAX_BYTES, timeout=settings.CASE_URL_TIMEOUT
            )
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"no file {source}")
            if path.stat().st_size > settings.CASE_MAX_BYTES:
                size, limit = path.stat().st_size / 1e6, settings.CASE_MAX_BYTES / 1e6
                raise CommandError(
                    f"$: the file has {size:.1f} MB; this node accepts {limit:.0f} MB"
                )
            raw = path.read_bytes()
        organisation = country = None
        if options["org"]:
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"no organisation {options['org']!r}")
        if options["country"]:
            country = Country.objects.filter(code=options["country"].upper()).first()
            if country is None:
                raise CommandError(f"country: {options['country']!r} is not an ISO 3166-1 code")
        report = services.import_package(SYSTEM, raw, organisation=organisation, country=country)
        self.stdout.write(report.summary())
        self.stdout.write(f"identifier: {report.framework.identifier}")
        if report.warnings:
            self.stdout.write(
                f"{len(report.warnings)} repairs while reading (--show-warnings lists them)"
            )
            if options["show_warnings"]:
                for warning in report.warnings:
                    self.stdout.write(f"  {warning}")

    def _export(self, options: dict[str, Any]) -> None:
        framework = Framework.objects.filter(identifier=options["framework"].lower()).first()
        if framework is None:
            raise CommandError(f"no framework with identifier {options['framework']!r}")
        package = services.export_package(framework)
        Path(options["output"]).write_text(
            json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        self.stdout.write(f"wrote {len(package['CFItems'])} items to {options['output']}")

    def _load_builtin(self, options: dict[str, Any]) -> None:
        for report in services.load_builtin(SYSTEM):
            self.stdout.write(report.summary())
