"""Six teachers enrol at the same moment in a cohort with three places: three get them, the
others are told it is full; two trainers finishing the same participant issue one credential."""

import pytest

from edubridge.core.errors import DomainError
from edubridge.core.models import Role
from edubridge.training import services
from edubridge.training.models import Credential, EvidenceKind
from tests.threads import at_once, concurrent

pytestmark = [pytest.mark.django_db(transaction=True), concurrent]


def test_places_are_never_overbooked(cohort, member, org_b):
    people = [member(org_b, Role.TEACHER, username=f"rush{n}") for n in range(6)]
    errors = at_once(*[lambda p=p: services.enrol(p, cohort, p) for p in people])
    assert cohort.enrolments.count() == 3
    assert len(errors) == 3
    assert all(isinstance(e, DomainError) and "is full" in e.message for e in errors)


def test_one_credential_when_the_last_scores_land_together(cohort, seed, trainer_a, member, org_a):
    second = member(org_a, Role.TRAINER, username="second.trainer")
    enrolment = services.enrol(trainer_a, cohort, seed)
    services.take_attendance(trainer_a, cohort.workshops.get(), {enrolment.pk})
    first, other = [
        services.submit_evidence(seed, enrolment, r, kind=EvidenceKind.REFLECTION, text="done")
        for r in cohort.programme.requirements.all()
    ]
    errors = at_once(
        lambda: services.score_evidence(trainer_a, first, 4),
        lambda: services.score_evidence(second, other, 4),
    )
    assert errors == []
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"
    assert Credential.objects.filter(enrolment=enrolment).count() == 1
