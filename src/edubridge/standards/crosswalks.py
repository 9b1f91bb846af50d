"""The crosswalk workflow: open, suggest, decide, sign, publish; coverage and CASE export.

Organisation A's curators open a crosswalk from A's framework to B's and review the
suggestions. Each partner then signs exactly the set of accepted links, fingerprinted, so
any later change to that set voids the signatures. When both have signed, the crosswalk is
a published mutual-recognition agreement and no longer changes.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from edubridge.align import Aligner, Decision, Node
from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, can, require
from edubridge.standards import serialise
from edubridge.standards.alignment import nodes_from_framework
from edubridge.standards.case import schema, writer
from edubridge.standards.models import (
    Crosswalk,
    CrosswalkLink,
    CrosswalkStatus,
    Framework,
    Item,
    LinkStatus,
    Relation,
    Signature,
)

# Learn weights from earlier verdicts only once there are enough of both kinds.
MIN_DECISIONS = 20


def open_and_suggest(by: Actor, source: Framework, target: Framework) -> Crosswalk:
    """Open a crosswalk and make its first suggestions, or neither."""
    with transaction.atomic():
        crosswalk = open_crosswalk(by, source, target)
        suggest(by, crosswalk)
    return crosswalk


def _person(by: Actor) -> User | None:
    """The user behind an action; None for the command line."""
    return by if isinstance(by, User) else None


def open_crosswalk(by: Actor, source: Framework, target: Framework) -> Crosswalk:
    if source.organisation is None or target.organisation is None:
        raise DomainError(
            ErrorCode.INVALID,
            "framework: both frameworks need a partner organisation that maintains them",
            field="target",
        )
    if source.organisation_id == target.organisation_id:
        raise DomainError(
            ErrorCode.INVALID, "target: choose another partner's framework", field="target"
        )
    require(by, Action.CROSSWALK_MANAGE, source.organisation)
    crosswalk = Crosswalk(
        identifier=uuid.uuid4(),
        source=source,
        target=target,
        organisation=source.organisation,
        partner=target.organisation,
        created_by=_person(by),
    )
    try:
        with transaction.atomic():
            crosswalk.save()
            audit.record(by, "crosswalk.open", crosswalk, organisation=crosswalk.organisation)
    except IntegrityError as exc:
        raise DomainError(
            ErrorCode.CONFLICT, "target: a crosswalk between these exists", field="target"
        ) from exc
    return crosswalk


def can_decide(by: Actor, crosswalk: Crosswalk) -> bool:
    """Curators, reviewers and administrators of either partner may give verdicts."""
    return can(by, Action.CROSSWALK_SIGN, crosswalk.organisation) or can(
        by, Action.CROSSWALK_SIGN, crosswalk.partner
    )


def _lock_draft(crosswalk: Crosswalk) -> Crosswalk:
    """The crosswalk's row, locked for the transaction; refused once it is published."""
    locked = Crosswalk.objects.select_for_update().get(pk=crosswalk.pk)
    if locked.status == CrosswalkStatus.PUBLISHED:
        raise DomainError(
            ErrorCode.CONFLICT, "This agreement is published and can no longer change."
        )
    return locked


def _require_decider(by: Actor, crosswalk: Crosswalk) -> None:
    if not can_decide(by, crosswalk):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You do not have permission to do this.")


def _learned_aligner(organisation: Organisation) -> Aligner:
    """The aligner, reranked by this organisation's earlier verdicts once there are enough."""
    decided = list(
        CrosswalkLink.objects.exclude(status=LinkStatus.SUGGESTED)
        .filter(crosswalk__organisation=organisation)
        .select_related("source_item", "target_item")
        .order_by("-decided_at")[:5000]
    )
    accepted = sum(link.status == LinkStatus.ACCEPTED for link in decided)
    aligner = Aligner()
    if accepted < MIN_DECISIONS // 2 or len(decided) - accepted < MIN_DECISIONS // 2:
        return aligner
    nodes: dict[str, Node] = {}
    for framework_id in {link.source_item.framework_id for link in decided} | {
        link.target_item.framework_id for link in decided
    }:
        framework = Framework.objects.get(pk=framework_id)
        nodes.update((n.identifier, n) for n in nodes_from_framework(framework))
    decisions = [
        Decision(
            nodes[link.source_item.identifier],
            nodes[link.target_item.identifier],
            link.status == LinkStatus.ACCEPTED,
        )
        for link in decided
        if link.source_item.identifier in nodes and link.target_item.identifier in nodes
    ]
    return aligner.fit(decisions)


