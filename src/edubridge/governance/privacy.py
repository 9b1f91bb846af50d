"""Agreements a person proposed, signed or revoked, the transfers they asked for, a
learner's groups for bias audits, their consents, and the overrides an auditor recorded.
Agreements and overrides stay, attributed to the emptied account once the person is erased;
the transfer log keeps its decisions under their pseudonym; groups and consents go."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models
from django.db.models import Q

from edubridge.governance.models import (
    Agreement,
    AgreementSignature,
    BiasAudit,
    Consent,
    GroupAttribute,
    TransferDecision,
)
from edubridge.governance.personal_data import Person, Provider, register


@register
class GovernancePrivacy(Provider):
    app = "governance"
    order = 40  # a learner's groups are found through the account learning then unlinks
    covers = (
        "governance.Agreement",
        "governance.AgreementSignature",
        "governance.TransferDecision",
        "governance.GroupAttribute",
        "governance.BiasAudit",
        "governance.Consent",
    )

    def export(self, person: Person) -> Iterator[models.Model]:
        user = person.user
        yield from Agreement.objects.filter(Q(created_by=user) | Q(revoked_by=user))
        yield from AgreementSignature.objects.filter(signed_by=user)
        yield from TransferDecision.objects.filter(actor=user)
        yield from GroupAttribute.objects.filter(learner__user=user)
        yield from BiasAudit.objects.filter(overridden_by=user)
        yield from Consent.objects.filter(person=user)

    def erase(self, person: Person) -> dict[str, int]:
        changed = TransferDecision.objects.filter(actor=person.user).erase_person(
            actor_label=person.pseudonym
        )
        groups = GroupAttribute.objects.filter(learner__user=person.user).delete()[0]
        consents = Consent.objects.filter(person=person.user).delete()[0]
        return {
            "governance.TransferDecision": changed,
            "governance.GroupAttribute": groups,
            "governance.Consent": consents,
        }
