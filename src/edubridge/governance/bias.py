"""Bias audits of the models fitted here: learners' group attributes, kept apart and read by
auditors alone; every fit's metrics by group (governance.fairness); and an auditor's
recorded override, without which a flagged model does not serve its bank."""

from __future__ import annotations

from collections.abc import Sequence
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


def _known(learners: np.ndarray) -> dict[str, dict[str, str]]:
    """attribute -> pseudonym -> group, for the learners with groups among ``learners``."""
    rows = GroupAttribute.objects.filter(
        learner__pseudonym__in=[str(label) for label in learners]
    ).values_list("learner__pseudonym", "attribute", "value")
    known: dict[str, dict[str, str]] = {}
    for pseudonym, attribute, value in rows:
        known.setdefault(attribute, {})[pseudonym] = value
    return dict(sorted(known.items()))


def _labels(by_learner: dict[str, str], learners: np.ndarray) -> np.ndarray:
    return np.array([by_learner.get(str(label), "") for label in learners], dtype=object)


def strata(responses: Responses) -> np.ndarray | None:
    """Each learner's groups, all attributes together, to test the same share of every
    group in each fold when a model is scored (``Responses.folds_by_learner``); None
    without groups."""
    known = _known(responses.learners)
    if not known:
        return None
    labels = [_labels(by_learner, responses.learners) for by_learner in known.values()]
    return np.array(["\x1f".join(groups) for groups in zip(*labels, strict=True)])


def _mastery(bank: ItemBank, model: BKT, test: Responses) -> tuple[np.ndarray, np.ndarray]:
    """Whether the model, having followed the test learners' answers, calls each of their
    skills mastered; and the learner of each (learner, skill) pair."""
    model.partial_fit(test)
    pairs = sorted({(int(a), int(b)) for a, b in zip(test.learner, test.skill, strict=True)})
    flags = [
        model.mastery(str(test.learners[a]), str(test.skills[b])) >= bank.mastered for a, b in pairs
    ]
    return np.array(flags, dtype=float), test.learners[[a for a, _ in pairs]]


def measure(bank: ItemBank, scored: Sequence[tuple[Any, Responses]]) -> dict[str, Any] | None:
    """Models by group, each pair a model and the answers of learners it was fitted
    without (the folds of a cross-validation), pooled; None when no learner has a group."""
    known = _known(np.unique(np.concatenate([test.learners for _, test in scored])))
    if not known:
        return None
    correct, predicted, flags = [], [], []
    groups: dict[str, list[np.ndarray]] = {attribute: [] for attribute in known}
    owners: dict[str, list[np.ndarray]] = {attribute: [] for attribute in known}
    for model, test in scored:
        predicted.append(model.predict_proba(test))
        correct.append(test.at_input_rows(test.correct))
        learner_of_row = test.at_input_rows(test.learner)
        for attribute, by_learner in known.items():
            groups[attribute].append(_labels(by_learner, test.learners)[learner_of_row])
        if isinstance(model, BKT):
            mastered_now, whose = _mastery(bank, model, test)
            flags.append(mastered_now)
            for attribute, by_learner in known.items():
                owners[attribute].append(_labels(by_learner, whose))
    mastered = None
    if flags:
        mastered = {
            attribute: (np.concatenate(flags), np.concatenate(owners[attribute]))
            for attribute in known
        }
    return fairness.audit(
        np.concatenate(correct),
        np.concatenate(predicted),
        {attribute: np.concatenate(labels) for attribute, labels in groups.items()},
        mastered,
        settings.BIAS_THRESHOLD,
    )


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
