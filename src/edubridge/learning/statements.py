"""Answers as xAPI 1.0.3 statements: the learner is an account (this node, the pseudonym),
never a name or an e-mail address; the item is a cmi.interaction activity under this node."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings

from edubridge.catalog.packages import qti
from edubridge.learning.models import BankItem, ItemBank, Learner

ANSWERED = {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}}
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
MASTERY = "https://w3id.org/edubridge/xapi/extensions/mastery"
INTERACTION_TYPES = {
    "choice": "choice",
    "multiple_response": "choice",
    "text_entry": "fill-in",
    "order": "sequencing",
}
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Scored:
    """An answer as the practice engine scored it."""

    statement_id: uuid.UUID
    learner: Learner
    bank: ItemBank
    row: BankItem
    item: qti.Item
    response: str | list[str]
    score: float
    correct: bool


def agent(learner: Learner) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.BASE_URL, "name": learner.pseudonym},
    }


def item_activity(row: BankItem) -> str:
    resource = row.item.version.resource.identifier
    return f"{settings.BASE_URL}/catalog/{resource}/items/{quote(row.item.identifier, safe='')}"


def language(tag: str) -> str:
    """A language map's key: the item's language as an RFC 5646 tag, ``und`` if it has none."""
    tag = tag.replace("_", "-")
    return tag if LANGUAGE_TAG.match(tag) else "und"


def _definition(item: qti.Item) -> dict[str, Any]:
    lang = language(item.language)
    definition: dict[str, Any] = {
        "type": INTERACTION,
        "name": {lang: item.title or item.identifier},
        "interactionType": INTERACTION_TYPES.get(item.interaction, "other"),
    }
    accepted = [item.correct] if item.correct else []
    if item.interaction == "text_entry" and item.scoring == "map_response":
        full = qti.score(item, item.correct) if item.correct else 0.0
        accepted = [[key] for key, points in item.mapping.items() if points > 0 and points >= full]
    if accepted:
        case = (
            "{case_matters=true}"
            if item.interaction == "text_entry" and item.case_sensitive
            else ""
        )
        definition["correctResponsesPattern"] = [case + "[,]".join(a) for a in accepted]
    if item.choices:  # xAPI lists a sequencing item's parts as its choices too
        definition["choices"] = [
            {"id": c.id, "description": {lang: qti.plain(c.text)}} for c in item.choices
        ]
    return definition


def _score(item: qti.Item, score: float) -> dict[str, float] | None:
    """raw, min and max as xAPI wants them (min < max, raw between), scaled where it can."""
    if item.scoring == "map_response":
        low = item.lower_bound if item.lower_bound is not None else min(0.0, score)
        high = sum(p for p in item.mapping.values() if p > 0)
        if item.upper_bound is not None:
            high = min(high, item.upper_bound)
    else:
        low, high = 0.0, 1.0
    if high <= low:
        return None
    raw = min(max(score, low), high)
    scaled = raw / high if raw >= 0 else raw / -low if low < 0 else 0.0
    return {"raw": raw, "min": low, "max": high, "scaled": max(-1.0, min(1.0, scaled))}


def answered(answer: Scored, when: datetime, mastery: dict[str, float]) -> dict[str, Any]:
    """The statement of an answer; ``mastery`` (skill URI: P(known) after it) goes along as
    an extension, so whoever reads the record sees what the engine made of it."""
    values = [answer.response] if isinstance(answer.response, str) else list(answer.response)
    result: dict[str, Any] = {"success": answer.correct, "response": "[,]".join(values)}
    score = _score(answer.item, answer.score)
    if score is not None:
        result["score"] = score
    return {
        "id": str(answer.statement_id),
        "actor": agent(answer.learner),
        "verb": ANSWERED,
        "object": {
            "objectType": "Activity",
            "id": item_activity(answer.row),
            "definition": _definition(answer.item),
        },
        "result": result,
        "context": {
            "contextActivities": {
                "parent": [{"id": f"{settings.BASE_URL}/learning/{answer.bank.identifier}"}],
            },
            "extensions": {MASTERY: mastery},
        },
        "timestamp": when.isoformat().replace("+00:00", "Z"),
    }
