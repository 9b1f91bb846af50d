"""Elo for learners and items, as in adaptive practice systems: P(correct) = sigmoid(ability
- difficulty); after each answer both move by K(n) * (answer - P), where K(n) = alpha /
(1 + beta * n) shrinks with the number of answers already counted for that learner or item.

It needs no batch fit, which makes it the model for cold start: a new item or learner is
usable from its first answer.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from edubridge.kt.base import Estimator
from edubridge.kt.bkt import _map
from edubridge.kt.data import Responses


@njit(cache=True)
def _run(learner, item, correct, ability, difficulty, seen_l, seen_i, alpha, beta, update_items):  # type: ignore[no-untyped-def]
    out = np.empty(len(item))
    for t in range(len(item)):
        j, i = learner[t], item[t]
        p = 1.0 / (1.0 + np.exp(-(ability[j] - difficulty[i])))
        out[t] = p
        error = correct[t] - p
        ability[j] += alpha / (1.0 + beta * seen_l[j]) * error
        seen_l[j] += 1
        if update_items:
            difficulty[i] -= alpha / (1.0 + beta * seen_i[i]) * error
            seen_i[i] += 1
    return out


class Elo(Estimator):
    """Fitted attributes: ``items_``, ``difficulty_``, ``item_counts_``; learners followed
    so far are in ``ability_`` (a dict), with their answer counts."""

    def __init__(
        self,
        *,
        alpha: float = 1.0,
        beta: float = 0.05,
        update_items: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.alpha = alpha
        self.beta = beta
        self.update_items = update_items
        self.random_state = random_state

    def fit(self, responses: Responses) -> Elo:
        data = responses
        order = np.argsort(data.timestamp, kind="stable")  # one pass in time order, all learners
        self.skills_, self.items_ = data.skills, data.items
        self.difficulty_ = np.zeros(len(data.items))
        self.item_counts_ = np.zeros(len(data.items))
        ability = np.zeros(len(data.learners))
        seen = np.zeros(len(data.learners))
        _run(
            data.learner[order],
            data.item[order],
            data.correct[order].astype(np.float64),
            ability,
            self.difficulty_,
            seen,
            self.item_counts_,
            self.alpha,
            self.beta,
            True,
        )
        self.ability_ = {
            str(label): float(a) for label, a in zip(data.learners, ability, strict=True)
        }
        self.learner_counts_ = {
            str(label): float(n) for label, n in zip(data.learners, seen, strict=True)
        }
        return self

    def _follow(self, responses: Responses, *, remember: bool) -> np.ndarray:
        self._check_fitted()
        data = responses
        item = _map(data.items, self.items_)
        new = item < 0
        difficulty = np.append(self.difficulty_, np.zeros(int(new.sum())))
        counts = np.append(self.item_counts_, np.zeros(int(new.sum())))
        item[new] = len(self.items_) + np.arange(int(new.sum()))
        ability = np.array([self.ability_.get(str(label), 0.0) for label in data.learners])
        seen = np.array([self.learner_counts_.get(str(label), 0.0) for label in data.learners])
        if not remember:
            difficulty, counts = difficulty.copy(), counts.copy()
        out = _run(
            data.learner,
            item[data.item],
            data.correct.astype(np.float64),
            ability,
            difficulty,
            seen,
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
            for label, a, n in zip(data.learners, ability, seen, strict=True):
                self.ability_[str(label)], self.learner_counts_[str(label)] = float(a), float(n)
        return responses.per_input_row(out)

    def predict_proba(self, responses: Responses) -> np.ndarray:
        """P(correct) of each answer from the learner's answers before it."""
        return self._follow(responses, remember=False)

    def partial_fit(self, responses: Responses) -> Elo:
        """Take new answers in: learners' abilities and known items' difficulties move."""
        self._follow(responses, remember=True)
        return self
