"""Ranking target-framework items for each source item, with the evidence for each score.

Candidate generation is sparse and blocked: sources are matched against all targets a block
at a time and only the best ``candidates`` per source are kept, so 10,000 x 10,000 items
never need an all-pairs matrix. Each kept pair is then described by a few features; a
fixed weighting scores them, or a logistic regression learned from earlier decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize as l2_normalise

from edubridge.align.text import code_segments, education_levels, normalise, script, tokens

FEATURE_GROUPS = ("word", "char", "context", "code", "level", "semantic")
FEATURE_NAMES = (
    "word",
    "char",
    "context",
    "code",
    "code_known",
    "level",
    "level_known",
    "semantic",
)
EVIDENCE = [k for k, name in enumerate(FEATURE_NAMES) if not name.endswith("_known")]
# Used before any decision has been learned from. Codes and levels count little: codes of
# different countries rarely share a structure, and levels only narrow the field.
DEFAULT_WEIGHTS = {
    "word": 0.35,
    "char": 0.25,
    "context": 0.15,
    "code": 0.08,
    "level": 0.07,
    "semantic": 0.5,
}
Embedder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Node:
    """A framework item as the aligner sees it."""

    identifier: str
    statement: str
    code: str = ""
    levels: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # statements of its ancestors, root first
    language: str = ""  # BCP 47; guessed from the script when empty


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on a suggested pair, used to learn weights."""

    source: Node
    target: Node
    accepted: bool


@dataclass(frozen=True)
class Candidate:
    identifier: str
    score: float
    evidence: dict[str, object] = field(default_factory=dict)


def _language(node: Node) -> str:
    if node.language:
        return node.language.split("-")[0].lower()
    return {"cjk": "zh", "arabic": "ar"}.get(script(node.statement), "latin")


def _same_language(sources: Sequence[Node], targets: Sequence[Node]) -> bool:
    def majority(nodes: Sequence[Node]) -> str:
        langs = [_language(n) for n in nodes[:200]]
        return max(set(langs), key=langs.count) if langs else ""

    a, b = majority(sources), majority(targets)
    latin = {"latin", "en", "fr", "pt", "es", "sw", "id", "de", "it", "nl"}
    return a == b or (a in latin and b in latin and "latin" in (a, b))


