"""Answers drawn from each model's own generative process, for parameter recovery and
benchmarks. Every generator returns the ``Responses`` and the true parameters."""

from __future__ import annotations

from typing import Any

import numpy as np

from edubridge.kt.data import Responses


def _table(
    learner: np.ndarray, skill: np.ndarray, item: np.ndarray, correct: np.ndarray, time: np.ndarray
) -> Responses:
    return Responses.from_columns(
        learner=np.char.add("l", learner.astype(str)),
        skill=np.char.add("s", skill.astype(str)),
        item=np.char.add("i", item.astype(str)),
        correct=correct,
        timestamp=time,
    )


def bkt(
    n_learners: int = 200,
    n_skills: int = 5,
    length: int = 20,
    *,
    prior: float | np.ndarray = 0.3,
    learn: float | np.ndarray = 0.1,
    forget: float | np.ndarray = 0.0,
    guess: float | np.ndarray = 0.2,
    slip: float | np.ndarray = 0.1,
    random_state: int | None = None,
) -> tuple[Responses, dict[str, np.ndarray]]:
    """Each learner answers ``length`` items of every skill, the skills interleaved."""
    rng = np.random.default_rng(random_state)
    truth = {
        name: np.broadcast_to(np.asarray(value, dtype=float), (n_skills,)).copy()
        for name, value in (
            ("prior", prior),
            ("learn", learn),
            ("forget", forget),
            ("guess", guess),
            ("slip", slip),
        )
    }
    learner = np.repeat(np.arange(n_learners), n_skills)
    skill = np.tile(np.arange(n_skills), n_learners)
    known = rng.random(len(skill)) < truth["prior"][skill]
    answers = np.empty((length, len(skill)), dtype=np.int8)
    for t in range(length):
        p = np.where(known, 1 - truth["slip"][skill], truth["guess"][skill])
        answers[t] = rng.random(len(skill)) < p
        move = rng.random(len(skill))
        known = np.where(known, move >= truth["forget"][skill], move < truth["learn"][skill])
    steps = np.arange(length)[:, None]
    time = (steps * n_skills + skill[None, :]).astype(float)  # skills interleaved in time
    rows = (
        np.broadcast_to(learner, answers.shape).ravel(),
        np.broadcast_to(skill, answers.shape).ravel(),
    )
    item = rows[1] * 1000 + np.broadcast_to(steps, answers.shape).ravel() % 10
    return _table(rows[0], rows[1], item, answers.ravel(), time.ravel()), truth


def irt(
    n_learners: int = 500,
    n_items: int = 40,
    *,
    two_pl: bool = True,
    answers_per_learner: int | None = None,
    random_state: int | None = None,
) -> tuple[Responses, dict[str, Any]]:
    """Abilities ~ N(0, 1), difficulties ~ N(0, 1), discriminations ~ LogNormal(0, 0.25)."""
    rng = np.random.default_rng(random_state)
    ability = rng.normal(0, 1, n_learners)
    difficulty = rng.normal(0, 1, n_items)
    discrimination = rng.lognormal(0, 0.25, n_items) if two_pl else np.ones(n_items)
    per = answers_per_learner or n_items
    learner = np.repeat(np.arange(n_learners), per)
    item = np.concatenate([rng.permutation(n_items)[:per] for _ in range(n_learners)])
    p = 1 / (1 + np.exp(-discrimination[item] * (ability[learner] - difficulty[item])))
    correct = (rng.random(len(p)) < p).astype(np.int8)
    time = np.tile(np.arange(per, dtype=float), n_learners)
    truth = {"ability": ability, "difficulty": difficulty, "discrimination": discrimination}
    return _table(learner, item // 10, item, correct, time), truth


def elo(
    n_learners: int = 500,
    n_items: int = 60,
    answers_per_learner: int = 40,
    *,
    growth: float = 0.02,
    random_state: int | None = None,
) -> tuple[Responses, dict[str, Any]]:
    """A Rasch model whose abilities grow a little with every answer: what Elo tracks."""
    rng = np.random.default_rng(random_state)
    ability = rng.normal(0, 1, n_learners)
    difficulty = rng.normal(0, 1, n_items)
    learner = np.repeat(np.arange(n_learners), answers_per_learner)
    step = np.tile(np.arange(answers_per_learner), n_learners)
    item = rng.integers(0, n_items, len(learner))
    p = 1 / (1 + np.exp(-(ability[learner] + growth * step - difficulty[item])))
    correct = (rng.random(len(p)) < p).astype(np.int8)
    truth = {"ability": ability, "difficulty": difficulty}
    return _table(learner, item // 10, item, correct, step.astype(float)), truth


def logistic(
    n_learners: int = 400,
    n_skills: int = 4,
    length: int = 30,
    *,
    random_state: int | None = None,
) -> tuple[Responses, dict[str, Any]]:
    """Performance factors analysis: logit = easiness + gain * log(1 + successes)
    - cost * log(1 + failures), per skill, answers drawn in time order."""
    rng = np.random.default_rng(random_state)
    easiness = rng.normal(-0.5, 0.5, n_skills)
    gain = rng.uniform(0.3, 0.8, n_skills)
    cost = rng.uniform(0.0, 0.3, n_skills)
    rows = []
    for learner in range(n_learners):
        successes = np.zeros(n_skills)
        failures = np.zeros(n_skills)
        for t in range(length):
            k = int(rng.integers(n_skills))
            logit = easiness[k] + gain[k] * np.log1p(successes[k]) - cost[k] * np.log1p(failures[k])
            answer = int(rng.random() < 1 / (1 + np.exp(-logit)))
            successes[k] += answer
            failures[k] += 1 - answer
            rows.append((learner, k, k * 100 + t % 5, answer, t))
    data = np.array(rows)
    truth = {"easiness": easiness, "gain": gain, "cost": cost}
    return _table(data[:, 0], data[:, 1], data[:, 2], data[:, 3], data[:, 4].astype(float)), truth
