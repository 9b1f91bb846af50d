"""Jurisdictions side by side, for a meeting of partners: each rule's value in words, its
citation, and whether the jurisdictions differ on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edubridge.governance.models import Jurisdiction
from edubridge.governance.packs import RULES


@dataclass(frozen=True)
class Cell:
    value: str
    citation: str
    note: str


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[Cell]
    differs: bool


def words(key: str, value: Any) -> str:
    """A rule's value as a reader sees it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "transfer_any":
        return " | ".join(a.replace("+", " + ").replace("_", " ") for a in value) or "—"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value) or "—"
    if key == "breach_authority_hours" and isinstance(value, int):
        return f"{value} h"
    return str(value).replace("_", " ")


def compare(jurisdictions: list[Jurisdiction]) -> list[Row]:
    rules = {j.pk: {r.key: r for r in j.rules.all()} for j in jurisdictions}
    rows = []
    for key, spec in RULES.items():
        found = [rules[j.pk].get(key) for j in jurisdictions]
        cells = [
            Cell(words(key, r.value), r.citation, r.note) if r else Cell("—", "", "") for r in found
        ]
        values = {_canonical(r.value) if r else None for r in found}
        rows.append(Row(key, spec.label, cells, len(values) > 1))
    return rows


def _canonical(value: Any) -> Any:
    return tuple(sorted(value)) if isinstance(value, list) else value
