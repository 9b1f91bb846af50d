"""Governance operations: data-sharing agreements and the transfer gate's logged decisions.

Every flow of data out of an organisation (a shared learning record store, an export, a
credential sent to a partner) asks :func:`require_transfer` first; a check from a page, the
API or the command line asks :func:`check`. Both log the decision with its reasons.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation, Role
from edubridge.core.policy import (
    Action,
    Actor,
    can,
    is_operator,
    organisations_where,
    require,
    roles_of,
)
from edubridge.governance import packs, transfers
from edubridge.governance.models import (
    Agreement,
    AgreementSignature,
    MaxLevel,
    Outcome,
    TransferDecision,
)
from edubridge.governance.registry import datasets


def _invalid(name: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"{name}: {message}", field=name)


def _log(
    actor: Actor,
    flow: str,
    source: Organisation,
    destination: Organisation,
    decision: transfers.Decision,
) -> TransferDecision:
    user = actor if isinstance(actor, User) else None
    entry = TransferDecision.objects.create(
        actor=user,
        actor_label=str(getattr(actor, "username", None) or actor)[:150],
        flow=flow,
        source=source,
        destination=destination,
        dataset=decision.dataset.kind,
        outcome=decision.outcome,
        conditions=decision.conditions,
        reasons=decision.reasons,
        remedies=decision.remedies,
        agreement=decision.agreement,
        packs=decision.packs,
    )
    audit.record(
        actor,
        "transfer.decide",
        entry,
        organisation=source,
        summary=f"{decision.dataset.kind} to {destination.slug}: {decision.outcome.value}",
    )
    return entry


def check(
    by: Actor, source: Organisation, destination: Organisation, kind: str, *, flow: str = "check"
) -> transfers.Decision:
    """Decide and log whether ``source`` may send ``kind`` to ``destination``."""
    if not (can_view_transfers(by, source) or can_view_transfers(by, destination)):
        require(by, Action.TRANSFER_VIEW, source)
    decision = transfers.decide(source, destination, kind, timezone.localdate())
    with transaction.atomic():
        _log(by, flow, source, destination, decision)
    return decision


def require_transfer(
    by: Actor,
    source: Organisation,
    destination: Organisation,
    kind: str,
    *,
    flow: str,
    applies: frozenset[str] = frozenset(),
) -> transfers.Decision:
    """The gate itself, for flows: the logged decision, or a refusal that says why and what
    would allow the transfer. ``applies``: the conditions the flow knows how to meet; a
    decision that sets another is a refusal too."""
    decision = transfers.decide(source, destination, kind, timezone.localdate())
    with transaction.atomic():
        _log(by, flow, source, destination, decision)
    unmet = [c for c in decision.conditions if c not in applies]
    if decision.outcome == Outcome.DENY or unmet:
        why = "denied" if decision.outcome == Outcome.DENY else f"allowed only {', '.join(unmet)}"
        needs = " ".join(decision.remedies) or "nothing this node can arrange."
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            f"The transfer of {kind} from {source} to {destination} is {why}: "
            f"{' '.join(decision.reasons[1:])} It would be allowed with: {needs}",
        )
    return decision


def can_view_transfers(by: Actor, organisation: Organisation) -> bool:
    return can(by, Action.TRANSFER_VIEW, organisation)


def transfer_log(by: Actor) -> QuerySet[TransferDecision]:
    """The decisions about data of, or for, the organisations ``by`` audits or runs."""
    rows = TransferDecision.objects.select_related("source", "destination", "agreement")
    if is_operator(by):
        return rows
    mine = organisations_where(by, Action.TRANSFER_VIEW)
    return rows.filter(Q(source__in=mine) | Q(destination__in=mine))


# Agreements --------------------------------------------------------------------------------


def visible_agreements(by: Actor) -> QuerySet[Agreement]:
    rows = Agreement.objects.select_related("provider", "recipient").prefetch_related(
        "signatures__organisation"
    )
    if is_operator(by):
        return rows
    if not by.is_authenticated:
        return rows.none()
    mine = organisations_where(by, Action.MEMBERS_VIEW)
    return rows.filter(Q(provider__in=mine) | Q(recipient__in=mine))


def propose(by: Actor, provider: Organisation, recipient: Organisation, **terms: Any) -> Agreement:
    """A new agreement, awaiting both parties' signatures; an admin of either may propose."""
    if not can(by, Action.AGREEMENT_MANAGE, recipient):
        require(by, Action.AGREEMENT_MANAGE, provider)
    if provider.pk == recipient.pk:
        raise _invalid("recipient", "an agreement needs two different organisations")
    agreement = Agreement(provider=provider, recipient=recipient, created_by=_user(by))
    _apply_terms(agreement, terms)
    with transaction.atomic():
        agreement.save()
        audit.record(
            by,
            "agreement.propose",
            agreement,
            organisation=provider,
            summary=f"{agreement.title}: {provider.slug} to {recipient.slug}"[:300],
        )
    return agreement


