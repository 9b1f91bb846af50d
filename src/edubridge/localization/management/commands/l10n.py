"""``edubridge l10n list|export|import|rules``: localisation projects from a script.

The command line acts as the node operator. An import that is refused exits non-zero
with the unit and problem named, and applies nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.policy import SYSTEM
from edubridge.localization import culture, services
from edubridge.localization.models import Project, RulePack


def _project(value: str) -> Project:
    found = Project.objects.filter(identifier__startswith=value.lower()).select_related(
        "source_version__resource", "organisation"
    )
    if len(value) < 8 or found.count() != 1:
        raise CommandError(f"PROJECT: no single project has an identifier starting {value!r}")
    return found.get()


class Command(SubcommandCommand):
    help = "List localisation projects, export or import their units, load rule packs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="every project, its stage and progress")
        listing.add_argument("--json", action="store_true")
        export = sub.add_parser("export", help="write the units as XLIFF 2.1 or PO")
        export.add_argument("project", help="identifier, or its first 8 or more characters")
        export.add_argument("--format", choices=["xliff", "po"], default="xliff")
        export.add_argument("-o", "--output", required=True)
        imported = sub.add_parser("import", help="apply a translated XLIFF or PO file, or nothing")
        imported.add_argument("project")
        imported.add_argument("file")
        rules = sub.add_parser("rules", help="load the shipped rule packs newer than the stored")
        rules.add_argument("--force", action="store_true", help="reload even if not newer")

    def _list(self, options: dict[str, Any]) -> None:
        rows = [
            services.summary(project)
            for project in Project.objects.select_related(
                "source_version__resource", "organisation", "source_organisation"
            ).order_by("created_at")
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['identifier']}  {row['stage']:<9}  {row['translated']:>5}/{row['units']:<5}"
                f"  {row['target_language']:<8} {row['organisation']:<16} {row['resource']}"
            )

    def _export(self, options: dict[str, Any]) -> None:
        project = _project(options["project"])
        data = services.export_file(SYSTEM, project, options["format"])
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"{project.units.count()} units written to {options['output']}")

    def _import(self, options: dict[str, Any]) -> None:
        project = _project(options["project"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"FILE: {path} is not a file")
        report = services.import_file(SYSTEM, project, path.read_bytes(), path.name)
        self.stdout.write(
            f"{report.updated} updated, {report.unchanged} unchanged,"
            f" {report.untranslated} untranslated"
        )

    def _rules(self, options: dict[str, Any]) -> None:
        for path in sorted(culture.PACKS.glob("*.toml")):
            try:
                pack = culture.load_pack(path, force=options["force"])
            except culture.PackError as error:
                raise CommandError(str(error)) from error
            stored = pack or RulePack.objects.filter(country_id=path.stem).first()
            state = "loaded" if pack else "up to date"
            version = stored.version if stored else "?"
            self.stdout.write(f"{path.stem}: {state} (version {version})")
