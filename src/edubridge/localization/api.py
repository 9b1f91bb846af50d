"""Localisation API: projects, their units, and saving a translation against a revision.

A save made from an older revision answers 409 with the unit as it now is, so a client
can show both texts and let its user choose, as the web editor does.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from edubridge.core.api_auth import AuthedRequest
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.policy import Action, can
from edubridge.localization import services
from edubridge.localization.models import Project, Unit
from edubridge.problems import problem

router = Router(tags=["localisation"])


class ProjectOut(Schema):
    identifier: str
    resource: str
    version: int
    source_organisation: str
    organisation: str
    source_language: str
    target_language: str
    stage: str
    units: int
    translated: int


class UnitOut(Schema):
    id: int
    key: str
    source: str
    markup: bool
    context: str
    max_length: int | None
    target: str
    state: str
    revision: int
    failing: list[str]


class UnitsIn(Schema):
    untranslated: bool = False
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=2**31 - 1)


class SaveIn(Schema):
    target: str = Field(..., max_length=100_000)
    revision: int = Field(..., ge=0, description="the revision the translation was made from")


def _project(request: AuthedRequest, identifier: str) -> Project:
    found = get_object_or_404(services.visible(request.auth), identifier=identifier)
    if not can(request.auth, Action.L10N_VIEW, found):
        raise DomainError(ErrorCode.NOT_FOUND, "No such project.")
    return found


@router.get("/l10n/projects", response=list[ProjectOut])
def list_projects(request: AuthedRequest) -> list[dict[str, Any]]:
    """The localisation projects of the caller's organisations, on either side."""
    return [services.summary(p) for p in services.visible(request.auth)[:500]]


@router.get("/l10n/projects/{identifier}", response=ProjectOut)
def get_project(request: AuthedRequest, identifier: str) -> dict[str, Any]:
    return services.summary(_project(request, identifier))


@router.get("/l10n/projects/{identifier}/units", response=list[UnitOut])
def list_units(request: AuthedRequest, identifier: str, params: Query[UnitsIn]) -> Any:
    units = _project(request, identifier).units.all()
    if params.untranslated:
        units = units.filter(target="")
    return units[params.offset : params.offset + params.limit]


@router.put("/l10n/projects/{identifier}/units/{unit_id}", response={200: UnitOut})
def save_unit(
    request: AuthedRequest, identifier: str, unit_id: int, payload: SaveIn
) -> Unit | HttpResponse:
    """Save a translation; 409 with the current unit if someone saved since ``revision``."""
    unit = get_object_or_404(Unit, pk=unit_id, project=_project(request, identifier))
    try:
        return services.save_unit(request.auth, unit, payload.target, payload.revision)
    except services.EditConflict as conflict:
        current = UnitOut.from_orm(conflict.current).dict()
        return problem(request, 409, conflict.message, code=conflict.code, current=current)