def suggest(by: Actor, crosswalk: Crosswalk, k: int = 3) -> int:
    """Replace the undecided suggestions with fresh ones; returns how many were made."""
    require(by, Action.CROSSWALK_MANAGE, crosswalk.organisation)
    sources = list(crosswalk.source.items.filter(retired=False))
    targets = {i.identifier: i for i in crosswalk.target.items.filter(retired=False)}
    ranking = _learned_aligner(crosswalk.organisation).rank(
        nodes_from_framework(crosswalk.source, sources),
        nodes_from_framework(crosswalk.target, list(targets.values())),
        k=k,
    )
    with transaction.atomic():
        _lock_draft(crosswalk)
        decided = set(
            crosswalk.links.exclude(status=LinkStatus.SUGGESTED).values_list(
                "source_item_id", "target_item_id"
            )
        )
        rows = [
            CrosswalkLink(
                crosswalk=crosswalk,
                identifier=uuid.uuid4(),
                source_item=item,
                target_item=targets[candidate.identifier],
                rank=rank,
                score=candidate.score,
                evidence=candidate.evidence,
            )
            for item, candidates in zip(sources, ranking, strict=True)
            for rank, candidate in enumerate(candidates, start=1)
            if (item.pk, targets[candidate.identifier].pk) not in decided
        ]
        crosswalk.links.filter(status=LinkStatus.SUGGESTED).delete()
        CrosswalkLink.objects.bulk_create(rows, batch_size=500)
        audit.record(
            by,
            "crosswalk.suggest",
            crosswalk,
            organisation=crosswalk.organisation,
            changes={"suggestions": [None, len(rows)]},
        )
    return len(rows)


def decide(
    by: Actor,
    link: CrosswalkLink,
    status: LinkStatus,
    *,
    relation: Relation | None = None,
    reason: str = "",
) -> CrosswalkLink:
    crosswalk = link.crosswalk
    _require_decider(by, crosswalk)
    if status not in (LinkStatus.ACCEPTED, LinkStatus.REJECTED):
        raise DomainError(ErrorCode.INVALID, "status: accept or reject", field="status")
    if len(reason) > 500:
        raise DomainError(ErrorCode.INVALID, "reason: at most 500 characters", field="reason")
    with transaction.atomic():
        _lock_draft(crosswalk)
        stored = CrosswalkLink.objects.select_related("source_item", "target_item").get(pk=link.pk)
        before = {"status": stored.status, "relation": stored.relation}
        stored.status = status
        stored.relation = relation or stored.relation
        stored.reason = reason
        stored.decided_by = _person(by)
        stored.decided_at = timezone.now()
        stored.save()
        crosswalk.signatures.all().delete()  # what was signed has changed
        audit.record(
            by,
            "crosswalk.decide",
            stored,
            organisation=crosswalk.organisation,
            changes=audit.diff(before, {"status": stored.status, "relation": stored.relation}),
            summary=f"{stored.source_item} → {stored.target_item}"[:300],
        )
    return stored


def link_items(
    by: Actor,
    crosswalk: Crosswalk,
    source: Item,
    target: Item,
    relation: Relation = Relation.EXACT,
    reason: str = "",
) -> CrosswalkLink:
    """A correspondence the reviewer picked themselves, accepted at once."""
    if source.framework_id != crosswalk.source_id or target.framework_id != crosswalk.target_id:
        raise DomainError(
            ErrorCode.INVALID, "target: pick items of the two frameworks", field="target"
        )
    _require_decider(by, crosswalk)
    with transaction.atomic():
        _lock_draft(crosswalk)
        link, _ = CrosswalkLink.objects.get_or_create(
            crosswalk=crosswalk,
            source_item=source,
            target_item=target,
            defaults={"identifier": uuid.uuid4(), "evidence": {"basis": "picked by a reviewer"}},
        )
        return decide(by, link, LinkStatus.ACCEPTED, relation=relation, reason=reason)


def accepted(crosswalk: Crosswalk) -> QuerySet[CrosswalkLink]:
    return crosswalk.links.filter(status=LinkStatus.ACCEPTED).select_related(
        "source_item", "target_item"
    )


