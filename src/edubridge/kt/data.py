"""Responses: the tidy table every knowledge-tracing model reads.

One row per answer: ``learner``, ``skill``, ``item``, ``correct`` (0 or 1) and an optional
``timestamp`` (any sortable number; without it, the row order is the time order). Build
it from columns (lists or numpy arrays) or from any table that gives columns by name, a
pandas DataFrame included::

    Responses.from_columns(learner=[...], skill=[...], item=[...], correct=[...])
    Responses.from_frame(df)  # columns learner/user_id, skill/skill_name, item, correct

A row of several skills names them joined by ``~`` (the ASSISTments convention); models
trace each of them. Labels become integer codes; the labels are kept to read them back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from edubridge.kt.csvfile import Column, Labels, read_csv

ALIASES = {
    "learner": ("learner", "user_id", "student_id"),
    "skill": ("skill", "skill_name", "skills"),
    "item": ("item", "item_id", "problem_id"),
    "correct": ("correct",),
    "timestamp": ("timestamp", "order_id", "time"),
}
# Columns read as numbers from a CSV file; every other column is text.
NUMERIC = frozenset({*ALIASES["correct"], *ALIASES["timestamp"]})


def _labels(values: np.ndarray) -> Labels:
    labels, codes = np.unique(values.astype(str), return_inverse=True)
    return Labels(codes.astype(np.int64), labels)


@dataclass(frozen=True)
class Responses:
    learner: np.ndarray  # int64 codes into learners
    skill: np.ndarray  # int64 codes into skills, one per row (multi-skill rows are repeated)
    item: np.ndarray  # int64 codes into items
    correct: np.ndarray  # int8, 0 or 1
    timestamp: np.ndarray  # float64
    row: np.ndarray  # int64: the input row each row came from
    learners: np.ndarray  # labels
    skills: np.ndarray
    items: np.ndarray
    size: int  # rows of the input

    def __len__(self) -> int:
        return len(self.correct)

    @classmethod
    def from_columns(
        cls,
        *,
        learner: Sequence[Any] | np.ndarray,
        skill: Sequence[Any] | np.ndarray,
        correct: Sequence[Any] | np.ndarray,
        item: Sequence[Any] | np.ndarray | None = None,
        timestamp: Sequence[Any] | np.ndarray | None = None,
    ) -> Responses:
        columns = {"learner": np.asarray(learner), "skill": np.asarray(skill)}
        columns["correct"] = np.asarray(correct)
        columns["item"] = np.asarray(item) if item is not None else columns["skill"]
        n = len(columns["correct"])
        if timestamp is not None:
            columns["timestamp"] = np.asarray(timestamp)
        for name, values in columns.items():
            if values.ndim != 1:
                raise ValueError(f"{name}: expected one column of values, got {values.shape}")
        lengths = {name: len(values) for name, values in columns.items()}
        if len(set(lengths.values())) > 1:
            listed = ", ".join(f"{name} {length}" for name, length in lengths.items())
            raise ValueError(f"the columns differ in length: {listed}")
        stamps = np.arange(n, dtype=np.float64)
        if timestamp is not None:
            try:
                stamps = columns["timestamp"].astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError("timestamp: values must be numbers") from exc
            if not np.isfinite(stamps).all():
                bad_row = int(np.flatnonzero(~np.isfinite(stamps))[0])
                raise ValueError(f"timestamp: row {bad_row} is not a finite number")
        return cls._build(
            _labels(columns["learner"]),
            _labels(columns["skill"]),
            _labels(columns["item"]) if item is not None else None,
            _binary(columns["correct"]),
            stamps,
        )

    @classmethod
    def _build(
        cls,
        learner: Labels,
        skill: Labels,
        item: Labels | None,
        correct: np.ndarray,
        stamps: np.ndarray,
    ) -> Responses:
        """The table from coded columns; ``item`` None: each row's skill label is its item."""
        n = len(correct)
        # Split the distinct skill labels, not every row: there are far fewer of them.
        labels, label_of_row = skill.labels, skill.codes
        # A skill named twice in a row is traced once: a second copy would see the answer.
        names_of_label = [list(dict.fromkeys(str(label).split("~"))) for label in labels.tolist()]
        if any("" in names for names in names_of_label):
            empty = [n for n, names in enumerate(names_of_label) if "" in names]
            bad = int(np.flatnonzero(np.isin(label_of_row, empty))[0])
            raise ValueError(f"skill: row {bad} names no skill")
        skills = np.unique(
            np.array([name for names in names_of_label for name in names], dtype=str)
        )
        label_codes = [np.searchsorted(skills, names) for names in names_of_label]
        per_label = np.array([len(codes) for codes in label_codes], dtype=np.int64)
        row: np.ndarray | None = None  # each row's input row, None for one to one
        if (per_label == 1).all():  # one skill a row, the usual case: no rows to repeat
            flat = np.concatenate(label_codes) if label_codes else np.zeros(0, np.int64)
            skill_codes = flat.astype(np.int64)[label_of_row]
        else:
            counts = per_label[label_of_row]
            row = np.repeat(np.arange(n, dtype=np.int64), counts)
            first = np.cumsum(counts) - counts
            nth = np.arange(len(row)) - np.repeat(first, counts)
            offsets = np.cumsum(per_label) - per_label
            flat_codes = np.concatenate(label_codes).astype(np.int64)
            skill_codes = flat_codes[offsets[label_of_row][row] + nth]
        items = item if item is not None else skill

        def per_row(values: np.ndarray) -> np.ndarray:
            return values if row is None else values[row]

        # Time order within each learner; ties keep the input order.
        times, learners_of_row = per_row(stamps), per_row(learner.codes)
        if np.all(times[1:] >= times[:-1]):  # a file in time order, the usual case
            order = stable_order(learners_of_row, len(learner.labels))
        else:
            by_time = np.argsort(times, kind="stable")
            order = by_time[stable_order(learners_of_row[by_time], len(learner.labels))]
        return cls(
            learner=learners_of_row[order],
            skill=skill_codes[order],
            item=per_row(items.codes)[order],
            correct=per_row(correct)[order],
            timestamp=times[order],
            row=order if row is None else row[order],
            learners=learner.labels,
            skills=skills,
            items=items.labels,
            size=n,
        )

    @classmethod
    def from_frame(cls, frame: Mapping[str, Any] | Any) -> Responses:
        """From any table with named columns (a pandas DataFrame, a dict of arrays)."""
        names = list(frame.keys())  # a dict's keys, or a DataFrame's column names
        found: dict[str, Any] = {}
        for field, aliases in ALIASES.items():
            name = next((a for a in aliases if a in names), None)
            if name is not None:
                found[field] = np.asarray(frame[name])
        for required in ("learner", "skill", "correct"):
            if required not in found:
                raise ValueError(f"{required}: no column named {' or '.join(ALIASES[required])}")
        return cls.from_columns(**found)

    @classmethod
    def from_csv(cls, path: str | Path) -> Responses:
        """From a CSV file with a header row naming the columns (pyBKT's names work too)."""
        table = read_csv(path, NUMERIC)
        if table is None:  # quoted fields or numbers written otherwise: the careful way
            return cls.from_frame(_read_slowly(Path(path)))
        return cls.from_table(table)

    @classmethod
    def from_table(cls, table: Mapping[str, Column]) -> Responses:
        """From the columns ``kt.csvfile.read_csv`` gives: text as codes, numbers as floats."""
        found: dict[str, Column] = {}
        for field, aliases in ALIASES.items():
            name = next((a for a in aliases if a in table), None)
            if name is not None:
                found[field] = table[name]
        for required in ("learner", "skill", "correct"):
            if required not in found:
                raise ValueError(f"{required}: no column named {' or '.join(ALIASES[required])}")
        for field, value in found.items():
            if isinstance(value, Labels) == (field in ("correct", "timestamp")):
                kind = "numbers" if field in ("correct", "timestamp") else "text"
                raise ValueError(f"{field}: expected a column of {kind}")
        text = {f: v for f, v in found.items() if isinstance(v, Labels)}
        correct, stamps = found["correct"], found.get("timestamp")
        assert isinstance(correct, np.ndarray) and not isinstance(stamps, Labels)
        return cls._build(
            text["learner"],
            text["skill"],
            text.get("item"),
            _binary(correct),
            stamps if stamps is not None else np.arange(len(correct), dtype=np.float64),
        )

    def subset(self, rows: np.ndarray) -> Responses:
        """The rows selected by a boolean mask, as a table of their own: its input rows are
        numbered anew, in their order; the vocabularies are kept."""
        kept = np.zeros(self.size, dtype=bool)
        kept[self.row[rows]] = True
        renumbered = np.cumsum(kept) - 1
        return Responses(
            learner=self.learner[rows],
            skill=self.skill[rows],
            item=self.item[rows],
            correct=self.correct[rows],
            timestamp=self.timestamp[rows],
            row=renumbered[self.row[rows]],
            learners=self.learners,
            skills=self.skills,
            items=self.items,
            size=int(kept.sum()),
        )

    def at_input_rows(self, values: np.ndarray) -> np.ndarray:
        """Values that are the same for all of an input row's skills (its learner, its
        outcome), one for each row of the input."""
        out = np.zeros(self.size, dtype=values.dtype)
        out[self.row] = values
        return out

    def per_input_row(self, values: np.ndarray) -> np.ndarray:
        """Values of these rows, averaged back to the rows of the input (several skills)."""
        sums = np.bincount(self.row, weights=values, minlength=self.size)
        counts = np.bincount(self.row, minlength=self.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)

    def split_by_learner(
        self,
        test_size: float = 0.2,
        random_state: int | None = 0,
        *,
        stratify: Sequence[Any] | np.ndarray | None = None,
    ) -> tuple[Responses, Responses]:
        """A train and a test table with no learner in both: ``test_size`` of the learners
        held out, rounded. With ``stratify`` (a label for each of ``learners``), each label
        gives its share, the rounding going to the labels with the largest remainders (as
        scikit-learn's stratified splits), so small groups are measured as often as their
        size allows and the whole still holds out its share."""
        rng = np.random.default_rng(random_state)
        labels = self._strata(stratify)
        sizes = np.bincount(labels)
        exact = test_size * sizes
        counts = np.floor(exact).astype(np.int64)
        short = round(test_size * len(labels)) - int(counts.sum())
        by_remainder = np.lexsort((rng.random(len(sizes)), counts - exact))
        counts[by_remainder[:short]] += 1
        chosen = np.zeros(len(self.learners), dtype=bool)
        for label, count in enumerate(counts):
            members = np.flatnonzero(labels == label)
            chosen[rng.choice(members, size=count, replace=False)] = True
        test = chosen[self.learner]
        return self.subset(~test), self.subset(test)

    def folds_by_learner(
        self,
        n_splits: int = 5,
        random_state: int | None = 0,
        *,
        stratify: Sequence[Any] | np.ndarray | None = None,
    ) -> list[tuple[Responses, Responses]]:
        """``n_splits`` (train, test) tables in which every learner is tested once and never
        trained on in the same fold: scoring on all of them measures small groups on all
        their learners, not on the few one split holds out. With ``stratify``, each label's
        learners are dealt round the folds in turn, so every fold holds its share of each."""
        present = np.unique(self.learner)  # a subset keeps the names of learners it dropped
        if not 2 <= n_splits <= len(present):
            raise ValueError(f"n_splits: from 2 to the {len(present)} learners with answers")
        rng = np.random.default_rng(random_state)
        labels = self._strata(stratify)[present]
        fold = np.empty(len(self.learners), dtype=np.int64)
        dealt = 0
        for label in np.unique(labels):
            members = present[rng.permutation(np.flatnonzero(labels == label))]
            fold[members] = (dealt + np.arange(len(members))) % n_splits
            dealt += len(members)
        tested = fold[self.learner]
        return [(self.subset(tested != k), self.subset(tested == k)) for k in range(n_splits)]

    def _strata(self, stratify: Sequence[Any] | np.ndarray | None) -> np.ndarray:
        """Each learner's stratum as a code from 0; one stratum without ``stratify``."""
        if stratify is None:
            return np.zeros(len(self.learners), dtype=np.int64)
        labels = np.unique(np.asarray(stratify), return_inverse=True)[1].ravel()
        if len(labels) != len(self.learners):
            raise ValueError(f"stratify: one label for each of {len(self.learners)} learners")
        return labels


