"""Practice: a learner answers the items of a bank, mastery follows every answer, and the next
item is the one the policy of docs/kt.md picks, with its reason.

A bank is served by a BKT over its skills: the one fitted on its learners' answers
(``edubridge learning fit``), else cautious defaults that any learner masters after three
or four right answers in a row. Each answer is stored once, as an xAPI statement, even when
the form is sent twice (the statement id comes with it).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from edubridge.catalog.packages import qti
from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, require
from edubridge.kt import serving
from edubridge.kt.bkt import BKT, from_dict
from edubridge.learning import statements
from edubridge.learning.models import Answer, BankItem, ItemBank, Learner, Mastery
from edubridge.standards.models import Association
from edubridge.standards.models import Item as Skill

DEFAULTS = {"prior": 0.1, "learn": 0.2, "forget": 0.0, "guess": 0.2, "slip": 0.1}
RECENT = 3  # the last items answered wait while the skill has others
PRECEDES = "precedes"


@dataclass(frozen=True)
class Engine:
    """What serving a bank needs, read once per bank and model version."""

    model: BKT
    items: dict[int, tuple[str, list[str]]]  # bank item id -> (item identifier, skill ids)
    prerequisites: dict[str, list[str]]
    skills: dict[str, Skill]


@dataclass(frozen=True)
class Next:
    item: BankItem
    skill: Skill
    mastery: float
    chance: float
    status: str  # "practise", "blocked" (prerequisites not mastered) or "mastered"
    blocked_by: Skill | None


@dataclass(frozen=True)
class Result:
    answer: Answer
    correct: bool
    before: dict[str, float]
    after: dict[str, float]


# Keyed by the bank's UUID, never its row id: ids come back after a rollback, UUIDs do not.
_engines: dict[tuple[uuid.UUID, int | None, datetime | None], Engine] = {}


def learner_for(user: Actor, organisation: Organisation) -> Learner:
    """The user's pseudonym in the organisation, made on first practice."""
    require(user, Action.PRACTISE, organisation)
    assert user.pk is not None  # required: signed in
    learner = Learner.objects.filter(organisation=organisation, user_id=user.pk).first()
    if learner is not None:
        return learner
    try:
        with transaction.atomic():
            return Learner.objects.create(
                organisation=organisation, user_id=user.pk, pseudonym=secrets.token_hex(16)
            )
    except IntegrityError:  # made at the same moment by another request
        return Learner.objects.get(organisation=organisation, user_id=user.pk)


def create_bank(
    by: Actor, organisation: Organisation, name: str, version: Any, skills: dict[str, list[Skill]]
) -> ItemBank:
    """A bank of the items of a published ``version``; ``skills`` maps each item identifier
    to the skills it practises (an item left out is not in the bank)."""
    require(by, Action.MODEL_MANAGE, organisation)
    if not name.strip() or len(name) > 200:
        raise DomainError(ErrorCode.INVALID, "name: give 1 to 200 characters", field="name")
    if version.status != "published":
        raise DomainError(ErrorCode.INVALID, "version: only a published version", field="version")
    items = {row.identifier: row for row in version.items.all()}
    for identifier, aligned in skills.items():
        if identifier not in items:
            raise DomainError(
                ErrorCode.INVALID, f"skills: the version has no item {identifier!r}", field="skills"
            )
        if not aligned:
            raise DomainError(
                ErrorCode.INVALID, f"skills: item {identifier!r} practises no skill", field="skills"
            )
    if not skills:
        raise DomainError(ErrorCode.INVALID, "skills: align at least one item", field="skills")
    with transaction.atomic():
        bank = ItemBank.objects.create(
            identifier=uuid.uuid4(), organisation=organisation, name=name.strip(), version=version
        )
        for identifier, aligned in skills.items():
            BankItem.objects.create(bank=bank, item=items[identifier]).skills.set(aligned)
        audit.record(by, "bank.create", bank, organisation=organisation, summary=bank.name)
    return bank


def engine(bank: ItemBank) -> Engine:
    key = (bank.identifier, bank.model_id, bank.fitted_at)
    if key not in _engines:
        if len(_engines) > 64:
            _engines.clear()
        _engines[key] = _load(bank)
    return _engines[key]


def _load(bank: ItemBank) -> Engine:
    items: dict[int, tuple[str, list[str]]] = {}
    skills: dict[str, Skill] = {}
    for row in BankItem.objects.filter(bank=bank).select_related("item").prefetch_related("skills"):
        for skill in row.skills.all():
            skills[skill.identifier] = skill
        items[row.pk] = (row.item.identifier, sorted(s.identifier for s in row.skills.all()))
    labels = sorted(skills)
    prerequisites: dict[str, list[str]] = {}
    for a in Association.objects.filter(
        association_type=PRECEDES, origin_identifier__in=labels, destination_identifier__in=labels
    ):
        prerequisites.setdefault(a.destination_identifier, []).append(a.origin_identifier)
    fitted = from_dict(bank.model.parameters) if bank.model and bank.model.parameters else None
    return Engine(_model(labels, fitted), items, prerequisites, skills)


