"""Elo for learners and items, as in adaptive practice systems: P(correct) = sigmoid(ability
+ skill ability - difficulty), the learner's overall ability plus their ability on the
answer's skill; after each answer all three move by K(n) * (answer - P), where K(n) =
alpha / (1 + beta * n) shrinks with the number of answers already counted for each.

It needs no batch fit, which makes it the model for cold start: a new item or learner is
usable from its first answer. The default constant K (alpha 0.7, beta 0) was chosen on a
validation split of the training learners of ASSISTments 2009 (see docs/kt.md).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from edubridge.kt.base import Estimator
from edubridge.kt.data import Responses, codes_in


@njit(cache=True)
def _run(
    learner: np.ndarray,
    row: np.ndarray,
    pair: np.ndarray,
    item: np.ndarray,
    correct: np.ndarray,
    ability: np.ndarray,
    local: np.ndarray,
    difficulty: np.ndarray,
    seen_l: np.ndarray,
    seen_p: np.ndarray,
    seen_i: np.ndarray,
    alpha: float,
    beta: float,
    update_items: bool,
) -> np.ndarray:
    """One pass in the given order. The copies of an answer of several skills (adjacent,
    one ``row``) are all predicted before the learner's overall ability and the item move,
    so no copy sees the answer it predicts."""
    n = len(item)
    out = np.empty(n)
    t = 0
    while t < n:
        end = t
        while end + 1 < n and row[end + 1] == row[t] and learner[end + 1] == learner[t]:
            end += 1
        j, i = learner[t], item[t]
        error = 0.0
        for c in range(t, end + 1):
            k = pair[c]
            p = 1.0 / (1.0 + np.exp(-(ability[j] + local[k] - difficulty[i])))
            out[c] = p
            local[k] += alpha / (1.0 + beta * seen_p[k]) * (correct[c] - p)
            seen_p[k] += 1
            error += (correct[c] - p) / (end + 1 - t)
        ability[j] += alpha / (1.0 + beta * seen_l[j]) * error
        seen_l[j] += 1
        if update_items:
            difficulty[i] -= alpha / (1.0 + beta * seen_i[i]) * error
            seen_i[i] += 1
        t = end + 1
    return out


class Elo(Estimator):
    """Fitted attributes: ``items_``, ``difficulty_``, ``item_counts_``. Learners followed so
    far have an overall ability and one per skill (``ability_``, ``skill_ability_``: dicts
    of value and answers counted)."""

    def __init__(
        self,
        *,
        alpha: float = 0.7,
        beta: float = 0.0,
        update_items: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.alpha = alpha
        self.beta = beta
        self.update_items = update_items
        self.random_state = random_state

    def _pairs(self, data: Responses) -> tuple[np.ndarray, np.ndarray]:
        """Each row's learner-skill pair, and the pairs (learner code, skill code)."""
        key = data.learner * max(len(data.skills), 1) + data.skill
        keys, pair = np.unique(key, return_inverse=True)
        return pair, np.column_stack(
            [keys // max(len(data.skills), 1), keys % max(len(data.skills), 1)]
        )

    def _states(self, data: Responses, pairs: np.ndarray) -> tuple[np.ndarray, ...]:
        learners = [str(label) for label in data.learners]
        ability = np.array([self.ability_.get(label, (0.0, 0.0))[0] for label in learners])
        seen = np.array([self.ability_.get(label, (0.0, 0.0))[1] for label in learners])
        keys = [(learners[j], str(data.skills[k])) for j, k in pairs]
        local = np.array([self.skill_ability_.get(key, (0.0, 0.0))[0] for key in keys])
        seen_p = np.array([self.skill_ability_.get(key, (0.0, 0.0))[1] for key in keys])
        return ability, seen, local, seen_p

    def _keep(
        self,
        data: Responses,
        pairs: np.ndarray,
        ability: np.ndarray,
        seen: np.ndarray,
        local: np.ndarray,
        seen_p: np.ndarray,
    ) -> None:
        for label, a, n in zip(data.learners, ability, seen, strict=True):
            self.ability_[str(label)] = (float(a), float(n))
        for (j, k), a, n in zip(pairs, local, seen_p, strict=True):
            self.skill_ability_[(str(data.learners[j]), str(data.skills[k]))] = (float(a), float(n))

    def fit(self, responses: Responses) -> Elo:
        data = responses
        self.skills_, self.items_ = data.skills, data.items
        self.difficulty_ = np.zeros(len(data.items))
        self.item_counts_ = np.zeros(len(data.items))
        self.ability_: dict[str, tuple[float, float]] = {}
        self.skill_ability_: dict[tuple[str, str], tuple[float, float]] = {}
        pair, pairs = self._pairs(data)
        ability, seen, local, seen_p = self._states(data, pairs)
        order = np.argsort(data.timestamp, kind="stable")  # one pass in time order, all learners
        _run(
            data.learner[order],
            data.row[order],
            pair[order],
            data.item[order],
            data.correct[order].astype(np.float64),
            ability,
            local,
            self.difficulty_,
            seen,
            seen_p,
            self.item_counts_,
            self.alpha,
            self.beta,
            True,
        )
        self._keep(data, pairs, ability, seen, local, seen_p)
        return self

    def _follow(self, responses: Responses, *, remember: bool) -> np.ndarray:
        self._check_fitted()
        data = responses
        item = codes_in(data.items, self.items_)
        new = item < 0
        difficulty = np.append(self.difficulty_, np.zeros(int(new.sum())))
        counts = np.append(self.item_counts_, np.zeros(int(new.sum())))
        item[new] = len(self.items_) + np.arange(int(new.sum()))
        pair, pairs = self._pairs(data)
        ability, seen, local, seen_p = self._states(data, pairs)
        order = np.argsort(data.timestamp, kind="stable")  # in time order, as fit
        out = np.empty(len(data))
        out[order] = _run(
            data.learner[order],
            data.row[order],
            pair[order],
            item[data.item][order],
            data.correct[order].astype(np.float64),
            ability,
            local,
            difficulty,
            seen,
            seen_p,
            counts,
            self.alpha,
            self.beta,
            self.update_items and remember,
        )
        if remember:
            self.difficulty_, self.item_counts_ = (
                difficulty[: len(self.items_)],
                counts[: len(self.items_)],
            )
            self._keep(data, pairs, ability, seen, local, seen_p)
        return responses.per_input_row(out)

    def predict_proba(self, responses: Responses) -> np.ndarray:
        """P(correct) of each answer from the learner's answers before it."""
        return self._follow(responses, remember=False)

    def partial_fit(self, responses: Responses) -> Elo:
        """Take new answers in: learners' abilities and known items' difficulties move."""
        self._follow(responses, remember=True)
        return self
