"""A fitted BKT answering the questions of the model interface (docs/specs/model-interface.md):
mastery from a learner's history, success probabilities of items, and the next item.

Stateless: each call brings the learner's answers so far, so the model keeps no learner
data between calls (the node that asks decides what it shares).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from edubridge.kt.bkt import BKT
from edubridge.kt.data import Responses

TARGET = 0.7  # the predicted success the next item should be nearest to
MASTERED = 0.95


@dataclass(frozen=True)
class Answer:
    skill: str
    correct: int
    item: str = ""
    timestamp: float = 0.0


def mastery(model: BKT, history: Sequence[Answer]) -> dict[str, float]:
    """P(known) of every skill of the model after the answers (the prior where none)."""
    state = {str(s): float(p) for s, p in zip(model.skills_, model.prior_, strict=True)}
    if not history:
        return state
    table = Responses.from_columns(
        learner=["learner"] * len(history),
        skill=[a.skill for a in history],
        item=[a.item or a.skill for a in history],
        correct=[a.correct for a in history],
        timestamp=[a.timestamp for a in history],
    )
    _, after = model._predict(table, remember=False)
    skills = table.skills[table.skill]
    for n in np.argsort(table.timestamp, kind="stable"):  # the last answer per skill wins
        state[str(skills[n])] = float(after[n])
    return state


def update(model: BKT, state: Mapping[str, float], answers: Sequence[Answer]) -> dict[str, float]:
    """P(known) after ``answers`` (in time order), starting from ``state`` (the prior for a
    skill not in it): one Bayes step and one learning step an answer, so a live session
    costs as much at its thousandth answer as at its first."""
    index = {str(s): k for k, s in enumerate(model.skills_)}
    items = {str(i): c for c, i in enumerate(model.items_)}
    out = dict(state)
    for answer in answers:
        k = index[answer.skill]
        known = out.get(answer.skill, float(model.prior_[k]))
        c = items.get(answer.item, -1) if model.guess_.shape[1] > 1 else 0
        guess = float(model.guess_[k, c] if c >= 0 else model.guess_[k].mean())
        slip = float(model.slip_[k, c] if c >= 0 else model.slip_[k].mean())
        if answer.correct:
            right, wrong = known * (1 - slip), (1 - known) * guess
        else:
            right, wrong = known * slip, (1 - known) * (1 - guess)
        posterior = right / (right + wrong)
        learn, forget = float(model.learn_[k]), float(model.forget_[k])
        out[answer.skill] = posterior * (1 - forget) + (1 - posterior) * learn
    return out


def predict(
    model: BKT, state: Mapping[str, float], items: Sequence[Mapping[str, Any]]
) -> list[float]:
    """P(correct) of each item: the mean over its skills of P(known)(1 - slip) + (1 - P)guess."""
    index = {str(s): k for k, s in enumerate(model.skills_)}
    out = []
    for item in items:
        chances = []
        for skill in item["skills"]:
            k = index[skill]
            known = state[skill]
            guess, slip = float(model.guess_[k].mean()), float(model.slip_[k].mean())
            chances.append(known * (1 - slip) + (1 - known) * guess)
        out.append(float(np.mean(chances)))
    return out


def recommend(
    model: BKT,
    state: Mapping[str, float],
    candidates: Sequence[Mapping[str, Any]],
    *,
    prerequisites: Mapping[str, Sequence[str]] | None = None,
    target: float = TARGET,
    mastered: float = MASTERED,
) -> list[dict[str, Any]]:
    """Candidates ranked: first those practising the least-mastered skill whose
    prerequisites are mastered, then by how near their predicted success is to ``target``."""
    prerequisites = prerequisites or {}
    ready = {
        skill: all(state.get(p, 0.0) >= mastered for p in prerequisites.get(skill, []))
        for skill in state
    }
    chances = predict(model, state, candidates)
    ranked = []
    for candidate, chance in zip(candidates, chances, strict=True):
        skills = list(candidate["skills"])
        focus = min(skills, key=lambda s: state[s])
        blocked = [s for s in skills if not ready[s]]
        done = all(state[s] >= mastered for s in skills)
        if blocked:
            reason = f"prerequisites of {blocked[0]} are not mastered yet"
        elif done:
            reason = f"{focus} is mastered ({state[focus]:.2f})"
        else:
            reason = (
                f"practising {focus}: mastery {state[focus]:.2f}, prerequisites met, "
                f"predicted success {chance:.2f}"
            )
        key = (bool(blocked), done, state[focus], abs(chance - target))
        entry = {
            "item": candidate["item"],
            "score": chance,
            "reason": reason,
            "skill": focus,
            "mastery": state[focus],
            "status": "blocked" if blocked else "mastered" if done else "practise",
        }
        if blocked:  # the prerequisite to master first
            needed = prerequisites.get(blocked[0], [])
            entry["blocked_by"] = next(p for p in needed if state.get(p, 0.0) < mastered)
        ranked.append((key, entry))
    ranked.sort(key=lambda pair: pair[0])
    return [entry for _, entry in ranked]
