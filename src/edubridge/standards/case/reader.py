"""Reading CASE 1.0 and 1.1 packages, tolerant of what real exports do.

Accepted and repaired, with a warning: a ``CFPackage`` wrapper, links written as plain URI
strings, ``educationalLevel`` for ``educationLevel``, a single level instead of a list,
numbers as strings, date-times without a time zone (UTC is assumed), ``RelatedTo``,
REST-only properties inside a package, empty definition fields. Refused, naming the JSON
path: what cannot be repaired without guessing (no identifier, no statement, a duplicate
identifier, an ``isChildOf`` cycle, a node that is neither in the package nor has a URI).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from edubridge.standards.case.schema import EXT_TYPE, TYPES_1_1, UUID

_UUID_TAIL = re.compile(
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/?$"
)
REST_ONLY = ("CFPackageURI", "CFDocumentURI", "CFItemAssociationURI")
DEFINITION_KINDS = (
    "CFConcepts",
    "CFSubjects",
    "CFLicenses",
    "CFItemTypes",
    "CFAssociationGroupings",
)


class CaseError(ValueError):
    """A package EduBridge will not import, with the JSON path of the first problem."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class Package:
    document: dict[str, Any]
    items: list[dict[str, Any]]
    associations: list[dict[str, Any]]
    definitions: dict[str, list[dict[str, Any]]]
    rubrics: list[dict[str, Any]]
    case_version: str
    warnings: list[str] = field(default_factory=list)


def too_large(size: int, max_bytes: int) -> str:
    return f"the file has {size / 1e6:.1f} MB; this node accepts {max_bytes / 1e6:.0f} MB"