def _user(by: Actor) -> User | None:
    return by if isinstance(by, User) else None


def _apply_terms(agreement: Agreement, terms: dict[str, Any]) -> None:
    allowed = {
        "title",
        "purposes",
        "datasets",
        "max_level",
        "legal_basis",
        "safeguards",
        "authority_reference",
        "starts_on",
        "expires_on",
        "mutual",
    }
    unknown = sorted(set(terms) - allowed)
    if unknown:
        raise _invalid(unknown[0], "not a term of an agreement")
    for name in ("title", "purposes"):
        value = terms.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _invalid(name, "give a text")
    kinds = terms.get("datasets")
    known = datasets()
    if not isinstance(kinds, list | tuple) or not kinds:
        raise _invalid("datasets", "name at least one kind of data")
    for kind in kinds:
        if kind not in known:
            raise _invalid("datasets", f"{kind!r} is not one of {', '.join(known)}")
    level = terms.get("max_level", MaxLevel.PERSONAL)
    if level not in MaxLevel.values:
        raise _invalid("max_level", f"{level!r} is not one of {', '.join(MaxLevel.values)}")
    basis = terms.get("legal_basis")
    if basis not in packs.LEGAL_BASES:
        raise _invalid("legal_basis", f"{basis!r} is not one of {', '.join(packs.LEGAL_BASES)}")
    safeguards = list(terms.get("safeguards") or [])
    attested = [s for s in packs.SAFEGUARDS if s != "consent"]
    for safeguard in safeguards:
        if safeguard not in attested:
            raise _invalid("safeguards", f"{safeguard!r} is not one of {', '.join(attested)}")
    starts, expires = terms.get("starts_on"), terms.get("expires_on")
    if not isinstance(starts, date) or not isinstance(expires, date):
        raise _invalid("starts_on" if not isinstance(starts, date) else "expires_on", "a date")
    if expires < starts:
        raise _invalid("expires_on", "the agreement must expire after it starts")
    agreement.title = terms["title"].strip()[:200]
    agreement.purposes = terms["purposes"].strip()
    agreement.datasets = sorted(set(kinds))
    agreement.max_level = level
    agreement.legal_basis = basis
    agreement.safeguards = sorted(set(safeguards))
    agreement.authority_reference = str(terms.get("authority_reference") or "").strip()[:200]
    agreement.starts_on, agreement.expires_on = starts, expires
    agreement.mutual = bool(terms.get("mutual", False))


def sign(by: Actor, agreement: Agreement, organisation: Organisation) -> AgreementSignature:
    """Sign the agreement's terms as they stand, for one of its parties."""
    if organisation.pk not in (agreement.provider_id, agreement.recipient_id):
        raise _invalid("organisation", "not a party to this agreement")
    require(by, Action.AGREEMENT_MANAGE, organisation)
    # An administrator of the party itself: a node operator, who may do anything else, does
    # not sign for both sides of one agreement.
    if not isinstance(by, User) or Role.ADMIN not in roles_of(by, organisation):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, f"Only an administrator of {organisation} signs for it."
        )
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.revoked_at is not None:
            raise DomainError(ErrorCode.CONFLICT, "This agreement was revoked.")
        if locked.expires_on < timezone.localdate():
            raise DomainError(ErrorCode.CONFLICT, "This agreement has expired.")
        current = locked.digest()
        locked.signatures.exclude(digest=current).delete()
        if locked.signatures.filter(organisation=organisation).exists():
            raise DomainError(ErrorCode.CONFLICT, f"{organisation} has signed already.")
        signature = AgreementSignature.objects.create(
            agreement=locked, organisation=organisation, signed_by=by, digest=current
        )
        audit.record(
            by, "agreement.sign", locked, organisation=organisation, summary=f"signed {locked}"
        )
    return signature


def revoke(by: Actor, agreement: Agreement, organisation: Organisation, reason: str) -> Agreement:
    """Either party ends the agreement; transfers that rested on it are denied from now on."""
    if organisation.pk not in (agreement.provider_id, agreement.recipient_id):
        raise _invalid("organisation", "not a party to this agreement")
    require(by, Action.AGREEMENT_MANAGE, organisation)
    if not reason.strip():
        raise _invalid("reason", "say why the agreement ends")
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.revoked_at is not None:
            raise DomainError(ErrorCode.CONFLICT, "This agreement was revoked already.")
        locked.revoked_at = timezone.now()
        locked.revoked_by = _user(by)
        locked.revoke_reason = reason.strip()[:300]
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record(
            by, "agreement.revoke", locked, organisation=organisation, summary=locked.revoke_reason
        )
    return locked
