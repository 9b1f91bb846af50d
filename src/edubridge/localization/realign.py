"""Carrying a version's alignments over to the target country's framework.

Only what two partners agreed counts: accepted links of published crosswalks, read in
either direction (recognition is mutual). An item with an exact counterpart is mapped;
one with only related counterparts, or none, waits for the curriculum specialist, who
picks a target item or records a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from edubridge.standards.models import (
    CrosswalkLink,
    CrosswalkStatus,
    Framework,
    Item,
    LinkStatus,
    Relation,
)


@dataclass(frozen=True)
class Candidate:
    item: Item
    relation: str
    link: CrosswalkLink | None


def candidates(item: Item, target: Framework) -> list[Candidate]:
    """Target-framework counterparts of ``item`` agreed in published crosswalks, exact first."""
    if item.framework_id == target.pk:
        return [Candidate(item, Relation.EXACT, None)]
    links = (
        CrosswalkLink.objects.filter(
            crosswalk__status=CrosswalkStatus.PUBLISHED, status=LinkStatus.ACCEPTED
        )
        .filter(
            Q(source_item=item, target_item__framework=target)
            | Q(target_item=item, source_item__framework=target)
        )
        .select_related("source_item", "target_item", "crosswalk")
        .order_by("rank", "pk")
    )
    found = [
        Candidate(
            link.target_item if link.source_item_id == item.pk else link.source_item,
            link.relation,
            link,
        )
        for link in links
    ]
    return sorted(found, key=lambda c: c.relation != Relation.EXACT)


def best(item: Item, target: Framework | None) -> Candidate | None:
    """The counterpart to map without asking anyone: an exact one, if any."""
    if target is None:
        return None
    found = candidates(item, target)
    return found[0] if found and found[0].relation == Relation.EXACT else None
