"""A logistic model in the family of PFA and Best-LR: the log-odds of a correct answer are a
sum of the skill's easiness, the item's (optional), the learner's earlier successes and
failures on the skill and overall (log-scaled), and how recently the skill was practised.

Features of an answer use only the answers before it, so predictions are one step ahead.
Fitted with scikit-learn's ``LogisticRegression`` on a sparse design.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from edubridge.kt.base import Estimator
from edubridge.kt.data import Responses, codes_in


@njit(cache=True)
def _history(learner, row, skill, correct, n_skills, start_s, start_f, start_last, start_step):  # type: ignore[no-untyped-def]
    """Per answer: successes and failures on its skill before it, overall too, and the
    answers since the skill was last practised (0 when never). Learners' starting counts
    come from ``start_*`` (one row per learner); the skills' counts are followed in the
    first ``n_skills`` columns, the overall ones in the last two. The copies of an answer
    of several skills (adjacent, one ``row``) all see the overall counts before it."""
    n = len(skill)
    out = np.zeros((n, 5))
    succ = np.zeros(n_skills + 1)
    fail = np.zeros(n_skills + 1)
    last = np.full(n_skills, -1.0)
    step = 0.0
    current = -1
    for t in range(n):
        j, k = learner[t], skill[t]
        if j != current:
            if current >= 0:
                start_s[current], start_f[current] = succ.copy(), fail.copy()
                start_last[current], start_step[current] = last.copy(), step
            current = j
            succ[:] = start_s[j]
            fail[:] = start_f[j]
            last[:] = start_last[j]
            step = start_step[j]
        out[t, 0], out[t, 1] = succ[k], fail[k]
        out[t, 2], out[t, 3] = succ[n_skills], fail[n_skills]
        out[t, 4] = 0.0 if last[k] < 0 else 1.0 / (1.0 + step - last[k])
        if correct[t] == 1:
            succ[k] += 1
        else:
            fail[k] += 1
        last[k] = step
        if t + 1 == n or row[t + 1] != row[t] or learner[t + 1] != j:
            succ[n_skills] += correct[t]
            fail[n_skills] += 1 - correct[t]
            step += 1
    if current >= 0:
        start_s[current], start_f[current] = succ.copy(), fail.copy()
        start_last[current], start_step[current] = last.copy(), step
    return out


class Logistic(Estimator):
    """Fitted attributes: ``skills_``, ``items_``, ``easiness_`` and ``gain_``/``cost_``
    (per skill: weights of log successes and log failures), ``item_easiness_``, ``coef_``."""

    def __init__(
        self,
        *,
        items: bool = True,
        C: float = 1.0,
        max_iter: int = 300,
        random_state: int | None = None,
    ) -> None:
        self.items = items
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state

    def _design(
        self, data: Responses, skill: np.ndarray, item: np.ndarray, *, remember: bool
    ) -> sparse.csr_matrix:
        k_count, i_count = len(self.skills_), len(self.items_) + 1
        states = [self.state_.get(str(label)) for label in data.learners]
        start_s = np.array([s[0] if s else np.zeros(k_count + 1) for s in states]).reshape(
            -1, k_count + 1
        )
        start_f = np.array([s[1] if s else np.zeros(k_count + 1) for s in states]).reshape(
            -1, k_count + 1
        )
        start_last = np.array([s[2] if s else np.full(k_count, -1.0) for s in states]).reshape(
            -1, k_count
        )
        start_step = np.array([s[3] if s else 0.0 for s in states], dtype=np.float64)
        history = _history(
            data.learner,
            data.row,
            skill,
            data.correct.astype(np.int8),
            k_count,
            start_s,
            start_f,
            start_last,
            start_step,
        )
        if remember:
            for n, label in enumerate(data.learners):
                self.state_[str(label)] = (
                    start_s[n],
                    start_f[n],
                    start_last[n],
                    float(start_step[n]),
                )
        rows = np.arange(len(skill))
        blocks = [
            sparse.csr_matrix((np.ones(len(skill)), (rows, skill)), shape=(len(skill), k_count)),
            sparse.csr_matrix(
                (np.log1p(history[:, 0]), (rows, skill)), shape=(len(skill), k_count)
            ),
            sparse.csr_matrix(
                (np.log1p(history[:, 1]), (rows, skill)), shape=(len(skill), k_count)
            ),
            sparse.csr_matrix(np.column_stack([np.log1p(history[:, 2:4]), history[:, 4]])),
        ]
        if self.items:
            blocks.append(
                sparse.csr_matrix((np.ones(len(item)), (rows, item)), shape=(len(item), i_count))
            )
        return sparse.hstack(blocks, format="csr")

    def fit(self, responses: Responses) -> Logistic:
        data = responses
        if len(np.unique(data.correct)) < 2:
            raise ValueError("correct: fitting needs both right and wrong answers")
        self.skills_, self.items_ = data.skills, data.items
        self.state_: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, float]] = {}
        design = self._design(data, data.skill, data.item, remember=False)
        self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter, fit_intercept=True)
        self.model_.fit(design, data.correct)
        k = len(self.skills_)
        coef = self.model_.coef_[0]
        self.coef_ = coef
        self.easiness_ = coef[:k] + self.model_.intercept_[0]
        self.gain_, self.cost_ = coef[k : 2 * k], coef[2 * k : 3 * k]
        self.item_easiness_ = coef[3 * k + 3 : 3 * k + 3 + len(self.items_)] if self.items else None
        return self

    def _run(self, responses: Responses, *, remember: bool) -> np.ndarray:
        self._check_fitted()
        data = responses
        if not len(data):
            return np.zeros(0)
        skill = codes_in(data.skills, self.skills_)
        if (skill < 0).any():
            unknown = str(data.skills[skill < 0][0])
            raise ValueError(f"skill: {unknown!r} was not in the data the model was fitted on")
        item = codes_in(data.items, self.items_)
        item = np.where(item < 0, len(self.items_), item)  # an item it has not seen: no intercept
        design = self._design(data, skill[data.skill], item[data.item], remember=remember)
        return responses.per_input_row(self.model_.predict_proba(design)[:, 1])

    def predict_proba(self, responses: Responses) -> np.ndarray:
        return self._run(responses, remember=False)

    def partial_fit(self, responses: Responses) -> Logistic:
        """Count new answers into the learners' histories (the weights stay as fitted)."""
        self._run(responses, remember=True)
        return self
