"""Stored framework items as the align library sees them."""

from __future__ import annotations

from collections.abc import Iterable

from edubridge.align import Node
from edubridge.standards.case.nodes import ancestors
from edubridge.standards.models import Framework, Item


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
            path=ancestors(parents, statements, i.pk),
            language=i.language or framework.language,
        )
        for i in chosen
    ]
