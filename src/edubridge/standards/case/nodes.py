"""CASE items as the align library sees them: statement, code, levels and ancestors."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from edubridge.align import Node
from edubridge.standards.case.reader import Package

K = TypeVar("K", bound=Hashable)


def ancestors(parents: Mapping[K, K], statements: Mapping[K, str], key: K) -> tuple[str, ...]:
    """Statements of the ancestors of ``key``, root first (cycle-safe)."""
    path: list[str] = []
    seen = {key}
    node: K | None = parents.get(key)
    while node is not None and node in statements and node not in seen:
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
            path=ancestors(parents, statements, i["identifier"]),
            language=i.get("language") or language,
        )
        for i in package.items
    ]
