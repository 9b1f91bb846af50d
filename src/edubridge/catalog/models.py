"""Shared resources, their immutable versions and files, alignments, and joint releases."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edubridge.core.models import Country, Organisation
from edubridge.standards.models import Item


def canonical_uuid(value: str) -> str:
    """A canonical UUID, or one that matches nothing (so a lookup is a 404, never a 500)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return "00000000-0000-0000-0000-000000000000"


def in_language(texts: dict[str, str], language: str) -> str:
    """The text in ``language`` ("zh-hans" finds "zh-Hans"), else its base language or English."""
    by_tag = {tag.lower(): text for tag, text in texts.items()}
    wanted = language.lower()
    for key in (wanted, wanted.split("-")[0], "en"):
        if by_tag.get(key):
            return str(by_tag[key])
    return str(next(iter(texts.values()), ""))


class ResourceKind(models.TextChoices):
    COURSE = "course", _("Course")
    LESSON = "lesson", _("Lesson")
    ITEM_BANK = "item_bank", _("Assessment item bank")
    VIRTUAL_LAB = "virtual_lab", _("Virtual lab")
    TRAINING_MODULE = "training_module", _("Teacher-training module")
    DATASET = "dataset", _("Dataset")
    AI_MODEL = "ai_model", _("AI model")


class RemoteNode(models.Model):
    """Another node (or any OAI-PMH repository) whose records this node harvests."""

    base_url = models.URLField(_("OAI-PMH base URL"), max_length=500, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["base_url"]

    def __str__(self) -> str:
        return self.name or self.base_url


class Harvest(models.Model):
    """How far the harvest of one node and set has got, so the next one is incremental.

    ``until`` is the repository's own responseDate when the last harvest finished; while a
    harvest runs, its resumption token is kept after every page so that an interrupted
    harvest resumes where it stopped.
    """

    node = models.ForeignKey(RemoteNode, on_delete=models.CASCADE, related_name="harvests")
    set_spec = models.CharField(max_length=200, blank=True)
    metadata_prefix = models.CharField(max_length=32)
    until = models.CharField(max_length=20, blank=True)
    started = models.CharField(max_length=20, blank=True)
    resumption_token = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "set_spec"], name="one_harvest_per_set")
        ]

    def __str__(self) -> str:
        return f"{self.node} {self.set_spec}".strip()


