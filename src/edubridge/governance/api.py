"""The data map (every stored field with its classification, public by design), the
jurisdiction packs, and the transfer gate."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from edubridge.core.api_auth import AuthedRequest, anyone
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.core.pagination import Pagination
from edubridge.governance import packs, services
from edubridge.governance.models import Jurisdiction
from edubridge.governance.registry import Category, Level, datasets, inventory

router = Router(tags=["data map"])


class FieldOut(Schema):
    model: str
    field: str
    level: Level | None
    categories: list[Category]
    purpose: str
    retention: str


@router.get("/data-map", response=list[FieldOut], auth=anyone)
@paginate(Pagination)
def data_map(
    request: HttpRequest, level: Level | None = None, model: str = ""
) -> list[dict[str, object]]:
    """Filter by `level` or by `model` ("core.Membership")."""
    rows = [r.as_dict() for r in inventory()]
    if level:
        rows = [r for r in rows if r["level"] == level.value]
    if model:
        rows = [r for r in rows if str(r["model"]).lower() == model.lower()]
    return rows


class CodesIn(Schema):
    code: list[str] = []


class RuleOut(Schema):
    key: str
    label: str
    value: Any
    citation: str
    note: str


class JurisdictionOut(Schema):
    code: str
    title: str
    version: int
    authority: str
    countries: list[str]
    laws: list[dict[str, str]]
    rules: list[RuleOut]


@router.get("/jurisdictions", response=list[JurisdictionOut], auth=anyone, tags=["governance"])
def jurisdictions(request: HttpRequest, params: Query[CodesIn]) -> list[dict[str, Any]]:
    """Every jurisdiction pack, or those named by `code` (repeat it: `?code=CN&code=KE`)."""
    packs.ensure_loaded()
    found = Jurisdiction.objects.prefetch_related("rules")
    if params.code:
        found = found.filter(code__in=params.code)
    return [
        {
            "code": j.code,
            "title": j.title,
            "version": j.version,
            "authority": j.authority,
            "countries": j.countries,
            "laws": j.laws,
            "rules": [
                {
                    "key": r.key,
                    "label": packs.RULES[r.key].label,
                    "value": r.value,
                    "citation": r.citation,
                    "note": r.note,
                }
                for r in j.rules.all()
                if r.key in packs.RULES
            ],
        }
        for j in found
    ]


class TransferIn(Schema):
    source: str = Field(..., alias="from", description="slug of the organisation sending")
    destination: str = Field(..., alias="to", description="slug of the organisation receiving")
    dataset: str = Field(..., description="kind of data: " + ", ".join(datasets()))


class DecisionOut(Schema):
    outcome: str = Field(..., description="allow, conditions (allowed with conditions) or deny")
    dataset: str
    level: str
    conditions: list[str]
    reasons: list[str]
    remedies: list[str] = Field(..., description="what would allow what was held back")
    agreement: int | None
    packs: dict[str, int]


@router.post("/transfers/check", response=DecisionOut, tags=["governance"])
def transfer_check(request: AuthedRequest, body: TransferIn) -> dict[str, object]:
    """Ask the transfer gate, as an administrator or auditor of either side; the decision is
    logged."""
    found = {
        o.slug: o for o in Organisation.objects.filter(slug__in=[body.source, body.destination])
    }
    for name, slug in (("from", body.source), ("to", body.destination)):
        if slug not in found:
            raise DomainError(ErrorCode.INVALID, f"{name}: no organisation {slug!r}", field=name)
    decision = services.check(
        request.auth, found[body.source], found[body.destination], body.dataset
    )
    return decision.as_dict()
