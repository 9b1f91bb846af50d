"""A programme on two UNESCO competencies, run by org A (China) for participants from org B
(Kenya), with one workshop held yesterday."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.standards import services as standards_services
from edubridge.standards.models import Item
from edubridge.training import services
from edubridge.training.models import EvidenceKind, Track


@pytest.fixture
def cft(countries):
    standards_services.load_builtin(SYSTEM)
    return {
        i.human_coding_scheme: i
        for i in Item.objects.filter(human_coding_scheme__startswith="CFT.")
    }


@pytest.fixture
def trainer_a(org_a, member):
    return member(org_a, Role.TRAINER, username="trainer.a")


@pytest.fixture
def programme(org_a, cft, trainer_a):
    made = services.create_programme(
        trainer_a,
        org_a,
        title="AI pedagogy for seed teachers",
        language="en",
        description="Plan and teach lessons with AI.",
        min_attendance=50,
    )
    services.add_requirement(trainer_a, made, cft["CFT.4.A"], evidence="A lesson plan using AI")
    services.add_requirement(trainer_a, made, cft["CFT.2.A"], evidence="A reflection on ethics")
    return made


@pytest.fixture
def cohort(org_a, programme, trainer_a):
    today = date.today()
    made = services.create_cohort(
        trainer_a,
        programme,
        org_a,
        title="Beijing spring cohort",
        mode="inviting-in",
        country="CN",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
        capacity=3,
        trainers=[trainer_a],
        venue="Huaxia campus",
    )
    services.add_workshop(
        trainer_a,
        made,
        title="Opening",
        timezone_name="Asia/Shanghai",
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=3),
    )
    return made


@pytest.fixture
def seed(org_b, member):
    return member(org_b, Role.TEACHER, username="seed.teacher", first_name="Achieng", last_name="W")


def complete(cohort, participant, trainer, *, track=Track.TRAINER):
    """Enrol, attend, evidence and score ``participant`` so they meet the criteria."""
    enrolment = services.enrol(trainer, cohort, participant, track=track)
    for workshop in cohort.workshops.all():
        present = {
            e.pk
            for e in cohort.enrolments.all()
            if e.attendance.filter(present=True, workshop=workshop).exists()
        }
        services.take_attendance(trainer, workshop, present | {enrolment.pk})
    for requirement in cohort.programme.requirements.all():
        evidence = services.submit_evidence(
            participant, enrolment, requirement, kind=EvidenceKind.REFLECTION, text="What I did."
        )
        services.score_evidence(trainer, evidence, 4, "Well argued")
    enrolment.refresh_from_db()
    return enrolment


def upcoming(trainer, cohort, *, days=2, title="Later", link="", zone="UTC"):
    """A workshop of ``cohort`` starting ``days`` from now, for an hour."""
    start = timezone.now() + timedelta(days=days)
    return services.add_workshop(
        trainer,
        cohort,
        title=title,
        timezone_name=zone,
        link=link,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )


def at_home(seed_teacher, programme, organisation, *, title="At home", days=20, started=0):
    """A going-out cohort in Kenya that ``seed_teacher`` runs for ``organisation``."""
    return services.create_cohort(
        seed_teacher,
        programme,
        organisation,
        title=title,
        mode="going-out",
        country="KE",
        starts_on=date.today() - timedelta(days=started),
        ends_on=date.today() + timedelta(days=days),
        capacity=10,
        trainers=[seed_teacher],
    )
