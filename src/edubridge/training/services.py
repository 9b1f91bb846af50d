"""Running training: programmes, cohorts, workshops, enrolment, attendance, evidence and
scores. Every write asks the policy and is audited; a participant who meets the programme's
criteria is marked complete and receives a credential in the same transaction."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.languages import normalise_language
from edubridge.core.models import Country, Organisation
from edubridge.core.policy import (
    Action,
    Actor,
    can,
    is_operator,
    organisations_where,
    require,
    roles_of,
)
from edubridge.standards.models import Item
from edubridge.training import activity, credentials, criteria, evidence_files
from edubridge.training.models import (
    Attendance,
    Audience,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Evidence,
    EvidenceKind,
    Level,
    Mode,
    Module,
    Programme,
    Requirement,
    Track,
    TrainingCentre,
    Workshop,
)

MAX_SCORE = criteria.MAX_SCORE


def _invalid(field_name: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"{field_name}: {message}", field=field_name)


def _text(value: Any, name: str, limit: int, *, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise _invalid(name, "this field is required")
    if len(text) > limit:
        raise _invalid(name, f"at most {limit} characters")
    return text


def _language(tag: Any) -> str:
    try:
        return normalise_language(tag if isinstance(tag, str) else "")
    except ValueError as error:
        raise _invalid("language", str(error)) from error


def _zone(name: Any) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise _invalid("timezone", f"{name!r} is not an IANA time zone") from error
    return str(name)


def create_centre(
    by: Actor,
    organisation: Organisation,
    *,
    slug: str,
    name: str,
    country: str,
    timezone_name: str,
    trainers: list[User] | None = None,
) -> TrainingCentre:
    require(by, Action.PROGRAMME_MANAGE, organisation)
    values = {
        "slug": _text(slug, "slug", 64),
        "name": _text(name, "name", 200),
        "country": Country.objects.filter(code=country).first(),
        "timezone": _zone(timezone_name),
    }
    if values["country"] is None:
        raise _invalid("country", f"{country!r} is not an ISO 3166-1 country code")
    try:
        with transaction.atomic():
            centre = TrainingCentre.objects.create(organisation=organisation, **values)
            centre.trainers.set(trainers or [])
            audit.record(by, "training.centre.create", centre, organisation=organisation)
    except IntegrityError as clash:
        raise DomainError(ErrorCode.CONFLICT, f"slug: {slug!r} is taken", field="slug") from clash
    return centre


def create_programme(
    by: Actor,
    organisation: Organisation,
    *,
    title: str,
    language: str,
    audience: str = Audience.TEACHERS,
    description: str = "",
    min_attendance: int = 75,
) -> Programme:
    require(by, Action.PROGRAMME_MANAGE, organisation)
    if audience not in Audience.values:
        raise _invalid("audience", f"one of {', '.join(Audience.values)}")
    if not isinstance(min_attendance, int) or not 0 <= min_attendance <= 100:
        raise _invalid("min_attendance", "a percentage from 0 to 100")
    with transaction.atomic():
        programme = Programme.objects.create(
            organisation=organisation,
            title=_text(title, "title", 200),
            description=_text(description, "description", 4000, required=False),
            audience=audience,
            language=_language(language),
            min_attendance=min_attendance,
        )
        audit.record(by, "training.programme.create", programme, organisation=organisation)
    return programme


def _next_position(siblings: Any) -> int:
    """One after the last position of ``siblings`` (a programme's requirements or modules)."""
    return (siblings.aggregate(m=Max("position"))["m"] or 0) + 1


def level_of(competency: Item) -> int | None:
    """The progression level a UNESCO competency sits at: its code ends in A, D or C."""
    suffix = competency.human_coding_scheme.rsplit(".", 1)[-1]
    return {"A": Level.ACQUIRE, "D": Level.DEEPEN, "C": Level.CREATE}.get(suffix)


def add_requirement(
    by: Actor, programme: Programme, competency: Item, *, evidence: str, level: int | None = None
) -> Requirement:
    require(by, Action.PROGRAMME_MANAGE, programme)
    chosen = level or level_of(competency)
    if chosen not in Level.values:
        raise _invalid("level", "choose Acquire, Deepen or Create")
    with transaction.atomic():
        try:
            with transaction.atomic():
                requirement = Requirement.objects.create(
                    programme=programme,
                    competency=competency,
                    level=chosen,
                    evidence=_text(evidence, "evidence", 2000),
                    position=_next_position(programme.requirements),
                )
        except IntegrityError as clash:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"competency: {competency.human_coding_scheme} is already a requirement",
                field="competency",
            ) from clash
        audit.record(
            by,
            "training.requirement.add",
            requirement,
            organisation=programme.organisation,
            summary=f"{programme}: {competency.human_coding_scheme}",
        )
    return requirement


