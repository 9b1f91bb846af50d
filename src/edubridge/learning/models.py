"""Adaptive models a partner offers: served by this node, or elsewhere behind the model
interface (docs/specs/model-interface.md) once they pass its conformance kit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edubridge.core.models import Organisation


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