class Resource(models.Model):
    """A learning resource a partner shares; what changes over time lives in its versions.

    A local resource has an owner; a harvested one has an origin instead, is read-only
    here and changes only when its origin node changes it.
    """

    identifier = models.UUIDField(unique=True)
    owner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="resources"
    )
    origin = models.ForeignKey(
        RemoteNode, null=True, blank=True, on_delete=models.PROTECT, related_name="resources"
    )
    origin_identifier = models.CharField(max_length=255, blank=True)
    origin_url = models.URLField(max_length=500, blank=True)
    origin_publisher = models.CharField(max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ResourceKind.choices)
    # Text in several languages: {"en": "…", "sw": "…"}.
    title = models.JSONField(_("title"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    education_levels = models.JSONField(_("education levels"), default=list, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, verbose_name=_("country of origin")
    )
    licence = models.CharField(_("licence (SPDX)"), max_length=64)
    accessibility = models.JSONField(_("accessibility features"), default=list, blank=True)
    learning_minutes = models.PositiveIntegerField(
        _("learning time (minutes)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Withdrawn resources leave search; OAI-PMH reports them as deleted records.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False, origin__isnull=True)
                | models.Q(owner__isnull=True, origin__isnull=False),
                name="local_or_harvested",
            ),
            models.UniqueConstraint(
                fields=["origin", "origin_identifier"],
                condition=models.Q(origin__isnull=False),
                name="one_copy_per_origin_record",
            ),
        ]

    def __str__(self) -> str:
        return self.title_in("en")

    @property
    def harvested(self) -> bool:
        return self.origin_id is not None

    @property
    def publisher(self) -> str:
        return self.owner.name if self.owner is not None else self.origin_publisher

    def title_in(self, language: str) -> str:
        return in_language(self.title, language)

    def description_in(self, language: str) -> str:
        return in_language(self.description, language)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class MadeWith(models.TextChoices):
    """How a version was made, for academic honesty about AI (schema.org digitalSourceType)."""

    HUMAN = "human", _("Made by people")
    AI_ASSISTED = "ai-assisted", _("AI-assisted")
    AI_GENERATED = "ai-generated", _("AI-generated")


class ResourceVersion(models.Model):
    """One version of a resource; immutable once published."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    changelog = models.TextField(_("changes"), blank=True, max_length=4000)
    # Translations and adaptations keep their provenance.
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The resource's metadata as it was when this version was published, never changed after.
    metadata = models.JSONField(default=dict, blank=True)
    # Its structure from a content package: sections, pages, web links and assessments.
    outline = models.JSONField(default=list, blank=True)
    made_with = models.CharField(
        _("how it was made"), max_length=16, choices=MadeWith.choices, default=MadeWith.HUMAN
    )
    ai_model = models.CharField(_("AI model used"), max_length=200, blank=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


class ContentFile(models.Model):
    """A file of a version, stored once by its SHA-256 through Django's storage API."""

    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["version", "path"]
        constraints = [
            models.UniqueConstraint(fields=["version", "path"], name="one_file_per_path")
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def storage_name(self) -> str:
        return f"content/sha256/{self.sha256[:2]}/{self.sha256}"


class Collection(models.Model):
    """Resources a partner groups for a purpose (a course path, a theme), in order."""

    identifier = models.UUIDField(unique=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="collections")
    title = models.JSONField(_("title"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    resources = models.ManyToManyField(
        Resource, through="CollectionEntry", related_name="collections"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title_in("en")

    def title_in(self, language: str) -> str:
        return in_language(self.title, language)

    def description_in(self, language: str) -> str:
        return in_language(self.description, language)


class CollectionEntry(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["collection", "position"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "resource"], name="once_per_collection")
        ]

    def __str__(self) -> str:
        return f"{self.collection} #{self.position}"


class AssessmentItem(models.Model):
    """A scorable item of a version (QTI), as ``edubridge.catalog.packages.qti.Item`` JSON."""

    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    identifier = models.CharField(max_length=200)
    data = models.JSONField()
    # Learners are told before they answer that no AI tool may help them with this item.
    ai_forbidden = models.BooleanField(_("no AI assistance"), default=False)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "identifier"], name="one_item_identifier")
        ]

    def __str__(self) -> str:
        return self.identifier


class AlignmentType(models.TextChoices):
    TEACHES = "teaches", _("Teaches")
    ASSESSES = "assesses", _("Assesses")
    REQUIRES = "requires", _("Requires")


class Alignment(models.Model):
    """A version aligned to a framework item."""

    version = models.ForeignKey(
        ResourceVersion, on_delete=models.CASCADE, related_name="alignments"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    alignment_type = models.CharField(
        max_length=16, choices=AlignmentType.choices, default=AlignmentType.TEACHES
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "item", "alignment_type"], name="one_alignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.alignment_type} {self.item}"


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting approval")
    PUBLISHED = "published", _("Published")


class Release(models.Model):
    """Resource versions that two or more partners release together once each has approved."""

    identifier = models.UUIDField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("release notes"), blank=True, max_length=10000)
    versions = models.ManyToManyField(ResourceVersion, related_name="releases")
    status = models.CharField(
        max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ReleaseParty(models.Model):
    """A partner of a release, and its curator's approval."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "organisation"], name="one_party_per_release"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.release}"


class SearchEntry(models.Model):
    """The searchable text of a resource, as normalised tokens (any script; see align.text)."""

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, related_name="search_entry")
    body = models.TextField()

    def __str__(self) -> str:
        return f"search text of {self.resource_id}"


class SearchChange(models.Model):
    """A resource whose search entry or facets changed: what each process's in-memory search
    index catches up with. The random stamp tells a rolled-back or rebuilt log from the one
    an index has seen."""

    resource_id = models.BigIntegerField()
    stamp = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"change {self.pk} of {self.resource_id}"


class Facet(models.Model):
    """One facet value of a resource (kind, language, country, …): one row each, on any database."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=16)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["name", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["resource", "name", "value"], name="one_facet_value")
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
