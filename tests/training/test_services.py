"""Enrolment, attendance, evidence and scoring: the rules that refuse, and completion that
issues the credential; a seed teacher's cohort links to the cohort that trained them."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from edubridge.core.errors import DomainError
from edubridge.core.models import AuditEntry, Role
from edubridge.training import criteria, services
from edubridge.training.models import Credential, EnrolmentStatus, Evidence, EvidenceKind, Track
from tests.training.conftest import complete, upcoming


@pytest.mark.django_db
def test_double_enrolment_and_a_full_cohort_are_refused(cohort, trainer_a, member, org_b):
    people = [member(org_b, Role.TEACHER, username=f"t{n}") for n in range(4)]
    for person in people[:3]:
        services.enrol(person, cohort, person)
    with pytest.raises(DomainError, match="already enrolled") as twice:
        services.enrol(people[0], cohort, people[0])
    assert twice.value.status == 409
    with pytest.raises(DomainError, match=r"is full \(3 places\)"):
        services.enrol(trainer_a, cohort, people[3])
    assert cohort.enrolments.count() == 3


@pytest.mark.django_db
def test_only_those_who_run_a_cohort_enrol_others_or_as_seed_teachers(cohort, seed, member, org_b):
    other = member(org_b, Role.TEACHER, username="other")
    with pytest.raises(DomainError) as refused:
        services.enrol(other, cohort, seed)
    assert refused.value.status == 403
    with pytest.raises(DomainError):
        services.enrol(seed, cohort, seed, track=Track.TRAINER)
    assert services.enrol(seed, cohort, seed).track == Track.PARTICIPANT


@pytest.mark.django_db
def test_attendance_for_a_workshop_not_yet_held_is_refused(cohort, trainer_a, seed):
    enrolment = services.enrol(seed, cohort, seed)
    later = upcoming(trainer_a, cohort, days=7, title="Next week", zone="Africa/Nairobi")
    with pytest.raises(DomainError, match="has not happened yet"):
        services.take_attendance(trainer_a, later, {enrolment.pk})
    assert not later.attendance.exists()


@pytest.mark.django_db
def test_a_participant_completes_only_when_every_criterion_is_met(cohort, trainer_a, seed):
    enrolment = services.enrol(trainer_a, cohort, seed)
    first, second = cohort.programme.requirements.all()
    for requirement, score in ((first, 4), (second, 2)):
        evidence = services.submit_evidence(
            seed, enrolment, requirement, kind="reflection", text="x"
        )
        services.score_evidence(trainer_a, evidence, score)
    assert [r.pk for r in criteria.progress(enrolment).missing] == [second.pk]
    again = services.submit_evidence(seed, enrolment, second, kind="reflection", text="better")
    services.score_evidence(trainer_a, again, 3)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED  # the workshop held: not attended
    assert not Credential.objects.filter(enrolment=enrolment).exists()
    services.take_attendance(trainer_a, cohort.workshops.get(), {enrolment.pk})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert Credential.objects.filter(enrolment=enrolment).count() == 1
    assert AuditEntry.objects.filter(action="training.credential.issue").count() == 1


@pytest.mark.django_db
def test_participants_neither_score_their_own_nor_others_evidence(
    cohort, trainer_a, seed, member, org_b
):
    enrolment = services.enrol(seed, cohort, seed)
    evidence = services.submit_evidence(
        seed, enrolment, cohort.programme.requirements.first(), kind="reflection", text="x"
    )
    for who in (seed, member(org_b, Role.ADMIN, username="b.admin")):
        with pytest.raises(DomainError):
            services.score_evidence(who, evidence, 4)
    with pytest.raises(DomainError, match="score: a whole number from 0 to 4"):
        services.score_evidence(trainer_a, evidence, 5)
    with pytest.raises(DomainError):
        services.submit_evidence(
            trainer_a, enrolment, evidence.requirement, kind="reflection", text="x"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", ".exe files are not accepted"),
        ("page.html", b"<script>alert(1)</script>", ".html files are not accepted"),
        ("plan.pdf", b"<script>alert(1)</script>", "does not look like a .pdf file"),
        ("notes.txt", b"\x00\x01binary", "does not look like a .txt file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_evidence_uploads_are_checked(cohort, seed, name, content, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enrolment = services.enrol(seed, cohort, seed)
    requirement = cohort.programme.requirements.first()
    with pytest.raises(DomainError, match=message) as refused:
        services.submit_evidence(
            seed,
            enrolment,
            requirement,
            kind=EvidenceKind.FILE,
            upload=SimpleUploadedFile(name, content),
        )
    assert refused.value.field == "file" and not Evidence.objects.exists()


@pytest.mark.django_db
def test_evidence_larger_than_the_limit_is_refused(cohort, seed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 1000
    enrolment = services.enrol(seed, cohort, seed)
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n" + b"x" * 2000)
    with pytest.raises(DomainError, match="larger than"):
        services.submit_evidence(
            seed, enrolment, cohort.programme.requirements.first(), kind="file", upload=upload
        )
    small = services.submit_evidence(
        seed,
        enrolment,
        cohort.programme.requirements.first(),
        kind="file",
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.7\nhello"),
    )
    assert small.media_type == "application/pdf" and (tmp_path / small.storage_name).exists()


@pytest.mark.django_db
def test_a_seed_teacher_runs_the_programme_at_home_and_the_cohorts_link(
    cohort, trainer_a, seed, org_b, member
):
    colleague = member(org_b, Role.TEACHER, username="colleague")
    kwargs = dict(
        title="Nakuru",
        mode="going-out",
        country="KE",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=20),
        capacity=10,
        language="sw",
    )
    with pytest.raises(DomainError):  # not yet a seed teacher
        services.create_cohort(seed, cohort.programme, org_b, trainers=[seed], **kwargs)
    complete(cohort, seed, trainer_a, track=Track.PARTICIPANT)
    with pytest.raises(DomainError):  # completed, but not at the trainer level
        services.create_cohort(seed, cohort.programme, org_b, trainers=[seed], **kwargs)
    Credential.objects.all().delete()
    seed_enrolment = cohort.enrolments.get(participant=seed)
    seed_enrolment.track = Track.TRAINER
    seed_enrolment.save()
    home = services.create_cohort(seed, cohort.programme, org_b, trainers=[seed], **kwargs)
    assert home.parent == cohort and home.language == "sw"
    enrolment = services.enrol(seed, home, colleague)  # a seed teacher runs their own cohort
    assert enrolment.cohort == home
    with pytest.raises(DomainError):  # but not the cohort that trained them
        services.enrol(seed, cohort, colleague)


@pytest.mark.django_db
def test_cohort_input_is_checked(org_a, programme, trainer_a):
    base = dict(
        title="x",
        mode="online",
        country="CN",
        starts_on=date(2026, 5, 2),
        ends_on=date(2026, 5, 1),
        capacity=5,
        trainers=[trainer_a],
    )
    with pytest.raises(DomainError, match="ends_on: the cohort ends before it starts"):
        services.create_cohort(trainer_a, programme, org_a, **base)
    with pytest.raises(DomainError, match="mode: one of"):
        services.create_cohort(
            trainer_a, programme, org_a, **{**base, "ends_on": date(2026, 6, 1), "mode": "by-post"}
        )
    with pytest.raises(DomainError, match="timezone: 'Mars/Olympus' is not an IANA time zone"):
        cohort = services.create_cohort(
            trainer_a, programme, org_a, **{**base, "ends_on": date(2026, 6, 1)}
        )
        services.add_workshop(
            trainer_a,
            cohort,
            title="x",
            timezone_name="Mars/Olympus",
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(hours=1),
        )


@pytest.mark.django_db
def test_attendance_and_completion_reach_the_learning_record_store(cohort, trainer_a, seed):
    from edubridge.records.models import Statement
    from edubridge.training import activity

    enrolment = complete(cohort, seed, trainer_a, track=Track.PARTICIPANT)
    verbs = sorted(s.data["verb"]["display"]["en-US"] for s in activity.recent(enrolment))
    assert verbs == ["attended", "completed"]
    services.take_attendance(trainer_a, cohort.workshops.get(), {enrolment.pk})  # again: no repeat
    assert Statement.objects.filter(organisation=cohort.organisation).count() == 2
    assert all(
        s.data["actor"]["account"]["name"] == seed.username for s in activity.recent(enrolment)
    )


@pytest.mark.django_db
def test_withdrawing_frees_the_place_and_stops_evidence(cohort, seed, member, org_b, trainer_a):
    enrolment = services.enrol(seed, cohort, seed)
    others = [member(org_b, Role.TEACHER, username=f"w{n}") for n in range(3)]
    services.enrol(trainer_a, cohort, others[0])
    services.enrol(trainer_a, cohort, others[1])
    with pytest.raises(DomainError, match="is full"):
        services.enrol(trainer_a, cohort, others[2])
    with pytest.raises(DomainError):
        services.withdraw(others[0], enrolment)  # not theirs
    services.withdraw(seed, enrolment)
    assert services.enrol(trainer_a, cohort, others[2]).cohort == cohort
    with pytest.raises(DomainError, match="withdrawn participant"):
        services.submit_evidence(
            seed, enrolment, cohort.programme.requirements.first(), kind="reflection", text="x"
        )
    with pytest.raises(DomainError, match="in progress"):
        services.withdraw(seed, enrolment)


@pytest.mark.django_db
def test_programmes_target_any_frameworks_competencies(programme, trainer_a, kenya_item, cft):
    from edubridge.training.forms import RequirementForm

    choices = set(RequirementForm().fields["competency"].queryset)
    assert kenya_item in choices and cft["CFT.4.C"] in choices
    assert cft["CFT.4"] not in choices and cft["CFT.L1"] not in choices  # groupings, levels
    with pytest.raises(DomainError, match="level: choose Acquire, Deepen or Create"):
        services.add_requirement(trainer_a, programme, kenya_item, evidence="A lesson")
    made = services.add_requirement(trainer_a, programme, kenya_item, evidence="A lesson", level=2)
    assert made.get_level_display() == "Deepen"
    with pytest.raises(DomainError, match="is already a requirement"):
        services.add_requirement(trainer_a, programme, kenya_item, evidence="Again", level=2)


@pytest.mark.django_db
def test_no_completion_before_the_first_workshop_is_held(org_a, programme, trainer_a, seed):
    later = services.create_cohort(
        trainer_a,
        programme,
        org_a,
        title="Next month",
        mode="online",
        country="CN",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=40),
        capacity=5,
        trainers=[trainer_a],
    )
    upcoming(trainer_a, later, days=3, title="First")
    enrolment = services.enrol(seed, later, seed)
    for requirement in programme.requirements.all():
        evidence = services.submit_evidence(
            seed, enrolment, requirement, kind="reflection", text="x"
        )
        services.score_evidence(trainer_a, evidence, 4)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED and not Credential.objects.exists()


@pytest.mark.django_db
def test_an_enrolled_trainer_does_not_take_their_own_attendance(cohort, org_a, member):
    colleague = member(org_a, Role.TRAINER, username="enrolled.trainer")
    enrolment = services.enrol(colleague, cohort, colleague)
    with pytest.raises(DomainError, match="their own cohort's attendance") as refused:
        services.take_attendance(colleague, cohort.workshops.get(), {enrolment.pk})
    assert refused.value.status == 403 and not cohort.workshops.get().attendance.exists()
