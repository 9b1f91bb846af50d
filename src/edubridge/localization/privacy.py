"""A translator's or reviewer's work: the units they saved, the findings and mappings they
decided, the projects they opened or signed off. It stays, attributed to their emptied
account once they are erased; a project's report loses their name."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models
from django.db.models import Q

from edubridge.governance.personal_data import Person, Provider, register
from edubridge.localization.models import (
    Finding,
    Mapping,
    Project,
    ProjectStage,
    Unit,
    UnitChange,
)


@register
class LocalizationPrivacy(Provider):
    app = "localization"
    covers = (
        "localization.Project",
        "localization.ProjectStage",
        "localization.Unit",
        "localization.UnitChange",
        "localization.Mapping",
        "localization.Finding",
    )

    def export(self, person: Person) -> Iterator[models.Model]:
        user = person.user
        yield from Project.objects.filter(Q(created_by=user) | Q(signed_off_by=user))
        yield from ProjectStage.objects.filter(owner=user)
        yield from Unit.objects.filter(updated_by=user)
        yield from UnitChange.objects.filter(by=user)
        yield from Mapping.objects.filter(decided_by=user)
        yield from Finding.objects.filter(resolved_by=user)

    def erase(self, person: Person) -> dict[str, int]:
        changed = 0
        for project in Project.objects.exclude(report={}):
            if person.named_in(project.report):
                project.report = person.redact(project.report)
                project.save(update_fields=["report"])
                changed += 1
        return {"localization.Project": changed}