def digest(crosswalk: Crosswalk) -> str:
    """Fingerprint of the accepted links and of the statements they join: what is signed."""
    lines = sorted(
        "\t".join(
            [
                link.source_item.identifier,
                link.relation,
                link.target_item.identifier,
                link.source_item.full_statement,
                link.target_item.full_statement,
            ]
        )
        for link in accepted(crosswalk)
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def void_stale_signatures(framework: Framework) -> int:
    """After a framework changes, signatures of drafts that no longer match what they signed go."""
    voided = 0
    drafts = Crosswalk.objects.filter(status=CrosswalkStatus.DRAFT).filter(
        models.Q(source=framework) | models.Q(target=framework)
    )
    for crosswalk in drafts:
        current = digest(crosswalk)
        voided += crosswalk.signatures.exclude(digest=current).delete()[0]
    return voided


def sign(by: Actor, crosswalk: Crosswalk, organisation: Organisation, note: str = "") -> Signature:
    if organisation.pk not in (crosswalk.organisation_id, crosswalk.partner_id):
        raise DomainError(
            ErrorCode.INVALID, "organisation: not a party to this crosswalk", field="organisation"
        )
    require(by, Action.CROSSWALK_SIGN, organisation)
    if not isinstance(by, User):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "A person signs for their organisation.")
    with transaction.atomic():
        locked = _lock_draft(crosswalk)
        if not accepted(locked).exists():
            raise DomainError(
                ErrorCode.CONFLICT, "Accept at least one correspondence before signing."
            )
        current = digest(locked)
        locked.signatures.exclude(digest=current).delete()
        if locked.signatures.filter(organisation=organisation).exists():
            raise DomainError(ErrorCode.CONFLICT, f"{organisation} has already signed.")
        signature = Signature.objects.create(
            crosswalk=locked,
            organisation=organisation,
            signed_by=by,
            digest=current,
            note=note[:500],
        )
        audit.record(
            by,
            "crosswalk.sign",
            locked,
            organisation=organisation,
            summary=f"signed {locked}"[:300],
        )
        if locked.signatures.filter(digest=current).count() == 2:
            locked.status = CrosswalkStatus.PUBLISHED
            locked.published_at = timezone.now()
            locked.snapshot = export(locked)
            locked.save(update_fields=["status", "published_at", "snapshot"])
            audit.record(by, "crosswalk.publish", locked, organisation=locked.organisation)
    crosswalk.refresh_from_db()
    return signature


@dataclass(frozen=True)
class Coverage:
    framework: Framework
    total: int
    covered: int
    uncovered: list[Item]

    @property
    def percent(self) -> float:
        return 100 * self.covered / self.total if self.total else 0.0


def coverage(crosswalk: Crosswalk) -> tuple[Coverage, Coverage]:
    """For each side: how many outcomes (items without children) have an accepted counterpart."""
    links = list(accepted(crosswalk))
    result = []
    for framework, covered_ids in (
        (crosswalk.source, {link.source_item_id for link in links}),
        (crosswalk.target, {link.target_item_id for link in links}),
    ):
        leaves = list(
            framework.items.filter(retired=False, children__isnull=True).order_by("position")
        )
        uncovered = [i for i in leaves if i.pk not in covered_ids]
        result.append(Coverage(framework, len(leaves), len(leaves) - len(uncovered), uncovered))
    return result[0], result[1]


def export(crosswalk: Crosswalk) -> dict[str, Any]:
    """The agreement as a CASE 1.1 package: a document and its cross-framework associations.

    A published agreement is exported as it was signed, whatever its frameworks became since.
    """
    if crosswalk.status == CrosswalkStatus.PUBLISHED and crosswalk.snapshot:
        return dict(crosswalk.snapshot)
    signatories = ", ".join(
        f"{s.organisation} ({s.signed_at:%Y-%m-%d})" for s in crosswalk.signatures.all()
    )
    stamp = writer.case_datetime(crosswalk.published_at or timezone.now())
    ident = str(crosswalk.identifier)
    package: dict[str, Any] = {
        "CFDocument": {
            "identifier": ident,
            "uri": f"urn:uuid:{ident}",
            "creator": f"{crosswalk.organisation} and {crosswalk.partner}",
            "title": f"Crosswalk: {crosswalk.source.title} → {crosswalk.target.title}",
            "lastChangeDateTime": stamp,
            "adoptionStatus": "Adopted"
            if crosswalk.status == CrosswalkStatus.PUBLISHED
            else "Draft",
            "description": f"Mutual-recognition agreement signed by {signatories or 'nobody yet'}.",
            "caseVersion": "1.1",
        },
        "CFItems": [],
        "CFAssociations": [
            {
                "identifier": str(link.identifier),
                "uri": f"urn:uuid:{link.identifier}",
                "associationType": link.relation,
                "lastChangeDateTime": writer.case_datetime(link.decided_at or timezone.now()),
                "originNodeURI": serialise.link(
                    link.source_item.full_statement,
                    link.source_item.identifier,
                    link.source_item.uri,
                ),
                "destinationNodeURI": serialise.link(
                    link.target_item.full_statement,
                    link.target_item.identifier,
                    link.target_item.uri,
                ),
            }
            for link in accepted(crosswalk).order_by("source_item__position")
        ],
    }
    problems = schema.validate(package)
    if problems:
        raise ValueError("crosswalk export would not be valid CASE 1.1: " + "; ".join(problems[:3]))
    return package
