"""Reading CASE 1.0 and 1.1 packages, tolerant of what real exports do.

Accepted and repaired, each with a warning: a ``CFPackage`` wrapper, links written as plain
URI strings, ``educationalLevel`` for ``educationLevel``, a single value where CASE wants a
list, numbers where it wants text, date-times without a time zone (UTC is assumed),
``RelatedTo``, REST-only properties inside a package, empty definition fields, identifiers
that are not UUIDs (given a stable UUID, the original kept in ``originalIdentifier``).
Refused, naming the JSON path: what cannot be repaired without guessing (no identifier or
statement, a value of the wrong type, a duplicate identifier, an ``isChildOf`` cycle, a node
that is neither in the package nor has a URI), and text no database can store (NUL, lone
surrogates, NaN, nesting deeper than 64 levels).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from edubridge.core.fetch import too_large
from edubridge.standards.case import schema
from edubridge.standards.case.schema import EXT_TYPE, LINK_FIELDS, TYPES_1_1, UUID

_UUID_TAIL = re.compile(
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/?$"
)
_IDENTIFIER = re.compile(r"^[A-Za-z0-9._~:-]{1,64}$")
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
# Identifiers that are not UUIDs get a UUID derived from them, the same on every import.
_NAMESPACE = uuid.UUID("6f1c1f86-5b0e-4d0e-9d0e-edb71d6e0001")
REST_ONLY = ("CFPackageURI", "CFDocumentURI", "CFItemAssociationURI")
DEFINITION_KINDS = (
    "CFConcepts",
    "CFSubjects",
    "CFLicenses",
    "CFItemTypes",
    "CFAssociationGroupings",
)
LISTS = {"subject", "educationLevel", "conceptKeywords"}
INT32 = 2**31 - 1
MAX_DEPTH = 64


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
    extensions: dict[str, Any]
    case_version: str
    warnings: list[str] = field(default_factory=list)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def parse_json(raw: bytes | str, max_bytes: int) -> Any:
    if len(raw) > max_bytes:
        raise CaseError("$", too_large(len(raw), max_bytes))
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise CaseError(
            "$", f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise CaseError("$", "not valid JSON: nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise CaseError("$", f"not valid JSON: {exc}") from exc


def _check_values(value: Any, path: str, depth: int = 0) -> None:
    """Text a database can store, numbers that are numbers, nesting within bounds."""
    if depth > MAX_DEPTH:
        raise CaseError(path, "nested too deeply")
    if isinstance(value, str):
        if _BAD_TEXT.search(value):
            raise CaseError(path, "contains a NUL character or a lone surrogate")
    elif isinstance(value, float) and not math.isfinite(value):
        raise CaseError(path, "not a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_values(key, path, depth + 1)
            _check_values(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _check_values(item, f"{path}[{n}]", depth + 1)


def parse_datetime(value: Any, path: str, warnings: list[str]) -> datetime:
    if value in (None, ""):
        warnings.append(f"{path}: missing, set to now")
        return datetime.now(UTC)
    if not isinstance(value, str):
        raise CaseError(path, "must be a date-time string")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            warnings.append(f"{path}: no time zone, UTC assumed")
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise CaseError(path, f"{value!r} is not a date-time") from exc


class _Reader:
    def __init__(self, renamed: dict[str, str]) -> None:
        self.warnings: list[str] = []
        self.seen: dict[str, str] = {}
        self.renamed = renamed  # non-UUID identifiers of this package -> their UUIDs

    def text(self, obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float | type(None)):
            raise CaseError(f"{path}.{key}", "must be a string")
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise CaseError(f"{path}.{key}", "required")
            return ""
        if not isinstance(value, str):
            self.warnings.append(f"{path}.{key}: a number, read as text")
        return str(value)

    def strings(self, obj: dict[str, Any], key: str, path: str) -> list[str]:
        value = obj.get(key)
        if value in (None, ""):
            return []
        if isinstance(value, str):
            self.warnings.append(f"{path}.{key}: one value, read as a list")
            parts = value.split(",") if key == "educationLevel" else [value]
            return [p.strip() for p in parts if p.strip()]
        if isinstance(value, list) and all(
            isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)) for v in value
        ):
            return [str(v) for v in value]
        raise CaseError(f"{path}.{key}", "must be a list of strings")

    def identifier(self, obj: dict[str, Any], path: str) -> str:
        ident = self.text(obj, "identifier", path, required=True).strip()
        if not _IDENTIFIER.match(ident):
            raise CaseError(
                f"{path}.identifier", "1 to 64 letters, digits or . _ ~ : - (a UUID in CASE)"
            )
        ident = self.renamed.get(ident, ident.lower())
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
            value = {"title": "", "identifier": tail.group(1) if tail else "", "uri": value}
        if not isinstance(value, dict):
            raise CaseError(path, "must be a link object or a URI")
        link = {k: self.text(value, k, path) for k in ("title", "identifier", "uri")}
        if not link["identifier"]:
            tail = _UUID_TAIL.search(link["uri"])
            if not tail:
                raise CaseError(f"{path}.identifier", "required")
            link["identifier"] = tail.group(1)
        ident = link["identifier"].strip()
        link["identifier"] = self.renamed.get(
            ident, ident.lower() if UUID.match(ident.lower()) else ident
        )
        if len(link["identifier"]) > 64 or len(link["uri"]) > 500:
            raise CaseError(path, "identifier longer than 64 or uri longer than 500 characters")
        if value.get("targetType"):
            link["targetType"] = self.text(value, "targetType", path)
        return link

    def common(self, obj: Any, path: str) -> dict[str, Any]:
        """The fields every CASE object shares; its other properties are kept as they are."""
        if not isinstance(obj, dict):
            raise CaseError(path, "must be an object")
        out = {k: v for k, v in obj.items() if k not in REST_ONLY}
        original = str(obj.get("identifier", "")).strip()
        out["identifier"] = self.identifier(obj, path)
        if out["identifier"] != original.lower():
            out["originalIdentifier"] = original
        out["uri"] = self.text(obj, "uri", path)
        if out["uri"] in (original, out["identifier"]):
            out["uri"] = ""
        out["lastChangeDateTime"] = parse_datetime(
            obj.get("lastChangeDateTime"), f"{path}.lastChangeDateTime", self.warnings
        )
        for key in LINK_FIELDS & out.keys():
            out[key] = self.link(out[key], f"{path}.{key}")
            if out[key] is None:
                del out[key]
        if "subjectURI" in out:
            if not isinstance(out["subjectURI"], list):
                raise CaseError(f"{path}.subjectURI", "must be a list of links")
            out["subjectURI"] = [
                self.link(v, f"{path}.subjectURI[{n}]") for n, v in enumerate(out["subjectURI"])
            ]
        for key in LISTS & out.keys():
            out[key] = self.strings(out, key, path)
        if "extensions" in out:
            # Our own exports put unknown properties in extensions: unwrap them, so that
            # import and export are each other's inverse.
            extensions = out.pop("extensions")
            if not isinstance(extensions, dict):
                raise CaseError(f"{path}.extensions", "must be an object")
            kept = {k: v for k, v in extensions.items() if k in _KNOWN or k in out}
            out.update({k: v for k, v in extensions.items() if k not in kept})
            if kept:
                out["extensions"] = kept
        for key, value in list(out.items()):
            plain = key not in LINK_FIELDS | LISTS | {
                "subjectURI",
                "extensions",
                "lastChangeDateTime",
                "sequenceNumber",
            }
            if plain and key in _KNOWN and not isinstance(value, str):
                out[key] = self.text(out, key, path)
        return out

    def document(self, raw: Any) -> dict[str, Any]:
        doc = self.common(raw, "$.CFDocument")
        doc["title"] = self.text(raw, "title", "$.CFDocument", required=True)
        doc["creator"] = self.text(raw, "creator", "$.CFDocument") or self.text(
            raw, "publisher", "$.CFDocument"
        )
        return doc

    def item(self, raw: Any, path: str) -> dict[str, Any]:
        if isinstance(raw, dict) and "educationLevel" not in raw and "educationalLevel" in raw:
            raw = {**raw, "educationLevel": raw["educationalLevel"]}
            raw.pop("educationalLevel")
            self.warnings.append(f"{path}.educationalLevel: read as educationLevel")
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
        item["educationLevel"] = item.get("educationLevel", [])
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
        if len(kind) > 100:
            raise CaseError(f"{path}.associationType", "longer than 100 characters")
        association["associationType"] = kind
        for end in ("originNodeURI", "destinationNodeURI"):
            if association.get(end) is None:
                raise CaseError(f"{path}.{end}", "required")
        sequence = raw.get("sequenceNumber")
        association.pop("sequenceNumber", None)
        if sequence not in (None, ""):
            try:
                number = int(sequence)
                if isinstance(sequence, bool) or abs(number) > INT32 or number != float(sequence):
                    raise ValueError
                association["sequenceNumber"] = number
            except (TypeError, ValueError, OverflowError):
                self.warnings.append(f"{path}.sequenceNumber: {sequence!r} ignored")
        return association

    def definitions(self, raw: Any) -> dict[str, list[dict[str, Any]]]:
        if raw in (None, ""):
            return {}
        if not isinstance(raw, dict):
            raise CaseError("$.CFDefinitions", "must be an object")
        out: dict[str, list[dict[str, Any]]] = {}
        for kind in DEFINITION_KINDS:
            entries = raw.get(kind)
            entries = [] if entries is None else entries
            if not isinstance(entries, list):
                raise CaseError(f"$.CFDefinitions.{kind}", "must be an array")
            out[kind] = []
            for n, entry in enumerate(entries):
                path = f"$.CFDefinitions.{kind}[{n}]"
                definition = self.common(entry, path)
                definition["title"] = self.text(entry, "title", path, required=True)
                out[kind].append(definition)
        return out


def _known() -> set[str]:
    names = set(schema.DOCUMENT["required"] + schema.DOCUMENT["optional"])
    names |= set(schema.ITEM["required"] + schema.ITEM["optional"])
    names |= set(schema.ASSOCIATION["required"] + schema.ASSOCIATION["optional"])
    for rules in schema.DEFINITIONS.values():
        names |= set(rules["required"] + rules["optional"])
    return names


_KNOWN = _known()


def _renamed(data: dict[str, Any]) -> dict[str, str]:
    """Every non-UUID identifier of the package's own objects, mapped to a stable UUID."""

    def listed(container: Any, name: str) -> list[Any]:
        value = container.get(name) if isinstance(container, dict) else None
        return value if isinstance(value, list) else []

    objects: list[Any] = [data.get("CFDocument")]
    for name in ("CFItems", "CFAssociations"):
        objects += listed(data, name)
    for kind in DEFINITION_KINDS:
        objects += listed(data.get("CFDefinitions"), kind)
    out = {}
    for obj in objects:
        ident = str(obj.get("identifier", "")).strip() if isinstance(obj, dict) else ""
        if ident and not UUID.match(ident.lower()):
            out[ident] = str(uuid.uuid5(_NAMESPACE, ident))
    return out


