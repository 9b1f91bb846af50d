"""Stored frameworks as CASE 1.1 JSON, object by object (for the REST API) or as a package."""

from __future__ import annotations

from typing import Any

from edubridge.standards.case import schema, writer
from edubridge.standards.models import Association, Definition, Framework, Item

DOCUMENT_FIELDS = {
    "identifier": "identifier",
    "uri": "uri",
    "title": "title",
    "creator": "creator",
    "publisher": "publisher",
    "language": "language",
    "subject": "subjects",
    "version": "version",
    "description": "description",
    "adoptionStatus": "adoption_status",
    "frameworkType": "framework_type",
}
ITEM_FIELDS = {
    "identifier": "identifier",
    "uri": "uri",
    "fullStatement": "full_statement",
    "abbreviatedStatement": "abbreviated_statement",
    "humanCodingScheme": "human_coding_scheme",
    "listEnumeration": "list_enumeration",
    "CFItemType": "item_type",
    "educationLevel": "education_levels",
    "language": "language",
    "notes": "notes",
}
ASSOCIATION_FIELDS = {
    "identifier": "identifier",
    "uri": "uri",
    "associationType": "association_type",
    "sequenceNumber": "sequence_number",
}


def _raw(obj: Any, fields: dict[str, str]) -> dict[str, Any]:
    values = {key: getattr(obj, column) for key, column in fields.items()}
    return {**obj.extra, **values, "lastChangeDateTime": writer.case_datetime(obj.last_change)}


def link(title: str, identifier: str, uri: str) -> dict[str, str]:
    return {"title": title or identifier, "identifier": identifier, "uri": uri}


def document(framework: Framework) -> dict[str, Any]:
    return writer.document(_raw(framework, DOCUMENT_FIELDS))


def item(obj: Item) -> dict[str, Any]:
    return writer.item(_raw(obj, ITEM_FIELDS))


def association(obj: Association) -> dict[str, Any]:
    raw = _raw(obj, ASSOCIATION_FIELDS)
    types = raw.pop("targetTypes", {}) or {}
    raw["originNodeURI"] = link(obj.origin_title, obj.origin_identifier, obj.origin_uri)
    raw["destinationNodeURI"] = link(
        obj.destination_title, obj.destination_identifier, obj.destination_uri
    )
    for end, key in (("origin", "originNodeURI"), ("destination", "destinationNodeURI")):
        if types.get(end):
            raw[key]["targetType"] = types[end]
    return writer.association(raw)


def definition(obj: Definition) -> dict[str, Any]:
    raw = {
        **obj.data,
        "uri": obj.uri,
        "title": obj.title,
        "lastChangeDateTime": writer.case_datetime(obj.last_change),
    }
    return writer.definition(obj.kind, raw)


def package(framework: Framework) -> dict[str, Any]:
    """The whole framework as a CASE 1.1 CFPackage (retired items left out)."""
    result: dict[str, Any] = {
        "CFDocument": document(framework),
        "CFItems": [item(i) for i in framework.items.filter(retired=False).order_by("position")],
        "CFAssociations": [association(a) for a in framework.associations.all()],
    }
    definitions: dict[str, list[dict[str, Any]]] = {}
    for d in framework.definitions.order_by("kind", "title"):
        definitions.setdefault(d.kind, []).append(definition(d))
    if definitions:
        result["CFDefinitions"] = definitions
    if framework.rubrics:
        result["CFRubrics"] = framework.rubrics
    if framework.package_extensions:
        result["extensions"] = framework.package_extensions
    problems = schema.validate(result)
    if problems:
        raise ValueError("export would not be valid CASE 1.1: " + "; ".join(problems[:5]))
    return result
