"""Quality of a ranking against a gold standard: P@1, R@k and MRR."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def evaluate(
    rankings: Mapping[str, Sequence[str]], gold: Mapping[str, set[str]], k: int = 5
) -> dict[str, float]:
    """``rankings`` maps a source id to its ranked target ids; ``gold`` to its correct ones.

    P@1: share of gold sources whose first suggestion is correct. R@k: share of gold pairs
    found in the first k. MRR: mean of 1/rank of the first correct suggestion (0 if none).
    """
    sources = [s for s in gold if gold[s]]
    if not sources:
        raise ValueError("the gold standard is empty")
    hits_at_1 = found = 0
    reciprocal = 0.0
    for source in sources:
        ranked = list(rankings.get(source, ()))
        correct = gold[source]
        hits_at_1 += bool(ranked[:1] and ranked[0] in correct)
        found += len(correct & set(ranked[:k]))
        reciprocal += next((1 / (r + 1) for r, t in enumerate(ranked) if t in correct), 0.0)
    pairs = sum(len(gold[s]) for s in sources)
    return {
        "p_at_1": hits_at_1 / len(sources),
        f"r_at_{k}": found / pairs,
        "mrr": reciprocal / len(sources),
        "sources": float(len(sources)),
    }
