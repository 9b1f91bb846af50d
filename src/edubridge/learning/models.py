"""Adaptive models a partner offers (served here, or elsewhere behind the model interface of
docs/specs/model-interface.md once they pass its conformance kit), and the practice they
drive: pseudonymous learners, item banks aligned to skills, answers and live mastery."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edubridge.catalog.models import AssessmentItem, ResourceVersion
from edubridge.core.models import Organisation
from edubridge.standards.models import Item as FrameworkItem


class ModelKind(models.TextChoices):
    BKT = "bkt", _("Bayesian knowledge tracing, served here")
    EXTERNAL = "external", _("External model at a URL")


class AdaptiveModel(models.Model):
    identifier = models.UUIDField(unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="adaptive_models"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(max_length=16, choices=ModelKind.choices)
    url = models.URLField(_("interface base URL"), max_length=500, blank=True)
    # Fitted parameters of a model served here (skills, probabilities): no learner data.
    parameters = models.JSONField(default=dict, blank=True)
    card = models.JSONField(_("model card"), default=dict, blank=True)
    conformance = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Learner(models.Model):
    """A learner as the learning records know them: a random pseudonym per organisation.
    The person behind it (name, login) lives only in core; erase the link and the records
    are anonymous."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pseudonym = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_learner_per_user")
        ]

    def __str__(self) -> str:
        return self.pseudonym


class ItemBank(models.Model):
    """Items of a published catalog version, each aligned to the skills (framework items) it
    practises, served to an organisation's learners by a BKT (default parameters until one
    is fitted on their answers)."""

    identifier = models.UUIDField(unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    version = models.ForeignKey(ResourceVersion, on_delete=models.PROTECT, related_name="+")
    model = models.ForeignKey(
        AdaptiveModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.FloatField(_("target success"), default=0.7)
    mastered = models.FloatField(_("mastery threshold"), default=0.95)
    fitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BankItem(models.Model):
    bank = models.ForeignKey(ItemBank, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(AssessmentItem, on_delete=models.PROTECT, related_name="+")
    skills = models.ManyToManyField(FrameworkItem, related_name="+")

    class Meta:
        ordering = ["bank", "item__position"]
        constraints = [models.UniqueConstraint(fields=["bank", "item"], name="one_bank_item")]

    def __str__(self) -> str:
        return f"{self.bank}: {self.item}"


class Answer(models.Model):
    """One answer, kept as the xAPI statement it makes, with the mastery it led to."""

    statement_id = models.UUIDField(unique=True)
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="answers")
    bank = models.ForeignKey(ItemBank, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(BankItem, on_delete=models.CASCADE, related_name="answers")
    response = models.JSONField()
    score = models.FloatField()
    correct = models.BooleanField()
    mastery = models.JSONField(default=dict)  # skill identifier -> P(known) after the answer
    statement = models.JSONField()
    answered_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["answered_at", "id"]
        indexes = [models.Index(fields=["bank", "learner", "answered_at"])]

    def __str__(self) -> str:
        return str(self.statement_id)


class Mastery(models.Model):
    """A learner's P(known) of a skill now, kept up to date answer by answer."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="mastery")
    bank = models.ForeignKey(ItemBank, on_delete=models.CASCADE, related_name="mastery")
    skill = models.ForeignKey(FrameworkItem, on_delete=models.CASCADE, related_name="+")
    value = models.FloatField()
    answers = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "bank", "skill"], name="one_mastery")
        ]

    def __str__(self) -> str:
        return f"{self.learner} {self.skill_id}: {self.value:.2f}"
