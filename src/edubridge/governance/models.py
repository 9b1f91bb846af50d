"""Jurisdictions' privacy rules, data-sharing agreements between organisations, and the log
of every decision the transfer gate made."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edubridge.core.countries import country_name
from edubridge.core.models import AppendOnly, Organisation


class Jurisdiction(models.Model):
    """A country's (or the EU's) privacy law as data; its version rises with each change."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    authority = models.CharField(_("authority"), max_length=200)
    countries = models.JSONField(default=list)
    laws = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")

    def __str__(self) -> str:
        return self.title

    @property
    def name(self) -> str:
        """The country's name from CLDR, or the European Union's."""
        return "the European Union" if self.code == "EU" else country_name(self.code)

    def rule(self, key: str) -> JurisdictionRule:
        found = {r.key: r for r in self.rules.all()}
        return found[key]

    def value(self, key: str) -> Any:
        return self.rule(key).value


class JurisdictionRule(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="rules")
    key = models.CharField(max_length=40)
    value = models.JSONField()
    citation = models.CharField(_("citation"), max_length=300)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["jurisdiction", "key"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "key"], name="one_jurisdiction_rule")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.key}"


class MaxLevel(models.TextChoices):
    INTERNAL = "internal", _("No personal data")
    PERSONAL = "personal", _("Personal data")
    SENSITIVE = "sensitive", _("Personal data, sensitive included")


class Agreement(models.Model):
    """A data-sharing agreement: what one organisation's data the other may receive, why, on
    which legal basis and with which safeguards. In force once both sides have signed its
    terms as they stand, until it expires or either side revokes it."""

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    mutual = models.BooleanField(_("data flows both ways"), default=False)
    title = models.CharField(_("title"), max_length=200)
    purposes = models.TextField(_("purposes"))
    datasets = models.JSONField(_("data categories"), default=list)
    max_level = models.CharField(
        _("most protected data"), max_length=16, choices=MaxLevel.choices, default="personal"
    )
    legal_basis = models.CharField(_("legal basis"), max_length=32)
    safeguards = models.JSONField(_("safeguards"), default=list, blank=True)
    authority_reference = models.CharField(
        _("authority's reference (licence, approval or filing)"), max_length=200, blank=True
    )
    starts_on = models.DateField(_("starts on"))
    expires_on = models.DateField(_("expires on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data-sharing agreement")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(provider=models.F("recipient")), name="agreement_two_parties"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> Organisation:
        """The provider's roles decide over the agreement (see core.policy)."""
        return self.provider

    def parties(self) -> list[Organisation]:
        return [self.provider, self.recipient]

    def digest(self) -> str:
        """SHA-256 of the terms: a signature holds for the terms it was given on."""
        terms = {
            "provider": self.provider_id,
            "recipient": self.recipient_id,
            "mutual": self.mutual,
            "title": self.title,
            "purposes": self.purposes,
            "datasets": sorted(self.datasets),
            "max_level": self.max_level,
            "legal_basis": self.legal_basis,
            "safeguards": sorted(self.safeguards),
            "authority_reference": self.authority_reference,
            "starts_on": self.starts_on.isoformat(),
            "expires_on": self.expires_on.isoformat(),
        }
        return hashlib.sha256(json.dumps(terms, sort_keys=True).encode()).hexdigest()

    def valid_signatures(self) -> list[AgreementSignature]:
        current = self.digest()
        return [s for s in self.signatures.all() if s.digest == current]

    def status(self, today: date) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_on < today:
            return "expired"
        signed = {s.organisation_id for s in self.valid_signatures()}
        if signed != {self.provider_id, self.recipient_id}:
            return "awaiting"
        return "in_force" if self.starts_on <= today else "signed"


class AgreementSignature(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="one_signature_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} signed {self.agreement}"


class Outcome(models.TextChoices):
    ALLOW = "allow", _("Allowed")
    CONDITIONS = "conditions", _("Allowed with conditions")
    DENY = "deny", _("Denied")


class TransferDecision(AppendOnly):
    """One decision of the transfer gate, with its reasons: the transfer log."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    flow = models.CharField(_("flow"), max_length=40)
    source = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    destination = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    dataset = models.CharField(_("data"), max_length=40)
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    conditions = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    remedies = models.JSONField(default=list)
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    packs = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("transfer decision")
        verbose_name_plural = _("transfer log")

    def __str__(self) -> str:
        return f"{self.source} -> {self.destination}: {self.dataset} {self.outcome}"


class Attribute(models.TextChoices):
    LANGUAGE = "language", _("Language")
    COUNTRY = "country", _("Country")
    GENDER = "gender", _("Gender")


class GroupAttribute(models.Model):
    """A learner's group for bias audits, kept apart from everything else: only auditors
    read it, and only audits use it. Gender is kept only with the learner's consent."""

    learner = models.ForeignKey(
        "learning.Learner", on_delete=models.CASCADE, related_name="+", verbose_name=_("learner")
    )
    attribute = models.CharField(_("attribute"), max_length=16, choices=Attribute.choices)
    value = models.CharField(_("group"), max_length=64)
    consented = models.BooleanField(_("the learner consented"), default=False)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "attribute"], name="one_group_per_attribute")
        ]

    def __str__(self) -> str:
        return f"{self.attribute}={self.value}"


class BiasAudit(models.Model):
    """A fitted model's metrics by learner group. A flagged model serves its bank only once
    an auditor of the bank's organisation records why it may."""

    model = models.ForeignKey(
        "learning.AdaptiveModel", on_delete=models.CASCADE, related_name="bias_audits"
    )
    bank = models.ForeignKey("learning.ItemBank", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    results = models.JSONField(default=dict)
    flagged = models.BooleanField(default=False)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.model}: {'flagged' if self.flagged else 'passed'}"

    @property
    def organisation(self) -> Organisation:
        return self.bank.organisation


class Purpose(models.TextChoices):
    """Processing that EduBridge does only with the person's (or a guardian's) consent."""

    TRANSFER_ABROAD = "transfer-abroad", _("Sending my records to a partner in another country")
    RESEARCH = "research", _("Research on teaching and learning")
    GENDER_AUDIT = "gender-audit", _("Using my gender to check that models treat groups fairly")


class Consent(models.Model):
    """A person's consent to one purpose with one organisation, given by them or, below the
    jurisdiction's age of digital consent, by a guardian; withdrawn at any time."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    # A kind of data or a partner the consent is limited to; empty for the purpose as a whole.
    scope = models.CharField(_("scope"), max_length=64, blank=True)
    by_guardian = models.BooleanField(default=False)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    # The jurisdiction whose age of consent applied, and its version then: "KE v1".
    rule = models.CharField(max_length=40, blank=True)
    given_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} with {self.organisation_id}"


class PseudonymKey(models.Model):
    """One version of an organisation's key for the pseudonyms its learners get where their
    records leave it. The secret is encrypted at rest; older versions are kept so the
    organisation, and only it, can still re-identify what it shared under them."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    secret = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="one_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} v{self.version}"


class RetainedCount(models.Model):
    """What retention keeps of rows past their time: counts by organisation, month and key
    (a verb, or a bank's item), no one's row."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    month = models.DateField()
    key = models.CharField(max_length=1000)
    count = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "kind", "month", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "month", "key"], name="one_retained_count"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m} {self.key}: {self.count}"
