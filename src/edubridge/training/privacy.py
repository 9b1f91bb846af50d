"""A participant's enrolments, attendance, evidence and credentials, and the cohorts and
centres they train at. Erasure empties what the participant wrote or uploaded and revokes
their credentials (the status list keeps their bits revoked, as verifiers expect); the
enrolment and attendance stay under the emptied account, so a cohort's and a cascade's
figures still add up."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.policy import SYSTEM
from edubridge.governance.personal_data import Person, Provider, register
from edubridge.training.models import (
    Attendance,
    Cohort,
    Credential,
    Enrolment,
    Evidence,
    TrainingCentre,
)

REVOKED = "Revoked when its holder's data was erased at their request"


@register
class TrainingPrivacy(Provider):
    app = "training"
    covers = (
        "training.TrainingCentre",
        "training.Cohort",
        "training.Enrolment",
        "training.Attendance",
        "training.Evidence",
        "training.Credential",
    )

    def export(self, person: Person) -> Iterator[models.Model]:
        user = person.user
        enrolments = Enrolment.objects.filter(participant=user)
        yield from enrolments
        yield from Attendance.objects.filter(enrolment__in=enrolments)
        yield from Evidence.objects.filter(enrolment__in=enrolments)
        yield from Credential.objects.filter(enrolment__in=enrolments)
        yield from Cohort.objects.filter(trainers=user)
        yield from TrainingCentre.objects.filter(trainers=user)

    def erase(self, person: Person) -> dict[str, int]:
        user = person.user
        enrolments = Enrolment.objects.filter(participant=user)
        evidence = list(Evidence.objects.filter(enrolment__in=enrolments))
        for item in evidence:
            if item.file_sha256 and not (
                Evidence.objects.filter(file_sha256=item.file_sha256)
                .exclude(enrolment__in=enrolments)
                .exists()
            ):
                # Once the whole erasure commits: a rollback must not leave rows without files.
                transaction.on_commit(partial(default_storage.delete, item.storage_name))
            item.text = item.url = item.file_name = item.file_sha256 = item.feedback = ""
            item.media_type, item.size = "", 0
            item.save()
        credentials = Credential.objects.filter(enrolment__in=enrolments, revoked_at__isnull=True)
        revoked = 0
        for credential in credentials:
            credential.revoked_at, credential.revocation_reason = timezone.now(), REVOKED
            credential.save(update_fields=["revoked_at", "revocation_reason"])
            audit.record(
                SYSTEM,
                "training.credential.revoke",
                credential,
                organisation=credential.organisation,
                summary=REVOKED,
            )
            revoked += 1
        cohorts = list(Cohort.objects.filter(trainers=user))
        centres = list(TrainingCentre.objects.filter(trainers=user))
        for cohort in cohorts:
            cohort.trainers.remove(user)
        for centre in centres:
            centre.trainers.remove(user)
        return {
            "training.Evidence": len(evidence),
            "training.Credential": revoked,
            "training.Cohort": len(cohorts),
            "training.TrainingCentre": len(centres),
        }
