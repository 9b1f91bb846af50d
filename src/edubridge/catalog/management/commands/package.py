"""``edubridge package import|export``: Common Cartridge and QTI packages from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from edubridge.catalog import packaging, services
from edubridge.catalog.models import Resource, VersionStatus, canonical_uuid
from edubridge.core.management.subcommands import SubcommandCommand
from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM


class Command(SubcommandCommand):
    help = "Import and export IMS Common Cartridge (.imscc) and QTI packages."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="a new resource from a .imscc or QTI .zip")
        load.add_argument("file")
        load.add_argument("--org", required=True, help="slug of the organisation that shares it")
        load.add_argument("--licence", required=True, help="SPDX identifier, e.g. CC-BY-4.0")
        load.add_argument("--publish", action="store_true", help="publish the version at once")
        out = sub.add_parser("export", help="a published version as a package")
        out.add_argument("resource", help="the resource's identifier")
        out.add_argument("--version", type=int, help="default: the latest published")
        out.add_argument("--format", default="cc1.3", choices=sorted(packaging.FORMATS))
        out.add_argument("-o", "--output", required=True)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no file {path}")
        if path.stat().st_size > settings.PACKAGE_MAX_BYTES:
            raise CommandError(
                f"{path.name}: larger than {settings.PACKAGE_MAX_BYTES // 1_000_000} MB"
            )
        owner = Organisation.objects.filter(slug=options["org"]).first()
        if owner is None:
            raise CommandError(f"no organisation {options['org']!r}")
        with path.open("rb") as source:
            report = packaging.import_package(
                SYSTEM, owner, source, name=path.name, licence=options["licence"]
            )
        if options["publish"]:
            services.publish_version(SYSTEM, report.version)
        self.stdout.write(
            f"{report.format}: {report.resource} ({report.resource.identifier}), "
            f"{report.version.files.count()} files, {report.version.items.count()} items"
        )
        for warning in report.warnings:
            self.stdout.write(f"  warning: {warning}")

    def _export(self, options: dict[str, Any]) -> None:
        resource = Resource.objects.filter(
            identifier=canonical_uuid(options["resource"]), origin__isnull=True
        ).first()
        if resource is None:
            raise CommandError(f"no resource {options['resource']}")
        versions = resource.versions.filter(status=VersionStatus.PUBLISHED)
        if options["version"]:
            versions = versions.filter(number=options["version"])
        version = versions.order_by("-number").first()
        if version is None:
            raise CommandError("no published version to export")
        data, warnings = packaging.export_package(version, options["format"])
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"{packaging.FORMATS[options['format']]}: {options['output']}")
        for warning in warnings:
            self.stdout.write(f"  warning: {warning}")
