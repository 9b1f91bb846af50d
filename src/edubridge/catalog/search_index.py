"""What search needs besides the full-text match, in numpy arrays, in each process.

Counting facets in SQL over every match costs about a second at 100,000 resources, and so
does ranking thousands of matches with the database's own functions. Over these arrays
both cost a few milliseconds, whatever matches, and the ranking (BM25, as SQLite's FTS5
computes it) is the same on SQLite and PostgreSQL. The database stays the truth and still
does the matching: ``search.index`` logs each changed resource in ``SearchChange``; before
each search a process reads the recent log and patches its arrays, or rebuilds them when
its own writes were rolled back or the log has moved on too far.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

WINDOW = 500  # changes re-read at each look, so one committed late is not missed
GAP_SECONDS = 600  # how long a missing change id is waited for (a transaction still open)
REBUILD_AFTER = 2000  # changed resources; past this a rebuild is cheaper than patches
K1, B = 1.2, 0.75  # FTS5's bm25 constants


@dataclass
class Arrays:
    pks: np.ndarray  # resource pk at each position
    entries: np.ndarray  # its search entry's id (the FTS5 rowid)
    stamps: np.ndarray  # when it was last updated (seconds)
    lengths: np.ndarray  # words in its search text
    alive: np.ndarray  # bool: still findable (a changed resource's old position is not)
    row_doc: np.ndarray  # facet row -> position
    row_code: np.ndarray  # facet row -> value code
    recent: np.ndarray = field(init=False)  # positions, most recently updated first
    by_entry: np.ndarray = field(init=False)  # alive positions sorted by entry id

    def __post_init__(self) -> None:
        self.recent = np.lexsort((-self.pks, -self.stamps))
        live = np.flatnonzero(self.alive)
        self.by_entry = live[np.argsort(self.entries[live], kind="stable")]

    def positions_of(self, entry_ids: np.ndarray) -> np.ndarray:
        """The alive positions of these search entries (entries it does not know are left out)."""
        if not len(self.by_entry):
            return np.zeros(0, np.int64)
        known = self.entries[self.by_entry]
        where = np.minimum(np.searchsorted(known, entry_ids), len(known) - 1)
        return self.by_entry[where[known[where] == entry_ids]]


class SearchIndex:
    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], int] = {}
        self.names: list[str] = []
        self.values: list[str] = []
        self.arrays: Arrays | None = None
        # Term -> sorted positions * 64 + term frequency (capped at 63), for the first build;
        # positions appended by patches keep their term counts in ``extra``.
        self.postings: dict[str, np.ndarray] = {}
        self.built = 0
        self.extra: dict[int, Counter[str]] = {}
        self.applied: dict[int, str] = {}  # change id -> stamp, within the window
        self.gaps: dict[int, float] = {}  # change ids not seen yet, below ones seen: when noticed
        self.top = 0  # the newest change id seen
        self.words: list[tuple[str, ...]] = []  # the distinct words at each position
        self.df: Counter[str] = Counter()  # alive positions having each word, for BM25
        self.database = ""
        # Held by a whole search: the arrays, postings and counts it reads belong together.
        self.lock = threading.RLock()

    def _code(self, name: str, value: str) -> int:
        key = (name, value)
        if key not in self.codes:
            self.codes[key] = len(self.names)
            self.names.append(name)
            self.values.append(value)
        return self.codes[key]

    def _load(self, resource_ids: list[int] | None) -> tuple[list[str], Arrays]:
        """Search texts and arrays of all findable resources, or of the ones given."""
        where, params = "", []
        if resource_ids is not None:
            marks = ", ".join(["%s"] * len(resource_ids))
            where, params = f"WHERE e.resource_id IN ({marks})", list(resource_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.resource_id, e.id, r.updated_at, e.body FROM catalog_searchentry e "  # noqa: S608
                f"JOIN catalog_resource r ON r.id = e.resource_id {where}",
                params,
            )
            docs = cursor.fetchall()
            aggregate = "group_concat" if connection.vendor == "sqlite" else "string_agg"
            cast = "f.resource_id" if connection.vendor == "sqlite" else "f.resource_id::text"
            # One row per facet value, its resources in one string: a few hundred rows to read.
            cursor.execute(
                f"SELECT f.name, f.value, {aggregate}({cast}, ',') FROM catalog_facet f "  # noqa: S608
                f"{where.replace('e.resource_id', 'f.resource_id')} GROUP BY f.name, f.value",
                params,
            )
            facets = cursor.fetchall()
        pks = np.array([d[0] for d in docs], dtype=np.int64)
        bodies = [d[3] for d in docs]
        members, codes = [], []
        for name, value, ids in facets:
            found = np.array([int(i) for i in ids.split(",")], dtype=np.int64)
            members.append(found)
            codes.append(np.full(len(found), self._code(name, value), dtype=np.int32))
        row_pk = np.concatenate(members) if members else np.zeros(0, np.int64)
        row_code = np.concatenate(codes) if codes else np.zeros(0, np.int32)
        # Facet rows of resources without a search entry are not findable: dropped.
        order = np.argsort(pks)
        where_in = np.minimum(np.searchsorted(pks[order], row_pk), max(len(pks) - 1, 0))
        known = pks[order][where_in] == row_pk if len(pks) else np.zeros(len(row_pk), bool)
        arrays = Arrays(
            pks=pks,
            entries=np.array([d[1] for d in docs], dtype=np.int64),
            stamps=np.array([d[2].timestamp() for d in docs], dtype=np.float64),
            lengths=np.array([b.count(" ") + 1 if b else 0 for b in bodies], dtype=np.float64),
            alive=np.ones(len(pks), bool),
            row_doc=order[where_in[known]].astype(np.int64),
            row_code=row_code[known],
        )
        return bodies, arrays

    def _changes(self) -> list[tuple[int, str, int]]:
        low = max(self.applied, default=0) - WINDOW
        gaps = sorted(self.gaps)
        also = f" OR id IN ({', '.join(['%s'] * len(gaps))})" if gaps else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, stamp, resource_id FROM catalog_searchchange WHERE id > %s{also}",  # noqa: S608
                [low, *gaps],
            )
            return cursor.fetchall()

    def _note_gaps(self, present: dict[int, str], since: int) -> None:
        """Change ids above ``since`` and below the newest that are not there yet: on
        PostgreSQL a transaction can commit after a later one, so they are asked for again
        until they come or are ten minutes old."""
        now = time.monotonic()
        top = max(present, default=since)
        for missing in set(range(since + 1, top + 1)) - set(present):
            self.gaps.setdefault(missing, now)
        self.gaps = {
            i: seen
            for i, seen in self.gaps.items()
            if i not in present and now - seen < GAP_SECONDS
        }
        self.top = max(self.top, top)

    def rebuild(self) -> None:
        self.applied = {}
        changes = self._changes()
        bodies, self.arrays = self._load(None)
        postings: dict[str, list[int]] = {}
        for position, body in enumerate(bodies):
            for word, count in Counter(body.split()).items():
                postings.setdefault(word, []).append(position * 64 + min(count, 63))
        self.postings = {w: np.array(p, dtype=np.int64) for w, p in postings.items()}
        self.words = [tuple(set(body.split())) for body in bodies]
        self.df = Counter({w: len(p) for w, p in postings.items()})
        self.built, self.extra = len(bodies), {}
        present = {i: stamp for i, stamp, _ in changes}
        top = max(present, default=0)
        self.applied = {i: stamp for i, stamp in present.items() if i > top - WINDOW}
        self.gaps, self.top = {}, 0
        self._note_gaps(present, since=max(top - WINDOW, 0))
        self.database = str(connection.settings_dict["NAME"])

    def refresh(self) -> Arrays:
        """The arrays as the database has them now (call it holding ``lock``)."""
        with self.lock:
            if self.arrays is None or self.database != str(connection.settings_dict["NAME"]):
                self.rebuild()
            else:
                changes = self._changes()
                present = {i: stamp for i, stamp, _ in changes}
                if any(present.get(i) != stamp for i, stamp in self.applied.items()):
                    self.rebuild()  # changes it applied are gone: its own writes rolled back
                else:
                    fresh = {r for i, _, r in changes if i not in self.applied}
                    if len(fresh) > REBUILD_AFTER:
                        self.rebuild()
                    elif fresh:
                        self._patch(sorted(fresh))
                        top = max(present)
                        self.applied = {i: s for i, s in present.items() if i > top - WINDOW}
                        self._note_gaps(present, since=self.top)
                    retired = int((~self.arrays.alive).sum()) if self.arrays else 0
                    if self.arrays is not None and retired > max(
                        REBUILD_AFTER, len(self.arrays.pks) // 4
                    ):
                        self.rebuild()  # patches have piled up: start clean
            assert self.arrays is not None
            return self.arrays

    def _patch(self, resource_ids: list[int]) -> None:
        """Retire the changed resources' positions and append them as they are now."""
        old = self.arrays
        assert old is not None
        bodies, new = self._load(resource_ids)
        offset = len(old.pks)
        retiring = np.flatnonzero(old.alive & np.isin(old.pks, np.array(resource_ids)))
        for position in retiring:
            self.df.subtract(self.words[position])
        for n, body in enumerate(bodies):
            self.extra[offset + n] = Counter(body.split())
            self.words.append(tuple(self.extra[offset + n]))
            self.df.update(self.words[-1])
        self.arrays = Arrays(
            pks=np.concatenate([old.pks, new.pks]),
            entries=np.concatenate([old.entries, new.entries]),
            stamps=np.concatenate([old.stamps, new.stamps]),
            lengths=np.concatenate([old.lengths, new.lengths]),
            alive=np.concatenate(
                [old.alive & ~np.isin(old.pks, np.array(resource_ids)), new.alive]
            ),
            row_doc=np.concatenate([old.row_doc, new.row_doc + offset]),
            row_code=np.concatenate([old.row_code, new.row_code]),
        )

    def facet_mask(self, arrays: Arrays, name: str, values: list[str]) -> np.ndarray:
        """Positions having any of ``values`` for ``name``."""
        codes = [self.codes[(name, v)] for v in values if (name, v) in self.codes]
        mask = np.zeros(len(arrays.pks), dtype=bool)
        if codes:
            mask[arrays.row_doc[np.isin(arrays.row_code, codes)]] = True
        return mask

    def counts(
        self, arrays: Arrays, mask: np.ndarray, names: list[str]
    ) -> dict[str, list[tuple[str, int]]]:
        """Facet values and their counts over the positions in ``mask``, most frequent first."""
        if not names:
            return {}
        tally = np.bincount(arrays.row_code[mask[arrays.row_doc]], minlength=len(self.names))
        out: dict[str, list[tuple[str, int]]] = {}
        for code in np.flatnonzero(tally):
            name = self.names[code]
            if name in names:
                out.setdefault(name, []).append((self.values[code], int(tally[code])))
        return {name: sorted(rows, key=lambda v: (-v[1], v[0])) for name, rows in out.items()}

    def _frequencies(self, word: str, positions: np.ndarray) -> np.ndarray:
        """How often ``word`` occurs in the text at each position (a lone CJK character, as
        a prefix, counts once)."""
        out = np.zeros(len(positions), dtype=np.float64)
        base = positions < self.built
        postings = self.postings.get(word)
        if postings is not None and base.any():
            at = postings >> 6
            where = np.minimum(np.searchsorted(at, positions[base]), len(at) - 1)
            hit = at[where] == positions[base]
            out[np.flatnonzero(base)[hit]] = postings[where[hit]] & 63
        for n in np.flatnonzero(~base):
            out[n] = self.extra.get(int(positions[n]), Counter())[word]
        out[out == 0] = 1  # matched by prefix, or by the database's own tokenizer
        return out

    def rank(self, arrays: Arrays, positions: np.ndarray, words: list[str]) -> np.ndarray:
        """BM25 of each position for the words (lower is better, as FTS5's bm25 returns)."""
        documents = max(int(arrays.alive.sum()), 1)
        average = float(arrays.lengths[arrays.alive].mean()) if arrays.alive.any() else 1.0
        norm = K1 * (1 - B + B * arrays.lengths[positions] / (average or 1.0))
        score = np.zeros(len(positions))
        for word in dict.fromkeys(words):
            having = self.df.get(word, 0) or len(positions)
            idf = max(math.log((documents - having + 0.5) / (having + 0.5)), 1e-6)
            tf = self._frequencies(word, positions)
            score += idf * tf * (K1 + 1) / (tf + norm)
        return -score


INDEX = SearchIndex()
