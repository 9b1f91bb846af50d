"""A resource as schema.org / LRMI ``LearningResource`` JSON-LD, for pages, the API and feeds."""

from __future__ import annotations

import json
from typing import Any

from edubridge.catalog import licences
from edubridge.catalog.models import (
    Alignment,
    MadeWith,
    Resource,
    ResourceVersion,
    VersionStatus,
)

# As Django's json_script: no "<", ">" or "&" can end the script block or open a comment in it.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_safe(document: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> block, whatever the texts contain."""
    return json.dumps(document, ensure_ascii=False).translate(_SCRIPT_SAFE)


PROPERTY = {"teaches": "teaches", "assesses": "assesses", "requires": "competencyRequired"}
# How a version was made, as schema.org's IPTC digital source types; people's own work has
# no code of its own there and is left unsaid.
SOURCE_TYPES: dict[str, str] = {
    MadeWith.AI_ASSISTED: "https://schema.org/CompositeWithTrainedAlgorithmicMediaDigitalSource",
    MadeWith.AI_GENERATED: "https://schema.org/TrainedAlgorithmicMediaDigitalSource",
}


def languages(texts: dict[str, str]) -> list[dict[str, str]]:
    return [{"@language": language, "@value": text} for language, text in sorted(texts.items())]


def _alignment(a: Alignment) -> dict[str, Any]:
    return {
        "@type": "AlignmentObject",
        "alignmentType": a.alignment_type,
        "educationalFramework": a.item.framework.title,
        "targetName": a.item.full_statement,
        "targetDescription": a.item.human_coding_scheme,
        "targetUrl": a.item.uri,
    }


def learning_resource(
    resource: Resource, version: ResourceVersion | None = None, base_url: str = ""
) -> dict[str, Any]:
    version = (
        version
        or resource.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    )
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["LearningResource", "CreativeWork"],
        "@id": f"urn:uuid:{resource.identifier}",
        "identifier": str(resource.identifier),
        "name": languages(resource.title),
        "learningResourceType": resource.get_kind_display(),
        "inLanguage": resource.languages,
        "license": licences.url(resource.licence),
        "countryOfOrigin": {
            "@type": "Country",
            "identifier": resource.country_id,
            "name": resource.country.name,
        },
        "publisher": {"@type": "Organization", "name": resource.publisher},
        "dateModified": resource.updated_at.isoformat(timespec="seconds"),
    }
    if resource.description:
        doc["description"] = languages(resource.description)
    if resource.subjects:
        doc["about"] = resource.subjects
    if resource.education_levels:
        doc["educationalLevel"] = resource.education_levels
    if resource.age_min is not None or resource.age_max is not None:
        doc["typicalAgeRange"] = f"{resource.age_min or ''}-{resource.age_max or ''}"
    if resource.accessibility:
        doc["accessibilityFeature"] = resource.accessibility
    if resource.learning_minutes:
        doc["timeRequired"] = f"PT{resource.learning_minutes}M"
    if resource.origin is not None:
        # Harvested: its page is at its origin, and this node only passes the metadata on.
        if resource.origin_url:
            doc["url"] = resource.origin_url
        doc["sdPublisher"] = {
            "@type": "Organization",
            "name": str(resource.origin),
            "url": resource.origin.base_url,
        }
    elif base_url:
        doc["url"] = f"{base_url}/catalog/{resource.identifier}/"
    if version is not None:
        doc["version"] = str(version.number)
        if version.made_with in SOURCE_TYPES:
            doc["digitalSourceType"] = SOURCE_TYPES[version.made_with]
            doc["creditText"] = f"{version.get_made_with_display()}: {version.ai_model}"
        origin = version.derived_from
        if origin is not None:
            doc["isBasedOn"] = {
                "@id": f"urn:uuid:{origin.resource.identifier}",
                "version": str(origin.number),
            }
        alignments = list(version.alignments.select_related("item__framework"))
        if alignments:
            doc["educationalAlignment"] = [_alignment(a) for a in alignments]
            for kind, prop in PROPERTY.items():
                terms = [
                    {
                        "@type": "DefinedTerm",
                        "name": a.item.full_statement,
                        "termCode": a.item.human_coding_scheme,
                        "url": a.item.uri,
                    }
                    for a in alignments
                    if a.alignment_type == kind
                ]
                if terms:
                    doc[prop] = terms
    return doc
