"""A logistic model in the family of PFA, R-PFA and Best-LR: the log-odds of a correct
answer are a sum of the skill's easiness, the item's (optional), the learner's earlier
successes and failures on the skill and overall (log-scaled), how recently the skill was
practised, and how the learner did lately: a success rate on the skill and one overall
that weigh recent answers most (R-PFA's decayed rate, from a neutral 0.5), and the run of
right or wrong answers on the skill that the last answer belongs to.

Recent performance is what tells most in mastery-based practice such as ASSISTments'
skill builders, where a learner goes on until a run of right answers: on ASSISTments
2009 it takes the model from an AUC of 0.776 to 0.847 (docs/kt.md).

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

N_FEATURES = 9
NEWTON_FEATURES = 3000  # a Hessian of 72 MB


@njit(cache=True)
def _layout(n_skills):  # type: ignore[no-untyped-def]
    """Where each part of a learner's state starts: successes and failures (per skill, then
    overall), when each skill was last practised, decayed success rates (per skill, then
    overall), runs of right (> 0) or wrong (< 0) answers per skill, and the answers counted
    so far; then the state's length."""
    k = n_skills
    succ, fail, last, rate, run = 0, k + 1, 2 * k + 2, 3 * k + 2, 4 * k + 3
    step = 5 * k + 3
    return succ, fail, last, rate, run, step, step + 1


def _blank(n_skills: int) -> np.ndarray:
    """A learner's state before any answer: nothing counted, no skill practised (-1), and
    success rates at a neutral 0.5."""
    _, _, last, rate, run, _, size = _layout(n_skills)
    state = np.zeros(size)
    state[last:rate] = -1.0
    state[rate:run] = 0.5
    return state


@njit(cache=True)
def _history(learner, row, skill, correct, n_skills, states, decay, overall_decay):  # type: ignore[no-untyped-def]
    """Per answer, from the answers before it: log successes and failures on its skill and
    overall, recency (1 / (1 + answers since the skill was last practised), 0 when never),
    the decayed success rates on the skill and overall, and the log length of the run of
    right and of wrong answers on the skill. ``states`` holds each learner's state (see
    ``_layout``) and is left as the answers leave it. The copies of an answer of several
    skills (adjacent, one ``row``) all see the overall values before it."""
    succ, fail, last, rate, run, step, _ = _layout(n_skills)
    overall = n_skills  # the overall count or rate sits after the skills'
    n = len(skill)
    out = np.zeros((n, N_FEATURES))
    current = -1
    state = states[0]
    for t in range(n):
        j, k = learner[t], skill[t]
        if j != current:
            current = j
            state = states[j]  # a view: updates land in the learner's row
        streak = state[run + k]
        out[t, 0], out[t, 1] = np.log1p(state[succ + k]), np.log1p(state[fail + k])
        out[t, 2] = np.log1p(state[succ + overall])
        out[t, 3] = np.log1p(state[fail + overall])
        seen = state[last + k]
        out[t, 4] = 0.0 if seen < 0 else 1.0 / (1.0 + state[step] - seen)
        out[t, 5], out[t, 6] = state[rate + k], state[rate + overall]
        out[t, 7] = np.log1p(streak) if streak > 0 else 0.0
        out[t, 8] = np.log1p(-streak) if streak < 0 else 0.0
        c = correct[t]
        if c == 1:
            state[succ + k] += 1
            state[run + k] = streak + 1 if streak > 0 else 1
        else:
            state[fail + k] += 1
            state[run + k] = streak - 1 if streak < 0 else -1
        state[rate + k] = decay * state[rate + k] + (1.0 - decay) * c
        state[last + k] = state[step]
        if t + 1 == n or row[t + 1] != row[t] or learner[t + 1] != j:
            state[succ + overall] += c
            state[fail + overall] += 1 - c
            state[rate + overall] = (
                overall_decay * state[rate + overall] + (1.0 - overall_decay) * c
            )
            state[step] += 1
    return out


class Logistic(Estimator):
    """Fitted attributes: ``skills_``, ``items_``, ``easiness_`` and ``gain_``/``cost_``
    (per skill: weights of log successes and log failures), ``item_easiness_``, ``coef_``.

    ``decay`` and ``overall_decay`` weigh each earlier answer in the recent success rates
    on the skill and overall (R-PFA); ``recent=False`` leaves recent performance out,
    which is PFA with recency and overall counts.
    """

    def __init__(
        self,
        *,
        items: bool = True,
        recent: bool = True,
        decay: float = 0.5,
        overall_decay: float = 0.9,
        C: float = 1.0,
        max_iter: int = 1000,
        random_state: int | None = None,
    ) -> None:
        self.items = items
        self.recent = recent
        self.decay = decay
        self.overall_decay = overall_decay
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state

    def _design(
        self, data: Responses, skill: np.ndarray, item: np.ndarray, *, remember: bool
    ) -> sparse.csr_matrix:
        k_count, i_count = len(self.skills_), len(self.items_) + 1
        blank = _blank(k_count)
        states = np.array(
            [self.state_.get(str(label), blank) for label in data.learners], dtype=np.float64
        ).reshape(-1, len(blank))
        history = _history(
            data.learner,
            data.row,
            skill,
            data.correct.astype(np.int8),
            k_count,
            states,
            self.decay,
            self.overall_decay,
        )
        if remember:
            for n, label in enumerate(data.learners):
                self.state_[str(label)] = states[n].copy()
        n, rows = len(skill), np.arange(len(skill))

        def per_skill(values: np.ndarray) -> sparse.csr_matrix:
            return sparse.csr_matrix((values, (rows, skill)), shape=(n, k_count))

        blocks = [per_skill(np.ones(n)), per_skill(history[:, 0]), per_skill(history[:, 1])]
        shared = history[:, 2:5]
        if self.recent:
            blocks.append(per_skill(history[:, 5]))
            shared = history[:, 2:]
        blocks.append(sparse.csr_matrix(shared))
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
        self.state_: dict[str, np.ndarray] = {}
        design = self._design(data, data.skill, data.item, remember=False)
        # Newton's method converges in a few steps where L-BFGS takes hundreds (7 against
        # 415 on ASSISTments 2009), but holds a Hessian of features squared: only while
        # that stays small.
        solver = "newton-cholesky" if design.shape[1] <= NEWTON_FEATURES else "lbfgs"
        self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter, solver=solver)
        self.model_.fit(design, data.correct)
        k = len(self.skills_)
        coef = self.model_.coef_[0]
        self.coef_ = coef
        self.easiness_ = coef[:k] + self.model_.intercept_[0]
        self.gain_, self.cost_ = coef[k : 2 * k], coef[2 * k : 3 * k]
        first_item = len(coef) - len(self.items_) - 1
        self.item_easiness_ = coef[first_item:-1] if self.items else None
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
