"""Catalog API: search with facets, each resource as LRMI JSON-LD, and collections."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from edubridge.catalog import lrmi, packaging, search, services
from edubridge.catalog.models import (
    Collection,
    Resource,
    ResourceVersion,
    VersionStatus,
    canonical_uuid,
)
from edubridge.core.api_auth import AuthedRequest, anyone
from edubridge.core.models import Organisation

router = Router(tags=["catalog"])


class SearchIn(Schema):
    q: str = Field("", max_length=200)
    kind: list[str] = []
    language: list[str] = []
    country: list[str] = []
    subject: list[str] = []
    level: list[str] = []
    licence: list[str] = []
    organisation: list[str] = []
    item: list[str] = []
    made_with: list[str] = Field([], description="human, ai-assisted or ai-generated")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class FacetOut(Schema):
    value: str
    count: int


class SearchOut(Schema):
    count: int
    items: list[dict[str, Any]]
    facets: dict[str, list[FacetOut]]


@router.get("/resources", response=SearchOut, auth=anyone)
def search_resources(request: HttpRequest, params: Query[SearchIn]) -> dict[str, Any]:
    """Full-text search in any language, filtered by facets; each hit as LRMI JSON-LD."""
    filters = {name: getattr(params, name) for name in search.FACETS}
    results = search.search(params.q, filters, limit=params.limit, offset=params.offset)
    base = request.build_absolute_uri("/").rstrip("/")
    return {
        "count": results.total,
        "items": [lrmi.learning_resource(r, base_url=base) for r in results.resources],
        "facets": {
            k: [{"value": v, "count": n} for v, n in rows] for k, rows in results.facets.items()
        },
    }


@router.get("/resources/{identifier}", response=dict[str, Any], auth=anyone)
def get_resource(request: HttpRequest, identifier: str) -> dict[str, Any]:
    """The resource as schema.org/LRMI LearningResource JSON-LD (the same as on its page)."""
    resource = get_object_or_404(
        Resource.objects.filter(search_entry__isnull=False).select_related("owner", "country"),
        identifier=canonical_uuid(identifier),
    )
    return lrmi.learning_resource(resource, base_url=request.build_absolute_uri("/").rstrip("/"))


@router.delete("/resources/{identifier}", response={204: None})
def withdraw_resource(request: AuthedRequest, identifier: str) -> Status[None]:
    """Withdraw a resource: it leaves search, and OAI-PMH reports it as a deleted record."""
    resource = get_object_or_404(Resource, identifier=canonical_uuid(identifier))
    services.withdraw_resource(request.auth, resource)
    return Status(204, None)


class CollectionIn(Schema):
    owner: str = Field(description="slug of the partner that makes the collection")
    title: dict[str, str]
    description: dict[str, str] = {}
    resources: list[str] = Field([], description="identifiers of published resources, in order")


def _collection_doc(collection: Collection, base_url: str) -> dict[str, Any]:
    """A schema.org Collection whose parts are the resources' LRMI documents."""
    members = Resource.objects.filter(
        pk__in=collection.entries.values("resource_id"), search_entry__isnull=False
    ).select_related("owner", "country", "origin")
    order = {pk: i for i, pk in enumerate(collection.entries.values_list("resource_id", flat=True))}
    return {
        "@context": "https://schema.org",
        "@type": "Collection",
        "identifier": str(collection.identifier),
        "name": lrmi.languages(collection.title),
        "description": lrmi.languages(collection.description),
        "publisher": {"@type": "Organization", "name": collection.owner.name},
        "dateModified": collection.updated_at.isoformat(timespec="seconds"),
        "hasPart": [
            lrmi.learning_resource(r, base_url=base_url)
            for r in sorted(members, key=lambda r: order[r.pk])
        ],
    }


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class PageIn(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


@router.get("/collections", response=list[dict[str, Any]], auth=anyone)
def list_collections(request: HttpRequest, page: Query[PageIn]) -> list[dict[str, Any]]:
    collections = Collection.objects.select_related("owner")[page.offset : page.offset + page.limit]
    return [_collection_doc(c, _base(request)) for c in collections]


@router.get("/collections/{identifier}", response=dict[str, Any], auth=anyone)
def get_collection(request: HttpRequest, identifier: str) -> dict[str, Any]:
    collection = get_object_or_404(
        Collection.objects.select_related("owner"), identifier=canonical_uuid(identifier)
    )
    return _collection_doc(collection, _base(request))


def _save(
    request: AuthedRequest, payload: CollectionIn, collection: Collection | None = None
) -> dict[str, Any]:
    saved = services.save_collection(
        request.auth,
        get_object_or_404(Organisation, slug=payload.owner),
        title=payload.title,
        description=payload.description,
        resources=payload.resources,
        collection=collection,
    )
    return _collection_doc(saved, _base(request))


@router.post("/collections", response={201: dict[str, Any]})
def create_collection(request: AuthedRequest, payload: CollectionIn) -> Status[dict[str, Any]]:
    return Status(201, _save(request, payload))


@router.put("/collections/{identifier}", response=dict[str, Any])
def replace_collection(
    request: AuthedRequest, identifier: str, payload: CollectionIn
) -> dict[str, Any]:
    """Replace the title, description and resources of a collection."""
    collection = get_object_or_404(Collection, identifier=canonical_uuid(identifier))
    return _save(request, payload, collection)


@router.post("/packages", response={201: dict[str, Any]})
def import_package(
    request: AuthedRequest,
    file: File[UploadedFile],
    owner: Form[str],
    licence: Form[str],
) -> Status[dict[str, Any]]:
    """A new resource, with a draft version, from a Common Cartridge (.imscc) or QTI package.

    The answer is the draft's LRMI document, with the package's format and any warnings
    (items that cannot be scored, resource types that are not imported).
    """
    organisation = get_object_or_404(Organisation, slug=owner)
    report = packaging.import_package(
        request.auth, organisation, file, name=file.name or "package", licence=licence
    )
    doc = lrmi.learning_resource(report.resource, report.version, base_url=_base(request))
    return Status(201, {**doc, "packageFormat": report.format, "warnings": report.warnings})


class NoAiIn(Schema):
    items: list[str] = Field(..., min_length=1, max_length=1000)


@router.post("/resources/{identifier}/versions/{number}/no-ai", response=dict[str, int])
def forbid_ai(request: AuthedRequest, identifier: str, number: int, body: NoAiIn) -> dict[str, int]:
    """Mark items of a draft version as answered without AI help: learners are told so."""
    version = get_object_or_404(
        ResourceVersion, resource__identifier=canonical_uuid(identifier), number=number
    )
    return {"items": services.forbid_ai(request.auth, version, body.items)}


@router.get("/resources/{identifier}/package", auth=anyone)
def export_package(request: HttpRequest, identifier: str, format: str = "cc1.3") -> FileResponse:
    """The latest published version as ``cc1.3``, ``cc1.1`` (for Moodle) or ``qti3``."""
    resource = get_object_or_404(
        Resource, identifier=canonical_uuid(identifier), origin__isnull=True
    )
    version = resource.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    if version is None:
        raise Http404("This resource has no published version.")
    name = packaging.stored_export(version, format)
    suffix = "zip" if format == "qti3" else "imscc"
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"{resource.identifier}-v{version.number}.{suffix}",
        content_type="application/zip",
    )
