"""Crosswalks a person made, links they decided and signatures they gave. The records stay
under their emptied account; the reasons and notes they wrote lose their name."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from edubridge.core.privacy import naming
from edubridge.governance.personal_data import Person, Provider, register
from edubridge.standards.models import Crosswalk, CrosswalkLink, Signature


@register
class StandardsPrivacy(Provider):
    app = "standards"
    covers = ("standards.Crosswalk", "standards.CrosswalkLink", "standards.Signature")

    def export(self, person: Person) -> Iterator[models.Model]:
        yield from Crosswalk.objects.filter(created_by=person.user)
        yield from CrosswalkLink.objects.filter(decided_by=person.user)
        yield from Signature.objects.filter(signed_by=person.user)

    def erase(self, person: Person) -> dict[str, int]:
        links = list(CrosswalkLink.objects.filter(naming(person, "reason")))
        for link in links:
            link.reason = person.redact(link.reason)
            link.save(update_fields=["reason"])
        notes = list(Signature.objects.filter(naming(person, "note")))
        for signature in notes:
            signature.note = person.redact(signature.note)
            signature.save(update_fields=["note"])
        return {"standards.CrosswalkLink": len(links), "standards.Signature": len(notes)}
