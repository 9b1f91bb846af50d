"""Item response theory, 1PL (Rasch) or 2PL: items calibrated by marginal maximum
likelihood (EM over a quadrature of abilities ~ N(0, 1)), abilities by their posterior mean
(EAP) with its standard deviation as the standard error.

Predictions are one step ahead: each learner's ability is re-estimated from their answers
before each one, so a learner the model has never seen starts at the population mean.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from edubridge.kt.base import Estimator
from edubridge.kt.data import Responses, codes_in


@njit(cache=True)
def _sequential(learner, item, correct, nodes, log_weights, a, b, start_state):  # type: ignore[no-untyped-def]
    """P(correct) of each answer from the learner's answers before it; the posterior after."""
    n, q = len(item), len(nodes)
    out = np.empty(n)
    post = np.empty(q)
    current = -1
    for t in range(n):
        if learner[t] != current:
            current = learner[t]
            for j in range(q):
                post[j] = start_state[current, j]
        top = post.max()
        total = 0.0
        p_correct = 0.0
        for j in range(q):
            w = np.exp(post[j] - top)
            p = 1.0 / (1.0 + np.exp(-a[item[t]] * (nodes[j] - b[item[t]])))
            total += w
            p_correct += w * p
        out[t] = p_correct / total
        for j in range(q):
            p = 1.0 / (1.0 + np.exp(-a[item[t]] * (nodes[j] - b[item[t]])))
            post[j] += np.log(p) if correct[t] == 1 else np.log(1.0 - p)
        for j in range(q):
            start_state[current, j] = post[j]
    return out


class IRT(Estimator):
    """Fitted attributes: ``items_``, ``difficulty_``, ``discrimination_`` (1 for 1PL),
    ``learners_``, ``ability_`` and ``ability_se_`` of the learners it was fitted on."""

    def __init__(
        self,
        *,
        two_pl: bool = True,
        n_nodes: int = 21,
        max_iter: int = 100,
        tol: float = 1e-4,
        random_state: int | None = None,
    ) -> None:
        self.two_pl = two_pl
        self.n_nodes = n_nodes
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, responses: Responses) -> IRT:
        data = _first_skill_only(responses)
        nodes = np.linspace(-4, 4, self.n_nodes)
        log_prior = -0.5 * nodes**2
        n_items, n_learners = len(data.items), len(data.learners)
        a, b = np.ones(n_items), np.zeros(n_items)
        x = data.correct.astype(float)
        previous = -np.inf
        for n_iter in range(1, self.max_iter + 1):
            self.n_iter_ = n_iter
            # E-step: each learner's posterior over the nodes.
            logit = a[data.item][:, None] * (nodes[None, :] - b[data.item][:, None])
            log_p = -np.logaddexp(0, -logit)
            log_q = -np.logaddexp(0, logit)
            row_ll = x[:, None] * log_p + (1 - x)[:, None] * log_q
            learner_ll = np.zeros((n_learners, len(nodes)))
            np.add.at(learner_ll, data.learner, row_ll)
            joint = learner_ll + log_prior
            norm = np.logaddexp.reduce(joint, axis=1)
            post = np.exp(joint - norm[:, None])
            loglik = float(norm.sum())
            # M-step: Newton steps per item on the expected counts at each node.
            weight = post[data.learner]
            expected_n = np.zeros((n_items, len(nodes)))
            expected_r = np.zeros((n_items, len(nodes)))
            np.add.at(expected_n, data.item, weight)
            np.add.at(expected_r, data.item, weight * x[:, None])
            for _ in range(5):
                p = 1 / (1 + np.exp(-a[:, None] * (nodes[None, :] - b[:, None])))
                resid = expected_r - expected_n * p
                info = expected_n * p * (1 - p)
                grad_b = -(a[:, None] * resid).sum(1)
                hess_b = (a[:, None] ** 2 * info).sum(1) + 1e-6
                b = np.clip(b + grad_b / hess_b, -6, 6)
                if self.two_pl:
                    diff = nodes[None, :] - b[:, None]
                    grad_a = (diff * resid).sum(1)
                    hess_a = (diff**2 * info).sum(1) + 1e-6
                    a = np.clip(a + grad_a / hess_a, 0.1, 5)
            if abs(loglik - previous) <= self.tol * max(1.0, abs(loglik)):
                break
            previous = loglik
        self.skills_ = data.skills
        self.items_, self.learners_ = data.items, data.learners
        self.difficulty_, self.discrimination_ = b, a
        self.ability_ = post @ nodes
        self.ability_se_ = np.sqrt(np.maximum(post @ nodes**2 - self.ability_**2, 0))
        self.log_likelihood_ = loglik
        self._nodes, self._log_prior = nodes, log_prior
        # Each fitted learner is followed from their posterior, not from the population.
        self.state_: dict[str, np.ndarray] = {
            str(label): joint[n] for n, label in enumerate(data.learners)
        }
        return self

    def _run(self, responses: Responses, *, remember: bool) -> np.ndarray:
        self._check_fitted()
        data = _first_skill_only(responses)
        item = codes_in(data.items, self.items_)
        known = item >= 0
        # Items it has not calibrated: average difficulty and discrimination.
        a = np.append(self.discrimination_, self.discrimination_.mean())
        b = np.append(self.difficulty_, self.difficulty_.mean())
        item = np.where(known, item, len(self.items_))
        start = np.tile(self._log_prior, (len(data.learners), 1))
        for n, label in enumerate(data.learners):
            if str(label) in self.state_:
                start[n] = self.state_[str(label)]
        out = _sequential(
            data.learner,
            item[data.item],
            data.correct.astype(np.int8),
            self._nodes,
            self._log_prior,
            a,
            b,
            start,
        )
        if remember:
            for n in np.unique(data.learner):
                self.state_[str(data.learners[n])] = start[n].copy()
        return responses.per_input_row(out[_expand(responses, data)])

    def predict_proba(self, responses: Responses) -> np.ndarray:
        return self._run(responses, remember=False)

    def partial_fit(self, responses: Responses) -> IRT:
        """Follow learners through new answers: their ability is kept for the next ones."""
        self._run(responses, remember=True)
        return self

    def ability(self, learner: str) -> tuple[float, float]:
        """A learner's ability and its standard error, from every answer seen so far."""
        self._check_fitted()
        state = self.state_.get(str(learner))
        if state is None:
            index = np.flatnonzero(self.learners_ == learner)
            if len(index):
                return float(self.ability_[index[0]]), float(self.ability_se_[index[0]])
            state = self._log_prior
        post = np.exp(state - state.max())
        post /= post.sum()
        mean = float(post @ self._nodes)
        return mean, float(np.sqrt(max(post @ self._nodes**2 - mean**2, 0.0)))


def _first_skill_only(responses: Responses) -> Responses:
    """IRT is about items, not skills: one row per answer, whatever its skills."""
    first = np.ones(len(responses), dtype=bool)
    seen = np.zeros(responses.size, dtype=bool)
    for n, row in enumerate(responses.row):
        first[n] = not seen[row]
        seen[row] = True
    return responses.subset(first) if not first.all() else responses


def _expand(responses: Responses, data: Responses) -> np.ndarray:
    """For each row of ``responses``, the row of ``data`` (one per answer) it belongs to."""
    if data is responses:
        return np.arange(len(responses))
    position = np.full(responses.size, -1)
    position[data.row] = np.arange(len(data))
    return position[responses.row]
