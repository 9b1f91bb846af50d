"""Catalog search: one contract, a SQLite FTS5 backend and a PostgreSQL full-text backend.

Both index the same text: titles, descriptions, assessment item statements and aligned
framework statements in every language, normalised by ``edubridge.align.text.tokens`` (CJK
bigrams, folded Arabic and accents), so both find the same resources for the same query.
Facets are rows of their own (``Facet``), held in each process as numpy arrays
(``search_index``) and counted there.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models.signals import post_delete
from django.dispatch import receiver

from edubridge.align.text import tokens
from edubridge.catalog.models import (
    Alignment,
    AssessmentItem,
    Facet,
    Resource,
    SearchChange,
    SearchEntry,
    VersionStatus,
)
from edubridge.catalog.packages import qti
from edubridge.catalog.search_index import INDEX
from edubridge.catalog.xmltext import UNSAFE

FACETS = (
    "kind",
    "language",
    "country",
    "subject",
    "level",
    "licence",
    "organisation",
    "item",
    "made_with",
)


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


KEEP_CHANGES = 5000


def changed(resource_id: int) -> None:
    """Log the change for every process's in-memory index; keep the log short."""
    change = SearchChange.objects.create(resource_id=resource_id, stamp=uuid.uuid4().hex)
    if change.pk % 1000 == 0:
        SearchChange.objects.filter(pk__lte=change.pk - KEEP_CHANGES).delete()


@receiver(post_delete, sender=Resource)
def _deleted(sender: type[Resource], instance: Resource, **kwargs: object) -> None:
    changed(instance.pk)


def index(resource: Resource) -> None:
    """Rebuild the search text and facets of a resource (only findable ones are found)."""
    changed(resource.pk)
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
        ("made_with", latest.made_with if latest else ""),
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


def _matches(words: list[str]) -> np.ndarray:
    """The search entries matching all the words, by the database's own full-text engine.

    Both backends take a lone CJK character as the start of the indexed bigrams.
    """
    if connection.vendor == "sqlite":
        match = " ".join(f'"{w}"*' if _prefix(w) else f'"{w}"' for w in words)
        sql = "SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH %s"
        params = [match]
    else:
        terms = " & ".join(f"'{w}'" + (":*" if _prefix(w) else "") for w in words)
        sql = (
            "SELECT e.id FROM catalog_searchentry e "
            "WHERE to_tsvector('simple', e.body) @@ to_tsquery('simple', %s)"
        )
        params = [terms]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def _all(masks: list[np.ndarray], start: np.ndarray) -> np.ndarray:
    out = start.copy()
    for mask in masks:
        out &= mask
    return out


def search(
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """Matching resources (one page), their total, and facet counts.

    The database's full-text engine matches; the ranking (BM25), facets, filters and
    recency come from the in-memory index (``search_index``), the same on both databases.
    Each chosen facet is counted with every filter but its own, so its other values stay
    offered.
    """
    filters = clean_filters(filters or {})
    with INDEX.lock:
        arrays = INDEX.refresh()
        match = arrays.alive
        words = tokens(query)[:20]
        if words:
            match = np.zeros(len(arrays.pks), dtype=bool)
            match[arrays.positions_of(_matches(words))] = True
        masks = {name: INDEX.facet_mask(arrays, name, values) for name, values in filters.items()}
        chosen = _all(list(masks.values()), match)
        counts = INDEX.counts(arrays, chosen, [name for name in FACETS if name not in filters])
        for name in filters:
            others = [mask for other, mask in masks.items() if other != name]
            counts.update(INDEX.counts(arrays, _all(others, match), [name]))
        if not words:
            ordered = arrays.recent[chosen[arrays.recent]]
        else:
            candidates = np.flatnonzero(chosen)
            ranks = INDEX.rank(arrays, candidates, words)
            ordered = candidates[np.lexsort((arrays.pks[candidates], ranks))]
        page = [int(pk) for pk in arrays.pks[ordered[offset : offset + limit]]]
        total = int(chosen.sum())
    by_pk = Resource.objects.select_related("owner", "country", "origin").in_bulk(page)
    return Results(
        [by_pk[pk] for pk in page if pk in by_pk],
        total,
        {name: counts[name] for name in FACETS if counts.get(name)},
    )
