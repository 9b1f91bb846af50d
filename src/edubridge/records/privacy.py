"""A person in the learning record store: the statements and documents that name them.

Erasure replaces them, wherever a statement names them (actor, object, context, team and
group members), with a random account no one can link back; the statements stay for
aggregate use, as the transfer and retention rules allow. Their attachments go (a signed
statement's JWS holds the original, names and all), and so do the State and agent-profile
documents kept for them."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast

from edubridge.governance.personal_data import Person, Provider, register
from edubridge.records import services
from edubridge.records.models import Document, Reference, Statement


@register
class RecordsPrivacy(Provider):
    app = "records"
    covers = ("records.Statement", "records.Reference", "records.Document", "records.Attachment")

    def export(self, person: Person) -> Iterator[models.Model]:
        ids = Reference.objects.filter(value__in=person.agents).values("statement_id")
        email = person.user.email
        named = Statement.objects.filter(pk__in=ids)
        if email:
            text = Statement.objects.annotate(text=Cast("data", TextField()))
            named = named | Statement.objects.filter(
                pk__in=text.filter(text__icontains=email).values("pk")
            )
        yield from named.order_by("id")
        yield from Document.objects.filter(agent__in=person.agents)

    def erase(self, person: Person) -> dict[str, int]:
        user = person.user
        texts = [t for t in (user.email, f'"{user.username}"') if t]
        changed = services.replace_agents(person.agents, person.agent(), texts)
        return {"records.Statement": changed}
