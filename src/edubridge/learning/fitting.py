"""Fitting knowledge-tracing models on a bank's stored answers.

Every kind is scored by five-fold cross-validation over learners (each learner's answers
predicted by a model fitted without them), then fitted on all of them. A
BKT fitted on ``MIN_LEARNERS`` learners or more then serves the bank (practice pages and
``/api/v1/models/{id}/``); the other kinds are reported for comparison. BKT fits skill by
skill, so the skills can be spread over a Dask cluster (``scheduler``, ``tcp://host:port``):
the result is the same as here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.policy import Action, Actor, require
from edubridge.governance import bias, fairness
from edubridge.kt import BKT, IRT, Elo, Logistic, Responses, by_skill, cross_evaluate
from edubridge.kt.bkt import from_dict, to_dict
from edubridge.learning import services
from edubridge.learning.models import AdaptiveModel, Answer, ItemBank
from edubridge.learning.practice import engine

KINDS: dict[str, Callable[[int], Any]] = {
    "bkt": lambda seed: BKT(random_state=seed),
    "irt": lambda seed: IRT(random_state=seed),
    "elo": lambda seed: Elo(random_state=seed),
    "logistic": lambda seed: Logistic(random_state=seed),
}
Progress = Callable[[int, int], None]  # (parts done, parts in all)
# Fewer learners than this and a fit is reported, not served: the defaults are safer.
MIN_LEARNERS = 20
FOLDS = 5


@dataclass
class FitReport:
    kind: str
    answers: int
    learners: int
    skills: list[str]
    held_out: dict[str, Any]
    seconds: float
    model: AdaptiveModel | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    # Metrics by learner group (governance.fairness), when the learners have groups.
    by_group: dict[str, Any] | None = None
    # A flagged model is kept beside the bank's, serving only once an auditor overrides.
    held_back: bool = False


def responses_of(bank: ItemBank, skills: Sequence[str] | None = None) -> Responses:
    """The bank's answers as a Responses table; ``skills`` (identifiers or codes) keeps
    those skills only."""
    served = engine(bank)
    wanted = None
    if skills:
        by_code = {s.human_coding_scheme: i for i, s in served.skills.items()}
        wanted = set()
        for name in skills:
            if name not in served.skills and name not in by_code:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"skills: {name!r} is not a skill of this bank",
                    field="skills",
                )
            wanted.add(by_code.get(name, name))
    learner, skill, item, correct, stamp = [], [], [], [], []
    rows = Answer.objects.filter(bank=bank).values_list(
        "learner__pseudonym", "item_id", "correct", "answered_at"
    )
    for pseudonym, item_id, right, answered_at in rows.iterator(chunk_size=5000):
        identifier, item_skills = served.items[item_id]
        kept = [s for s in item_skills if wanted is None or s in wanted]
        if not kept:
            continue
        learner.append(pseudonym)
        skill.append("~".join(kept))
        item.append(identifier)
        correct.append(int(right))
        stamp.append(answered_at.timestamp())
    return Responses.from_columns(
        learner=learner, skill=skill, item=item, correct=correct, timestamp=stamp
    )


def _steps(progress: Progress | None, fits: int) -> list[Progress | None]:
    """One bar over several fits: each fit's (done, total) moves its share of the bar."""
    if progress is None:
        return [None] * fits
    bar = progress

    def step(k: int) -> Progress:
        return lambda done, total: bar(k * total + done, fits * total)

    return [step(k) for k in range(fits)]


def _local(progress: Progress | None) -> by_skill.Mapper:
    def run(function: Callable[[Any], BKT], parts: Sequence[Responses]) -> Iterable[BKT]:
        for n, part in enumerate(parts, 1):
            yield function(part)
            if progress:
                progress(n, len(parts))

    return run


def _dask(address: str, progress: Progress | None) -> by_skill.Mapper:
    from distributed import Client  # only a node that fits on a cluster needs it loaded

    def run(function: Callable[[Any], BKT], parts: Sequence[Responses]) -> Iterable[BKT]:
        with Client(address, timeout="10s") as client:
            futures = client.map(function, parts, pure=False)
            for n, future in enumerate(futures, 1):
                yield future.result()
                if progress:
                    progress(n, len(parts))

    return run


