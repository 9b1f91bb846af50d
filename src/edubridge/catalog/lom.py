"""A resource as IEEE LOM (1484.12.3 XML binding), the second OAI-PMH metadata format."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from edubridge.catalog import licences
from edubridge.catalog.models import Resource, VersionStatus

LOM = "http://ltsc.ieee.org/xsd/LOM"
SCHEMA = "http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd"
# EduBridge's kinds of resource, a vocabulary of its own beside LOM's.
KIND_SOURCE = "https://edubridge.org/vocab/kind"
ET.register_namespace("lom", LOM)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{LOM}}}{tag}", attrib)
    if text is not None:
        element.text = text
    return element


def _langstrings(parent: ET.Element, tag: str, texts: dict[str, str]) -> None:
    holder = _el(parent, tag)
    for language, text in sorted(texts.items()):
        _el(holder, "string", text, language=language)


def _vocabulary(parent: ET.Element, tag: str, value: str) -> None:
    holder = _el(parent, tag)
    _el(holder, "source", "LOMv1.0")
    _el(holder, "value", value)


def lom(parent: ET.Element, resource: Resource, page_url: str) -> ET.Element:
    version = resource.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    root = _el(
        parent,
        "lom",
        **{"{http://www.w3.org/2001/XMLSchema-instance}schemaLocation": f"{LOM} {SCHEMA}"},
    )
    general = _el(root, "general")
    identifier = _el(general, "identifier")
    _el(identifier, "catalog", "URI")
    _el(identifier, "entry", f"urn:uuid:{resource.identifier}")
    _langstrings(general, "title", resource.title)
    for language in resource.languages:
        _el(general, "language", language)
    if resource.description:
        _langstrings(general, "description", resource.description)
    for subject in resource.subjects:
        _langstrings(general, "keyword", {"en": subject})
    _langstrings(general, "coverage", {"en": resource.country_id})
    life = _el(root, "lifeCycle")
    if version is not None:
        _langstrings(life, "version", {"en": str(version.number)})
    contribute = _el(life, "contribute")
    _vocabulary(contribute, "role", "publisher")
    name = resource.publisher.replace("\n", " ")
    _el(contribute, "entity", f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nORG:{name}\nEND:VCARD")
    technical = _el(root, "technical")
    if version is not None:
        for media_type in sorted(set(version.files.values_list("media_type", flat=True))):
            _el(technical, "format", media_type)
    _el(technical, "location", page_url)
    educational = _el(root, "educational")
    kind = _el(educational, "learningResourceType")
    _el(kind, "source", KIND_SOURCE)
    _el(kind, "value", resource.kind)
    if resource.age_min is not None or resource.age_max is not None:
        _langstrings(
            educational,
            "typicalAgeRange",
            {"en": f"{resource.age_min or ''}-{resource.age_max or ''}"},
        )
    if resource.learning_minutes:
        _el(_el(educational, "typicalLearningTime"), "duration", f"PT{resource.learning_minutes}M")
    for language in resource.languages:
        _el(educational, "language", language)
    rights = _el(root, "rights")
    _vocabulary(rights, "copyrightAndOtherRestrictions", "yes")
    _langstrings(
        rights, "description", {"en": f"{resource.licence} {licences.url(resource.licence)}"}
    )
    for level in resource.education_levels:
        classification = _el(root, "classification")
        _vocabulary(classification, "purpose", "educational level")
        path = _el(classification, "taxonPath")
        _langstrings(path, "source", {"en": "EduBridge"})
        _langstrings(_el(path, "taxon"), "entry", {"en": level})
    if version is not None:
        for alignment in version.alignments.select_related("item__framework"):
            classification = _el(root, "classification")
            _vocabulary(classification, "purpose", "educational objective")
            path = _el(classification, "taxonPath")
            _langstrings(path, "source", {"en": alignment.item.framework.title})
            taxon = _el(path, "taxon")
            _el(taxon, "id", alignment.item.human_coding_scheme or alignment.item.identifier)
            _langstrings(
                taxon, "entry", {alignment.item.language or "en": alignment.item.full_statement}
            )
    return root
