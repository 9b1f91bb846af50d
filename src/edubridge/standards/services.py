"""Importing and exporting frameworks as CASE packages.

An import is one transaction: a package is read and checked whole before anything is
written, and a newer version of a framework already here updates it in place, item by
item, with a report of what changed. Items a newer version drops are retired, not deleted,
so crosswalks that point at them keep their history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Country, Organisation
from edubridge.core.policy import Action, Actor, require
from edubridge.standards import crosswalks, serialise
from edubridge.standards.case import CaseError, Package, parse_json, read_package
from edubridge.standards.case.schema import UUID
from edubridge.standards.models import Association, Definition, Framework, Item

# Reading maps the same CASE properties onto columns as writing does, plus the change time.
_TIME = {"lastChangeDateTime": "last_change"}
DOCUMENT_FIELDS = {**serialise.DOCUMENT_FIELDS, **_TIME}
ITEM_FIELDS = {**serialise.ITEM_FIELDS, **_TIME}
ASSOCIATION_FIELDS = {**serialise.ASSOCIATION_FIELDS, **_TIME}
COMPARED = [
    "uri",
    "full_statement",
    "abbreviated_statement",
    "human_coding_scheme",
    "list_enumeration",
    "item_type",
    "education_levels",
    "language",
    "notes",
    "extra",
]


@dataclass
class ImportReport:
    framework: Framework
    created: bool
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    associations_added: int = 0
    associations_removed: int = 0
    associations_changed: bool = False
    document_changed: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.document_changed
            or self.added
            or self.updated
            or self.retired
            or self.associations_changed
        )

    def summary(self) -> str:
        verb = "imported" if self.created else "updated"
        return (
            f"{verb} {self.framework.title!r}: {len(self.added)} items added, "
            f"{len(self.updated)} updated, {len(self.retired)} retired, "
            f"{self.unchanged} unchanged; "
            f"associations +{self.associations_added} -{self.associations_removed}"
        )


def _uri(kind: str, identifier: str, given: str) -> str:
    """The node's URI as given, else a URN that needs no host name to stay stable."""
    if given:
        return given
    return (
        f"urn:uuid:{identifier}" if UUID.match(identifier) else f"urn:edubridge:{kind}:{identifier}"
    )