def _read_slowly(path: Path) -> dict[str, np.ndarray]:
    """Any CSV file the csv module reads, quoted fields included, as columns of text."""
    text = path.read_text(encoding="utf-8")
    header, _, body = text.partition("\n")
    names = [name.strip() for name in header.split(",")]
    rows = list(csv.reader(io.StringIO(body)))
    widths = {len(r) for r in rows if r}
    if widths - {len(names)}:
        bad = next(n for n, r in enumerate(rows) if r and len(r) != len(names))
        raise ValueError(f"{path}: row {bad} does not have {len(names)} columns, as the header")
    table = np.array([r for r in rows if r], dtype=str).reshape(-1, len(names))
    return {name: table[:, n] for n, name in enumerate(names)}


def _binary(values: np.ndarray) -> np.ndarray:
    if values.dtype == bool:
        return values.astype(np.int8)
    try:
        numbers = values.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError("correct: values must be 0 or 1") from exc
    bad = ~np.isin(numbers, (0.0, 1.0))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"correct: row {row} is {values[row].item()!r}, not 0 or 1")
    return numbers.astype(np.int8)


def stable_order(codes: np.ndarray, size: int) -> np.ndarray:
    """The order that sorts ``codes`` (integers from 0 to ``size`` - 1) keeping ties in
    place: a radix sort, 16 bits a pass, which numpy runs in linear time on 16-bit keys
    (four to six times faster than a stable sort of 64-bit keys)."""
    if size <= 1 << 16:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    if size > 1 << 32:
        return np.argsort(codes, kind="stable")
    low = np.argsort((codes & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((codes[low] >> 16).astype(np.uint16), kind="stable")]


def codes_in(labels: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Index of each label in ``known`` (sorted labels, as a table's vocabularies are), -1
    where it is not there: how a fitted model reads the codes of another table."""
    where = np.minimum(np.searchsorted(known, labels), max(len(known) - 1, 0))
    found = known[where] == labels if len(known) else np.zeros(len(labels), bool)
    return np.where(found, where, -1)
