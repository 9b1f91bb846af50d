"""The model registry, and the model interface (docs/specs/model-interface.md) served for
each model fitted here, under /api/v1/models/{id}/."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from edubridge.catalog.models import canonical_uuid
from edubridge.core.api_auth import AuthedRequest, anyone
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.governance.models import BiasAudit
from edubridge.kt import serving
from edubridge.kt.bkt import BKT, from_dict
from edubridge.learning import services
from edubridge.learning.models import AdaptiveModel, ModelKind

router = Router(tags=["models"])
SKILL = Field(..., min_length=1, max_length=200)


class AnswerIn(Schema):
    skill: str = SKILL
    item: str = Field("", max_length=200)
    correct: int = Field(..., ge=0, le=1, description="1 right, 0 wrong")
    timestamp: float = Field(0.0, allow_inf_nan=False)


class LearnerIn(Schema):
    history: list[AnswerIn] = Field([], max_length=100_000)


class ItemIn(Schema):
    item: str = Field(..., min_length=1, max_length=200)
    skills: list[str] = Field(..., min_length=1, max_length=20)


class PredictIn(Schema):
    learner: LearnerIn
    items: list[ItemIn] = Field(..., max_length=1000)


class ObserveIn(Schema):
    learner: LearnerIn
    responses: list[AnswerIn] = Field(..., max_length=10_000)


class ObjectiveIn(Schema):
    target: float = Field(serving.TARGET, gt=0, lt=1)
    mastered: float = Field(serving.MASTERED, gt=0, le=1)


class RecommendIn(Schema):
    learner: LearnerIn
    candidates: list[ItemIn] = Field(..., min_length=1, max_length=1000)
    objective: ObjectiveIn | None = None
    prerequisites: dict[str, list[str]] = {}


class RegisterIn(Schema):
    organisation: str
    name: str
    url: str = Field(..., max_length=500)


def public() -> QuerySet[AdaptiveModel]:
    """Models anyone may use: not those a bias audit holds back until an auditor overrides."""
    held = BiasAudit.objects.filter(flagged=True, overridden_at__isnull=True)
    return AdaptiveModel.objects.exclude(pk__in=held.values("model_id"))


def _served(identifier: str) -> tuple[AdaptiveModel, BKT]:
    model = get_object_or_404(public(), identifier=canonical_uuid(identifier))
    if model.kind != ModelKind.BKT:
        raise DomainError(ErrorCode.NOT_FOUND, f"This model is served at {model.url}.")
    return model, from_dict(model.parameters)


def _known(fitted: BKT, skills: list[str], where: str) -> None:
    known = set(fitted.skills_.tolist())
    for n, skill in enumerate(skills):
        if skill not in known:
            raise DomainError(
                ErrorCode.INVALID, f"{where}[{n}]: unknown skill {skill!r}", field=where
            )


def _state(fitted: BKT, history: list[AnswerIn], where: str) -> dict[str, float]:
    _known(fitted, [a.skill for a in history], where)
    answers = [serving.Answer(a.skill, a.correct, a.item, a.timestamp) for a in history]
    return serving.mastery(fitted, answers)


def _check_items(fitted: BKT, items: list[ItemIn], where: str) -> None:
    for n, item in enumerate(items):
        _known(fitted, item.skills, f"{where}[{n}].skills")


@router.get("/models", response=list[dict[str, Any]], auth=anyone)
def list_models(request: HttpRequest) -> list[dict[str, Any]]:
    """Models partners offer: served here, or registered at their URL after passing the kit."""
    base = request.build_absolute_uri("/api/v1/models/")
    return [
        {
            "identifier": str(m.identifier),
            "name": m.name,
            "organisation": m.organisation.slug,
            "kind": m.kind,
            "url": m.url or f"{base}{m.identifier}",
        }
        for m in public().select_related("organisation")[:500]
    ]


@router.post("/models", response={201: dict[str, Any], 422: dict[str, Any]})
def register_model(request: AuthedRequest, payload: RegisterIn) -> Status[dict[str, Any]]:
    """Register an external model by URL: it must pass every check of the conformance kit."""
    organisation = get_object_or_404(Organisation, slug=payload.organisation)
    model, report = services.register_external(
        request.auth, organisation, payload.name, payload.url
    )
    if model is None:
        return Status(422, {"detail": "The model failed the conformance kit.", **report.to_json()})
    return Status(201, {"identifier": str(model.identifier), **report.to_json()})


@router.get("/models/{identifier}/health", response=dict[str, Any], auth=anyone)
def health(request: HttpRequest, identifier: str) -> dict[str, Any]:
    model, _ = _served(identifier)
    return {"status": "ok", "model": str(model.identifier), "version": model.card.get("version")}


@router.get("/models/{identifier}/model-card", response=dict[str, Any], auth=anyone)
def model_card(request: HttpRequest, identifier: str) -> dict[str, Any]:
    model, _ = _served(identifier)
    return dict(model.card)


@router.post("/models/{identifier}/predict", response=dict[str, Any], auth=anyone)
def predict(request: HttpRequest, identifier: str, payload: PredictIn) -> dict[str, Any]:
    """Success probabilities of items for a learner, from their answers so far."""
    _, fitted = _served(identifier)
    state = _state(fitted, payload.learner.history, "learner.history.skill")
    _check_items(fitted, payload.items, "items")
    items = [{"item": i.item, "skills": i.skills} for i in payload.items]
    chances = serving.predict(fitted, state, items)
    return {
        "predictions": [
            {"item": i["item"], "probability": p} for i, p in zip(items, chances, strict=True)
        ],
        "mastery": state,
    }


@router.post("/models/{identifier}/observe", response=dict[str, Any], auth=anyone)
def observe(request: HttpRequest, identifier: str, payload: ObserveIn) -> dict[str, Any]:
    """Mastery of every skill after the learner's answers so far and the new ones."""
    _, fitted = _served(identifier)
    history = [*payload.learner.history, *payload.responses]
    return {"mastery": _state(fitted, history, "responses.skill")}


@router.post("/models/{identifier}/recommend", response=dict[str, Any], auth=anyone)
def recommend(request: HttpRequest, identifier: str, payload: RecommendIn) -> dict[str, Any]:
    """Candidates ranked for the learner, each with the reason for its place."""
    _, fitted = _served(identifier)
    state = _state(fitted, payload.learner.history, "learner.history.skill")
    _check_items(fitted, payload.candidates, "candidates")
    for skill, needed in payload.prerequisites.items():
        _known(fitted, [skill, *needed], "prerequisites")
    ranked = serving.recommend(
        fitted,
        state,
        [{"item": c.item, "skills": c.skills} for c in payload.candidates],
        prerequisites=payload.prerequisites,
        target=payload.objective.target if payload.objective else serving.TARGET,
        mastered=payload.objective.mastered if payload.objective else serving.MASTERED,
    )
    return {"recommendations": ranked}
