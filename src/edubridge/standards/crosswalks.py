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
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from edubridge.align import Aligner, Decision
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


def _editable(by: Actor, crosswalk: Crosswalk) -> None:
    if crosswalk.status == CrosswalkStatus.PUBLISHED:
        raise DomainError(
            ErrorCode.CONFLICT, "This agreement is published and can no longer change."
        )
    # A's curators review; B's reviewers may correct a verdict before they sign.
    if not (
        can(by, Action.CROSSWALK_MANAGE, crosswalk.organisation)
        or can(by, Action.CROSSWALK_SIGN, crosswalk.partner)
    ):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You do not have permission to do this.")


def _learned_aligner() -> Aligner:
    """The aligner, reranked by this node's earlier verdicts once there are enough of them."""
    decided = (
        CrosswalkLink.objects.exclude(status=LinkStatus.SUGGESTED)
        .select_related("source_item__framework", "target_item__framework")
        .order_by("-decided_at")[:5000]
    )
    decisions = []
    for link in decided:
        source = nodes_from_framework(link.source_item.framework, [link.source_item])[0]
        target = nodes_from_framework(link.target_item.framework, [link.target_item])[0]
        decisions.append(Decision(source, target, link.status == LinkStatus.ACCEPTED))
    accepted = sum(d.accepted for d in decisions)
    aligner = Aligner()
    if accepted >= MIN_DECISIONS // 2 and len(decisions) - accepted >= MIN_DECISIONS // 2:
        aligner.fit(decisions)
    return aligner


def suggest(by: Actor, crosswalk: Crosswalk, k: int = 3) -> int:
    """Replace the undecided suggestions with fresh ones; returns how many were made."""
    require(by, Action.CROSSWALK_MANAGE, crosswalk.organisation)
    _editable(by, crosswalk)
    sources = list(crosswalk.source.items.filter(retired=False))
    targets = {i.identifier: i for i in crosswalk.target.items.filter(retired=False)}
    ranking = _learned_aligner().rank(
        nodes_from_framework(crosswalk.source, sources),
        nodes_from_framework(crosswalk.target, list(targets.values())),
        k=k,
    )
    decided = set(
        crosswalk.links.exclude(status=LinkStatus.SUGGESTED).values_list(
            "source_item_id", "target_item_id"
        )
    )
    rows = []
    for item, candidates in zip(sources, ranking, strict=True):
        for rank, candidate in enumerate(candidates, start=1):
            target = targets[candidate.identifier]
            if (item.pk, target.pk) in decided:
                continue
            rows.append(
                CrosswalkLink(
                    crosswalk=crosswalk,
                    identifier=uuid.uuid4(),
                    source_item=item,
                    target_item=target,
                    rank=rank,
                    score=candidate.score,
                    evidence=candidate.evidence,
                )
            )
    with transaction.atomic():
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


def _void_signatures(crosswalk: Crosswalk) -> None:
    crosswalk.signatures.all().delete()


def decide(
    by: Actor,
    link: CrosswalkLink,
    status: LinkStatus,
    *,
    relation: Relation | None = None,
    reason: str = "",
) -> CrosswalkLink:
    crosswalk = link.crosswalk
    _editable(by, crosswalk)
    if status not in (LinkStatus.ACCEPTED, LinkStatus.REJECTED):
        raise DomainError(ErrorCode.INVALID, "status: accept or reject", field="status")
    if len(reason) > 500:
        raise DomainError(ErrorCode.INVALID, "reason: at most 500 characters", field="reason")
    with transaction.atomic():
        stored = CrosswalkLink.objects.select_for_update().get(pk=link.pk)
        before = {"status": stored.status, "relation": stored.relation}
        stored.status = status
        stored.relation = relation or stored.relation
        stored.reason = reason
        stored.decided_by = _person(by)
        stored.decided_at = timezone.now()
        stored.save()
        _void_signatures(crosswalk)
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
    _editable(by, crosswalk)
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
    """Fingerprint of the accepted links: what a signature covers."""
    lines = sorted(
        f"{link.source_item.identifier} {link.relation} {link.target_item.identifier}"
        for link in accepted(crosswalk)
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def sign(by: Actor, crosswalk: Crosswalk, organisation: Organisation, note: str = "") -> Signature:
    if organisation.pk not in (crosswalk.organisation_id, crosswalk.partner_id):
        raise DomainError(
            ErrorCode.INVALID, "organisation: not a party to this crosswalk", field="organisation"
        )
    require(by, Action.CROSSWALK_SIGN, organisation)
    if not isinstance(by, User):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "A person signs for their organisation.")
    if crosswalk.status == CrosswalkStatus.PUBLISHED:
        raise DomainError(ErrorCode.CONFLICT, "This agreement is already published.")
    if not accepted(crosswalk).exists():
        raise DomainError(ErrorCode.CONFLICT, "Accept at least one correspondence before signing.")
    with transaction.atomic():
        Crosswalk.objects.select_for_update().get(pk=crosswalk.pk)
        if crosswalk.signatures.filter(organisation=organisation).exists():
            raise DomainError(ErrorCode.CONFLICT, f"{organisation} has already signed.")
        signature = Signature.objects.create(
            crosswalk=crosswalk,
            organisation=organisation,
            signed_by=by,
            digest=digest(crosswalk),
            note=note[:500],
        )
        audit.record(
            by,
            "crosswalk.sign",
            crosswalk,
            organisation=organisation,
            summary=f"signed {crosswalk}"[:300],
        )
        if crosswalk.signatures.count() == 2:
            crosswalk.status = CrosswalkStatus.PUBLISHED
            crosswalk.published_at = timezone.now()
            crosswalk.save(update_fields=["status", "published_at"])
            audit.record(by, "crosswalk.publish", crosswalk, organisation=crosswalk.organisation)
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
    """The agreement as a CASE 1.1 package: a document and its cross-framework associations."""
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