def add_module(by: Actor, programme: Programme, *, title: str, resource: Any = None) -> Module:
    require(by, Action.PROGRAMME_MANAGE, programme)
    with transaction.atomic():
        module = Module.objects.create(
            programme=programme,
            title=_text(title, "title", 200),
            resource=resource,
            position=_next_position(programme.modules),
        )
        audit.record(by, "training.module.add", module, organisation=programme.organisation)
    return module


def reported(user: Actor) -> Any:
    """The programmes whose counts ``user`` may read: those their organisations designed or
    run cohorts of (a cascade reaches into partners' cohorts); operators read all."""
    if is_operator(user):
        return Programme.objects.all()
    mine = organisations_where(user, Action.TRAINING_VIEW)
    return Programme.objects.filter(
        Q(organisation__in=mine) | Q(cohorts__organisation__in=mine)
    ).distinct()


def seed_cohort(user: Actor, programme: Programme) -> Cohort | None:
    """The cohort in which ``user`` completed ``programme`` at the trainer level, if any."""
    if user.pk is None:
        return None
    done = (
        Enrolment.objects.filter(
            participant_id=user.pk,
            cohort__programme=programme,
            track=Track.TRAINER,
            status=EnrolmentStatus.COMPLETED,
        )
        .select_related("cohort")
        .order_by("-completed_at")
        .first()
    )
    return done.cohort if done else None


def may_run(by: Actor, programme: Programme, organisation: Organisation) -> bool:
    """Trainers and admins run cohorts for their organisation; a seed teacher who completed
    the programme at the trainer level runs it for any organisation they belong to."""
    if can(by, Action.COHORT_MANAGE, organisation):
        return True
    return bool(roles_of(by, organisation)) and seed_cohort(by, programme) is not None


def create_cohort(
    by: Actor,
    programme: Programme,
    organisation: Organisation,
    *,
    title: str,
    mode: str,
    country: str,
    starts_on: date,
    ends_on: date,
    capacity: int,
    trainers: list[User],
    language: str = "",
    venue: str = "",
    centre: TrainingCentre | None = None,
) -> Cohort:
    if not may_run(by, programme, organisation):
        require(by, Action.COHORT_MANAGE, organisation)
    if mode not in Mode.values:
        raise _invalid("mode", f"one of {', '.join(Mode.values)}")
    if ends_on < starts_on:
        raise _invalid("ends_on", "the cohort ends before it starts")
    if not isinstance(capacity, int) or capacity < 1:
        raise _invalid("capacity", "at least 1 participant")
    if not trainers:
        raise _invalid("trainers", "a cohort needs at least one trainer")
    if centre is not None and centre.organisation_id != organisation.pk:
        raise _invalid("centre", "the centre belongs to another organisation")
    lead = by if isinstance(by, User) and not is_operator(by) else trainers[0]
    with transaction.atomic():
        cohort = Cohort.objects.create(
            programme=programme,
            organisation=organisation,
            centre=centre,
            title=_text(title, "title", 200),
            language=_language(language or programme.language),
            mode=mode,
            country=Country.objects.get(code=country),
            venue=_text(venue, "venue", 300, required=False),
            starts_on=starts_on,
            ends_on=ends_on,
            capacity=capacity,
            parent=seed_cohort(lead, programme),
        )
        cohort.trainers.set(trainers)
        audit.record(by, "training.cohort.create", cohort, organisation=organisation)
    return cohort