def _fits(vectorizer: TfidfVectorizer, texts: list[str]) -> bool:
    """Fit unless the texts hold no words at all ("…", "—"): then the group has nothing to say."""
    try:
        vectorizer.fit(texts)
    except ValueError:
        return False
    return True


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _code_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard of code segments, but numbers alone in common ("AI.2.1", "ETH-1") mean nothing."""
    shared = a & b
    return _jaccard(a, b) if any(not s.isdigit() for s in shared) else 0.0


def _rowwise_dot(
    left: sp.csr_matrix, right: sp.csr_matrix, i: np.ndarray, j: np.ndarray, chunk: int = 20_000
) -> np.ndarray:
    """Dot products of rows left[i[n]] and right[j[n]], a chunk of pairs at a time."""
    out = np.empty(len(i), dtype=np.float64)
    for start in range(0, len(i), chunk):
        stop = start + chunk
        pairs = left[i[start:stop]].multiply(right[j[start:stop]])
        out[start:stop] = np.asarray(pairs.sum(axis=1)).ravel()
    return out


class _Space:
    """The representations of one set of sources and targets, fitted together."""

    def __init__(self, aligner: Aligner, sources: Sequence[Node], targets: Sequence[Node]) -> None:
        groups = set(aligner.features)
        self.cross_language = not _same_language(sources, targets)
        self.basis = "text"
        if self.cross_language:
            # Words of different languages do not meet: comparing them would be noise.
            groups -= {"word", "char", "context"}
            self.basis = "semantic" if aligner.embedder is not None else "codes-and-levels"
        if aligner.embedder is None:
            groups.discard("semantic")
        self.groups = groups
        nodes = [*sources, *targets]
        n = len(sources)
        self.matrices: dict[str, sp.csr_matrix] = {}
        if groups & {"word", "context"}:
            word = TfidfVectorizer(analyzer=tokens, sublinear_tf=True, dtype=np.float32)
            texts = [node.statement for node in nodes]
            if _fits(word, texts + [" ".join(node.path) for node in nodes]):
                if "word" in groups:
                    self.matrices["word"] = word.transform(texts).tocsr()
                if "context" in groups:
                    self.matrices["context"] = word.transform(
                        [" ".join(n.path[-2:]) for n in nodes]
                    ).tocsr()
        if "char" in groups:
            char = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 4),
                preprocessor=normalise,
                sublinear_tf=True,
                dtype=np.float32,
                min_df=1,
            )
            texts = [n.statement for n in nodes]
            if _fits(char, texts):
                self.matrices["char"] = char.transform(texts).tocsr()
        if "semantic" in groups:
            assert aligner.embedder is not None
            vectors = np.asarray(aligner.embedder([n.statement for n in nodes]), dtype=np.float32)
            self.embeddings = l2_normalise(vectors)
        self.codes = [code_segments(node.code) for node in nodes]
        self.levels = [education_levels(node.levels) for node in nodes]
        self.blocking = self._blocking(groups, nodes)
        self.n_sources = n
        self.n_nodes = len(nodes)

    def _blocking(self, groups: set[str], nodes: list[Node]) -> list[sp.csr_matrix]:
        """Unit-length sparse vectors whose dot products pick the candidates.

        Text when it can be compared; otherwise codes and levels, the only shared ground.
        """
        blocks = [self.matrices[g] for g in ("word", "char") if g in self.matrices]
        if not blocks and "context" in self.matrices:
            blocks = [self.matrices["context"]]
        if blocks:
            return blocks
        if "code" in groups:
            codes = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), dtype=np.float32)
            blocks.append(codes.fit_transform([" ".join(sorted(c)) or "-" for c in self.codes]))
        if "level" in groups:
            levels = TfidfVectorizer(analyzer=lambda s: s.split("|"), dtype=np.float32)
            texts = ["|".join(sorted(lv)) or "-" for lv in self.levels]
            blocks.append(levels.fit_transform(texts))
        return [b.tocsr() for b in blocks]

    def source(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        return matrix[: self.n_sources]

    def target(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        return matrix[self.n_sources :]

    def candidates(self, keep: int, block: int = 512) -> tuple[np.ndarray, np.ndarray]:
        """For every source, the indices of its ``keep`` best targets by the blocking scores."""
        n_targets = self.n_nodes - self.n_sources
        keep = min(keep, n_targets)
        rows, cols = [], []
        targets_t = [self.target(m).T.tocsc() for m in self.blocking]
        for start in range(0, self.n_sources, block):
            stop = min(start + block, self.n_sources)
            scores = np.zeros((stop - start, n_targets), dtype=np.float32)
            for matrix, t in zip(self.blocking, targets_t, strict=True):
                scores += (matrix[start:stop] @ t).toarray()
            if "semantic" in self.groups:
                scores += self.embeddings[start:stop] @ self.embeddings[self.n_sources :].T
            best = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
            rows.append(np.repeat(np.arange(start, stop), keep))
            cols.append(best.ravel())
        if not rows:
            return np.empty(0, dtype=int), np.empty(0, dtype=int)
        return np.concatenate(rows), np.concatenate(cols)

    def features(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """One row per (source i, target j) pair, columns as in FEATURE_NAMES."""
        out = np.zeros((len(i), len(FEATURE_NAMES)), dtype=np.float64)
        for col, name in enumerate(FEATURE_NAMES):
            if name in self.matrices:
                m = self.matrices[name]
                out[:, col] = _rowwise_dot(self.source(m), self.target(m), i, j)
        if "semantic" in self.groups:
            out[:, 7] = np.einsum(
                "ij,ij->i", self.embeddings[i], self.embeddings[self.n_sources + j]
            )
        if "code" in self.groups:
            codes = self.codes
            out[:, 3] = [
                _code_similarity(codes[a], codes[self.n_sources + b])
                for a, b in zip(i, j, strict=True)
            ]
            out[:, 4] = [
                bool(codes[a] and codes[self.n_sources + b]) for a, b in zip(i, j, strict=True)
            ]
        if "level" in self.groups:
            levels = self.levels
            out[:, 5] = [
                _jaccard(levels[a], levels[self.n_sources + b]) for a, b in zip(i, j, strict=True)
            ]
            out[:, 6] = [
                bool(levels[a] and levels[self.n_sources + b]) for a, b in zip(i, j, strict=True)
            ]
        return out


class Aligner(BaseEstimator):
    """Suggests, for each source item, the target items it most likely corresponds to.

    Parameters
    ----------
    features : which feature groups to use, from FEATURE_GROUPS.
    candidates : targets kept per source by the sparse first pass, before scoring.
    C : inverse regularisation strength of the reranker learned by :meth:`fit`.
    embedder : optional callable, texts -> array of vectors (e.g. :class:`SentenceEmbedder`),
        for frameworks in different languages. Nothing is ever downloaded.
    random_state : seed for the reranker.
    """

    def __init__(
        self,
        features: Sequence[str] = ("word", "char", "context", "code", "level", "semantic"),
        candidates: int = 50,
        C: float = 1.0,
        embedder: Embedder | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.features = features
        self.candidates = candidates
        self.C = C
        self.embedder = embedder
        self.random_state = random_state

    def _check(self) -> None:
        unknown = set(self.features) - set(FEATURE_GROUPS)
        if unknown or not self.features:
            raise ValueError(f"features must be a non-empty subset of {FEATURE_GROUPS}")
        if self.candidates < 1:
            raise ValueError("candidates must be at least 1")

    def fit(self, decisions: Iterable[Decision]) -> Aligner:
        """Learn feature weights from accepted and rejected pairs of earlier crosswalks."""
        self._check()
        decisions = list(decisions)
        labels = np.array([d.accepted for d in decisions])
        if len(set(labels.tolist())) < 2:
            raise ValueError("fit needs both accepted and rejected decisions")
        sources = list({d.source.identifier: d.source for d in decisions}.values())
        targets = list({d.target.identifier: d.target for d in decisions}.values())
        space = _Space(self, sources, targets)
        s_index = {n.identifier: k for k, n in enumerate(sources)}
        t_index = {n.identifier: k for k, n in enumerate(targets)}
        i = np.array([s_index[d.source.identifier] for d in decisions])
        j = np.array([t_index[d.target.identifier] for d in decisions])
        model = LogisticRegression(
            C=self.C, class_weight="balanced", random_state=self.random_state
        )
        self.reranker_ = model.fit(space.features(i, j), labels)
        self.feature_names_ = FEATURE_NAMES
        self.n_decisions_ = len(decisions)
        return self

    def _score(self, features: np.ndarray) -> np.ndarray:
        if hasattr(self, "reranker_"):
            return self.reranker_.predict_proba(features)[:, 1]
        weights = np.array([DEFAULT_WEIGHTS.get(name, 0.0) for name in FEATURE_NAMES])
        return features @ weights

    def rank(
        self, sources: Sequence[Node], targets: Sequence[Node], k: int = 5
    ) -> list[list[Candidate]]:
        """The ``k`` best targets for each source, best first, with the evidence behind each."""
        self._check()
        if not sources or not targets:
            return [[] for _ in sources]
        space = _Space(self, sources, targets)
        if not space.blocking and "semantic" not in space.groups:
            return [[] for _ in sources]
        keep = max(self.candidates, k)
        i, j = space.candidates(keep)
        features = space.features(i, j)
        scores = self._score(features)
        per_source = min(keep, len(targets))
        order = np.argsort(-scores.reshape(-1, per_source), axis=1, kind="stable")[:, :k]
        ranked: list[list[Candidate]] = []
        for s, columns in enumerate(order):
            row = []
            for c in columns:
                flat = s * per_source + c
                if not features[flat][EVIDENCE].any():
                    continue  # nothing in common: no suggestion rather than noise
                t = int(j[flat])
                row.append(
                    self._candidate(space, sources[s], targets[t], scores[flat], features[flat])
                )
            ranked.append(row)
        return ranked

    def _candidate(
        self, space: _Space, source: Node, target: Node, score: float, row: np.ndarray
    ) -> Candidate:
        evidence: dict[str, object] = {"basis": space.basis}
        for name, value in zip(FEATURE_NAMES, row, strict=True):
            group = name.removesuffix("_known")
            if group in space.groups and not name.endswith("_known"):
                evidence[name] = round(float(value), 4)
        if space.basis == "codes-and-levels":
            evidence["note"] = (
                "different languages and no embedding model: based on shared codes and levels only"
            )
        if space.basis == "text":
            shared = set(tokens(source.statement)) & set(tokens(target.statement))
            # Short Latin words are mostly "of", "and", "de": not evidence worth showing.
            telling = [t for t in shared if len(t) > 3 or script(t) == "cjk"]
            evidence["shared_terms"] = sorted(telling, key=len, reverse=True)[:5]
        return Candidate(target.identifier, round(float(score), 4), evidence)
