"""Translation memory: an organisation's earlier translations, found again exactly or fuzzily.

Exact matches come from the database by the source's hash. Fuzzy ones come from an index
each process keeps in memory per organisation and language pair: the segments sharing most
of the query's rarer character trigrams are the candidates, a few dozen of 200,000, which
are then scored by their Levenshtein similarity (rapidfuzz, in C++) as CAT tools do. The
index catches up with rows added since it was built on every lookup; rows deleted since
are dropped from the results by the final query.
"""

from __future__ import annotations

import hashlib
import re
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection
from rapidfuzz import fuzz

from edubridge.core.models import Organisation
from edubridge.localization import inline
from edubridge.localization.models import MemoryEntry

CUTOFF = 70
CANDIDATES = 50
COMMON = 0.1
ANALYZE_AFTER = 10_000
_SPACE = re.compile(r"\s+")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise(text: str) -> str:
    plain = inline.plain(text, "<" in text)
    return _SPACE.sub(" ", plain).strip().casefold()


def grams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Match:
    score: int
    source: str
    target: str
    origin: str


class Index:
    """Trigram postings over one language pair's segments, and their normalised texts."""

    def __init__(self) -> None:
        self.known: set[int] = set()
        self.ids: list[int] = []
        self.texts: list[str] = []
        self.postings: dict[str, array[int]] = {}
        self.last_id = 0
        self.lock = threading.Lock()

    def add(self, rows: Iterable[tuple[int, str]]) -> None:
        for pk, source in rows:
            if pk in self.known:
                continue
            self.known.add(pk)
            text = normalise(source)
            position = len(self.ids)
            self.ids.append(pk)
            self.texts.append(text)
            for gram in grams(text):
                posting = self.postings.get(gram)
                if posting is None:
                    posting = self.postings[gram] = array("i")
                posting.append(position)
            self.last_id = max(self.last_id, pk)

    def candidates(self, query: str, limit: int = CANDIDATES) -> list[tuple[int, int]]:
        """(row id, score) of the best segments by Levenshtein similarity, best first.

        Candidates are the segments sharing most of the query's trigrams, counting only the
        rarer ones (in at most a tenth of the segments) when the query has a few: "the",
        " th" and their like say nothing about which segment is near, and cost the most.
        """
        text = normalise(query)
        found = [self.postings[g] for g in grams(text) if g in self.postings]
        if not found or not self.ids:
            return []
        total = len(self.ids)
        rare = [p for p in found if len(p) <= COMMON * total]
        used = rare if len(rare) >= 3 else found
        hits = np.bincount(
            np.concatenate([np.frombuffer(p, dtype=np.int32) for p in used]), minlength=total
        )
        count = min(limit, total)
        best = np.argpartition(-hits, count - 1)[:count]
        scored = [
            (self.ids[i], round(fuzz.ratio(text, self.texts[i])))
            for i in best.tolist()
            if hits[i] > 0
        ]
        return sorted(scored, key=lambda s: -s[1])


# Rows are numbered when inserted but may commit out of order (PostgreSQL): each catch-up
# looks this far back for rows that committed after a later one was indexed.
LATE = 2000
_INDEXES: dict[tuple[int, str, str], Index] = {}
_INDEXES_LOCK = threading.Lock()


def _index(organisation: Organisation, source_language: str, target_language: str) -> Index:
    key = (organisation.pk, source_language, target_language)
    with _INDEXES_LOCK:
        index = _INDEXES.setdefault(key, Index())
    pair = MemoryEntry.objects.filter(
        organisation=organisation,
        source_language=source_language,
        target_language=target_language,
    )
    with index.lock:
        newest = pair.order_by("-pk").values_list("pk", flat=True).first() or 0
        if newest < index.last_id:
            # The table was emptied or restored from a backup: start again.
            index = _INDEXES[key] = Index()
        since = pair.filter(pk__gt=index.last_id - LATE)
        missing = [pk for pk in since.values_list("pk", flat=True) if pk not in index.known]
        if missing:
            rows = pair.filter(pk__in=missing) if len(missing) <= LATE else since
            index.add(rows.order_by("pk").values_list("pk", "source").iterator(chunk_size=5000))
    return index


def forget() -> None:
    """Drop the in-memory indexes (tests; a rebuilt database)."""
    with _INDEXES_LOCK:
        _INDEXES.clear()


def lookup(
    organisation: Organisation,
    source_language: str,
    target_language: str,
    text: str,
    *,
    limit: int = 3,
    cutoff: int = CUTOFF,
) -> list[Match]:
    """The best earlier translations of ``text``: exact ones score 100, fuzzy ones below."""
    pair = {
        "organisation": organisation,
        "source_language": source_language,
        "target_language": target_language,
    }
    # Newest first, sorted here: ordering in SQL makes SQLite walk the id index instead of
    # finding the hash (a few rows share a source; 40 ms against 1 at 200,000 segments).
    same = MemoryEntry.objects.filter(**pair, source_hash=digest(text)).order_by()
    exact = sorted(same[:50], key=lambda e: -e.pk)[:limit]
    out = [Match(100, e.source, e.target, e.origin) for e in exact if e.source == text]
    if len(out) < limit:
        index = _index(organisation, source_language, target_language)
        with index.lock:
            found = index.candidates(text)
        scored = [(pk, min(score, 99)) for pk, score in found if score >= cutoff]
        rows = MemoryEntry.objects.in_bulk([pk for pk, _ in scored])
        seen = {m.target for m in out}
        for pk, score in scored:
            row = rows.get(pk)
            if row is not None and row.source != text and row.target not in seen:
                out.append(Match(score, row.source, row.target, row.origin))
                seen.add(row.target)
    return out[:limit]


def remember(
    organisation: Organisation,
    source_language: str,
    target_language: str,
    pairs: Iterable[tuple[str, str]],
    origin: str,
) -> int:
    """Keep translations for reuse; a pair already kept is not added again."""
    rows = [
        MemoryEntry(
            organisation=organisation,
            source_language=source_language,
            target_language=target_language,
            source=source,
            target=target,
            source_hash=digest(source),
            target_hash=digest(target),
            origin=origin[:200],
        )
        for source, target in pairs
        if source.strip() and target.strip()
    ]
    MemoryEntry.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    if len(rows) >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # Fresh statistics, or PostgreSQL finds exact matches by walking the whole language
        # pair until autovacuum next analyses the table.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {MemoryEntry._meta.db_table}")
    return len(rows)
