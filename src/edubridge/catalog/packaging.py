"""Content packages as catalog operations: a package in becomes a resource with a draft
version; a published version goes out as Common Cartridge or a QTI 3.0 package.

The package is read and checked whole before anything is written, and the resource, its
version, files and items are then written in one transaction.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import transaction

from edubridge.catalog import services
from edubridge.catalog.models import AssessmentItem, Resource, ResourceKind, ResourceVersion
from edubridge.catalog.packages import qti
from edubridge.catalog.packages.archive import PackageError
from edubridge.catalog.packages.cartridge import (
    Imported,
    Opener,
    read_package,
    write_cartridge,
    write_qti_package,
)
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.languages import normalise_language
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, require

FORMATS = {
    "cc1.3": "Common Cartridge 1.3",
    "cc1.1": "Common Cartridge 1.1 (Moodle)",
    "qti3": "QTI 3.0",
}


@dataclass
class ImportReport:
    resource: Resource
    version: ResourceVersion
    format: str
    warnings: list[str]


def _kind(imported: Imported) -> str:
    kinds = {node["type"] for node in imported.outline}
    if imported.items and kinds <= {"assessment"}:
        return ResourceKind.ITEM_BANK
    return (
        ResourceKind.COURSE
        if "section" in kinds or len(imported.outline) > 1
        else ResourceKind.LESSON
    )


def import_package(
    by: Actor,
    owner: Organisation,
    source: IO[bytes],
    *,
    name: str = "package",
    licence: str,
    **values: Any,
) -> ImportReport:
    """A resource and a draft version from a Common Cartridge or QTI package."""
    require(by, Action.RESOURCE_MANAGE, owner)
    try:
        imported = read_package(source, name)
    except PackageError as exc:
        raise DomainError(ErrorCode.INVALID, str(exc), field="file") from exc
    language = imported.language
    try:
        language = normalise_language(language) if language else "en"
    except ValueError:
        language = "en"
    title = values.pop("title", None) or {language: (imported.title or name)[:300]}
    description = values.pop("description", None) or (
        {language: imported.description[:5000]} if imported.description else {}
    )
    with transaction.atomic():
        resource = services.create_resource(
            by,
            owner,
            title=title,
            description=description,
            licence=licence,
            kind=values.pop("kind", None) or _kind(imported),
            country=values.pop("country", None) or owner.country_id,
            languages=values.pop("languages", None) or [language],
            **values,
        )
        version = services.create_version(
            by,
            resource,
            [services.Upload(path, io.BytesIO(data)) for path, data in imported.files.items()],
            changelog=f"Imported from {name} ({imported.format})",
        )
        version.outline = imported.outline
        version.save(update_fields=["outline"])
        AssessmentItem.objects.bulk_create(
            [
                AssessmentItem(
                    version=version, position=n, identifier=item.identifier, data=item.to_json()
                )
                for n, item in enumerate(imported.items)
            ]
        )
    return ImportReport(resource, version, imported.format, imported.warnings)


def items_of(version: ResourceVersion) -> list[qti.Item]:
    return [qti.Item.from_json(row.data) for row in version.items.all()]


def export_package(version: ResourceVersion, package_format: str) -> tuple[bytes, list[str]]:
    """The version as ``cc1.3``, ``cc1.1`` (what Moodle imports) or ``qti3``."""
    if package_format not in FORMATS:
        raise DomainError(
            ErrorCode.INVALID,
            f"format: choose one of {', '.join(FORMATS)}",
            field="format",
        )
    resource = version.resource
    items = items_of(version)
    language = resource.languages[0] if resource.languages else "en"
    if package_format == "qti3":
        if not items:
            raise DomainError(ErrorCode.INVALID, "format: this version has no assessment items")
        return write_qti_package(resource.title_in(language), items), []
    files: dict[str, Opener] = {
        f.path: partial(default_storage.open, f.storage_name, "rb") for f in version.files.all()
    }
    return write_cartridge(
        title=resource.title_in(language),
        description=resource.description_in(language),
        language=language,
        files=files,
        outline=version.outline,
        items=items,
        cc_version=package_format.removeprefix("cc"),
    )
