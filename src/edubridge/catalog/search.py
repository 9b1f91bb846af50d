"""Catalog search: one contract, a SQLite FTS5 backend and a PostgreSQL full-text backend.

Both index the same text: titles, descriptions and aligned framework statements in every
language, normalised by ``edubridge.align.text.tokens`` (CJK bigrams, folded Arabic and
accents), so both find the same resources for the same query. Facets are rows of their
own (``Facet``), counted over whatever matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, QuerySet

from edubridge.align.text import tokens
from edubridge.catalog.models import Alignment, Facet, Resource, SearchEntry, VersionStatus

FACETS = ("kind", "language", "country", "subject", "level", "licence", "organisation", "item")
# The best text matches considered for ranking and facets.
TEXT_LIMIT = 5000


@dataclass
class Results:
    resources: list[Resource]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _published(resource: Resource) -> bool:
    return resource.versions.filter(status=VersionStatus.PUBLISHED).exists()


def index(resource: Resource) -> None:
    """Rebuild the search text and facets of a resource (only published ones are found)."""
    Facet.objects.filter(resource=resource).delete()
    if not _published(resource):
        SearchEntry.objects.filter(resource=resource).delete()
        return
    latest = resource.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    items = list(Alignment.objects.filter(version=latest).select_related("item"))
    texts = [*resource.title.values(), *resource.description.values(), *resource.subjects]
    texts += [a.item.full_statement for a in items] + [a.item.human_coding_scheme for a in items]
    body = " ".join(token for text in texts for token in tokens(str(text)))
    SearchEntry.objects.update_or_create(resource=resource, defaults={"body": body})
    values = {
        ("kind", resource.kind),
        ("country", resource.country_id),
        ("licence", resource.licence),
        ("organisation", resource.owner.slug),
        *(("language", v) for v in resource.languages),
        *(("subject", v) for v in resource.subjects),
        *(("level", v) for v in resource.education_levels),
        *(("item", a.item.identifier) for a in items),
    }
    Facet.objects.bulk_create(
        [Facet(resource=resource, name=n, value=str(v)[:100]) for n, v in sorted(values) if v]
    )


def _text_matches(query: str) -> list[int] | None:
    """Resource ids matching every word of ``query``, best first; None for an empty query."""
    words = tokens(query)[:20]
    if not words:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = " ".join('"' + w.replace('"', "") + '"' for w in words)
            cursor.execute(
                "SELECT e.resource_id FROM catalog_fts f "
                "JOIN catalog_searchentry e ON e.id = f.rowid "
                "WHERE catalog_fts MATCH %s ORDER BY bm25(catalog_fts) LIMIT %s",
                [match, TEXT_LIMIT],
            )
        else:
            cursor.execute(
                "SELECT resource_id FROM catalog_searchentry, plainto_tsquery('simple', %s) q "
                "WHERE to_tsvector('simple', body) @@ q "
                "ORDER BY ts_rank_cd(to_tsvector('simple', body), q) DESC, id LIMIT %s",
                [" ".join(words), TEXT_LIMIT],
            )
        return [row[0] for row in cursor.fetchall()]


def search(
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    resources: QuerySet[Resource] = Resource.objects.filter(search_entry__isnull=False)
    for name, values in (filters or {}).items():
        if name in FACETS and values:
            resources = resources.filter(
                pk__in=Facet.objects.filter(name=name, value__in=values).values("resource_id")
            )
    ranked = _text_matches(query)
    if ranked is not None:
        resources = resources.filter(pk__in=ranked)
    total = resources.count()
    counts: dict[str, list[tuple[str, int]]] = {}
    for row in (
        Facet.objects.filter(resource__in=resources)
        .values("name", "value")
        .annotate(n=Count("id"))
        .order_by("name", "-n", "value")
    ):
        counts.setdefault(row["name"], []).append((row["value"], row["n"]))
    page = resources.select_related("owner", "country")
    if ranked is None:
        found = list(page.order_by("-updated_at", "-id")[offset : offset + limit])
    else:
        position = {pk: n for n, pk in enumerate(ranked)}
        matching = sorted(resources.values_list("pk", flat=True), key=lambda pk: position[pk])
        chosen = matching[offset : offset + limit]
        by_pk = {r.pk: r for r in page.filter(pk__in=chosen)}
        found = [by_pk[pk] for pk in chosen]
    return Results(found, total, counts)
