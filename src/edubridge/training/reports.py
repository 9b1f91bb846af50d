"""Counts a programme officer reads first: enrolled, attended, evidenced, completed and
credentialed, by programme, cohort, centre or country, with the cascade's reach; as a
table, CSV or XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from edubridge.core.countries import country_name
from edubridge.training import cascade
from edubridge.training.models import Enrolment, EnrolmentStatus, Programme

SCOPES = {
    "programme": ("cohort__programme_id", "cohort__programme__title"),
    "cohort": ("cohort_id", "cohort__title"),
    "centre": ("cohort__centre_id", "cohort__centre__name"),
    "country": ("cohort__country_id", "cohort__country_id"),
}
COUNTS = ("enrolled", "attended", "evidenced", "completed", "credentialed")


@dataclass
class Row:
    key: Any
    name: str
    enrolled: int
    attended: int
    evidenced: int
    completed: int
    credentialed: int
    generations: int | None = None
    reached: int | None = None


def rows(scope: str, programmes: Any = None, trees: dict[int, Any] | None = None) -> list[Row]:
    """Counts by ``scope``; ``trees`` (cascades by programme id) spares building them again
    when one page shows several scopes."""
    key, label = SCOPES[scope]
    enrolments = Enrolment.objects.exclude(status=EnrolmentStatus.WITHDRAWN)
    if programmes is not None:
        enrolments = enrolments.filter(cohort__programme__in=programmes)
    grouped = (
        enrolments.values(key, label)
        .annotate(
            enrolled=Count("id", distinct=True),
            attended=Count("id", filter=Q(attendance__present=True), distinct=True),
            evidenced=Count("id", filter=Q(evidence__isnull=False), distinct=True),
            completed=Count("id", filter=Q(status=EnrolmentStatus.COMPLETED), distinct=True),
            credentialed=Count(
                "credential", filter=Q(credential__revoked_at__isnull=True), distinct=True
            ),
        )
        .order_by(label)
    )
    result = [
        Row(
            key=g[key],
            name=(country_name(g[label]) if scope == "country" else g[label]) or _("(none)"),
            **{name: g[name] for name in COUNTS},
        )
        for g in grouped
    ]
    if scope in ("programme", "country"):
        _add_reach(scope, result, programmes, {} if trees is None else trees)
    return result


def _add_reach(scope: str, result: list[Row], programmes: Any, trees: dict[int, Any]) -> None:
    """Cascade generations and teachers reached: per programme, or per country across
    programmes (the deepest generation its cohorts reach, each teacher counted once)."""
    chosen = Programme.objects.all() if programmes is None else programmes
    by_key = {row.key: row for row in result}
    reached: dict[Any, set[int]] = {}
    for programme in chosen:
        if programme.pk not in trees:
            trees[programme.pk] = cascade.build(programme)
        tree = trees[programme.pk]
        if scope == "programme" and programme.pk in by_key:
            by_key[programme.pk].generations = len(tree.generations)
            by_key[programme.pk].reached = tree.reached
        if scope == "country":
            for code, generations in tree.by_country.items():
                row = by_key.get(code)
                if row is not None and generations:
                    row.generations = max(row.generations or 0, generations[-1].number)
                    people = reached.setdefault(code, set())
                    people |= set().union(*(g.participants for g in generations))
                    row.reached = len(people)


def header(scope: str) -> list[str]:
    return [
        scope,
        _("enrolled"),
        _("attended"),
        _("evidenced"),
        _("completed"),
        _("credentialed"),
        _("cascade generations"),
        _("teachers reached"),
    ]


def _values(row: Row) -> list[Any]:
    return [
        row.name,
        row.enrolled,
        row.attended,
        row.evidenced,
        row.completed,
        row.credentialed,
        row.generations if row.generations is not None else "",
        row.reached if row.reached is not None else "",
    ]


def _safe(cell: Any) -> Any:
    # A name beginning with = + - @ would run as a formula in a spreadsheet.
    return (
        "'" + cell
        if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r")
        else cell
    )


def as_csv(scope: str, table: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header(scope))
    for row in table:
        writer.writerow([_safe(v) for v in _values(row)])
    return out.getvalue()


def as_xlsx(scope: str, table: list[Row]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(scope)
    sheet.append(header(scope))
    for row in table:
        sheet.append([_safe(v) for v in _values(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
