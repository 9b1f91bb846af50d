"""Bias audits of the models fitted here: learners' group attributes, kept apart and read by
auditors alone; every fit's metrics by group (governance.fairness); and an auditor's
recorded override, without which a flagged model does not serve its bank."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.policy import Action, Actor, require
from edubridge.governance import consent, fairness
from edubridge.governance.models import Attribute, BiasAudit, GroupAttribute, Purpose
from edubridge.kt import BKT, Responses
from edubridge.learning.models import ItemBank, Learner


def record_group(by: Actor, learner: Learner, attribute: str, value: str) -> GroupAttribute:
    """Put a learner in a group for audits; gender only with the learner's (or their
    guardian's) recorded consent to that purpose."""
    require(by, Action.BIAS_AUDIT, learner.organisation)
    if attribute not in Attribute.values:
        raise DomainError(
            ErrorCode.INVALID,
            f"attribute: {attribute!r} is not one of {', '.join(Attribute.values)}",
            field="attribute",
        )
    value = value.strip()
    if not value or len(value) > 64:
        raise DomainError(
            ErrorCode.INVALID, "value: give a group of 1 to 64 characters", field="value"
        )
    consented = learner.user is not None and consent.has(
        learner.user, learner.organisation, Purpose.GENDER_AUDIT
    )
    if attribute == Attribute.GENDER and not consented:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            "gender is kept only with the learner's consent to gender-audit, which they "
            "(or their guardian) have not given",
        )
    with transaction.atomic():
        found, _ = GroupAttribute.objects.update_or_create(
            learner=learner, attribute=attribute, defaults={"value": value, "consented": consented}
        )
        audit.record(by, "bias.group", found, organisation=learner.organisation, summary=attribute)
    return found


def _by_learner(responses: Responses) -> dict[str, np.ndarray]:
    """attribute -> the group of each of the table's learners ("" if unknown)."""
    rows = GroupAttribute.objects.filter(
        learner__pseudonym__in=[str(label) for label in responses.learners]
    ).values_list("learner__pseudonym", "attribute", "value")
    known: dict[str, dict[str, str]] = {}
    for pseudonym, attribute, value in rows:
        known.setdefault(attribute, {})[pseudonym] = value
    return {
        attribute: np.array([by_learner.get(str(label), "") for label in responses.learners])
        for attribute, by_learner in sorted(known.items())
    }


def groups_of(responses: Responses) -> dict[str, np.ndarray]:
    """attribute -> the group of each answer's learner, one per input row ("" if unknown)."""
    learner_of_row = np.empty(responses.size, dtype=np.int64)
    learner_of_row[responses.row] = responses.learner
    return {
        attribute: labels[learner_of_row].astype(object)
        for attribute, labels in _by_learner(responses).items()
    }


def strata(responses: Responses) -> np.ndarray | None:
    """Each learner's groups, all attributes together, to hold out the same share of every
    group when a model is scored (``Responses.split_by_learner``); None without groups."""
    labels = _by_learner(responses)
    if not labels:
        return None
    return np.array(["\x1f".join(groups) for groups in zip(*labels.values(), strict=True)])


def measure(bank: ItemBank, model: Any, test: Responses) -> dict[str, Any] | None:
    """``model`` (fitted without the ``test`` learners) by group on their answers; None when
    no test learner has a group."""
    groups = groups_of(test)
    if not groups:
        return None
    predicted = model.predict_proba(test)
    correct = np.zeros(test.size)
    correct[test.row] = test.correct
    mastered = None
    if isinstance(model, BKT):
        model.partial_fit(test)
        pairs = sorted({(int(a), int(b)) for a, b in zip(test.learner, test.skill, strict=True)})
        flags = np.array(
            [
                model.mastery(str(test.learners[a]), str(test.skills[b])) >= bank.mastered
                for a, b in pairs
            ],
            dtype=float,
        )
        mastered = {}
        for attribute in groups:
            by_learner = dict(
                GroupAttribute.objects.filter(attribute=attribute).values_list(
                    "learner__pseudonym", "value"
                )
            )
            owners = np.array([by_learner.get(str(test.learners[a]), "") for a, _ in pairs])
            mastered[attribute] = (flags, owners.astype(object))
    return fairness.audit(correct, predicted, groups, mastered, settings.BIAS_THRESHOLD)


def record(model: Any, bank: ItemBank, results: dict[str, Any]) -> BiasAudit:
    return BiasAudit.objects.create(
        model=model, bank=bank, results=results, flagged=bool(results["flagged"])
    )


def override(by: Actor, found: BiasAudit, reason: str) -> BiasAudit:
    """An auditor lets a flagged model serve its bank, saying why."""
    require(by, Action.BIAS_AUDIT, found.bank.organisation)
    if not reason.strip():
        raise DomainError(ErrorCode.INVALID, "reason: say why the model may serve", field="reason")
    with transaction.atomic():
        locked = BiasAudit.objects.select_for_update().get(pk=found.pk)
        if not locked.flagged or locked.overridden_at is not None:
            raise DomainError(ErrorCode.CONFLICT, "This audit holds nothing back.")
        newer = BiasAudit.objects.filter(bank=locked.bank, at__gt=locked.at).exists()
        if newer or (locked.bank.fitted_at and locked.bank.fitted_at > locked.at):
            raise DomainError(
                ErrorCode.CONFLICT, "The bank was fitted again since: this model is out of date."
            )
        locked.overridden_by = by if getattr(by, "pk", None) else None  # type: ignore[assignment]
        locked.overridden_at = timezone.now()
        locked.override_reason = reason.strip()
        locked.save(update_fields=["overridden_by", "overridden_at", "override_reason"])
        ItemBank.objects.filter(pk=locked.bank_id).update(
            model=locked.model, fitted_at=timezone.now()
        )
        audit.record(
            by,
            "bias.override",
            locked,
            organisation=locked.bank.organisation,
            summary=f"{locked.model}: {', '.join(locked.results.get('flagged', []))}"[:300],
        )
    return locked
