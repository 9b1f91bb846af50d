"""BKT fitted skill by skill in parts, each part anywhere: in this process, a pool, or a
Dask cluster. Skills are fitted independently and start from the same random points
whichever part they are in, so the parts put together equal one fit of the whole table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone

from edubridge.kt.bkt import BKT
from edubridge.kt.data import Responses

Mapper = Callable[[Callable[[Any], BKT], Sequence[Responses]], Iterable[BKT]]
FITTED = ("prior_", "learn_", "forget_", "guess_", "slip_", "log_likelihood_", "n_iter_")


def parts(responses: Responses, n_parts: int) -> list[Responses]:
    """The table cut into at most ``n_parts`` tables of whole skills, of similar sizes."""
    sizes = np.bincount(responses.skill, minlength=len(responses.skills))
    order = np.argsort(-sizes, kind="stable")
    loads = np.zeros(max(1, min(n_parts, len(responses.skills))))
    part_of = np.empty(len(sizes), dtype=np.int64)
    for k in order:  # largest skill first, into the lightest part
        part_of[k] = int(np.argmin(loads))
        loads[part_of[k]] += sizes[k]
    cut = part_of[responses.skill]
    return [responses.subset(cut == p) for p in range(len(loads)) if (cut == p).any()]


class _Fit:
    """A picklable ``part -> fitted BKT`` for any mapper."""

    def __init__(self, model: BKT) -> None:
        self.model = model

    def __call__(self, part: Responses) -> BKT:
        return clone(self.model).fit(part)


def fit(model: BKT, responses: Responses, *, n_parts: int = 8, mapper: Mapper = map) -> BKT:
    """Fit ``model``'s parameters on ``responses`` part by part; ``mapper(function, parts)``
    runs the parts (the builtin ``map`` by default) and returns their fitted models."""
    if not len(responses):
        raise ValueError("responses: there are no answers to fit")
    pieces = parts(responses, n_parts)
    fitted = list(mapper(_Fit(model), pieces))
    whole = clone(model)
    answered = np.bincount(responses.skill, minlength=len(responses.skills)) > 0
    for name in FITTED:
        values = getattr(fitted[0], name).copy()
        for piece, part_model in zip(pieces, fitted, strict=True):
            mine = np.isin(np.arange(len(responses.skills)), piece.skill)
            values[mine] = getattr(part_model, name)[mine]
        if name not in ("log_likelihood_", "n_iter_") and not answered.all():
            values[~answered] = values[answered].mean(axis=0)
        setattr(whole, name, values)
    whole.skills_, whole.items_ = responses.skills, responses.items
    whole.state_ = {}
    return whole
