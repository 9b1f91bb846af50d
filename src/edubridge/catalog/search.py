"""Catalog search: one contract, a SQLite FTS5 backend and a PostgreSQL full-text backend.

Both index the same text: titles, descriptions and aligned framework statements in every
language, normalised by ``edubridge.align.text.tokens`` (CJK bigrams, folded Arabic and
accents), so both find the same resources for the same query. Facets are rows of their
own (``Facet``), counted over whatever matches.
"""

from __future__ import annotations

import re
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


_CONTROL = re.compile("[\x00-\x1f]")
_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def clean_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """Known facets only, at most 20 values each, none with control characters or over 100 long."""
    return {
        name: [v for v in values if v and len(v) <= 100 and not _CONTROL.search(v)][:20]
        for name, values in filters.items()
        if name in FACETS and values
    }


def _prefix(word: str) -> bool:
    """A lone CJK character is matched as the start of the indexed bigrams."""
    return len(word) == 1 and bool(_CJK_CHAR.match(word))


def _text_matches(query: str) -> list[int] | None:
    """Resource ids matching every word of ``query``, best first; None for an empty query.

    Both backends break ties by id, and PostgreSQL divides by document length as bm25 does.
    """
    words = tokens(query)[:20]
    if not words:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = " ".join(f'"{w}"*' if _prefix(w) else f'"{w}"' for w in words)
            cursor.execute(
                "SELECT e.resource_id FROM catalog_fts f "
                "JOIN catalog_searchentry e ON e.id = f.rowid "
                "WHERE catalog_fts MATCH %s ORDER BY bm25(catalog_fts), e.resource_id LIMIT %s",
                [match, TEXT_LIMIT],
            )
        else:
            # Each word quoted as a lexeme (a lone CJK character as a prefix), joined by AND.
            query_text = " & ".join(f"'{w}'" + (":*" if _prefix(w) else "") for w in words)
            cursor.execute(
                "SELECT resource_id FROM catalog_searchentry, to_tsquery('simple', %s) q "
                "WHERE to_tsvector('simple', body) @@ q "
                "ORDER BY ts_rank_cd(to_tsvector('simple', body), q, 1) DESC, resource_id LIMIT %s",
                [query_text, TEXT_LIMIT],
            )
        return [row[0] for row in cursor.fetchall()]


def _filtered(
    resources: QuerySet[Resource], filters: dict[str, list[str]], skip: str = ""
) -> QuerySet[Resource]:
    for name, values in filters.items():
        if name != skip:
            resources = resources.filter(
                pk__in=Facet.objects.filter(name=name, value__in=values).values("resource_id")
            )
    return resources


def search(
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    filters = clean_filters(filters or {})
    base: QuerySet[Resource] = Resource.objects.filter(search_entry__isnull=False)
    ranked = _text_matches(query)
    if ranked is not None:
        base = base.filter(pk__in=ranked)
    resources = _filtered(base, filters)
    total = resources.count()
    counts: dict[str, list[tuple[str, int]]] = {}
    for name in FACETS:
        # Each facet is counted with every filter but its own, so its other values stay offered.
        scope = _filtered(base, filters, skip=name) if name in filters else resources
        rows = (
            Facet.objects.filter(resource__in=scope, name=name)
            .values("value")
            .annotate(n=Count("id"))
            .order_by("-n", "value")
        )
        values = [(row["value"], row["n"]) for row in rows]
        if values:
            counts[name] = values
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
