"""Localisation projects: a published resource version made ready for another country.

A project holds the version's translation units, its alignments mapped to the target
country's framework, the cultural findings of the target country's rule pack, and, once
a reviewer of the target organisation signs off, the derived version it produced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edubridge.catalog.models import AlignmentType, Resource, ResourceVersion
from edubridge.core.languages import right_to_left
from edubridge.core.models import Country, Organisation
from edubridge.core.policy import RULES, Action, roles_of_id
from edubridge.standards.models import Crosswalk, Framework, Item


class Stage(models.TextChoices):
    EXTRACT = "extract", _("Extract")
    REALIGN = "realign", _("Re-align")
    TRANSLATE = "translate", _("Translate")
    REVIEW = "review", _("Cultural review")
    SIGNOFF = "signoff", _("Sign-off")
    DONE = "done", _("Signed off")


STAGES = [Stage.EXTRACT, Stage.REALIGN, Stage.TRANSLATE, Stage.REVIEW, Stage.SIGNOFF]


class Project(models.Model):
    identifier = models.UUIDField(unique=True)
    source_version = models.ForeignKey(
        ResourceVersion, on_delete=models.PROTECT, related_name="localisations"
    )
    source_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="localisations_out"
    )
    # The target organisation does the work and signs off: the policy decides by its roles.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="localisations_in"
    )
    source_language = models.CharField(_("source language"), max_length=35)
    target_language = models.CharField(_("target locale"), max_length=35)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    target_framework = models.ForeignKey(
        Framework,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target framework"),
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.EXTRACT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What sign-off produced: a version of the target organisation's localised resource.
    target_resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_version = models.ForeignKey(
        ResourceVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_version.resource} → {self.target_language}"

    def granted_to(self, user_id: int, action: str) -> bool:
        """The source organisation's staff follow the project and its curators help run it."""
        if action not in (Action.L10N_VIEW, Action.L10N_MANAGE):
            return False
        return bool(roles_of_id(user_id, self.source_organisation) & RULES[Action(action)])

    @property
    def rtl(self) -> bool:
        return right_to_left(self.target_language)

    @property
    def source_rtl(self) -> bool:
        return right_to_left(self.source_language)


class ProjectStage(models.Model):
    """One stage of a project: who owns it, when it is due, when it started and ended."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="one_row_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.stage}"


class UnitState(models.TextChoices):
    NEW = "initial", _("Untranslated")
    TRANSLATED = "translated", _("Translated")
    REVIEWED = "reviewed", _("Reviewed")


class Origin(models.TextChoices):
    HUMAN = "human", _("Typed")
    MEMORY = "memory", _("Translation memory")
    MACHINE = "machine", _("Machine translation")
    IMPORT = "import", _("Imported file")


class Unit(models.Model):
    """A translatable string of the source version, with its context and translation.

    ``key`` says where it lives (``title``, ``file:PATH#PATH-IN-PAGE``, ``item:ID:prompt``)
    and is the id it keeps in XLIFF and PO. Inline markup stays in the text as HTML tags;
    the exports protect it and the checks compare it. ``revision`` counts saves, so that a
    save made against an older revision is refused instead of overwriting another's work.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField()
    key = models.CharField(max_length=2000)
    source = models.TextField()
    # True when the text is an HTML fragment whose tags are inline codes; False for plain text.
    markup = models.BooleanField(default=False)
    context = models.CharField(max_length=300, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    target = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=UnitState.choices, default=UnitState.NEW)
    origin = models.CharField(max_length=16, choices=Origin.choices, blank=True)
    revision = models.PositiveIntegerField(default=0)
    # Ids of the quality checks that fail, and of those a reviewer dismissed for this unit.
    failing = models.JSONField(default=list, blank=True)
    dismissed = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="one_unit_per_key")]

    def __str__(self) -> str:
        return self.key


