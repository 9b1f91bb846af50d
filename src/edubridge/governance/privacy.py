"""Agreements a person proposed, signed or revoked, and the transfers they asked for. The
agreements stay, attributed to their emptied account once they are erased; the transfer
log keeps its decisions under their pseudonym."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models
from django.db.models import Q

from edubridge.governance.models import Agreement, AgreementSignature, TransferDecision
from edubridge.governance.personal_data import Person, Provider, register


@register
class GovernancePrivacy(Provider):
    app = "governance"
    covers = (
        "governance.Agreement",
        "governance.AgreementSignature",
        "governance.TransferDecision",
    )

    def export(self, person: Person) -> Iterator[models.Model]:
        user = person.user
        yield from Agreement.objects.filter(Q(created_by=user) | Q(revoked_by=user))
        yield from AgreementSignature.objects.filter(signed_by=user)
        yield from TransferDecision.objects.filter(actor=user)

    def erase(self, person: Person) -> dict[str, int]:
        changed = TransferDecision.objects.filter(actor=person.user).erase_person(
            actor_label=person.pseudonym
        )
        return {"governance.TransferDecision": changed}
