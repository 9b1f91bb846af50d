"""The transfer gate's rules: may this organisation's data of this kind go to that one?

:func:`decide` reads the classification of every field the data carries, the jurisdiction
packs of both sides and the agreements in force, and answers allow, allow with conditions
or deny, with the reasons and, when it holds something back, what would allow it. It writes
nothing: :func:`edubridge.governance.services.check` logs each decision and is what flows
call.

Conditions the flow must apply to what it sends:
- ``pseudonymise``: learners appear under keyed pseudonyms, never their names or addresses;
- ``aggregate``: only counts and rates leave, no one's row;
- ``drop_sensitive``: fields of special categories are left out;
- ``consented_only``: only the data of people who consented to this transfer.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.governance import packs
from edubridge.governance.models import Agreement, Jurisdiction, Outcome
from edubridge.governance.registry import Dataset, Level, datasets, highest

SAFEGUARD_NAMES = {
    "consent": "each person's consent to the transfer",
    "impact_assessment": "a data protection impact assessment",
    "authority_approval": "the data protection authority's approval (licence or assessment)",
    "authority_filing": "a filing with the data protection authority",
    "contract_clauses": "the authority's standard contractual clauses in the agreement",
    "certification": "a certification of the recipient",
    "notify_subjects": "telling the people concerned",
    "record_of_transfers": "a record of the transfers",
}
CONDITIONS = ("pseudonymise", "aggregate", "drop_sensitive", "consented_only")


@dataclass
class Decision:
    outcome: Outcome
    dataset: Dataset
    level: Level
    conditions: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    remedies: list[str] = field(default_factory=list)
    agreement: Agreement | None = None
    packs: dict[str, int] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return self.outcome != Outcome.DENY

    def as_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome.value,
            "dataset": self.dataset.kind,
            "level": self.level.value,
            "conditions": self.conditions,
            "reasons": self.reasons,
            "remedies": self.remedies,
            "agreement": self.agreement.pk if self.agreement else None,
            "packs": self.packs,
        }


def dataset_of(kind: str) -> Dataset:
    known = datasets()
    if kind not in known:
        raise DomainError(
            ErrorCode.INVALID,
            f"dataset: {kind!r} is not one of {', '.join(known)}",
            field="dataset",
        )
    return known[kind]


def agreements_for(
    source: Organisation, destination: Organisation, kind: str, today: date
) -> list[Agreement]:
    """The agreements in force that cover ``source`` sending ``kind`` to ``destination``,
    newest first."""
    candidates = (
        Agreement.objects.filter(
            Q(provider=source, recipient=destination) | Q(provider=destination, recipient=source),
            revoked_at__isnull=True,
            starts_on__lte=today,
            expires_on__gte=today,
        )
        .select_related("provider", "recipient")
        .prefetch_related("signatures")
    )
    return [
        agreement
        for agreement in candidates
        if (agreement.provider_id == source.pk or agreement.mutual)
        and kind in agreement.datasets
        and agreement.max_level != "internal"
        and agreement.status(today) == "in_force"
    ]


def _names(safeguards: list[str] | set[str]) -> str:
    return "; ".join(SAFEGUARD_NAMES[s] for s in sorted(safeguards))


def _alternative(alternative: str) -> str:
    names = [SAFEGUARD_NAMES[s] for s in alternative.split("+")]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def decide(source: Organisation, destination: Organisation, kind: str, today: date) -> Decision:
    data = dataset_of(kind)
    rows = data.rows()
    level = highest([row.level for row in rows])
    decision = Decision(Outcome.ALLOW, data, level)
    if source.pk == destination.pk:
        decision.reasons.append(f"The data stays within {source}.")
        return decision
    if level in (Level.PUBLIC, Level.INTERNAL):
        decision.reasons.append(
            f"{data.title} carry no personal data: the most protected field is {level.value}."
        )
        return decision

    src = packs.for_country(source.country_id)
    dst = packs.for_country(destination.country_id)
    decision.packs = {j.code: j.version for j in (src, dst) if j is not None}
    personal = [r for r in rows if r.level in (Level.PERSONAL, Level.SENSITIVE)]
    categories = sorted({c.value for r in rows for c in r.categories})
    decision.reasons.append(
        f"{data.title} carry personal data in {len(personal)} fields"
        + (f", sensitive ones of the categories {', '.join(categories)}." if categories else ".")
    )
    context = _Context(source, destination, src, dst, level)
    agreements = agreements_for(source, destination, kind, today)
    if not agreements:
        decision.reasons.append(
            f"No data-sharing agreement in force lets {source} send {kind} to {destination}."
        )
        remedy = (
            f"A data-sharing agreement in which {source} provides {kind} to {destination}, "
            "signed by both"
        )
        if context.cross and src is not None:
            needs = _abroad_needs(src, destination, dst)
            remedy += f", with {needs}" if needs else ""
        decision.remedies.append(remedy + ".")
        decision.outcome = Outcome.DENY
        return _aggregates_at_least(decision)
    # Each agreement in force is judged on its own; the one that allows most decides.
    judged = [_under(copy.deepcopy(decision), context, agreement) for agreement in agreements]
    best = min(judged, key=lambda d: (_RANK[d.outcome], len(d.conditions)))
    return _aggregates_at_least(best) if best.outcome == Outcome.DENY else best


_RANK = {Outcome.ALLOW: 0, Outcome.CONDITIONS: 1, Outcome.DENY: 2}


@dataclass(frozen=True)
class _Context:
    source: Organisation
    destination: Organisation
    src: Jurisdiction | None
    dst: Jurisdiction | None
    level: Level

    @property
    def cross(self) -> bool:
        here = self.src.code if self.src else self.source.country_id
        there = self.dst.code if self.dst else self.destination.country_id
        return here != there


def _aggregates_at_least(decision: Decision) -> Decision:
    """What is denied whole may still leave as counts and rates when they mean something."""
    if not decision.dataset.aggregatable:
        decision.conditions = []
        return decision
    decision.outcome, decision.conditions = Outcome.CONDITIONS, ["aggregate"]
    decision.reasons.append(
        "Until then, only aggregate figures may leave: counts and rates, no one's row."
    )
    return decision


def _under(decision: Decision, context: _Context, agreement: Agreement) -> Decision:
    """The decision under one agreement in force."""
    src, level = context.src, context.level
    decision.agreement = agreement
    decision.conditions.append("pseudonymise")
    decision.reasons.append(
        f"The agreement “{agreement.title}” is in force until {agreement.expires_on:%Y-%m-%d}, "
        f"on the legal basis of {agreement.legal_basis.replace('_', ' ')}, "
        f"for: {agreement.purposes.strip().rstrip('.')}."
    )
    blocked = False
    if level is Level.SENSITIVE and agreement.max_level != Level.SENSITIVE:
        decision.conditions.append("drop_sensitive")
        decision.reasons.append(
            "The agreement does not cover sensitive data, so those fields are left out."
        )
    if src is not None:
        bases = src.rule("legal_bases")
        if agreement.legal_basis not in bases.value:
            blocked = True
            decision.reasons.append(
                f"{src.name}'s law does not recognise {agreement.legal_basis!r} as a legal basis "
                f"({bases.citation})."
            )
            decision.remedies.append(
                f"An agreement on a legal basis {src.code} recognises: {', '.join(bases.value)}."
            )
    if not context.cross:
        where = src.name if src else context.source.country.name
        decision.reasons.append(
            f"Both organisations are under the law of {where}: nothing crosses a border."
        )
    elif src is None:
        blocked = True
        decision.reasons.append(
            f"No jurisdiction pack covers {context.source.country.name}, so the node cannot "
            "tell whether the transfer is lawful."
        )
        decision.remedies.append(f"A jurisdiction pack for {context.source.country_id}.")
    else:
        blocked |= _abroad(
            decision, src, context.destination, context.dst, set(agreement.safeguards)
        )
    if blocked:
        decision.outcome, decision.conditions = Outcome.DENY, []
    else:
        decision.outcome = Outcome.CONDITIONS
    return decision


def _adequate(src: Jurisdiction, destination: Organisation, dst: Jurisdiction | None) -> bool:
    adequate = src.value("adequate_destinations")
    return destination.country_id in adequate or (dst is not None and dst.code in adequate)


def _abroad_needs(src: Jurisdiction, destination: Organisation, dst: Jurisdiction | None) -> str:
    """What an agreement would need for a transfer out of ``src`` to be lawful, in words."""
    needs = [s for s in src.value("transfer_all") if s != "consent"]
    alternatives = [] if _adequate(src, destination, dst) else src.value("transfer_any")
    parts = [_names(needs)] if needs else []
    if len(alternatives) == 1:
        parts.append(_alternative(alternatives[0]))
    elif alternatives:
        parts.append("one of: " + "; or ".join(_alternative(a) for a in alternatives))
    return " and ".join(parts)


def _abroad(
    decision: Decision,
    src: Jurisdiction,
    destination: Organisation,
    dst: Jurisdiction | None,
    have: set[str],
) -> bool:
    """Apply the source's rules on transfers abroad; True when they block this one."""
    blocked = False
    localisation = src.rule("localisation")
    if localisation.value == "strict":
        decision.reasons.append(
            f"{src.name}'s law keeps personal data in the country ({localisation.citation})."
        )
        return True
    if localisation.value == "conditional":
        decision.reasons.append(
            f"{src.name}'s law keeps some data, or some operators' data, in the country "
            f"({localisation.citation}): the parties make sure this transfer is not such a case."
        )
    everything = src.rule("transfer_all")
    if "consent" in everything.value:
        decision.conditions.append("consented_only")
        decision.reasons.append(
            f"{src.name}'s law asks each person's consent to a transfer abroad "
            f"({everything.citation}): only the data of people who consented leaves."
        )
    missing = [s for s in everything.value if s != "consent" and s not in have]
    if missing:
        blocked = True
        decision.reasons.append(
            f"{src.name}'s law asks, for every transfer abroad, {_names(everything.value)} "
            f"({everything.citation}); the agreement lacks {_names(missing)}."
        )
        decision.remedies.append(f"Add to the agreement: {_names(missing)}.")
    adequacy = src.rule("adequate_destinations")
    alternatives = src.rule("transfer_any")
    if _adequate(src, destination, dst):
        decision.reasons.append(
            f"{src.code} recognises {destination.country.name} as adequate ({adequacy.citation})."
        )
    elif not alternatives.value:
        decision.reasons.append(
            f"{src.name}'s law sets no further condition on transfers abroad "
            f"({alternatives.citation})."
        )
    else:
        met = [a for a in alternatives.value if all(s in have for s in a.split("+"))]
        by_consent = [
            a for a in alternatives.value if all(s in have or s == "consent" for s in a.split("+"))
        ]
        if met:
            decision.reasons.append(
                f"The transfer rests on {_alternative(met[0])} ({alternatives.citation})."
            )
        elif by_consent:
            if "consented_only" not in decision.conditions:
                decision.conditions.append("consented_only")
            decision.reasons.append(
                f"The transfer rests on {_alternative(by_consent[0])} ({alternatives.citation}): "
                "only the data of people who consented leaves."
            )
        else:
            blocked = True
            options = "; or ".join(_alternative(a) for a in alternatives.value)
            decision.reasons.append(
                f"{src.name}'s law allows a transfer to {destination.country.name} only on one of: "
                f"{options} ({alternatives.citation}); the agreement has none of them."
            )
            decision.remedies.append(f"Add to the agreement one of: {options}.")
    return blocked