def add_workshop(
    by: Actor,
    cohort: Cohort,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    timezone_name: str,
    venue: str = "",
    link: str = "",
    agenda: str = "",
) -> Workshop:
    """A session; naive times are read in ``timezone_name``, the zone it is held in."""
    require(by, Action.COHORT_MANAGE, cohort)
    zone = zoneinfo.ZoneInfo(_zone(timezone_name))
    starts_at, ends_at = (
        t if timezone.is_aware(t) else t.replace(tzinfo=zone) for t in (starts_at, ends_at)
    )
    if ends_at <= starts_at:
        raise _invalid("ends_at", "the workshop ends before it starts")
    if link and not link.startswith(("https://", "http://")):
        raise _invalid("link", "an http or https address")
    with transaction.atomic():
        workshop = Workshop.objects.create(
            cohort=cohort,
            title=_text(title, "title", 200),
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=str(zone),
            venue=_text(venue, "venue", 300, required=False),
            link=link,
            agenda=_text(agenda, "agenda", 4000, required=False),
        )
        audit.record(by, "training.workshop.add", workshop, organisation=cohort.organisation)
    return workshop


def enrol(
    by: Actor, cohort: Cohort, participant: User, *, track: str = Track.PARTICIPANT
) -> Enrolment:
    """Enrol ``participant``: themselves as a participant, or anyone by who runs the cohort."""
    managing = can(by, Action.COHORT_MANAGE, cohort)
    if not managing and (by.pk != participant.pk or track != Track.PARTICIPANT):
        require(by, Action.COHORT_MANAGE, cohort)
    if track not in Track.values:
        raise _invalid("track", f"one of {', '.join(Track.values)}")
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if not managing and locked.ends_on < timezone.localdate():
            raise DomainError(ErrorCode.CONFLICT, "This cohort has ended.", field="cohort")
        if locked.trainers.filter(pk=participant.pk).exists():
            raise _invalid("participant", f"{participant.username} trains this cohort")
        if Enrolment.objects.filter(cohort=locked, participant=participant).exists():
            raise DomainError(
                ErrorCode.CONFLICT,
                f"participant: {participant.username} is already enrolled in {locked}",
                field="participant",
            )
        taken = Enrolment.objects.filter(cohort=locked).exclude(status=EnrolmentStatus.WITHDRAWN)
        if taken.count() >= locked.capacity:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"cohort: {locked} is full ({locked.capacity} places)",
                field="cohort",
            )
        enrolment = Enrolment.objects.create(cohort=locked, participant=participant, track=track)
        audit.record(
            by,
            "training.enrol",
            enrolment,
            organisation=cohort.organisation,
            summary=f"{participant.username} in {cohort} ({track})",
        )
    return enrolment


def take_attendance(by: Actor, workshop: Workshop, present: set[int]) -> int:
    """Record who of the cohort's enrolments (by id) was at ``workshop``; returns how many."""
    cohort = workshop.cohort
    require(by, Action.COHORT_MANAGE, cohort)
    if cohort.enrolments.filter(participant_id=by.pk or 0).exists():
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, "Participants do not take their own cohort's attendance."
        )
    if workshop.starts_at > timezone.now():
        raise DomainError(
            ErrorCode.CONFLICT,
            f"workshop: {workshop} has not happened yet; take attendance once it starts",
            field="workshop",
        )
    recorder = by if isinstance(by, User) else None
    with transaction.atomic():
        enrolments = list(
            cohort.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
            .select_for_update()
            .order_by("pk")
        )
        unknown = present - {e.pk for e in enrolments}
        if unknown:
            raise _invalid("present", f"enrolment {min(unknown)} is not in {cohort}")
        was_present = dict(workshop.attendance.values_list("enrolment_id", "present"))
        for enrolment in enrolments:
            row, made = Attendance.objects.update_or_create(
                workshop=workshop,
                enrolment=enrolment,
                defaults={"present": enrolment.pk in present, "recorded_by": recorder},
            )
            if row.present and (made or not was_present.get(enrolment.pk)):
                activity.attended(enrolment, workshop)
        audit.record(
            by,
            "training.attendance",
            workshop,
            organisation=cohort.organisation,
            summary=f"{workshop}: {len(present)} of {len(enrolments)} present",
        )
        for enrolment in enrolments:
            _complete_if_met(by, enrolment)
    return len(present)


