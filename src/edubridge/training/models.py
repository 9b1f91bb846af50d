"""Training of AI teachers: centres, programmes and their competency requirements, cohorts
and their workshops, enrolments, attendance, evidence, signing keys and credentials.

A cohort led by a seed teacher points at the cohort that trained that teacher
(``parent``), which is what the cascade report walks.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from edubridge.core.models import Country, Organisation
from edubridge.core.policy import Action


class TrainingCentre(models.Model):
    """An organisation's centre where seed teachers are trained, with its trainers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="training_centres"
    )
    slug = models.SlugField(_("identifier"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("trainers")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training centre")
        verbose_name_plural = _("training centres")

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    TEACHERS = "teachers", _("Teachers")
    MANAGERS = "managers", _("Education managers")


class Level(models.IntegerChoices):
    """The progression levels of the UNESCO AI competency framework for teachers."""

    ACQUIRE = 1, pgettext_lazy("progression level", "Acquire")
    DEEPEN = 2, pgettext_lazy("progression level", "Deepen")
    CREATE = 3, pgettext_lazy("progression level", "Create")


class Programme(models.Model):
    """What a cohort is trained in: competencies, the evidence each asks, and modules."""

    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.TEACHERS
    )
    language = models.CharField(_("language"), max_length=35)
    # Share of the workshops held that a participant must attend to complete, in percent.
    min_attendance = models.PositiveSmallIntegerField(_("attendance required (%)"), default=75)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """A unit of a programme, a catalog resource when there is one."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    resource = models.ForeignKey(
        "catalog.Resource", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Requirement(models.Model):
    """A target competency of a programme, at a progression level, and the evidence asked."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requirements")
    competency = models.ForeignKey(
        "standards.Item", on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    evidence = models.TextField(_("evidence asked"), max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "competency"], name="one_requirement_per_competency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency.human_coding_scheme} {self.competency.full_statement}"


class Mode(models.TextChoices):
    GOING_OUT = "going-out", _("Going out (trainers travel to the partner country)")
    INVITING_IN = "inviting-in", _("Inviting in (participants come to the centre)")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class Cohort(models.Model):
    """One run of a programme: dates, place, mode, capacity, trainers and participants."""

    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cohorts")
    centre = models.ForeignKey(
        TrainingCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="cohorts"
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=35)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, verbose_name=_("country where it runs")
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("trainers")
    )
    # The cohort in which its lead trainer was trained as a seed teacher.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.title

    def granted_to(self, user_id: int | None, action: str) -> bool:
        """Its trainers may run it whatever their roles (a seed teacher's own cohort)."""
        return user_id is not None and self.trainers.filter(pk=user_id).exists()


class Workshop(models.Model):
    """A session of a cohort, at a time in its time zone, in a venue or online."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(_("time zone"), max_length=64)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    link = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True, max_length=4000)
    # Stays the same across edits, so calendars update the event instead of adding one.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class Track(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    TRAINER = "trainer", _("Seed teacher (trainer level)")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    track = models.CharField(
        _("track"), max_length=16, choices=Track.choices, default=Track.PARTICIPANT
    )
    status = models.CharField(
        max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "participant__last_name", "participant__username"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "participant"], name="one_enrolment")
        ]

    def __str__(self) -> str:
        return f"{self.participant} in {self.cohort}"

    @property
    def organisation(self) -> Organisation:
        return self.cohort.organisation

    def granted_to(self, user_id: int | None, action: str) -> bool:
        """The participant submits and sees their own; the cohort's trainers see it."""
        if user_id == self.participant_id:
            return action in (Action.EVIDENCE_SUBMIT, Action.TRAINING_VIEW)
        return action == Action.TRAINING_VIEW and self.cohort.granted_to(user_id, action)


class Attendance(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "enrolment"], name="one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} at {self.workshop_id}: {self.present}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")
    LESSON_PLAN = "lesson-plan", _("Lesson plan")
    REFLECTION = "reflection", _("Reflection")


class Evidence(models.Model):
    """What a participant submits for a requirement, and the trainer's rubric score."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="evidence")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    text = models.TextField(_("text"), blank=True, max_length=20000)
    url = models.URLField(_("link"), blank=True, max_length=1000)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(auto_now_add=True)
    # 0 to 4 on the rubric of the requirement's level; PASS or more meets it.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True, max_length=4000)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrolment", "submitted_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.requirement_id}"

    @property
    def storage_name(self) -> str:
        return f"evidence/sha256/{self.file_sha256[:2]}/{self.file_sha256}"


class SigningKey(models.Model):
    """An organisation's credential-signing key; the private half is encrypted at rest."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signing_keys"
    )
    kid = models.CharField(max_length=300, unique=True)
    algorithm = models.CharField(max_length=8)
    public_jwk = models.JSONField()
    private_key = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "created_at", "id"]

    def __str__(self) -> str:
        return self.kid


class Credential(models.Model):
    """An Open Badges 3.0 credential issued to a participant, as the signed VC-JWT."""

    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="credential")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="credentials"
    )
    # Its bit in the issuer's revocation status list; random, so the list says little.
    status_index = models.PositiveIntegerField()
    jwt = models.TextField()
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "status_index"], name="one_credential_per_status_bit"
            )
        ]

    def __str__(self) -> str:
        return str(self.identifier)