def _section(data: dict[str, Any], name: str, path: str) -> list[Any]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseError(path, "must be an array")
    return value


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
    _check_values(data, "$")
    if not isinstance(data.get("CFDocument"), dict):
        raise CaseError("$.CFDocument", "required")
    reader = _Reader(_renamed(data))
    if reader.renamed:
        reader.warnings.append(
            f"{len(reader.renamed)} identifiers are not UUIDs: given stable UUIDs"
        )
    document = reader.document(data["CFDocument"])
    items = [
        reader.item(raw, f"$.CFItems[{n}]")
        for n, raw in enumerate(_section(data, "CFItems", "$.CFItems"))
    ]
    associations = [
        reader.association(raw, f"$.CFAssociations[{n}]")
        for n, raw in enumerate(_section(data, "CFAssociations", "$.CFAssociations"))
    ]
    rubrics = _section(data, "CFRubrics", "$.CFRubrics")
    if not all(isinstance(r, dict) for r in rubrics):
        raise CaseError("$.CFRubrics", "must be an array of objects")
    extensions = data.get("extensions") or {}
    if not isinstance(extensions, dict):
        raise CaseError("$.extensions", "must be an object")
    version = "1.1" if str(document.get("caseVersion", "")) == "1.1" or extensions else "1.0"
    package = Package(
        document=document,
        items=items,
        associations=associations,
        definitions=reader.definitions(data.get("CFDefinitions")),
        rubrics=rubrics,
        extensions=extensions,
        case_version=version,
        warnings=reader.warnings,
    )
    _check_tree(package)
    _check_endpoints(package)
    return package
