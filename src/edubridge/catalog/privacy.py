"""Versions and releases a person made or approved. What they did stays in the catalog's
provenance, attributed to their emptied account once they are erased."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from edubridge.catalog.models import Release, ReleaseParty, ResourceVersion
from edubridge.governance.personal_data import Person, Provider, register


@register
class CatalogPrivacy(Provider):
    app = "catalog"
    covers = ("catalog.Release", "catalog.ReleaseParty", "catalog.ResourceVersion")

    def export(self, person: Person) -> Iterator[models.Model]:
        yield from ResourceVersion.objects.filter(created_by=person.user)
        yield from Release.objects.filter(created_by=person.user)
        yield from ReleaseParty.objects.filter(approved_by=person.user)
