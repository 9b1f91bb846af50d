"""Catalog API: search with facets, and each resource as LRMI JSON-LD."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from edubridge.catalog import lrmi, search
from edubridge.catalog.models import Resource, canonical_uuid
from edubridge.core.api_auth import anyone

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