def submit_evidence(
    by: Actor,
    enrolment: Enrolment,
    requirement: Requirement,
    *,
    kind: str,
    text: str = "",
    url: str = "",
    upload: Any = None,
) -> Evidence:
    require(by, Action.EVIDENCE_SUBMIT, enrolment)
    if requirement.programme_id != enrolment.cohort.programme_id:
        raise _invalid("requirement", "not a requirement of this programme")
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise DomainError(ErrorCode.CONFLICT, "A withdrawn participant cannot submit evidence.")
    if kind not in EvidenceKind.values:
        raise _invalid("kind", f"one of {', '.join(EvidenceKind.values)}")
    text = _text(text, "text", 20000, required=kind in (EvidenceKind.REFLECTION,))
    if kind == EvidenceKind.LINK and not (url or "").startswith(("https://", "http://")):
        raise _invalid("url", "a link to evidence starts with https:// or http://")
    if kind == EvidenceKind.FILE and upload is None:
        raise _invalid("file", "choose a file to upload")
    if kind == EvidenceKind.LESSON_PLAN and not (text or upload):
        raise _invalid("text", "write the lesson plan or upload it")
    stored = evidence_files.store(upload) if upload is not None else None
    with transaction.atomic():
        evidence = Evidence.objects.create(
            enrolment=enrolment,
            requirement=requirement,
            kind=kind,
            text=text,
            url=url if kind == EvidenceKind.LINK else "",
            file_name=stored.name if stored else "",
            file_sha256=stored.sha256 if stored else "",
            media_type=stored.media_type if stored else "",
            size=stored.size if stored else 0,
        )
        audit.record(
            by,
            "training.evidence.submit",
            evidence,
            organisation=enrolment.cohort.organisation,
            summary=f"{requirement.competency.human_coding_scheme} ({kind})",
        )
    return evidence


def score_evidence(by: Actor, evidence: Evidence, score: int, feedback: str = "") -> Evidence:
    enrolment = evidence.enrolment
    require(by, Action.COHORT_MANAGE, enrolment.cohort)
    if by.pk == enrolment.participant_id:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "Participants do not score their own.")
    if not isinstance(score, int) or not 0 <= score <= MAX_SCORE:
        raise _invalid("score", f"a whole number from 0 to {MAX_SCORE}")
    with transaction.atomic():
        # One writer per enrolment: two trainers scoring its last requirements at once
        # must not each miss the other's score and leave the participant incomplete.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        enrolment.refresh_from_db(fields=["status"])
        before = audit.snapshot(evidence, ["score", "feedback"])
        evidence.score = score
        evidence.feedback = _text(feedback, "feedback", 4000, required=False)
        evidence.scored_by = by if isinstance(by, User) else None
        evidence.scored_at = timezone.now()
        evidence.save(update_fields=["score", "feedback", "scored_by", "scored_at"])
        audit.record(
            by,
            "training.evidence.score",
            evidence,
            organisation=enrolment.cohort.organisation,
            changes=audit.diff(before, audit.snapshot(evidence, ["score", "feedback"])),
        )
        _complete_if_met(by, enrolment)
    return evidence


def _complete_if_met(by: Actor, enrolment: Enrolment) -> None:
    if enrolment.status != EnrolmentStatus.ENROLLED or not criteria.progress(enrolment).eligible:
        return
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at"])
    audit.record(by, "training.complete", enrolment, organisation=enrolment.cohort.organisation)
    activity.completed(enrolment)
    credentials.issue(by, enrolment)


def withdraw(by: Actor, enrolment: Enrolment) -> Enrolment:
    """The participant leaves (or is taken off) the cohort; the place is free again."""
    if not can(by, Action.EVIDENCE_SUBMIT, enrolment):
        require(by, Action.COHORT_MANAGE, enrolment.cohort)
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        enrolment.refresh_from_db(fields=["status"])
        if enrolment.status != EnrolmentStatus.ENROLLED:
            raise DomainError(ErrorCode.CONFLICT, "Only an enrolment in progress can be withdrawn.")
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.save(update_fields=["status"])
        audit.record(by, "training.withdraw", enrolment, organisation=enrolment.organisation)
    return enrolment
