"""Content packages as catalog operations: a package in becomes a resource with a draft
version; a published version goes out as Common Cartridge or a QTI 3.0 package.

The package is read and checked whole before anything is written, and the resource, its
version, files and items are then written in one transaction.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction

from edubridge.catalog import services
from edubridge.catalog.models import (
    AssessmentItem,
    Resource,
    ResourceKind,
    ResourceVersion,
    VersionStatus,
    in_language,
)
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


def _check_format(package_format: str) -> None:
    if package_format not in FORMATS:
        raise DomainError(
            ErrorCode.INVALID, f"format: choose one of {', '.join(FORMATS)}", field="format"
        )


def _write(version: ResourceVersion, package_format: str, target: IO[bytes]) -> list[str]:
    """The version as ``cc1.3``, ``cc1.1`` (what Moodle imports) or ``qti3``, with the
    metadata it was published with, so the same version always gives the same package."""
    _check_format(package_format)
    resource = version.resource
    metadata = version.metadata or services.metadata_of(resource)
    languages = metadata.get("languages") or ["en"]
    title = in_language(metadata.get("title") or resource.title, languages[0])
    items = items_of(version)
    if package_format == "qti3":
        if not items:
            raise DomainError(ErrorCode.INVALID, "format: this version has no assessment items")
        write_qti_package(title, items, target)
        return []
    files: dict[str, Opener] = {
        f.path: partial(default_storage.open, f.storage_name, "rb") for f in version.files.all()
    }
    return write_cartridge(
        title=title,
        description=in_language(metadata.get("description") or {}, languages[0]),
        language=languages[0],
        files=files,
        outline=version.outline,
        items=items,
        cc_version=package_format.removeprefix("cc"),
        target=target,
    )


def export_package(version: ResourceVersion, package_format: str) -> tuple[bytes, list[str]]:
    buffer = io.BytesIO()
    warnings = _write(version, package_format, buffer)
    return buffer.getvalue(), warnings


def stored_export(version: ResourceVersion, package_format: str) -> str:
    """The storage name of the package of a published version, made once: a published
    version never changes, so neither does its package."""
    if version.status != VersionStatus.PUBLISHED:
        raise DomainError(ErrorCode.CONFLICT, "Only a published version is exported.")
    _check_format(package_format)
    name = f"packages/{version.resource.identifier}/v{version.number}.{package_format}.zip"
    if not default_storage.exists(name):
        with tempfile.TemporaryFile() as spool:
            _write(version, package_format, spool)
            spool.seek(0)
            default_storage.save(name, File(spool))
    return name
