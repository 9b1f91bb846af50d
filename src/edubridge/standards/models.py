"""Curriculum and competency frameworks as CASE models them, and crosswalks between them.

Columns hold what EduBridge searches, shows and aligns on; ``extra`` keeps every other
property of the imported CASE object, so an export gives back what was imported.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edubridge.core.models import Country, Organisation


class DefinitionKind(models.TextChoices):
    CONCEPT = "CFConcepts", "CFConcept"
    SUBJECT = "CFSubjects", "CFSubject"
    LICENSE = "CFLicenses", "CFLicense"
    ITEM_TYPE = "CFItemTypes", "CFItemType"
    ASSOCIATION_GROUPING = "CFAssociationGroupings", "CFAssociationGrouping"


class Framework(models.Model):
    """A CFDocument: a curriculum standard or a competency framework."""

    identifier = models.CharField(max_length=64, unique=True)
    uri = models.CharField(max_length=500)
    title = models.CharField(_("title"), max_length=500)
    creator = models.CharField(_("creator"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frameworks",
        help_text=_("The partner that maintains this framework on this node."),
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("jurisdiction")
    )
    language = models.CharField(_("language"), max_length=35, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    adoption_status = models.CharField(max_length=50, blank=True)
    framework_type = models.CharField(max_length=100, blank=True)
    case_version = models.CharField(max_length=5, default="1.1")
    last_change = models.DateTimeField()
    builtin = models.BooleanField(default=False)
    extra = models.JSONField(default=dict, blank=True)
    # Package-level parts kept for a lossless export: CFRubrics and 1.1 extensions.
    rubrics = models.JSONField(default=list, blank=True)
    package_extensions = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return self.title

    @property
    def licence(self) -> Definition | None:
        return next((d for d in self.definitions.all() if d.kind == DefinitionKind.LICENSE), None)


class Definition(models.Model):
    """A CFDefinitions entry (subject, concept, licence, item type, association grouping).

    Each framework keeps its own copy: partners cannot rewrite each other's definitions by
    importing one with the same identifier.
    """

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="definitions")
    kind = models.CharField(max_length=32, choices=DefinitionKind.choices)
    identifier = models.CharField(max_length=64, db_index=True)
    uri = models.CharField(max_length=500)
    title = models.CharField(max_length=500)
    last_change = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["framework", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "kind", "identifier"], name="one_definition_per_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class Item(models.Model):
    """A CFItem: one standard, competency or grouping in a framework."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    identifier = models.CharField(max_length=64, unique=True)
    uri = models.CharField(max_length=500)
    full_statement = models.TextField(_("statement"))
    abbreviated_statement = models.TextField(blank=True)
    human_coding_scheme = models.CharField(_("code"), max_length=100, blank=True, db_index=True)
    list_enumeration = models.CharField(max_length=50, blank=True)
    item_type = models.CharField(_("type"), max_length=200, blank=True)
    education_levels = models.JSONField(_("education levels"), default=list, blank=True)
    language = models.CharField(max_length=35, blank=True)
    notes = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    position = models.IntegerField(default=0)
    last_change = models.DateTimeField()
    # Removed by a newer version of the framework; kept for the crosswalks that point at it.
    retired = models.BooleanField(default=False)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["framework", "position", "human_coding_scheme"]
        verbose_name = _("framework item")
        verbose_name_plural = _("framework items")

    def __str__(self) -> str:
        code = f"{self.human_coding_scheme} " if self.human_coding_scheme else ""
        return f"{code}{self.abbreviated_statement or self.full_statement[:80]}"


class Association(models.Model):
    """A CFAssociation between two nodes, which may lie outside this node (known by URI)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="associations")
    identifier = models.CharField(max_length=64, unique=True)
    uri = models.CharField(max_length=500)
    association_type = models.CharField(max_length=100, db_index=True)
    origin_identifier = models.CharField(max_length=64, db_index=True)
    origin_uri = models.CharField(max_length=500)
    origin_title = models.TextField(blank=True)
    destination_identifier = models.CharField(max_length=64, db_index=True)
    destination_uri = models.CharField(max_length=500)
    destination_title = models.TextField(blank=True)
    sequence_number = models.IntegerField(null=True, blank=True)
    last_change = models.DateTimeField()
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["framework", "sequence_number", "id"]

    def __str__(self) -> str:
        return f"{self.origin_identifier} {self.association_type} {self.destination_identifier}"


class CrosswalkStatus(models.TextChoices):
    DRAFT = "draft", _("In review")
    PUBLISHED = "published", _("Published agreement")


class Crosswalk(models.Model):
    """Which items of one framework correspond to which of another, as two partners agree."""

    identifier = models.UUIDField(unique=True)
    source = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="crosswalks_from")
    target = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="crosswalks_to")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="crosswalks",
        help_text=_("The partner that opened it and maintains the source framework."),
    )
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partner_crosswalks"
    )
    status = models.CharField(
        max_length=16, choices=CrosswalkStatus.choices, default=CrosswalkStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The agreement as signed, frozen at publication: later framework versions cannot alter it.
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_crosswalk_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class LinkStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Relation(models.TextChoices):
    EXACT = "exactMatchOf", _("Same as")
    RELATED = "isRelatedTo", _("Related to")


class CrosswalkLink(models.Model):
    """A proposed correspondence between a source and a target item, and its verdict."""

    crosswalk = models.ForeignKey(Crosswalk, on_delete=models.CASCADE, related_name="links")
    identifier = models.UUIDField(unique=True)
    source_item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    target_item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(max_length=16, choices=Relation.choices, default=Relation.EXACT)
    status = models.CharField(
        max_length=16, choices=LinkStatus.choices, default=LinkStatus.SUGGESTED
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["source_item__position", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["crosswalk", "source_item", "target_item"], name="one_link_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_item} {self.relation} {self.target_item} ({self.status})"


class Signature(models.Model):
    """One partner's sign-off on exactly the accepted links at that moment (their digest)."""

    crosswalk = models.ForeignKey(Crosswalk, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    digest = models.CharField(max_length=64)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["crosswalk", "organisation"], name="one_signature_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} signed {self.crosswalk}"