def fit_bank(
    by: Actor,
    bank: ItemBank,
    kind: str = "bkt",
    *,
    skills: Sequence[str] | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    random_state: int = 0,
) -> FitReport:
    """Fit ``kind`` on the bank's answers; a BKT then serves the bank."""
    require(by, Action.MODEL_MANAGE, bank)
    if kind not in KINDS:
        raise DomainError(
            ErrorCode.INVALID, f"model: choose one of {', '.join(KINDS)}", field="model"
        )
    if scheduler and kind != "bkt":
        raise DomainError(
            ErrorCode.INVALID,
            f"scheduler: {kind} fits all skills at once; only bkt spreads out",
            field="scheduler",
        )
    started = time.perf_counter()
    data = responses_of(bank, skills)
    if not len(data):
        raise DomainError(ErrorCode.INVALID, "The bank has no answers to fit on yet.")
    folds = []
    if len(data.learners) >= 2:
        folds = data.folds_by_learner(
            min(FOLDS, len(data.learners)), random_state, stratify=bias.strata(data)
        )
    steps = _steps(progress, len(folds) + 1)

    def fit(train: Responses, step: Progress | None) -> Any:
        if kind == "bkt":
            mapper = _dask(scheduler, step) if scheduler else _local(step)
            return by_skill.fit(KINDS[kind](random_state), train, mapper=mapper)
        fitted = KINDS[kind](random_state).fit(train)
        if step:
            step(1, 1)
        return fitted

    held_out: dict[str, Any] = {}
    by_group = None
    if folds:
        scored = [
            (fit(train, step), test) for (train, test), step in zip(folds, steps, strict=False)
        ]
        held_out = {**cross_evaluate(scored), "folds": len(folds)}
        by_group = bias.measure(bank, scored)
    fitted = fit(data, steps[-1])
    report = FitReport(
        kind=kind,
        answers=data.size,
        learners=len(data.learners),
        skills=[str(s) for s in data.skills],
        held_out=held_out,
        seconds=time.perf_counter() - started,
        by_group=by_group,
    )
    if kind == "bkt":
        previous = bank.model.parameters if bank.model and bank.model.kind == "bkt" else None
        report.parameters = merged(previous, to_dict(fitted))
        if report.learners >= MIN_LEARNERS:
            report.model = _serve(by, bank, report)
    return report


def merged(previous: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """New parameters for the skills just fitted, the previous ones for the others: a fit
    of some skills (``--skills``) leaves the rest of the model as it was."""
    if not previous or len(previous["guess"][0]) != 1 or len(new["guess"][0]) != 1:
        return new
    fitted = set(new["skills"])
    rows = sorted(
        [(skill, new, k) for k, skill in enumerate(new["skills"])]
        + [
            (skill, previous, k)
            for k, skill in enumerate(previous["skills"])
            if skill not in fitted
        ],
        key=lambda row: row[0],
    )
    out = {**new, "skills": [skill for skill, _, _ in rows]}
    for name in ("prior", "learn", "forget", "guess", "slip"):
        out[name] = [source[name][k] for _, source, k in rows]
    return out


def _serve(by: Actor, bank: ItemBank, report: FitReport) -> AdaptiveModel:
    """The bank's model gets the new parameters, or is made on the first fit. A fit its bias
    audit flags is made a model of its own that waits for an auditor's override."""
    metrics: dict[str, Any] = {
        "overall": {k: report.held_out.get(k) for k in ("n", "auc", "rmse", "log_loss")}
    }
    if report.by_group is not None:
        # The public card shows groups large enough to judge, never by gender: the audit
        # itself, with every group, is the auditors' (governance.BiasAudit).
        metrics["by_group"] = {
            name: {
                group: m
                for group, m in found["by_group"].items()
                if (m.get("n") or 0) >= fairness.MIN_ANSWERS
            }
            for name, found in report.by_group["attributes"].items()
            if name != "gender"
        }
        metrics["disparity"] = {
            "threshold": report.by_group["threshold"],
            "ratios": {n: f["ratios"] for n, f in report.by_group["attributes"].items()},
            "flagged": report.by_group["flagged"],
        }
    card = {
        "intended_use": f"Practice of the item bank {bank.name!r}: mastery and next items.",
        "training_data": {
            "jurisdictions": [bank.organisation.country_id],
            "answers": report.answers,
            "learners": report.learners,
        },
        "metrics": metrics,
    }
    flagged = bool(report.by_group and report.by_group["flagged"])
    with transaction.atomic():
        model = bank.model
        if flagged:
            card["limitations"] = [
                "Held back by its bias audit: "
                + ", ".join(report.by_group["flagged"] if report.by_group else [])
                + f" below {settings.BIAS_THRESHOLD} of the best group's."
            ]
            held = services.serve(
                by,
                bank.organisation,
                f"BKT: {bank.name} (held back)",
                from_dict(report.parameters),
                card=card,
            )
            bias.record(held, bank, report.by_group or {})
            report.held_back = True
            return held
        if model is None or model.kind != "bkt":
            fitted = from_dict(report.parameters)
            model = services.serve(by, bank.organisation, f"BKT: {bank.name}", fitted, card=card)
        else:
            model.parameters = report.parameters
            model.card = {**model.card, **card, "skills": model.parameters["skills"]}
            model.save(update_fields=["parameters", "card"])
            audit.record(
                by, "model.refit", model, organisation=bank.organisation, summary=model.name
            )
        if report.by_group is not None:
            bias.record(model, bank, report.by_group)
        ItemBank.objects.filter(pk=bank.pk).update(model=model, fitted_at=timezone.now())
        bank.refresh_from_db()
    return model