class UnitChange(models.Model):
    """Every saved translation, kept: the unit's history and the report's provenance."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="changes")
    revision = models.PositiveIntegerField()
    target = models.TextField(blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "-revision"]

    def __str__(self) -> str:
        return f"{self.unit} r{self.revision}"


class MappingStatus(models.TextChoices):
    OPEN = "open", _("Needs a decision")
    MAPPED = "mapped", _("Mapped by a crosswalk")
    CHOSEN = "chosen", _("Chosen by a specialist")
    GAP = "gap", _("Not in the target curriculum")


class Mapping(models.Model):
    """A source alignment carried over to the target framework, or a recorded gap."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="mappings")
    source_item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    alignment_type = models.CharField(max_length=16, choices=AlignmentType.choices)
    target_item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    crosswalk = models.ForeignKey(
        Crosswalk, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    relation = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        max_length=16, choices=MappingStatus.choices, default=MappingStatus.OPEN
    )
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source_item", "alignment_type"], name="one_mapping"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_item} → {self.target_item or self.status}"


class MemoryEntry(models.Model):
    """A translation an organisation keeps for reuse: from its projects or a TMX file."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source_language = models.CharField(max_length=35)
    target_language = models.CharField(max_length=35)
    source = models.TextField()
    target = models.TextField()
    # SHA-256 of source and target: the exact lookup, and one row per pair of texts.
    source_hash = models.CharField(max_length=64)
    target_hash = models.CharField(max_length=64)
    origin = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The unique pair below serves exact lookups; this one a process catching up on new rows.
        indexes = [
            models.Index(
                fields=["organisation", "source_language", "target_language", "id"],
                name="memory_since",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "source_language",
                    "target_language",
                    "source_hash",
                    "target_hash",
                ],
                name="one_memory_pair",
            )
        ]

    def __str__(self) -> str:
        return self.source[:60]


class GlossaryTerm(models.Model):
    """An agreed translation of a term for one language pair; enforced ones must be used."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source_language = models.CharField(_("source language"), max_length=35)
    target_language = models.CharField(_("target language"), max_length=35)
    source = models.CharField(_("term"), max_length=200)
    target = models.CharField(_("translation"), max_length=200)
    enforced = models.BooleanField(_("enforced"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["source"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_language", "target_language", "source"],
                name="one_term",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class Category(models.TextChoices):
    RELIGION = "religion", _("Religious observance and holidays")
    FOOD = "food", _("Food and dietary laws")
    CALENDAR = "calendar", _("Calendar and dates")
    NAMES = "names", _("Names and forms of address")
    FAMILY = "family", _("Gender and family depiction")
    IMAGERY = "imagery", _("Dress and imagery descriptions")
    UNITS = "units", _("Measurement units")
    CURRENCY = "currency", _("Currency and prices")
    GEOGRAPHY = "geography", _("Geography and contested names")
    LOCAL = "local", _("Local examples and contexts")


class RulePack(models.Model):
    """A country's cultural and religious context rules; its version rises with each change."""

    country = models.OneToOneField(Country, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    languages = models.JSONField(default=list, blank=True)
    authors = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country"]

    def __str__(self) -> str:
        return self.title


class Rule(models.Model):
    pack = models.ForeignKey(RulePack, on_delete=models.CASCADE, related_name="rules")
    key = models.CharField(max_length=100)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    why = models.TextField(_("why it matters"))
    action = models.TextField(_("what to do"))
    applies_to = models.CharField(
        max_length=8,
        choices=[("source", _("Source")), ("target", _("Target")), ("both", _("Both"))],
        default="both",
    )
    keywords = models.JSONField(default=dict, blank=True)
    patterns = models.JSONField(default=dict, blank=True)
    detector = models.CharField(max_length=32, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pack", "category", "key"]
        constraints = [models.UniqueConstraint(fields=["pack", "key"], name="one_rule_key")]

    def __str__(self) -> str:
        return self.key


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To review")
    ADAPTED = "adapted", _("Adapted")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    WAIVED = "waived", _("Waived")


class Finding(models.Model):
    """Where a rule matched a unit's text, and what the target organisation's reviewer decided."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="findings")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="+")
    pack_version = models.PositiveIntegerField()
    side = models.CharField(max_length=8)
    match = models.CharField(max_length=200)
    suggestion = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    reason = models.CharField(max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "unit__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "rule", "side", "match"], name="one_finding_per_match"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} in {self.unit}"
