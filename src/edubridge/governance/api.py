"""The data map: every stored field with its classification, public by design."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from edubridge.core.api_auth import anyone
from edubridge.core.pagination import Pagination
from edubridge.governance.registry import Category, Level, inventory

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
