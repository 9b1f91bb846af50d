"""What a teacher sees of a bank's learners: mastery per learner and skill, who is stuck, and
how mastery of a skill grows answer by answer. Names come from core, for the teacher only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from edubridge.core.policy import Action, Actor, require
from edubridge.learning.models import Answer, ItemBank, Learner, Mastery
from edubridge.learning.practice import engine
from edubridge.standards.models import Item as Skill

# Answers on a skill without mastering it after which a learner is stuck: "wheel-spinning",
# after Beck and Gong (2013), who found learners rarely master a skill past ten.
STUCK_AFTER = 10
CURVE_LENGTH = 30


@dataclass
class Row:
    learner: Learner
    name: str
    cells: list[float | None]  # one per skill, None where the learner has not practised it
    answers: int


@dataclass(frozen=True)
class Stuck:
    name: str
    skill: Skill
    answers: int
    mastery: float


def skills_of(bank: ItemBank) -> list[Skill]:
    return sorted(engine(bank).skills.values(), key=lambda s: (s.position, s.human_coding_scheme))


def _members(bank: ItemBank) -> QuerySet[Learner]:
    """The bank's learners who still belong to its organisation: a teacher sees nobody who
    has left it, nor anonymised records."""
    return Learner.objects.filter(
        organisation=bank.organisation_id, user__memberships__organisation=bank.organisation_id
    )


def _name(learner: Learner) -> str:
    user = learner.user
    return (user.get_full_name() or user.username) if user else learner.pseudonym[:8]


def heatmap(by: Actor, bank: ItemBank) -> tuple[list[Skill], list[Row]]:
    """Learners (rows) by skills (columns): P(known) now."""
    require(by, Action.CLASS_VIEW, bank)
    skills = skills_of(bank)
    column = {s.pk: n for n, s in enumerate(skills)}
    rows: dict[int, Row] = {}
    found = Mastery.objects.filter(bank=bank, learner__in=_members(bank))
    for m in found.select_related("learner__user"):
        if m.learner_id not in rows:
            rows[m.learner_id] = Row(m.learner, _name(m.learner), [None] * len(skills), 0)
        row = rows[m.learner_id]
        if m.skill_id in column:
            row.cells[column[m.skill_id]] = m.value
        row.answers += m.answers
    return skills, sorted(rows.values(), key=lambda r: r.name.casefold())


def stuck(by: Actor, bank: ItemBank) -> list[Stuck]:
    """Learners who answered a skill ``STUCK_AFTER`` times or more without mastering it."""
    require(by, Action.CLASS_VIEW, bank)
    found = (
        Mastery.objects.filter(
            bank=bank,
            learner__in=_members(bank),
            answers__gte=STUCK_AFTER,
            value__lt=bank.mastered,
        )
        .select_related("learner__user", "skill")
        .order_by("value")
    )
    return [Stuck(_name(m.learner), m.skill, m.answers, m.value) for m in found]


def curve(by: Actor, bank: ItemBank, skill: Skill) -> list[tuple[int, float, int]]:
    """(n, mean mastery after the n-th answer on the skill, learners who gave an n-th answer),
    for the first ``CURVE_LENGTH`` answers."""
    require(by, Action.CLASS_VIEW, bank)
    sums: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    seen: dict[int, int] = defaultdict(int)
    answers = (
        Answer.objects.filter(
            bank=bank, learner__in=_members(bank), mastery__has_key=skill.identifier
        )
        .order_by("learner_id", "answered_at", "id")
        .values_list("learner_id", "mastery")
    )
    for learner_id, mastery in answers.iterator(chunk_size=2000):
        seen[learner_id] += 1
        n = seen[learner_id]
        if n <= CURVE_LENGTH:
            sums[n] += mastery[skill.identifier]
            counts[n] += 1
    return [(n, sums[n] / counts[n], counts[n]) for n in sorted(counts)]
