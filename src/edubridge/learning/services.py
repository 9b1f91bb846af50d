"""Adaptive models: serve a fitted model here, or register one served elsewhere once it
passes the conformance kit. Every registration is checked by the policy and audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.fetch import check_url
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, is_operator, require
from edubridge.kt.bkt import BKT, to_dict
from edubridge.learning import conformance
from edubridge.learning.models import AdaptiveModel, ModelKind


def _name(value: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise DomainError(ErrorCode.INVALID, "name: give 1 to 200 characters", field="name")
    return value.strip()


def serve(
    by: Actor, organisation: Organisation, name: str, fitted: BKT, *, card: dict[str, Any]
) -> AdaptiveModel:
    """Serve a fitted BKT under /api/v1/models/{id}/, with its model card."""
    require(by, Action.MODEL_MANAGE, organisation)
    parameters = to_dict(fitted)
    full_card = {
        "name": _name(name),
        "version": "1",
        "interface_version": conformance.INTERFACE_VERSION,
        "intended_use": "",
        "languages": [],
        "training_data": {"jurisdictions": []},
        "metrics": {"overall": {}},
        "limitations": [],
        **card,
        "skills": parameters["skills"],
    }
    with transaction.atomic():
        model = AdaptiveModel.objects.create(
            identifier=uuid.uuid4(),
            organisation=organisation,
            name=full_card["name"],
            kind=ModelKind.BKT,
            parameters=parameters,
            card=full_card,
        )
        audit.record(by, "model.serve", model, organisation=organisation, summary=model.name)
    return model


def register_external(
    by: Actor, organisation: Organisation, name: str, url: str, *, timeout: float = 10.0
) -> tuple[AdaptiveModel | None, conformance.Report]:
    """Run the kit against ``url``; the model is registered only if every check passes.

    Members may only point at public addresses (the kit makes this node call the URL);
    operators may register models on their own network.
    """
    require(by, Action.MODEL_MANAGE, organisation)
    clean = _name(name)
    try:
        check_url(url, public_only=not is_operator(by))
    except DomainError as error:
        raise DomainError(ErrorCode.INVALID, error.message, field="url") from error
    report = conformance.run(url, timeout=timeout)
    if not report.passed:
        return None, report
    with transaction.atomic():
        model = AdaptiveModel.objects.create(
            identifier=uuid.uuid4(),
            organisation=organisation,
            name=clean,
            kind=ModelKind.EXTERNAL,
            url=url,
            conformance=report.to_json(),
        )
        audit.record(by, "model.register", model, organisation=organisation, summary=url[:300])
    return model, report
