"""Catalog search: one contract, a SQLite FTS5 backend and a PostgreSQL full-text backend.

Both index the same text: titles, descriptions, assessment item statements and aligned
framework statements in every language, normalised by ``edubridge.align.text.tokens`` (CJK
bigrams, folded Arabic and accents), so both find the same resources for the same query.
Facets are rows of their own (``Facet``), counted over whatever matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from edubridge.align.text import tokens
from edubridge.catalog.models import (
    Alignment,
    AssessmentItem,
    Facet,
    Resource,
    SearchEntry,
    VersionStatus,
)
from edubridge.catalog.packages import qti
from edubridge.catalog.xmltext import UNSAFE

FACETS = ("kind", "language", "country", "subject", "level", "licence", "organisation", "item")


@dataclass
class Results:
    resources: list[Resource]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _findable(resource: Resource) -> bool:
    """Published here, or harvested (its origin published it), and not withdrawn."""
    if resource.withdrawn_at is not None:
        return False
    return resource.harvested or resource.versions.filter(status=VersionStatus.PUBLISHED).exists()


def index(resource: Resource) -> None:
    """Rebuild the search text and facets of a resource (only findable ones are found)."""
    Facet.objects.filter(resource=resource).delete()
    if not _findable(resource):
        SearchEntry.objects.filter(resource=resource).delete()
        return
    latest = resource.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    items = list(Alignment.objects.filter(version=latest).select_related("item"))
    texts = [*resource.title.values(), *resource.description.values(), *resource.subjects]
    texts += [a.item.full_statement for a in items] + [a.item.human_coding_scheme for a in items]
    for data in AssessmentItem.objects.filter(version=latest).values_list("data", flat=True):
        texts += qti.Item.from_json(data).texts()
    body = " ".join(token for text in texts for token in tokens(str(text)))
    SearchEntry.objects.update_or_create(resource=resource, defaults={"body": body})
    values = {
        ("kind", resource.kind),
        ("country", resource.country_id),
        ("licence", resource.licence),
        ("organisation", resource.owner.slug if resource.owner else ""),
        *(("language", v) for v in resource.languages),
        *(("subject", v) for v in resource.subjects),
        *(("level", v) for v in resource.education_levels),
        *(("item", a.item.identifier) for a in items),
    }
    Facet.objects.bulk_create(
        [Facet(resource=resource, name=n, value=str(v)[:100]) for n, v in sorted(values) if v]
    )


_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def clean_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """Known facets only, at most 20 values each, none with control characters or over 100 long."""
    cleaned = {
        name: [v for v in values if v and len(v) <= 100 and not UNSAFE.search(v)][:20]
        for name, values in filters.items()
        if name in FACETS
    }
    return {name: values for name, values in cleaned.items() if values}


def _prefix(word: str) -> bool:
    """A lone CJK character is matched as the start of the indexed bigrams."""
    return len(word) == 1 and bool(_CJK_CHAR.match(word))


def _text(query: str) -> tuple[str, str, list[str]] | None:
    """For a query with words: the FROM/WHERE part matching all of them, and its parameters.

    Both backends take a lone CJK character as the start of the indexed bigrams.
    """
    words = tokens(query)[:20]
    if not words:
        return None
    if connection.vendor == "sqlite":
        match = " ".join(f'"{w}"*' if _prefix(w) else f'"{w}"' for w in words)
        return (
            "catalog_fts f JOIN catalog_searchentry e ON e.id = f.rowid",
            "catalog_fts MATCH %s",
            [match],
        )
    # Each word quoted as a lexeme, joined by AND.
    terms = " & ".join(f"'{w}'" + (":*" if _prefix(w) else "") for w in words)
    return (
        "catalog_searchentry e, to_tsquery('simple', %s) q",
        "to_tsvector('simple', e.body) @@ q",
        [terms],
    )


def _ranked(
    text: tuple[str, str, list[str]], scope: QuerySet[Resource], limit: int, offset: int
) -> list[int]:
    """One page of the matching ids in ``scope``, best first, ties broken by id on both backends.

    PostgreSQL divides its rank by document length, as SQLite's bm25 does.
    """
    tables, condition, params = text
    try:
        scope_sql, scope_params = scope.values("pk").query.sql_with_params()
    except EmptyResultSet:
        return []
    rank = (
        "bm25(catalog_fts)"
        if connection.vendor == "sqlite"
        else "-ts_rank_cd(to_tsvector('simple', e.body), q, 1)"
    )
    # Only constant fragments and Django's compiled SQL are joined; every value is a parameter.
    sql = (
        f"SELECT e.resource_id FROM {tables} WHERE {condition} AND e.resource_id IN ({scope_sql}) "  # noqa: S608
        f"ORDER BY {rank}, e.resource_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *scope_params, limit, offset])
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


def _count(scope: QuerySet[Resource], names: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Facet values and their counts over ``scope``, in one query, most frequent first."""
    counts: dict[str, list[tuple[str, int]]] = {}
    if not names:
        return counts
    rows = (
        Facet.objects.filter(resource__in=scope.values("pk"), name__in=names)
        .values("name", "value")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["name"], []).append((row["value"], row["n"]))
    return {name: sorted(values, key=lambda v: (-v[1], v[0])) for name, values in counts.items()}


def search(
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """Matching resources (one page), their total, and facet counts; all in SQL, no id lists.

    Each chosen facet is counted with every filter but its own, so its other values stay
    offered; the other facets are counted together in one query.
    """
    filters = clean_filters(filters or {})
    base: QuerySet[Resource] = Resource.objects.filter(search_entry__isnull=False)
    text = _text(query)
    if text is not None:
        tables, condition, params = text
        base = base.filter(
            # Constant fragments from _text; the words are parameters.
            pk__in=RawSQL(f"SELECT e.resource_id FROM {tables} WHERE {condition}", params)  # noqa: S608,S611
        )
    resources = _filtered(base, filters)
    total = resources.count()
    counts = _count(resources, [name for name in FACETS if name not in filters])
    for name in filters:
        counts.update(_count(_filtered(base, filters, skip=name), [name]))
    page = resources.select_related("owner", "country")
    if text is None:
        found = list(page.order_by("-updated_at", "-id")[offset : offset + limit])
    else:
        chosen = _ranked(text, resources, limit, offset)
        by_pk = {r.pk: r for r in page.filter(pk__in=chosen)}
        found = [by_pk[pk] for pk in chosen]
    return Results(found, total, {name: counts[name] for name in FACETS if counts.get(name)})
