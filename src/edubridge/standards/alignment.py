"""Framework items as the align library sees them, from a CASE package or from the database."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from edubridge.align import Node
from edubridge.standards.case import Package
from edubridge.standards.models import Framework, Item


def _paths(parents: dict[str, str], statements: dict[str, str], ident: str) -> tuple[str, ...]:
    path: list[str] = []
    seen = {ident}
    node = parents.get(ident)
    while node and node in statements and node not in seen:
        path.append(statements[node])
        seen.add(node)
        node = parents.get(node)
    return tuple(reversed(path))


def nodes_from_package(package: Package) -> list[Node]:
    statements = {i["identifier"]: i["fullStatement"] for i in package.items}
    parents = {
        a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
        for a in package.associations
        if a["associationType"] == "isChildOf"
    }
    language = package.document.get("language", "")
    return [
        Node(
            identifier=i["identifier"],
            statement=i["fullStatement"],
            code=i.get("humanCodingScheme", ""),
            levels=tuple(i.get("educationLevel") or ()),
            path=_paths(parents, statements, i["identifier"]),
            language=i.get("language") or language,
        )
        for i in package.items
    ]


def nodes_from_framework(framework: Framework, items: Iterable[Item] | None = None) -> list[Node]:
    every = list(framework.items.filter(retired=False))
    statements = {i.pk: i.full_statement for i in every}
    parents = {i.pk: i.parent_id for i in every if i.parent_id}
    chosen = every if items is None else list(items)
    return [
        Node(
            identifier=i.identifier,
            statement=i.full_statement,
            code=i.human_coding_scheme,
            levels=tuple(i.education_levels),
            path=_paths(parents, statements, i.pk),  # type: ignore[arg-type]
            language=i.language or framework.language,
        )
        for i in chosen
    ]


class GoldError(ValueError):
    pass


def read_gold(text: str) -> dict[str, set[str]]:
    """A gold CSV: a header ``source_identifier,target_identifier``, then one pair a line."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None or [h.strip() for h in header[:2]] != [
        "source_identifier",
        "target_identifier",
    ]:
        raise GoldError("line 1: the header must be source_identifier,target_identifier")
    gold: dict[str, set[str]] = {}
    for number, row in enumerate(rows, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise GoldError(f"line {number}: give a source and a target identifier")
        gold.setdefault(row[0].strip().lower(), set()).add(row[1].strip().lower())
    if not gold:
        raise GoldError("the gold file has no pairs")
    return gold
