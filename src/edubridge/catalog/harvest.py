"""The OAI-PMH harvester: pull another node's records into this one, incrementally.

Each harvest of a node and set starts from the datestamp where the last one finished, asks
for LOM when the repository offers it (EduBridge nodes do) and Dublin Core otherwise, and
stores each page of records with its resumption token in one transaction, so that an
interrupted harvest resumes where it stopped and never stores a record twice. Harvested
resources keep their origin, are read-only here, and never replace a local resource.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from lxml import etree

from edubridge.catalog import licences, lom, search
from edubridge.catalog.models import Harvest, RemoteNode, Resource, ResourceKind
from edubridge.catalog.oai import DC, OAI, OAI_DC
from edubridge.catalog.xmltext import UNSAFE
from edubridge.core.errors import DomainError
from edubridge.core.fetch import fetch
from edubridge.core.languages import normalise_language
from edubridge.core.models import Country
from edubridge.core.safexml import UnsafeXml, parse

NS = {"o": OAI, "dc": DC, "oai_dc": OAI_DC, "lom": lom.LOM}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Words of LOM's and Dublin Core's resource types, and EduBridge's own labels, by kind.
KIND_WORDS = {
    "course": ResourceKind.COURSE,
    "lesson": ResourceKind.LESSON,
    "lecture": ResourceKind.LESSON,
    "exercise": ResourceKind.ITEM_BANK,
    "questionnaire": ResourceKind.ITEM_BANK,
    "exam": ResourceKind.ITEM_BANK,
    "self assessment": ResourceKind.ITEM_BANK,
    "assessment item bank": ResourceKind.ITEM_BANK,
    "simulation": ResourceKind.VIRTUAL_LAB,
    "experiment": ResourceKind.VIRTUAL_LAB,
    "virtual lab": ResourceKind.VIRTUAL_LAB,
    "teacher-training module": ResourceKind.TRAINING_MODULE,
    "dataset": ResourceKind.DATASET,
    "ai model": ResourceKind.AI_MODEL,
}
DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?$")
AGES = re.compile(r"^(\d{1,3})?-(\d{1,3})?$")


class HarvestError(Exception):
    """The harvest cannot go on; the message says what the repository answered."""


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    resumed: bool = False

    @property
    def harvested(self) -> int:
        return self.created + self.updated + self.deleted + len(self.skipped)


Get = Callable[[str], bytes]


def http_get(url: str) -> bytes:
    try:
        return fetch(
            url,
            max_bytes=settings.HARVEST_MAX_BYTES,
            timeout=settings.HARVEST_TIMEOUT,
            accept="text/xml, application/xml",
        )
    except DomainError as exc:
        raise HarvestError(str(exc).removeprefix("url: ")) from exc


class Client:
    """One repository: sends requests, returns their parsed answer or raises its error."""

    def __init__(self, base_url: str, get: Get = http_get) -> None:
        self.base_url, self.get = base_url, get

    def request(self, **arguments: str) -> etree._Element:
        url = f"{self.base_url}?{urlencode(arguments)}"
        try:
            root = parse(self.get(url), arguments.get("verb", "response"))
        except UnsafeXml as exc:
            raise HarvestError(str(exc)) from exc
        if root.tag != f"{{{OAI}}}OAI-PMH":
            raise HarvestError(f"{url} did not answer with an OAI-PMH document")
        return root


def _all(element: etree._Element, path: str) -> list[str]:
    """The texts an XPath (ending in text()) selects."""
    found = element.xpath(path, namespaces=NS)
    return [str(value) for value in found] if isinstance(found, list) else []


def _error(root: etree._Element) -> tuple[str, str] | None:
    error = root.find("o:error", NS)
    return (error.get("code", ""), (error.text or "").strip()) if error is not None else None


def _text(value: str | None, limit: int) -> str:
    text = " ".join((value or "").split())
    return "" if UNSAFE.search(text) else text[:limit]


def _language(value: str | None, fallback: str = "und") -> str:
    try:
        return normalise_language((value or "").strip() or fallback)
    except ValueError:
        return fallback


def _texts(elements: list[Any], limit: int, fallback: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for element in elements:
        text = _text(element.text, limit)
        language = _language(element.get("language") or element.get(XML_LANG), fallback)
        if text and language not in texts:
            texts[language] = text
    return texts


def _strings(values: list[str], limit: int = 100) -> list[str]:
    return list(dict.fromkeys(t for v in values if (t := _text(v, limit))))[:50]


def _languages(values: list[str]) -> list[str]:
    return list(dict.fromkeys(_language(v) for v in values if (v or "").strip()))[:20]


def _kind(words: list[str]) -> str:
    for word in words:
        value = (word or "").strip().lower()
        if value in ResourceKind.values:
            return value
        if value in KIND_WORDS:
            return KIND_WORDS[value]
    return ResourceKind.LESSON


def _from_lom(record: etree._Element) -> dict[str, Any]:
    m = record.find("o:metadata/lom:lom", NS)
    if m is None:
        raise ValueError("the record has no LOM metadata")
    languages = _languages(_all(m, "lom:general/lom:language/text()"))
    first = languages[0] if languages else "und"
    values: dict[str, Any] = {
        "title": _texts(m.findall("lom:general/lom:title/lom:string", NS), 300, first),
        "description": _texts(m.findall("lom:general/lom:description/lom:string", NS), 5000, first),
        "subjects": _strings(_all(m, "lom:general/lom:keyword/lom:string/text()")),
        "languages": languages,
        "kind": _kind(_all(m, "lom:educational/lom:learningResourceType/lom:value/text()")),
        "country": m.findtext("lom:general/lom:coverage/lom:string", "", NS),
        "licence": m.findtext("lom:rights/lom:description/lom:string", "", NS),
        "origin_url": m.findtext("lom:technical/lom:location", "", NS),
        "education_levels": _strings(
            _all(
                m,
                "lom:classification[lom:purpose/lom:value='educational level']"
                "/lom:taxonPath/lom:taxon/lom:entry/lom:string/text()",
            )
        ),
    }
    for entity in _all(
        m, "lom:lifeCycle/lom:contribute[lom:role/lom:value='publisher']/lom:entity/text()"
    ):
        if found := re.search(r"^FN:(.+)$", str(entity), re.MULTILINE):
            values["origin_publisher"] = _text(found.group(1), 200)
    if (
        ages := AGES.match(m.findtext("lom:educational/lom:typicalAgeRange/lom:string", "", NS))
    ) and any(ages.groups()):
        values["age_min"], values["age_max"] = (int(a) if a else None for a in ages.groups())
    duration = m.findtext("lom:educational/lom:typicalLearningTime/lom:duration", "", NS)
    if (time := DURATION.match(duration.strip())) and any(time.groups()):
        minutes = int(time.group(1) or 0) * 60 + int(time.group(2) or 0)
        values["learning_minutes"] = minutes if minutes <= 100_000 else None
    return values


def _from_dc(record: etree._Element) -> dict[str, Any]:
    m = record.find("o:metadata/oai_dc:dc", NS)
    if m is None:
        raise ValueError("the record has no Dublin Core metadata")
    languages = _languages(_all(m, "dc:language/text()"))
    first = languages[0] if languages else "und"
    links = [u for u in _all(m, "dc:identifier/text()") if u.startswith("http")]
    coverage = [c.strip() for c in _all(m, "dc:coverage/text()")]
    return {
        "title": _texts(m.findall("dc:title", NS), 300, first),
        "description": _texts(m.findall("dc:description", NS), 5000, first),
        "subjects": _strings(_all(m, "dc:subject/text()")),
        "languages": languages,
        "kind": _kind(_all(m, "dc:type/text()")),
        "country": next((c for c in coverage if len(c) == 2), ""),
        "licence": " ".join(_all(m, "dc:rights/text()")),
        "origin_url": links[0] if links else "",
        "origin_publisher": _text(m.findtext("dc:publisher", "", NS), 200),
    }


READERS = {"lom": _from_lom, "oai_dc": _from_dc}


class Harvester:
    """Harvests one node and set into this node's catalog."""

    def __init__(
        self,
        base_url: str,
        set_spec: str = "",
        *,
        metadata_prefix: str = "",
        country: str = "",
        get: Get = http_get,
    ) -> None:
        self.client = Client(base_url, get)
        self.set_spec, self.prefix = set_spec, metadata_prefix
        self.default_country = country.upper()
        self.node, _ = RemoteNode.objects.get_or_create(base_url=base_url)
        self.report = Report()

    def identify(self) -> str:
        """The repository's name and granularity; chooses the metadata format."""
        root = self.client.request(verb="Identify")
        if error := _error(root):
            raise HarvestError(f"Identify: {error[0]}: {error[1]}")
        name = _text(root.findtext("o:Identify/o:repositoryName", "", NS), 200)
        self.day_granularity = (
            root.findtext("o:Identify/o:granularity", "", NS).strip() == "YYYY-MM-DD"
        )
        if name and name != self.node.name:
            RemoteNode.objects.filter(pk=self.node.pk).update(name=name)
            self.node.name = name
        formats = self.client.request(verb="ListMetadataFormats")
        offered = _all(formats, "//o:metadataPrefix/text()")
        if self.prefix:
            if self.prefix not in READERS or self.prefix not in offered:
                raise HarvestError(f"the repository does not offer {self.prefix!r} metadata")
        else:
            self.prefix = next((p for p in READERS if p in offered), "")
            if not self.prefix:
                raise HarvestError("the repository offers neither LOM nor Dublin Core")
        return self.node.name or self.node.base_url

    def run(
        self, *, full: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> Report:
        self.identify()
        state, _ = Harvest.objects.get_or_create(
            node=self.node, set_spec=self.set_spec, defaults={"metadata_prefix": self.prefix}
        )
        if full or state.metadata_prefix != self.prefix:
            state.until = state.resumption_token = ""
            state.metadata_prefix = self.prefix
        arguments = self._first_request(state)
        if "resumptionToken" in arguments:
            self.report.resumed = True
        previous_token = ""
        while True:
            root = self.client.request(**arguments)
            error = _error(root)
            if error and error[0] == "badResumptionToken" and self.report.resumed:
                # The stopped harvest's token has expired: start again from the last datestamp.
                state.resumption_token = ""
                arguments = self._first_request(state)
                self.report.resumed = False
                continue
            if error and error[0] == "noRecordsMatch":
                self._finish(state, root)
                break
            if error:
                raise HarvestError(f"ListRecords: {error[0]}: {error[1]}")
            token_element = root.find("o:ListRecords/o:resumptionToken", NS)
            token = (token_element.text or "").strip() if token_element is not None else ""
            records = root.findall("o:ListRecords/o:record", NS)
            if token and token == previous_token:
                raise HarvestError("the repository repeats its resumption token")
            previous_token = token
            with transaction.atomic():
                for record in records:
                    self._store_or_skip(record)
                if not state.resumption_token and not state.started:
                    state.started = root.findtext("o:responseDate", "", NS).strip()
                state.resumption_token = token
                state.save()
            if progress is not None:
                total = (
                    token_element.get("completeListSize", "") if token_element is not None else ""
                )
                progress(len(records), int(total) if total.isdecimal() else 0)
            if not token:
                self._finish(state, root)
                break
            arguments = {"verb": "ListRecords", "resumptionToken": token}
        return self.report

    def _first_request(self, state: Harvest) -> dict[str, str]:
        if state.resumption_token:
            return {"verb": "ListRecords", "resumptionToken": state.resumption_token}
        state.started = ""
        arguments = {"verb": "ListRecords", "metadataPrefix": self.prefix}
        if self.set_spec:
            arguments["set"] = self.set_spec
        if state.until:
            arguments["from"] = state.until[:10] if self.day_granularity else state.until
        return arguments

    def _finish(self, state: Harvest, root: etree._Element) -> None:
        # The next harvest asks for what changed since this one started.
        state.until = state.started or root.findtext("o:responseDate", "", NS).strip()
        state.started = state.resumption_token = ""
        state.finished_at = timezone.now()
        state.save()

    def _store_or_skip(self, record: etree._Element) -> None:
        """One record in a savepoint: a record the database refuses is skipped, not fatal."""
        try:
            with transaction.atomic():
                self._store(record)
        except DatabaseError as exc:
            identifier = record.findtext("o:header/o:identifier", "?", NS)
            self.report.skipped.append((identifier[:255], f"not storable: {exc}"[:300]))

    def _store(self, record: etree._Element) -> None:
        identifier = _text(record.findtext("o:header/o:identifier", "", NS), 255)
        if not identifier:
            self.report.skipped.append(("?", "a record without an identifier"))
            return
        copy = Resource.objects.filter(origin=self.node, origin_identifier=identifier).first()
        header = record.find("o:header", NS)
        if header is not None and header.get("status") == "deleted":
            if copy is not None:
                copy.delete()
                self.report.deleted += 1
            return
        try:
            values = self._values(READERS[self.prefix](record))
        except ValueError as exc:
            self.report.skipped.append((identifier, str(exc)))
            return
        if copy is None:
            key = self._identifier(identifier)
            if Resource.objects.filter(identifier=key).exists():
                self.report.skipped.append(
                    (identifier, "a resource of this node has the same identifier; kept as it is")
                )
                return
            copy = Resource(
                identifier=key, origin=self.node, origin_identifier=identifier, **values
            )
            self.report.created += 1
        else:
            for name, value in values.items():
                setattr(copy, name, value)
            self.report.updated += 1
        copy.save()
        search.index(copy)

    def _identifier(self, oai_identifier: str) -> uuid.UUID:
        """The origin's UUID if the identifier ends in one (EduBridge nodes), else a stable one."""
        try:
            return uuid.UUID(oai_identifier.rsplit(":", 1)[-1])
        except ValueError:
            return uuid.uuid5(uuid.NAMESPACE_URL, f"{self.node.base_url}#{oai_identifier}")

    def _values(self, values: dict[str, Any]) -> dict[str, Any]:
        if not values["title"]:
            raise ValueError("the record has no title")
        code = (values.pop("country") or self.default_country).strip().upper()
        country = Country.objects.filter(code=code).first() if code else None
        if country is None:
            raise ValueError("the record names no country of origin (see --country)")
        licence = licences.from_text(values.pop("licence")) or "LicenseRef-see-origin"
        url = values.get("origin_url", "")
        if not url.startswith(("http://", "https://")) or len(url) > 500:
            values["origin_url"] = ""
        for bound in ("age_min", "age_max"):
            if values.get(bound) is not None and not 0 <= values[bound] <= 150:
                values[bound] = None
        return {**values, "country": country, "licence": licence}
