"""Practice: a learner answers the items of a bank, mastery follows every answer, and the next
item is the one the policy of docs/kt.md picks, with its reason.

A bank is served by a BKT over its skills: the one fitted on its learners' answers
(``edubridge learning fit``), else cautious defaults that any learner masters after three
or four right answers in a row. Each answer is stored once, as an xAPI statement, even when
the form is sent twice (the statement id comes with it).
"""

from __future__ import annotations

import secrets
import time
import unicodedata
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
from edubridge.records import services as records
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
    priors: dict[str, float]  # P(known) of each skill before any answer


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
_engines: dict[tuple[uuid.UUID, int | None, datetime | None], tuple[Engine, float]] = {}
ENGINE_SECONDS = 60.0


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


def engine(bank: ItemBank, *, fresh: bool = False) -> Engine:
    """The bank's engine, read again after a refit, after ``ENGINE_SECONDS`` (items or
    prerequisites edited elsewhere), or when ``fresh`` is asked for."""
    key = (bank.identifier, bank.model_id, bank.fitted_at)
    cached = _engines.get(key)
    if fresh or cached is None or time.monotonic() - cached[1] > ENGINE_SECONDS:
        if len(_engines) > 64:
            _engines.clear()
        cached = _engines[key] = (_load(bank), time.monotonic())
    return cached[0]


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
    model = _model(labels, fitted)
    priors = {str(s): float(p) for s, p in zip(model.skills_, model.prior_, strict=True)}
    return Engine(model, items, prerequisites, skills, priors)


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
    state = dict(served.priors)
    for skill_id, value in Mastery.objects.filter(learner=learner, bank=bank).values_list(
        "skill__identifier", "value"
    ):
        if skill_id in state:
            state[skill_id] = value
    return state


def next_item(learner: Learner, bank: ItemBank, *, _again: bool = True) -> Next | None:
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
    chosen = BankItem.objects.select_related("item").filter(pk=top["item"]).first()
    if chosen is None:  # removed since this process read the bank
        engine(bank, fresh=True)
        return next_item(learner, bank, _again=False) if _again else None
    blocked = top.get("blocked_by")
    return Next(
        item=chosen,
        skill=served.skills[top["skill"]],
        mastery=top["mastery"],
        chance=top["score"],
        status=top["status"],
        blocked_by=served.skills[blocked] if blocked else None,
    )


def _normalised(response: str | list[str]) -> str | list[str]:
    """Typed answers as a phone sends them: stray spaces trimmed, Unicode composed (NFC)."""
    values = [response] if isinstance(response, str) else list(response)
    clean = [unicodedata.normalize("NFC", str(v)).strip() for v in values]
    clean = [v for v in clean if v]
    return clean[0] if isinstance(response, str) and len(clean) == 1 else clean


def is_right(item: qti.Item, response: str | list[str], score: float) -> bool:
    """Full marks, as the correct response earns them; for several choices scored by a
    mapping, also nothing chosen outside the choices that earn points."""
    if score <= 0 or score < qti.score(item, item.correct):
        return False
    if item.interaction == "multiple_response" and item.scoring == "map_response":
        earning = {key for key, points in item.mapping.items() if points > 0}
        chosen = [response] if isinstance(response, str) else response
        return set(chosen) <= earning
    return True


def answer(
    learner: Learner,
    bank: ItemBank,
    bank_item_id: int,
    response: str | list[str],
    statement_id: uuid.UUID,
) -> Result:
    """Score ``response``, update mastery and store the answer, once per ``statement_id``:
    the same answer sent again (a second click, a retried request) gives the first result."""
    if learner.organisation_id != bank.organisation_id:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "This bank is not your organisation's.")
    served = engine(bank)
    if bank_item_id not in served.items:
        served = engine(bank, fresh=True)  # added since this process read the bank?
    if bank_item_id not in served.items:
        raise DomainError(ErrorCode.INVALID, "item: not an item of this bank", field="item")
    response = _normalised(response)
    try:
        with transaction.atomic():
            # One answer of a learner at a time: the lock orders a double click's two posts.
            Learner.objects.select_for_update().filter(pk=learner.pk).first()
            replay = _replay(learner, bank, bank_item_id, statement_id)
            if replay is not None:
                return replay
            return _record(learner, bank, served, bank_item_id, response, statement_id)
    except IntegrityError as clash:  # the same answer stored by another request a moment ago
        replay = _replay(learner, bank, bank_item_id, statement_id)
        if replay is None:
            message = "The answer clashed with another: send it again."
            raise DomainError(ErrorCode.CONFLICT, message) from clash
        return replay


def _replay(
    learner: Learner, bank: ItemBank, item_id: int, statement_id: uuid.UUID
) -> Result | None:
    done = Answer.objects.filter(statement_id=statement_id).first()
    if done is None:
        return None
    if (done.learner_id, done.bank_id, done.item_id) != (learner.pk, bank.pk, item_id):
        raise DomainError(ErrorCode.CONFLICT, "This answer id belongs to another answer.")
    return Result(done, done.correct, {}, dict(done.mastery))


def _record(
    learner: Learner,
    bank: ItemBank,
    served: Engine,
    bank_item_id: int,
    response: str | list[str],
    statement_id: uuid.UUID,
) -> Result:
    row = BankItem.objects.select_related("item__version__resource").get(pk=bank_item_id)
    item = qti.Item.from_json(row.item.data)
    score = qti.score(item, response)
    correct = is_right(item, response, score)
    skill_ids = served.items[bank_item_id][1]
    rows = {
        m.skill.identifier: m
        for m in Mastery.objects.filter(
            learner=learner, bank=bank, skill__identifier__in=skill_ids
        ).select_related("skill")
    }
    before = {s: (rows[s].value if s in rows else served.priors[s]) for s in skill_ids}
    after = serving.update(
        served.model, before, [serving.Answer(s, int(correct), item.identifier) for s in skill_ids]
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
    mastery = {s: after[s] for s in skill_ids}
    saved = Answer.objects.create(
        statement_id=statement_id,
        learner=learner,
        bank=bank,
        item=row,
        response=response,
        score=score,
        correct=correct,
        mastery=mastery,
        statement=statements.answered(
            statements.Scored(statement_id, learner, bank, row, item, response, score, correct),
            now,
            {served.skills[s].uri: after[s] for s in skill_ids},
        ),
        answered_at=now,
    )
    records.record(bank.organisation, saved.statement)  # the node's learning record store
    return Result(saved, correct, before, mastery)