def _check_lengths(model: type[Model], columns: dict[str, Any], what: str) -> None:
    """Refuse, never truncate, what a column cannot hold (SQLite would take it; PostgreSQL not)."""
    for column, value in columns.items():
        limit = getattr(model._meta.get_field(column), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise DomainError(
                ErrorCode.INVALID, f"{what}: {column} is longer than {limit} characters"
            )


def _columns(
    obj: dict[str, Any], mapping: dict[str, str], kind: str, model: type[Model]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Model columns from a CASE object, and the rest of its properties for ``extra``."""
    columns = {column: obj[key] for key, column in mapping.items() if key in obj}
    columns["uri"] = _uri(kind, obj["identifier"], obj.get("uri", ""))
    _check_lengths(model, columns, f"{kind} {obj['identifier']}")
    extra = {k: v for k, v in obj.items() if k not in mapping}
    return columns, extra


def _natural(code: str) -> list[Any]:
    """Sort key in natural order ("L1.2" before "L1.10"); any script's decimal digits count."""
    return [
        (0, int(p), "") if p.isdecimal() else (1, 0, p)
        for p in re.split(r"(\d+)", code.lower())
        if p
    ]


def read(raw: bytes | str | dict[str, Any]) -> Package:
    """A checked package, or a DomainError naming the JSON path at fault."""
    try:
        data = raw if isinstance(raw, dict) else parse_json(raw, settings.CASE_MAX_BYTES)
        return read_package(data)
    except CaseError as error:
        raise DomainError(ErrorCode.INVALID, str(error), field=error.path) from error


def import_package(
    by: Actor,
    raw: bytes | str | dict[str, Any],
    *,
    organisation: Organisation | None = None,
    country: Country | None = None,
    builtin: bool = False,
) -> ImportReport:
    package = read(raw)
    doc = package.document
    existing = Framework.objects.filter(identifier=doc["identifier"]).first()
    owner = existing.organisation if existing else organisation
    if owner is None:
        require(by, Action.NODE_ADMIN)
    else:
        require(by, Action.FRAMEWORK_MANAGE, owner)
    foreign = Item.objects.filter(identifier__in=[i["identifier"] for i in package.items])
    if existing:
        foreign = foreign.exclude(framework=existing)
    clash = foreign.select_related("framework").first()
    if clash:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"CFItem {clash.identifier} already belongs to framework {clash.framework.title!r}",
            field="CFItems",
        )
    with transaction.atomic():
        report = _write(package, existing, owner, country, builtin)
        if not report.changed:
            # The same version again: leave no trace, not even a new import time.
            transaction.set_rollback(True)
            return report
        crosswalks.void_stale_signatures(report.framework)
        audit.record(
            by,
            "framework.import",
            report.framework,
            organisation=owner,
            summary=report.summary()[:300],
            changes={
                "items": [None, len(package.items)],
                "version": [None, report.framework.version],
            },
        )
    return report


def _write(
    package: Package,
    existing: Framework | None,
    owner: Organisation | None,
    country: Country | None,
    builtin: bool,
) -> ImportReport:
    doc = package.document
    columns, extra = _columns(doc, DOCUMENT_FIELDS, "CFDocument", Framework)
    framework = existing or Framework(identifier=doc["identifier"])
    before = _document_state(framework)
    for name, value in columns.items():
        setattr(framework, name, value)
    framework.subjects = list(framework.subjects or [])
    framework.extra = extra
    framework.rubrics = package.rubrics
    framework.package_extensions = package.extensions
    framework.case_version = package.case_version
    framework.organisation = owner
    framework.country = country or framework.country
    framework.builtin = builtin or framework.builtin
    framework.save()
    report = ImportReport(framework, created=existing is None, warnings=package.warnings)
    report.document_changed = before != _document_state(framework)
    _write_definitions(framework, package)
    items = _write_items(framework, package, report)
    _write_tree(framework, package, items)
    _write_associations(framework, package, report)
    return report


def _document_state(framework: Framework) -> list[Any]:
    names = [
        *DOCUMENT_FIELDS.values(),
        "extra",
        "rubrics",
        "package_extensions",
        "case_version",
        "organisation_id",
        "country_id",
    ]
    return [getattr(framework, name, None) for name in names]


def _association_state(framework: Framework) -> set[tuple[Any, ...]]:
    return {
        (
            a.identifier,
            a.uri,
            a.association_type,
            a.origin_identifier,
            a.origin_uri,
            a.destination_identifier,
            a.destination_uri,
            a.sequence_number,
            repr(a.extra),
        )
        for a in Association.objects.filter(framework=framework)
    }


def _write_definitions(framework: Framework, package: Package) -> None:
    framework.definitions.all().delete()
    rows = []
    for kind, entries in package.definitions.items():
        for entry in entries:
            columns = {
                "identifier": entry["identifier"],
                "uri": _uri(kind, entry["identifier"], entry.get("uri", "")),
                "title": str(entry["title"]),
            }
            _check_lengths(Definition, columns, f"{kind} {entry['identifier']}")
            data = {k: v for k, v in entry.items() if k != "lastChangeDateTime"}
            rows.append(
                Definition(
                    framework=framework,
                    kind=kind,
                    last_change=entry["lastChangeDateTime"],
                    data=data,
                    **columns,
                )
            )
    Definition.objects.bulk_create(rows, batch_size=500)


def _write_items(framework: Framework, package: Package, report: ImportReport) -> dict[str, Item]:
    stored = {i.identifier: i for i in Item.objects.filter(framework=framework)}
    new, changed = [], []
    for obj in package.items:
        columns, extra = _columns(obj, ITEM_FIELDS, "CFItem", Item)
        item = stored.get(obj["identifier"])
        if item is None:
            new.append(Item(framework=framework, extra=extra, **columns))
            report.added.append(obj["identifier"])
            continue
        before = [getattr(item, f) for f in COMPARED]
        for name, value in columns.items():
            setattr(item, name, value)
        item.extra, item.retired = extra, False
        if before != [getattr(item, f) for f in COMPARED]:
            changed.append(item)
            report.updated.append(item.identifier)
        else:
            report.unchanged += 1
    Item.objects.bulk_create(new, batch_size=500)
    Item.objects.bulk_update(changed, [*COMPARED, "last_change", "retired"], batch_size=500)
    present = {obj["identifier"] for obj in package.items}
    gone = [i for ident, i in stored.items() if ident not in present and not i.retired]
    Item.objects.filter(pk__in=[i.pk for i in gone]).update(retired=True)
    report.retired = [i.identifier for i in gone]
    return {i.identifier: i for i in Item.objects.filter(framework=framework)}


def _write_tree(framework: Framework, package: Package, items: dict[str, Item]) -> None:
    """Parents from isChildOf; positions in depth-first order of the tree.

    Siblings are ordered by sequenceNumber, else listEnumeration, else code in natural order
    ("L1.2" before "L1.10"), as OpenSALT shows them.
    """
    parent: dict[str, tuple[str, int | None]] = {}
    for obj in package.associations:
        if obj["associationType"] == "isChildOf":
            child = obj["originNodeURI"]["identifier"]
            parent.setdefault(
                child, (obj["destinationNodeURI"]["identifier"], obj.get("sequenceNumber"))
            )
    children: dict[str | None, list[Item]] = {}
    for item in items.values():
        mother = parent.get(item.identifier, ("", None))[0]
        item.parent = items.get(mother)
        children.setdefault(item.parent.identifier if item.parent else None, []).append(item)

    def sibling_order(item: Item) -> tuple[Any, ...]:
        sequence = parent.get(item.identifier, ("", None))[1]
        return (
            sequence is None,
            sequence or 0,
            _natural(item.list_enumeration),
            _natural(item.human_coding_scheme),
        )

    ordered: list[Item] = []
    pending: list[Item] = sorted(children.get(None, []), key=sibling_order, reverse=True)
    while pending:
        item = pending.pop()
        ordered.append(item)
        pending.extend(sorted(children.get(item.identifier, []), key=sibling_order, reverse=True))
    for position, item in enumerate(ordered):
        item.position = position
    Item.objects.bulk_update(ordered, ["parent", "position"], batch_size=500)


def _write_associations(framework: Framework, package: Package, report: ImportReport) -> None:
    stored = set(
        Association.objects.filter(framework=framework).values_list("identifier", flat=True)
    )
    present = {obj["identifier"] for obj in package.associations}
    taken = set(
        Association.objects.filter(identifier__in=present)
        .exclude(framework=framework)
        .values_list("identifier", flat=True)[:1]
    )
    if taken:
        raise DomainError(
            ErrorCode.CONFLICT, f"CFAssociation {taken.pop()} already belongs to another framework"
        )
    before = _association_state(framework)
    # Associations carry no state of their own here: the package's set replaces the old one.
    Association.objects.filter(framework=framework).delete()
    rows = []
    for obj in package.associations:
        columns, extra = _columns(obj, ASSOCIATION_FIELDS, "CFAssociation", Association)
        origin, destination = obj["originNodeURI"], obj["destinationNodeURI"]
        extra.pop("originNodeURI"), extra.pop("destinationNodeURI")
        rows.append(
            Association(
                framework=framework,
                origin_identifier=origin["identifier"],
                origin_uri=origin["uri"],
                origin_title=origin["title"],
                destination_identifier=destination["identifier"],
                destination_uri=destination["uri"],
                destination_title=destination["title"],
                extra={**extra, **_target_types(origin, destination)},
                **columns,
            )
        )
    Association.objects.bulk_create(rows, batch_size=500)
    report.associations_changed = before != _association_state(framework)
    report.associations_added = len(present - stored)
    report.associations_removed = len(stored - present)


def _target_types(origin: dict[str, str], destination: dict[str, str]) -> dict[str, Any]:
    types = {k: v.get("targetType") for k, v in (("origin", origin), ("destination", destination))}
    return {"targetTypes": types} if any(types.values()) else {}


BUILTIN = Path(__file__).resolve().parent / "builtin"


def load_builtin(by: Actor) -> list[ImportReport]:
    """The frameworks EduBridge ships (the UNESCO AI competency frameworks); idempotent."""
    return [
        import_package(by, path.read_bytes(), builtin=True)
        for path in sorted(BUILTIN.glob("*.json"))
    ]


def export_package(framework: Framework) -> dict[str, Any]:
    """The framework as a CASE 1.1 CFPackage."""
    return serialise.package(framework)