def parse_json(raw: bytes | str, max_bytes: int) -> Any:
    if len(raw) > max_bytes:
        raise CaseError("$", too_large(len(raw), max_bytes))
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = (
            f"line {exc.lineno} column {exc.colno}: "
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise CaseError("$", f"not valid JSON: {where}{getattr(exc, 'msg', exc)}") from exc


def parse_datetime(value: Any, path: str, warnings: list[str]) -> datetime:
    if value in (None, ""):
        warnings.append(f"{path}: missing, set to now")
        return datetime.now(UTC)
    if not isinstance(value, str):
        raise CaseError(path, "must be a date-time string")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise CaseError(path, f"{value!r} is not a date-time") from exc
    if parsed.tzinfo is None:
        warnings.append(f"{path}: no time zone, UTC assumed")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


class _Reader:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.seen: dict[str, str] = {}

    def text(self, obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise CaseError(f"{path}.{key}", "required")
            return ""
        if not isinstance(value, str | int | float):
            raise CaseError(f"{path}.{key}", "must be a string")
        return str(value)

    def identifier(self, obj: dict[str, Any], path: str) -> str:
        ident = self.text(obj, "identifier", path, required=True).strip()
        if len(ident) > 64:
            raise CaseError(f"{path}.identifier", "longer than 64 characters")
        if not UUID.match(ident.lower()):
            self.warnings.append(f"{path}.identifier: {ident!r} is not a UUID")
        ident = ident.lower() if UUID.match(ident.lower()) else ident
        if ident in self.seen:
            raise CaseError(
                f"{path}.identifier", f"duplicate identifier {ident} (also at {self.seen[ident]})"
            )
        self.seen[ident] = path
        return ident

    def link(self, value: Any, path: str) -> dict[str, str] | None:
        """A LinkURI or LinkGenURI; older files give the URI alone as a string."""
        if value in (None, ""):
            return None
        if isinstance(value, str):
            tail = _UUID_TAIL.search(value)
            return {
                "title": "",
                "identifier": tail.group(1).lower() if tail else value,
                "uri": value,
            }
        if not isinstance(value, dict):
            raise CaseError(path, "must be a link object or a URI")
        link = {k: str(value.get(k) or "") for k in ("title", "identifier", "uri")}
        if not link["identifier"]:
            tail = _UUID_TAIL.search(link["uri"])
            if not tail:
                raise CaseError(f"{path}.identifier", "required")
            link["identifier"] = tail.group(1)
        if UUID.match(link["identifier"].lower()):
            link["identifier"] = link["identifier"].lower()
        if value.get("targetType"):
            link["targetType"] = str(value["targetType"])
        return link

    def common(self, obj: dict[str, Any], path: str) -> dict[str, Any]:
        """The fields every CASE object shares, and its other properties kept as they are."""
        if not isinstance(obj, dict):
            raise CaseError(path, "must be an object")
        out = {k: v for k, v in obj.items() if k not in REST_ONLY}
        out["identifier"] = self.identifier(obj, path)
        out["uri"] = self.text(obj, "uri", path)
        if not out["uri"] or out["uri"] == out["identifier"]:
            out["uri"] = ""
        out["lastChangeDateTime"] = parse_datetime(
            obj.get("lastChangeDateTime"), f"{path}.lastChangeDateTime", self.warnings
        )
        return out

    def levels(self, item: dict[str, Any], path: str) -> list[str]:
        value = item.pop("educationLevel", None)
        if value is None and "educationalLevel" in item:
            value = item.pop("educationalLevel")
            self.warnings.append(f"{path}.educationalLevel: read as educationLevel")
        if value in (None, ""):
            return []
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            return [str(v) for v in value]
        raise CaseError(f"{path}.educationLevel", "must be a list of strings")

    def document(self, raw: Any) -> dict[str, Any]:
        doc = self.common(raw, "$.CFDocument")
        doc["title"] = self.text(raw, "title", "$.CFDocument", required=True)
        doc["creator"] = self.text(raw, "creator", "$.CFDocument") or self.text(
            raw, "publisher", "$.CFDocument"
        )
        if isinstance(doc.get("subject"), str):
            doc["subject"] = [doc["subject"]]
        for name in ("licenseURI",):
            if name in doc:
                doc[name] = self.link(doc[name], f"$.CFDocument.{name}")
        return doc

    def item(self, raw: Any, path: str) -> dict[str, Any]:
        item = self.common(raw, path)
        statement = self.text(raw, "fullStatement", path)
        if not statement:
            statement = self.text(raw, "abbreviatedStatement", path) or self.text(
                raw, "alternativeLabel", path
            )
            if not statement:
                raise CaseError(f"{path}.fullStatement", "required")
            self.warnings.append(f"{path}.fullStatement: empty, taken from a shorter label")
        item["fullStatement"] = statement
        item["educationLevel"] = self.levels(item, path)
        for name in ("CFItemTypeURI", "licenseURI", "conceptKeywordsURI"):
            if name in item:
                item[name] = self.link(item[name], f"{path}.{name}")
        if not item.get("CFItemType") and item.get("CFItemTypeURI"):
            item["CFItemType"] = item["CFItemTypeURI"]["title"]
        return item

    def association(self, raw: Any, path: str) -> dict[str, Any]:
        association = self.common(raw, path)
        kind = self.text(raw, "associationType", path, required=True)
        if kind == "RelatedTo":
            kind = "isRelatedTo"
        if kind not in TYPES_1_1 and not EXT_TYPE.match(kind):
            self.warnings.append(f"{path}.associationType: {kind!r} kept as ext:{kind}")
            kind = "ext:" + re.sub(r"[^A-Za-z0-9._-]", "_", kind)
        association["associationType"] = kind
        for end in ("originNodeURI", "destinationNodeURI"):
            link = self.link(raw.get(end), f"{path}.{end}")
            if link is None:
                raise CaseError(f"{path}.{end}", "required")
            association[end] = link
        if "CFAssociationGroupingURI" in association:
            association["CFAssociationGroupingURI"] = self.link(
                association["CFAssociationGroupingURI"], f"{path}.CFAssociationGroupingURI"
            )
        sequence = raw.get("sequenceNumber")
        if sequence not in (None, ""):
            try:
                association["sequenceNumber"] = int(sequence)
            except (TypeError, ValueError):
                self.warnings.append(f"{path}.sequenceNumber: {sequence!r} ignored")
                association.pop("sequenceNumber")
        return association

    def definitions(self, raw: Any) -> dict[str, list[dict[str, Any]]]:
        if raw in (None, ""):
            return {}
        if not isinstance(raw, dict):
            raise CaseError("$.CFDefinitions", "must be an object")
        out: dict[str, list[dict[str, Any]]] = {}
        for kind in DEFINITION_KINDS:
            entries = raw.get(kind) or []
            if not isinstance(entries, list):
                raise CaseError(f"$.CFDefinitions.{kind}", "must be an array")
            out[kind] = []
            for n, entry in enumerate(entries):
                path = f"$.CFDefinitions.{kind}[{n}]"
                definition = self.common(entry, path)
                definition["title"] = self.text(entry, "title", path, required=True)
                out[kind].append(definition)
        return out


def _check_tree(package: Package) -> None:
    """Every isChildOf joins nodes of this package, and the tree has no cycle."""
    nodes = {package.document["identifier"]} | {i["identifier"] for i in package.items}
    parent: dict[str, str] = {}
    for n, association in enumerate(package.associations):
        if association["associationType"] != "isChildOf":
            continue
        child = association["originNodeURI"]["identifier"]
        mother = association["destinationNodeURI"]["identifier"]
        for end, ident in (("originNodeURI", child), ("destinationNodeURI", mother)):
            if ident not in nodes:
                raise CaseError(
                    f"$.CFAssociations[{n}].{end}.identifier",
                    f"isChildOf points at {ident}, which is not in this package",
                )
        parent.setdefault(child, mother)
    for start in parent:
        path, node = [start], parent.get(start)
        while node is not None:
            if node in path:
                cycle = " -> ".join([*path[path.index(node) :], node])
                raise CaseError("$.CFAssociations", f"isChildOf cycle: {cycle}")
            path.append(node)
            node = parent.get(node)


def _check_endpoints(package: Package) -> None:
    """Other associations may point outside the package, but only at a node with a URI."""
    nodes = {package.document["identifier"]} | {i["identifier"] for i in package.items}
    for n, association in enumerate(package.associations):
        for end in ("originNodeURI", "destinationNodeURI"):
            link = association[end]
            outside = link["identifier"] not in nodes
            if outside and not link["uri"].startswith(("http://", "https://", "urn:")):
                raise CaseError(
                    f"$.CFAssociations[{n}].{end}",
                    f"{link['identifier']} is not in this package and has no URI to find it by",
                )


def read_package(data: Any) -> Package:
    """A package from parsed JSON (a dict), checked and normalised; raises CaseError."""
    if isinstance(data, dict) and isinstance(data.get("CFPackage"), dict):
        data = data["CFPackage"]
    if not isinstance(data, dict):
        raise CaseError("$", "a CASE package is a JSON object")
    if not isinstance(data.get("CFDocument"), dict):
        raise CaseError("$.CFDocument", "required")
    reader = _Reader()
    document = reader.document(data["CFDocument"])
    sections = {}
    for name in ("CFItems", "CFAssociations", "CFRubrics"):
        value = data.get(name) or []
        if not isinstance(value, list):
            raise CaseError(f"$.{name}", "must be an array")
        sections[name] = value
    items = [reader.item(raw, f"$.CFItems[{n}]") for n, raw in enumerate(sections["CFItems"])]
    associations = [
        reader.association(raw, f"$.CFAssociations[{n}]")
        for n, raw in enumerate(sections["CFAssociations"])
    ]
    version = (
        "1.1" if str(document.get("caseVersion", "")) == "1.1" or "extensions" in data else "1.0"
    )
    package = Package(
        document=document,
        items=items,
        associations=associations,
        definitions=reader.definitions(data.get("CFDefinitions")),
        rubrics=sections["CFRubrics"],
        case_version=version,
        warnings=reader.warnings,
    )
    _check_tree(package)
    _check_endpoints(package)
    return package
