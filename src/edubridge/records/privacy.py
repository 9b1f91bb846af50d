"""A person in the learning record store: the statements and documents that name them.

Erasure replaces them, wherever a statement names them (actor, context, object), with a
random account no one can link back; the statements stay for aggregate use, as the
transfer and retention rules allow. State and agent-profile documents kept for them go.
Attachments are left to their statements: their content is the tools', not a name."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from edubridge.governance.personal_data import Person, Provider, register
from edubridge.records import services
from edubridge.records.models import Document, Reference, Statement


@register
class RecordsPrivacy(Provider):
    app = "records"
    covers = ("records.Statement", "records.Reference", "records.Document", "records.Attachment")

    def export(self, person: Person) -> Iterator[models.Model]:
        ids = Reference.objects.filter(value__in=person.agents).values("statement_id")
        yield from Statement.objects.filter(pk__in=ids).order_by("id")
        yield from Document.objects.filter(agent__in=person.agents)

    def erase(self, person: Person) -> dict[str, int]:
        changed = services.replace_agents(person.agents, person.agent())
        return {"records.Statement": changed}
