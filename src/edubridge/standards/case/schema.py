"""The CASE 1.1 package rules EduBridge writes to (1EdTech case_v1p1_cfpackage schema).

Not a general JSON Schema engine: the required properties, allowed properties, formats and
association types of a package, checked so that every export is valid 1.1.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
EXT_TYPE = re.compile(r"^ext:[A-Za-z0-9._-]+$")
TYPES_1_0 = (
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
)
TYPES_1_1 = (*TYPES_1_0, "isTranslationOf")

LINK = ("title", "identifier", "uri")
DOCUMENT = {
    "required": ("identifier", "uri", "creator", "title", "lastChangeDateTime"),
    "optional": (
        "officialSourceURL",
        "publisher",
        "description",
        "subject",
        "subjectURI",
        "language",
        "version",
        "adoptionStatus",
        "statusStartDate",
        "statusEndDate",
        "licenseURI",
        "notes",
        "frameworkType",
        "caseVersion",
        "extensions",
    ),
}
ITEM = {
    "required": ("identifier", "fullStatement", "uri", "lastChangeDateTime"),
    "optional": (
        "alternativeLabel",
        "CFItemType",
        "humanCodingScheme",
        "listEnumeration",
        "abbreviatedStatement",
        "conceptKeywords",
        "conceptKeywordsURI",
        "notes",
        "language",
        "educationLevel",
        "CFItemTypeURI",
        "licenseURI",
        "statusStartDate",
        "statusEndDate",
        "subject",
        "subjectURI",
        "extensions",
    ),
}
ASSOCIATION = {
    "required": (
        "identifier",
        "associationType",
        "uri",
        "originNodeURI",
        "destinationNodeURI",
        "lastChangeDateTime",
    ),
    "optional": ("sequenceNumber", "CFAssociationGroupingURI", "notes", "extensions"),
}
DEFINITIONS = {
    "CFConcepts": {
        "required": ("identifier", "uri", "title", "hierarchyCode", "lastChangeDateTime"),
        "optional": ("keywords", "description", "extensions"),
    },
    "CFSubjects": {
        "required": ("identifier", "uri", "title", "hierarchyCode", "lastChangeDateTime"),
        "optional": ("description", "extensions"),
    },
    "CFLicenses": {
        "required": ("identifier", "uri", "title", "licenseText", "lastChangeDateTime"),
        "optional": ("description", "extensions"),
    },
    "CFItemTypes": {
        "required": (
            "identifier",
            "uri",
            "title",
            "description",
            "hierarchyCode",
            "lastChangeDateTime",
        ),
        "optional": ("typeCode", "extensions"),
    },
    "CFAssociationGroupings": {
        "required": ("identifier", "uri", "title", "lastChangeDateTime"),
        "optional": ("description", "extensions"),
    },
}
LINK_FIELDS = {
    "licenseURI",
    "CFItemTypeURI",
    "conceptKeywordsURI",
    "CFAssociationGroupingURI",
    "originNodeURI",
    "destinationNodeURI",
}


def _date_time(value: Any) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def _check_object(obj: Any, rules: dict[str, tuple[str, ...]], path: str) -> list[str]:
    if not isinstance(obj, dict):
        return [f"{path}: must be an object"]
    problems = [f"{path}.{k}: required" for k in rules["required"] if k not in obj]
    allowed = set(rules["required"]) | set(rules["optional"])
    problems += [f"{path}.{k}: not allowed in CASE 1.1" for k in obj if k not in allowed]
    if "identifier" in obj and not UUID.match(str(obj["identifier"])):
        problems.append(f"{path}.identifier: not a lowercase UUID")
    if "lastChangeDateTime" in obj and not _date_time(obj["lastChangeDateTime"]):
        problems.append(f"{path}.lastChangeDateTime: not a date-time with a time zone")
    for name in LINK_FIELDS & obj.keys():
        link = obj[name]
        if not isinstance(link, dict) or any(not isinstance(link.get(k), str) for k in LINK):
            problems.append(f"{path}.{name}: must be a link with title, identifier and uri")
    for name in ("subject", "educationLevel", "conceptKeywords"):
        if name in obj and not (
            isinstance(obj[name], list) and all(isinstance(v, str) for v in obj[name])
        ):
            problems.append(f"{path}.{name}: must be an array of strings")
    return problems


def validate(package: dict[str, Any]) -> list[str]:
    """Every way ``package`` breaks the CASE 1.1 package rules; empty when it is valid."""
    problems = _check_object(package.get("CFDocument"), DOCUMENT, "$.CFDocument")
    allowed = {
        "CFDocument",
        "CFItems",
        "CFAssociations",
        "CFDefinitions",
        "CFRubrics",
        "extensions",
    }
    problems += [f"$.{k}: not allowed in CASE 1.1" for k in package if k not in allowed]
    for n, item in enumerate(package.get("CFItems", [])):
        problems += _check_object(item, ITEM, f"$.CFItems[{n}]")
    for n, association in enumerate(package.get("CFAssociations", [])):
        path = f"$.CFAssociations[{n}]"
        problems += _check_object(association, ASSOCIATION, path)
        kind = association.get("associationType") if isinstance(association, dict) else None
        if kind is not None and kind not in TYPES_1_1 and not EXT_TYPE.match(str(kind)):
            problems.append(f"{path}.associationType: {kind!r} is not a CASE 1.1 type")
        if isinstance(association, dict) and not isinstance(
            association.get("sequenceNumber", 0), int
        ):
            problems.append(f"{path}.sequenceNumber: must be an integer")
    for kind, entries in package.get("CFDefinitions", {}).items():
        if kind == "extensions":
            continue
        if kind not in DEFINITIONS:
            problems.append(f"$.CFDefinitions.{kind}: not allowed in CASE 1.1")
            continue
        for n, entry in enumerate(entries):
            problems += _check_object(entry, DEFINITIONS[kind], f"$.CFDefinitions.{kind}[{n}]")
    return problems
