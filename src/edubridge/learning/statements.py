"""Answers as xAPI 1.0.3 statements: the learner is an account (this node, the pseudonym),
never a name or an e-mail address; the item is a cmi.interaction activity under this node."""

from __future__ import annotations

import uuid
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


def agent(learner: Learner) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.BASE_URL, "name": learner.pseudonym},
    }


def item_activity(row: BankItem) -> str:
    resource = row.item.version.resource.identifier
    return f"{settings.BASE_URL}/catalog/{resource}/items/{quote(row.item.identifier, safe='')}"


def answered(
    statement_id: uuid.UUID,
    learner: Learner,
    bank: ItemBank,
    row: BankItem,
    item: qti.Item,
    response: str | list[str],
    score: float,
    correct: bool,
    when: datetime,
    mastery: dict[str, float],
) -> dict[str, Any]:
    """The statement of an answer; ``mastery`` (skill URI: P(known) after it) goes along as
    an extension, so whoever reads the record sees what the engine made of it."""
    values = [response] if isinstance(response, str) else list(response)
    definition: dict[str, Any] = {
        "type": INTERACTION,
        "name": {item.language or "en": item.title or item.identifier},
        "interactionType": INTERACTION_TYPES.get(item.interaction, "other"),
    }
    if item.correct:
        definition["correctResponsesPattern"] = ["[,]".join(item.correct)]
    if item.choices:
        key = "sequencing" if item.interaction == "order" else "choices"
        definition[key] = [
            {"id": c.id, "description": {item.language or "en": qti.plain(c.text)}}
            for c in item.choices
        ]
    full = qti.score(item, item.correct)
    result: dict[str, Any] = {
        "success": correct,
        "response": "[,]".join(values),
        "score": {"raw": score, "min": 0, "max": max(full, score)},
    }
    if full > 0:
        result["score"]["scaled"] = max(-1.0, min(1.0, score / full))
    return {
        "id": str(statement_id),
        "actor": agent(learner),
        "verb": ANSWERED,
        "object": {"objectType": "Activity", "id": item_activity(row), "definition": definition},
        "result": result,
        "context": {
            "contextActivities": {
                "parent": [{"id": f"{settings.BASE_URL}/learning/{bank.identifier}"}],
            },
            "extensions": {MASTERY: mastery},
        },
        "timestamp": when.isoformat().replace("+00:00", "Z"),
    }