def _model(labels: list[str], fitted: BKT | None) -> BKT:
    """A BKT over exactly the bank's skills: fitted parameters where there are some."""
    model = BKT()
    model.skills_ = np.array(labels, dtype=str)
    model.items_ = np.array([], dtype=str)
    known = {str(s): k for k, s in enumerate(fitted.skills_)} if fitted is not None else {}
    for name, default in DEFAULTS.items():
        values = np.full(len(labels), default)
        for n, label in enumerate(labels):
            if fitted is not None and label in known:
                values[n] = getattr(fitted, f"{name}_")[known[label]].mean()
        per_class = name in ("guess", "slip")
        setattr(model, f"{name}_", values[:, None] if per_class else values)
    model.state_ = {}
    return model


def state_of(learner: Learner, bank: ItemBank) -> dict[str, float]:
    """P(known) of each skill of the bank for the learner now (the prior where unanswered)."""
    served = engine(bank)
    model = served.model
    state = {str(s): float(p) for s, p in zip(model.skills_, model.prior_, strict=True)}
    for skill_id, value in Mastery.objects.filter(learner=learner, bank=bank).values_list(
        "skill__identifier", "value"
    ):
        if skill_id in state:
            state[skill_id] = value
    return state


def next_item(learner: Learner, bank: ItemBank) -> Next | None:
    """The item to answer next (None for a bank with no items)."""
    served = engine(bank)
    if not served.items:
        return None
    state = state_of(learner, bank)
    recent = list(
        Answer.objects.filter(learner=learner, bank=bank)
        .order_by("-answered_at", "-id")
        .values_list("item_id", flat=True)[:RECENT]
    )
    ranked = serving.recommend(
        served.model,
        state,
        [{"item": pk, "skills": skills} for pk, (_, skills) in served.items.items()],
        prerequisites=served.prerequisites,
        target=bank.target,
        mastered=bank.mastered,
    )
    # The policy's skill; of its items, the best not answered just now, else the one
    # answered longest ago: a short bank never makes the learner leave a skill early.
    same = [entry for entry in ranked if entry["skill"] == ranked[0]["skill"]]
    fresh = [entry for entry in same if entry["item"] not in recent]
    top = fresh[0] if fresh else max(same, key=lambda entry: recent.index(entry["item"]))
    blocked = top.get("blocked_by")
    return Next(
        item=BankItem.objects.select_related("item").get(pk=top["item"]),
        skill=served.skills[top["skill"]],
        mastery=top["mastery"],
        chance=top["score"],
        status=top["status"],
        blocked_by=served.skills[blocked] if blocked else None,
    )


def answer(
    learner: Learner,
    bank: ItemBank,
    bank_item_id: int,
    response: str | list[str],
    statement_id: uuid.UUID,
) -> Result:
    """Score ``response``, update mastery and store the answer, once per ``statement_id``."""
    if learner.organisation_id != bank.organisation_id:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "This bank is not your organisation's.")
    served = engine(bank)
    if bank_item_id not in served.items:
        raise DomainError(ErrorCode.INVALID, "item: not an item of this bank", field="item")
    row = BankItem.objects.select_related("item__version__resource").get(pk=bank_item_id)
    item = qti.Item.from_json(row.item.data)
    score = qti.score(item, response)
    correct = score > 0 and score >= qti.score(item, item.correct)
    skill_ids = served.items[bank_item_id][1]
    with transaction.atomic():
        done = Answer.objects.filter(statement_id=statement_id).first()
        if done is not None:
            if done.learner_id != learner.pk:
                raise DomainError(ErrorCode.CONFLICT, "This answer id is taken.")
            return Result(done, done.correct, {}, dict(done.mastery))
        rows = {
            m.skill.identifier: m
            for m in Mastery.objects.select_for_update()
            .filter(learner=learner, bank=bank, skill__identifier__in=skill_ids)
            .select_related("skill")
        }
        before = state_of(learner, bank)
        before = {s: (rows[s].value if s in rows else before[s]) for s in skill_ids}
        after = serving.update(
            served.model,
            before,
            [serving.Answer(s, int(correct), item.identifier) for s in skill_ids],
        )
        now = timezone.now()
        for s in skill_ids:
            if s in rows:
                rows[s].value, rows[s].updated_at = after[s], now
                rows[s].answers += 1
                rows[s].save(update_fields=["value", "answers", "updated_at"])
            else:
                Mastery.objects.create(
                    learner=learner,
                    bank=bank,
                    skill=served.skills[s],
                    value=after[s],
                    answers=1,
                    updated_at=now,
                )
        saved = Answer.objects.create(
            statement_id=statement_id,
            learner=learner,
            bank=bank,
            item=row,
            response=response,
            score=score,
            correct=correct,
            mastery={s: after[s] for s in skill_ids},
            statement=statements.answered(
                statement_id,
                learner,
                bank,
                row,
                item,
                response,
                score,
                correct,
                now,
                {served.skills[s].uri: after[s] for s in skill_ids},
            ),
            answered_at=now,
        )
    return Result(saved, correct, before, {s: after[s] for s in skill_ids})
