"""Bayesian Knowledge Tracing, fitted per skill by EM with several random restarts.

Per skill: ``prior`` P(known before the first answer), ``learn`` P(unknown -> known after an
answer), ``forget`` (0 unless ``forgets``), and ``guess`` and ``slip``, per item when
``multigs``. Guess and slip are kept at or below ``max_guess`` and ``max_slip``: above 0.5 a
model "knows" what its learners get wrong, which explains the data and means nothing.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from edubridge.kt import _bkt_kernels as kernels
from edubridge.kt.base import Estimator
from edubridge.kt.data import Responses, codes_in, stable_order

FLOOR = 1e-4


@dataclass
class _Sequences:
    obs: np.ndarray
    cls: np.ndarray  # guess/slip class of each answer (0, or the item with multigs)
    seq_ptr: np.ndarray
    skill_ptr: np.ndarray
    weight: np.ndarray  # how many learners answered each sequence of a skill just so


class BKT(Estimator):
    """Bayesian Knowledge Tracing.

    Fitted attributes: ``skills_`` (labels), ``prior_``, ``learn_``, ``forget_`` (one per
    skill), ``guess_`` and ``slip_`` (skills x classes: 1, or one per item with
    ``multigs``), ``items_``, ``log_likelihood_`` per skill, ``n_iter_``.
    """

    def __init__(
        self,
        *,
        forgets: bool = False,
        multigs: bool = False,
        num_fits: int = 5,
        max_iter: int = 100,
        short_run: int | None = 10,
        tol: float = 1e-5,
        max_guess: float = 0.5,
        max_slip: float = 0.5,
        random_state: int | None = None,
    ) -> None:
        self.forgets = forgets
        self.multigs = multigs
        self.num_fits = num_fits
        self.max_iter = max_iter
        self.short_run = short_run
        self.tol = tol
        self.max_guess = max_guess
        self.max_slip = max_slip
        self.random_state = random_state

    def _sequences(self, data: Responses) -> _Sequences:
        order = _by_skill(data)
        skill, learner = data.skill[order], data.learner[order]
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = (skill[1:] != skill[:-1]) | (learner[1:] != learner[:-1])
        seq_ptr = np.append(np.flatnonzero(starts), len(order)).astype(np.int64)
        obs = data.correct[order].astype(np.int8)
        if self.multigs:  # items tell answers apart: no two sequences are the same
            cls = data.item[order]
            weight = np.ones(len(seq_ptr) - 1)
        else:
            obs, seq_ptr, weight, first = _distinct(obs, seq_ptr, skill[seq_ptr[:-1]])
            skill = skill[first]
            cls = np.zeros(len(obs), dtype=np.int64)
        seq_skill = skill[seq_ptr[:-1]]
        skill_ptr = np.searchsorted(seq_skill, np.arange(len(data.skills) + 1)).astype(np.int64)
        return _Sequences(obs, cls, seq_ptr, skill_ptr, weight)

    def fit(self, responses: Responses) -> BKT:
        data = responses
        seqs = self._sequences(data)
        n_classes = len(data.items) if self.multigs else 1
        params, loglik, n_iter = self._em(seqs, self._starts(data.skills, n_classes))
        # Each skill keeps its best restart (the first of equals, as one after another would).
        best = np.argmax(loglik, axis=0)
        skills = np.arange(len(data.skills))
        chosen = {name: values[best, skills] for name, values in params.items()}
        # A skill with no answers to learn from takes the mean of those with some.
        empty = np.diff(seqs.skill_ptr) == 0
        if empty.any() and not empty.all():
            for name in ("prior", "learn", "forget", "guess", "slip"):
                chosen[name][empty] = chosen[name][~empty].mean(axis=0)
        self.skills_, self.items_ = data.skills, data.items
        self.prior_, self.learn_, self.forget_ = chosen["prior"], chosen["learn"], chosen["forget"]
        self.guess_, self.slip_ = chosen["guess"], chosen["slip"]
        self.log_likelihood_, self.n_iter_ = loglik[best, skills], n_iter[best, skills]
        self.state_: dict[tuple[str, str], float] = {}
        return self

    def _starts(self, skills: np.ndarray, n_classes: int) -> dict[str, np.ndarray]:
        """Random starting points of the restarts (first axis) for each skill. Each skill's
        are drawn from its own label, so a skill starts alike whichever skills are fitted
        with it: fits split by skill (over a cluster, say) give the same parameters as one
        fit of all."""
        fits = max(1, self.num_fits)
        seed = self.random_state
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % 2**63)  # type: ignore[operator]
        u = np.empty((5, fits, len(skills)))
        for k, label in enumerate(skills):
            skill_rng = np.random.default_rng([seed, zlib.crc32(str(label).encode())])
            u[:, :, k] = skill_rng.random((fits, 5)).T
        guess = 0.05 + (self.max_guess - 0.05) * u[3]
        slip = 0.05 + (self.max_slip - 0.05) * u[4]
        return {
            "prior": 0.05 + 0.9 * u[0],
            "learn": 0.05 + 0.45 * u[1],
            "forget": 0.01 + 0.19 * u[2] if self.forgets else np.zeros((fits, len(skills))),
            "guess": np.repeat(guess[:, :, None], n_classes, 2),
            "slip": np.repeat(slip[:, :, None], n_classes, 2),
        }

    def _em(
        self, seqs: _Sequences, params: dict[str, np.ndarray]
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """EM of every restart at once, until each restart of each skill stops improving
        (they stop one by one).

        Short-run EM (Biernacki, Celeux and Govaert, 2003): after ``short_run`` steps
        only each skill's best restart goes on. A restart behind after ten steps seldom
        overtakes, and small skills on flat likelihoods would otherwise creep on in five
        restarts to ``max_iter``: this halves EM's time on ASSISTments 2009 at the same
        AUC. ``short_run=None`` runs every restart to the end."""
        shape = params["prior"].shape  # restarts x skills
        previous = np.full(shape, -np.inf)
        loglik = np.full(shape, -np.inf)
        n_iter = np.zeros(shape, dtype=np.int64)
        active = np.ones(shape, dtype=bool)
        for step in range(1, self.max_iter + 1):
            acc, guess_acc, slip_acc = kernels.e_step(
                seqs.obs,
                seqs.cls,
                seqs.seq_ptr,
                seqs.skill_ptr,
                seqs.weight,
                params["prior"],
                params["learn"],
                params["forget"],
                params["guess"],
                params["slip"],
                active,
            )
            loglik = np.where(active, acc[..., 6], loglik)
            n_iter += active
            update = active & (acc[..., 1] > 0)
            fresh = {
                "prior": _ratio(acc[..., 0], acc[..., 1], params["prior"]),
                "learn": _ratio(acc[..., 2], acc[..., 3], params["learn"]),
                "forget": _ratio(acc[..., 4], acc[..., 5], params["forget"])
                if self.forgets
                else params["forget"],
                "guess": np.minimum(
                    _ratio(guess_acc[..., 0], guess_acc[..., 1], params["guess"]),
                    self.max_guess,
                ),
                "slip": np.minimum(
                    _ratio(slip_acc[..., 0], slip_acc[..., 1], params["slip"]), self.max_slip
                ),
            }
            for name, values in fresh.items():
                low = 0.0 if name == "forget" else FLOOR
                mask = update if values.ndim == 2 else update[..., None]
                params[name] = np.where(mask, np.clip(values, low, 1 - FLOOR), params[name])
            converged = np.abs(loglik - previous) <= self.tol * np.maximum(1.0, np.abs(loglik))
            active &= ~converged
            if step == self.short_run:
                leader = np.zeros_like(active)
                leader[np.argmax(loglik, axis=0), np.arange(shape[1])] = True
                active &= leader
            previous = loglik
            if not active.any():
                break
        return params, loglik, n_iter

    def _predict(self, responses: Responses, *, remember: bool) -> tuple[np.ndarray, np.ndarray]:
        self._check_fitted()
        data = responses
        skill_map = codes_in(data.skills, self.skills_)
        if (skill_map < 0).any():
            unknown = str(data.skills[skill_map < 0][0])
            raise ValueError(f"skill: {unknown!r} was not in the data the model was fitted on")
        item_map = codes_in(data.items, self.items_) if self.multigs else None
        order = _by_skill(data)
        skill = skill_map[data.skill[order]]
        learner = data.learner[order]
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = (skill[1:] != skill[:-1]) | (learner[1:] != learner[:-1])
        state = np.full(len(order), np.nan)
        for t in np.flatnonzero(starts):
            key = (str(data.learners[learner[t]]), str(self.skills_[skill[t]]))
            state[t] = self.state_.get(key, np.nan)
        if item_map is None:
            cls = np.zeros(len(order), dtype=np.int64)
            guess, slip = self.guess_, self.slip_
        else:
            # Items it has not seen take the skill's mean guess and slip.
            cls = item_map[data.item[order]]
            unseen = cls < 0
            cls = np.where(unseen, len(self.items_), cls)
            guess = np.hstack([self.guess_, self.guess_.mean(1, keepdims=True)])
            slip = np.hstack([self.slip_, self.slip_.mean(1, keepdims=True)])
        out, after = kernels.predict(
            data.correct[order].astype(np.int8),
            cls,
            skill,
            starts,
            self.prior_,
            self.learn_,
            self.forget_,
            guess,
            slip,
            state,
        )
        if remember:
            ends = np.append(np.flatnonzero(starts)[1:] - 1, len(order) - 1)[: len(order)]
            for t in ends:
                key = (str(data.learners[learner[t]]), str(self.skills_[skill[t]]))
                self.state_[key] = float(after[t])
        probabilities = np.empty(len(order))
        probabilities[order] = out
        mastery = np.empty(len(order))
        mastery[order] = after
        return probabilities, mastery

    def predict_proba(self, responses: Responses) -> np.ndarray:
        """P(correct) of each answer (one per input row), from the answers before it."""
        return responses.per_input_row(self._predict(responses, remember=False)[0])

    def partial_fit(self, responses: Responses) -> BKT:
        """Follow learners through new answers: their knowledge is kept for the next ones."""
        self._predict(responses, remember=True)
        return self

    def mastery(self, learner: str, skill: str) -> float:
        """P(known) of a skill for a learner now (the prior if it has not answered)."""
        self._check_fitted()
        index = np.flatnonzero(self.skills_ == str(skill))
        if not len(index):
            raise ValueError(f"skill: {skill!r} is not a skill of this model")
        return self.state_.get((str(learner), str(skill)), float(self.prior_[index[0]]))

    def params_of(self, skill: str) -> dict[str, Any]:
        index = np.flatnonzero(self.skills_ == skill)
        if not len(index):
            raise ValueError(f"skill: {skill!r} is not a skill of this model")
        k = index[0]
        return {
            "prior": float(self.prior_[k]),
            "learn": float(self.learn_[k]),
            "forget": float(self.forget_[k]),
            "guess": self.guess_[k].copy(),
            "slip": self.slip_[k].copy(),
        }


def _by_skill(data: Responses) -> np.ndarray:
    """The rows grouped by skill, then learner, in time order. A table is built in time
    order per learner, and a stable sort by skill alone keeps it so; a table put in another
    order by hand (a subset by indices, say) is sorted in full."""
    if np.all(data.learner[1:] >= data.learner[:-1]):
        return stable_order(data.skill, len(data.skills))
    return np.lexsort((np.arange(len(data)), data.learner, data.skill))


def _distinct(
    obs: np.ndarray, seq_ptr: np.ndarray, seq_skill: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each skill's distinct answer sequences once, with how many learners gave each.

    Without per-item guess and slip, two learners who answered a skill alike contribute
    alike to every expected count: EM need walk each sequence once and weigh it. Learners
    repeat each other a lot (a million synthetic answers hold a third as many distinct
    ones). A sequence of up to 62 answers is keyed by its bits under a leading 1; longer
    ones are kept apart. Returns the answers, pointers and weights of the distinct
    sequences, and which of the given answers those are.
    """
    n_seq = len(seq_ptr) - 1
    if not n_seq:
        return obs, seq_ptr, np.ones(0), np.arange(len(obs))
    lengths = np.diff(seq_ptr)
    position = np.arange(len(obs)) - np.repeat(seq_ptr[:-1], lengths)
    bits = np.where(position < 62, obs.astype(np.int64) << np.minimum(position, 62), 0)
    key = np.add.reduceat(bits, seq_ptr[:-1]) | (np.int64(1) << np.minimum(lengths, 62))
    key = np.where(lengths <= 62, key, -1 - np.arange(n_seq))
    by_key = np.lexsort((np.arange(n_seq), key, seq_skill))
    first = np.ones(n_seq, dtype=bool)
    first[1:] = (key[by_key[1:]] != key[by_key[:-1]]) | (
        seq_skill[by_key[1:]] != seq_skill[by_key[:-1]]
    )
    group = np.cumsum(first) - 1
    weight = np.bincount(group).astype(np.float64)
    firsts = by_key[first]
    by_place = np.argsort(firsts)
    kept, weight = firsts[by_place], weight[by_place]  # in skill order, as before
    kept_lengths = lengths[kept]
    new_ptr = np.zeros(len(kept) + 1, dtype=np.int64)
    np.cumsum(kept_lengths, out=new_ptr[1:])
    rows = np.repeat(seq_ptr[kept] - new_ptr[:-1], kept_lengths) + np.arange(new_ptr[-1])
    return obs[rows], new_ptr, weight, rows


def _ratio(num: np.ndarray, den: np.ndarray, fallback: np.ndarray | None = None) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den
    return np.where(den > 0, value, fallback if fallback is not None else 0.5)


def to_dict(model: BKT) -> dict[str, Any]:
    """A fitted BKT as plain JSON: what a node stores and serves (no learner data in it)."""
    model._check_fitted()
    return {
        "kind": "bkt",
        "params": model.get_params(),
        "skills": [str(s) for s in model.skills_],
        "items": [str(i) for i in model.items_],
        "prior": model.prior_.tolist(),
        "learn": model.learn_.tolist(),
        "forget": model.forget_.tolist(),
        "guess": model.guess_.tolist(),
        "slip": model.slip_.tolist(),
    }


def from_dict(data: dict[str, Any]) -> BKT:
    model = BKT(**data["params"])
    model.skills_ = np.array(data["skills"], dtype=str)
    model.items_ = np.array(data["items"], dtype=str)
    for name in ("prior", "learn", "forget"):
        setattr(model, f"{name}_", np.array(data[name], dtype=np.float64))
    model.guess_ = np.array(data["guess"], dtype=np.float64)
    model.slip_ = np.array(data["slip"], dtype=np.float64)
    model.state_ = {}
    return model
