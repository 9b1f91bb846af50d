"""OAI-PMH 2.0 provider at /oai: other nodes and open-education aggregators harvest the catalog.

All six verbs; sets per organisation (``org:slug``), country (``country:KE``) and kind
(``kind:lesson``); ``oai_dc`` and LOM metadata; datestamps at seconds granularity;
resumption tokens that are signed, carry their position and expire. Records are the local
resources that have a published version; a withdrawn one stays as a deleted record
(``deletedRecord`` is "persistent"). Harvested resources are not offered again: their
origin node is where to harvest them.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Exists, Min, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from edubridge.catalog import licences, lom
from edubridge.catalog.models import Resource, ResourceKind, ResourceVersion, VersionStatus
from edubridge.catalog.xmltext import UNSAFE
from edubridge.core.models import Organisation

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
for prefix, uri in (("", OAI), ("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI)):
    ET.register_namespace(prefix, uri)

TOKEN_LIFETIME = timedelta(hours=24)
FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    "lom": (lom.SCHEMA, lom.LOM),
}
ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _parse_stamp(value: str, *, end: bool) -> datetime:
    """A day (``2026-11-26``) or a second (``2026-11-26T10:00:00Z``), as OAI-PMH allows."""
    if not (DAY.fullmatch(value) or SECOND.fullmatch(value)):
        raise OaiError("badArgument", f"{value!r} is not a UTC datestamp")
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return day + timedelta(days=1) - timedelta(microseconds=1) if end else day
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) + (
            timedelta(seconds=1) - timedelta(microseconds=1) if end else timedelta(0)
        )
    except (ValueError, OverflowError) as exc:
        raise OaiError("badArgument", f"{value!r} is not a UTC datestamp") from exc


def repository_id() -> str:
    return str(settings.OAI_REPOSITORY_ID)


def oai_identifier(resource: Resource) -> str:
    return f"oai:{repository_id()}:{resource.identifier}"


def _records() -> QuerySet[Resource]:
    published = ResourceVersion.objects.filter(
        resource=OuterRef("pk"), status=VersionStatus.PUBLISHED
    )
    return Resource.objects.filter(Exists(published), origin__isnull=True).select_related(
        "owner", "country"
    )


def _sets() -> list[tuple[str, str]]:
    records = _records()
    orgs = Organisation.objects.filter(resources__in=records).distinct().order_by("slug")
    sets = [(f"org:{o.slug}", str(o.name)) for o in orgs]
    countries = sorted(set(records.values_list("country_id", flat=True)))
    sets += [(f"country:{c}", f"Country {c}") for c in countries]
    kinds = sorted(set(records.values_list("kind", flat=True)))
    sets += [(f"kind:{k}", str(ResourceKind(k).label)) for k in kinds]
    return sets


def _in_set(records: QuerySet[Resource], spec: str) -> QuerySet[Resource]:
    kind, _, value = spec.partition(":")
    if kind == "org":
        return records.filter(owner__slug=value)
    if kind == "country":
        return records.filter(country_id=value.upper())
    if kind == "kind":
        return records.filter(kind=value)
    raise OaiError("badArgument", f"no set {spec!r}")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _header(parent: ET.Element, resource: Resource) -> None:
    header = _sub(
        parent, f"{{{OAI}}}header", **({"status": "deleted"} if resource.withdrawn_at else {})
    )
    _sub(header, f"{{{OAI}}}identifier", oai_identifier(resource))
    _sub(header, f"{{{OAI}}}datestamp", _stamp(resource.updated_at))
    for spec in (
        f"org:{resource.owner.slug if resource.owner else ''}",
        f"country:{resource.country_id}",
        f"kind:{resource.kind}",
    ):
        _sub(header, f"{{{OAI}}}setSpec", spec)


def _metadata(parent: ET.Element, prefix: str, resource: Resource, page_url: str) -> None:
    if resource.withdrawn_at:
        return  # a deleted record has a header only
    container = _sub(parent, f"{{{OAI}}}metadata")
    if prefix == "lom":
        lom.lom(container, resource, page_url)
    else:
        _dublin_core(container, resource, page_url)


def _dublin_core(parent: ET.Element, resource: Resource, page_url: str) -> None:
    dc = _sub(
        parent,
        f"{{{OAI_DC}}}dc",
        **{f"{{{XSI}}}schemaLocation": f"{OAI_DC} {FORMATS['oai_dc'][0]}"},
    )
    for language, title in sorted(resource.title.items()):
        _sub(dc, f"{{{DC}}}title", title, **{XML_LANG: language})
    for language, text in sorted(resource.description.items()):
        _sub(dc, f"{{{DC}}}description", text, **{XML_LANG: language})
    for subject in resource.subjects:
        _sub(dc, f"{{{DC}}}subject", subject)
    _sub(dc, f"{{{DC}}}publisher", resource.publisher)
    _sub(dc, f"{{{DC}}}type", resource.get_kind_display())
    _sub(dc, f"{{{DC}}}date", _stamp(resource.updated_at))
    for language in resource.languages:
        _sub(dc, f"{{{DC}}}language", language)
    _sub(dc, f"{{{DC}}}coverage", resource.country_id)
    _sub(dc, f"{{{DC}}}identifier", page_url)
    _sub(dc, f"{{{DC}}}identifier", f"urn:uuid:{resource.identifier}")
    _sub(dc, f"{{{DC}}}rights", licences.url(resource.licence))


class Response:
    """One OAI-PMH response document."""

    def __init__(self, request: HttpRequest, arguments: dict[str, str]) -> None:
        self.request = request
        self.base_url = request.build_absolute_uri(reverse("oai"))
        self.root = ET.Element(
            f"{{{OAI}}}OAI-PMH",
            {f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"},
        )
        _sub(self.root, f"{{{OAI}}}responseDate", _stamp(datetime.now(UTC)))
        self.request_element = _sub(self.root, f"{{{OAI}}}request", self.base_url, **arguments)

    def error(self, error: OaiError) -> HttpResponse:
        if error.code in ("badVerb", "badArgument"):
            self.request_element.attrib.clear()  # the spec: echo no arguments then
        _sub(self.root, f"{{{OAI}}}error", error.message, code=error.code)
        return self.send()

    def send(self) -> HttpResponse:
        body = ET.tostring(self.root, encoding="utf-8", xml_declaration=True)
        return HttpResponse(body, content_type="text/xml; charset=utf-8")

    def page_url(self, resource: Resource) -> str:
        return self.request.build_absolute_uri(reverse("resource", args=[resource.identifier]))


def _token(state: dict[str, Any]) -> str:
    return signing.dumps(state, salt="oai-pmh", compress=True)


def _read_token(value: str) -> dict[str, Any]:
    try:
        state = signing.loads(value, salt="oai-pmh", max_age=TOKEN_LIFETIME)
    except signing.SignatureExpired as exc:
        raise OaiError("badResumptionToken", "the resumption token has expired") from exc
    except signing.BadSignature as exc:
        raise OaiError("badResumptionToken", "the resumption token is not valid") from exc
    if not isinstance(state, dict):
        raise OaiError("badResumptionToken", "the resumption token is not valid")
    return state


def _record_or_error(identifier: str) -> Resource:
    prefix = f"oai:{repository_id()}:"
    value = identifier.removeprefix(prefix) if identifier.startswith(prefix) else ""
    try:
        key = uuid.UUID(value)
    except ValueError:
        key = None
    resource = _records().filter(identifier=key).first() if key else None
    if resource is None:
        raise OaiError("idDoesNotExist", f"no record {identifier}")
    return resource


def _list(response: Response, verb: str, arguments: dict[str, str]) -> HttpResponse:
    if "resumptionToken" in arguments:
        state = _read_token(arguments["resumptionToken"])
        if state.get("verb") != verb:
            raise OaiError("badResumptionToken", "the token belongs to another verb")
    else:
        state = {
            "verb": verb,
            "prefix": arguments["metadataPrefix"],
            "set": arguments.get("set"),
            "from": arguments.get("from"),
            "until": arguments.get("until"),
            # The list is fixed when it starts: what changes later is for the next harvest.
            "frozen": datetime.now(UTC).isoformat(),
            "after": None,
            "cursor": 0,
        }
    if state["prefix"] not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"no metadata format {state['prefix']!r}")
    if state["from"] and state["until"] and len(state["from"]) != len(state["until"]):
        raise OaiError("badArgument", "from and until must have the same granularity")
    records = _records().filter(updated_at__lte=datetime.fromisoformat(state["frozen"]))
    if state["from"]:
        records = records.filter(updated_at__gte=_parse_stamp(state["from"], end=False))
    if state["until"]:
        records = records.filter(updated_at__lte=_parse_stamp(state["until"], end=True))
    if state["set"]:
        records = _in_set(records, state["set"])
    total = records.count()
    if state["after"]:
        # Keyset paging on (datestamp, id): changes meanwhile neither skip nor repeat a record.
        stamp, last_id = datetime.fromisoformat(state["after"][0]), int(state["after"][1])
        records = records.filter(
            models.Q(updated_at__gt=stamp) | models.Q(updated_at=stamp, id__gt=last_id)
        )
    page = settings.OAI_PAGE_SIZE
    chunk = list(records.order_by("updated_at", "id")[:page])
    if not chunk:
        raise OaiError("noRecordsMatch", "no records match")
    listing = _sub(response.root, f"{{{OAI}}}{verb}")
    for resource in chunk:
        if verb == "ListIdentifiers":
            _header(listing, resource)
        else:
            record = _sub(listing, f"{{{OAI}}}record")
            _header(record, resource)
            _metadata(record, state["prefix"], resource, response.page_url(resource))
    cursor = int(state["cursor"])
    more = records.order_by("updated_at", "id")[page : page + 1].exists()
    if "resumptionToken" in arguments or more:
        last = chunk[-1]
        following = {
            **state,
            "after": [last.updated_at.isoformat(), last.pk],
            "cursor": cursor + len(chunk),
        }
        expires = _stamp(datetime.now(UTC) + TOKEN_LIFETIME)
        _sub(
            listing,
            f"{{{OAI}}}resumptionToken",
            _token(following) if more else "",
            completeListSize=str(total),
            cursor=str(cursor),
            **({"expirationDate": expires} if more else {}),
        )
    return response.send()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    query = request.GET if request.method == "GET" else request.POST
    arguments = {k: query.get(k, "") for k in query}
    repeated = [k for k in query if len(query.getlist(k)) > 1]
    verb = arguments.pop("verb", "")
    clean = verb in ARGUMENTS and not any(UNSAFE.search(k + v) for k, v in arguments.items())
    response = Response(request, {"verb": verb, **arguments} if clean else {})
    try:
        if verb not in ARGUMENTS or "verb" in repeated:
            raise OaiError("badVerb", "the verb is missing, repeated or not an OAI-PMH verb")
        if not clean:
            raise OaiError("badArgument", "arguments must not contain control characters")
        required, optional = ARGUMENTS[verb]
        if repeated:
            raise OaiError("badArgument", f"{repeated[0]} is repeated")
        given = set(arguments)
        if "resumptionToken" in given and given != {"resumptionToken"}:
            raise OaiError("badArgument", "resumptionToken must be the only argument")
        if "resumptionToken" not in given and (missing := required - given):
            raise OaiError("badArgument", f"{sorted(missing)[0]} is required")
        if unknown := given - required - optional:
            raise OaiError("badArgument", f"{sorted(unknown)[0]} is not an argument of {verb}")
        return _dispatch(response, verb, arguments)
    except OaiError as error:
        return response.error(error)


def _dispatch(response: Response, verb: str, arguments: dict[str, str]) -> HttpResponse:
    root = response.root
    if verb == "Identify":
        identify = _sub(root, f"{{{OAI}}}Identify")
        earliest = _records().aggregate(first=Min("updated_at"))["first"] or datetime(
            2026, 1, 1, tzinfo=UTC
        )
        for tag, text in (
            ("repositoryName", "EduBridge node"),
            ("baseURL", response.base_url),
            ("protocolVersion", "2.0"),
            ("adminEmail", settings.OAI_ADMIN_EMAIL),
            ("earliestDatestamp", _stamp(earliest)),
            ("deletedRecord", "persistent"),
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ):
            _sub(identify, f"{{{OAI}}}{tag}", text)
        return response.send()
    if verb == "ListMetadataFormats":
        if "identifier" in arguments:
            _record_or_error(arguments["identifier"])
        formats = _sub(root, f"{{{OAI}}}ListMetadataFormats")
        for prefix, (schema, namespace) in FORMATS.items():
            entry = _sub(formats, f"{{{OAI}}}metadataFormat")
            _sub(entry, f"{{{OAI}}}metadataPrefix", prefix)
            _sub(entry, f"{{{OAI}}}schema", schema)
            _sub(entry, f"{{{OAI}}}metadataNamespace", namespace)
        return response.send()
    if verb == "ListSets":
        if "resumptionToken" in arguments:
            raise OaiError("badResumptionToken", "ListSets is never split")
        sets = _sets()
        if not sets:
            raise OaiError("noSetHierarchy", "there are no sets yet")
        listing = _sub(root, f"{{{OAI}}}ListSets")
        for spec, name in sets:
            entry = _sub(listing, f"{{{OAI}}}set")
            _sub(entry, f"{{{OAI}}}setSpec", spec)
            _sub(entry, f"{{{OAI}}}setName", name)
        return response.send()
    if verb == "GetRecord":
        if arguments["metadataPrefix"] not in FORMATS:
            raise OaiError(
                "cannotDisseminateFormat", f"no metadata format {arguments['metadataPrefix']!r}"
            )
        resource = _record_or_error(arguments["identifier"])
        record = _sub(_sub(root, f"{{{OAI}}}GetRecord"), f"{{{OAI}}}record")
        _header(record, resource)
        _metadata(record, arguments["metadataPrefix"], resource, response.page_url(resource))
        return response.send()
    return _list(response, verb, arguments)
