"""Partner institutions, their countries and members, API tokens and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from edubridge.core.countries import country_name
from edubridge.core.languages import language_name


class Country(models.Model):
    """An ISO 3166-1 country; its name comes from CLDR in the reader's language."""

    code = models.CharField(_("ISO 3166-1 code"), max_length=2, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return country_name(self.code)


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry or public agency")
    UNIVERSITY = "university", _("University")
    TEACHER_COLLEGE = "teacher_college", _("Teacher-training college")
    SCHOOL_NETWORK = "school_network", _("School network")
    COMPANY = "company", _("Company")
    NGO = "ngo", _("Non-governmental organisation")


class Organisation(models.Model):
    """A partner institution running or sharing an EduBridge node."""

    slug = models.SlugField(_("identifier"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    # BCP 47 tags of the languages the organisation works in, e.g. ["sw", "en"].
    languages = models.JSONField(_("languages"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def language_names(self) -> list[str]:
        return [language_name(tag) for tag in self.languages]


class Role(models.TextChoices):
    ADMIN = "admin", pgettext_lazy("role", "Administrator")
    CURATOR = "curator", pgettext_lazy("role", "Curator")
    TRANSLATOR = "translator", pgettext_lazy("role", "Translator")
    REVIEWER = "reviewer", pgettext_lazy("role", "Reviewer")
    TRAINER = "trainer", pgettext_lazy("role", "Trainer")
    TEACHER = "teacher", pgettext_lazy("role", "Teacher")
    LEARNER = "learner", pgettext_lazy("role", "Learner")
    AUDITOR = "auditor", pgettext_lazy("role", "Auditor")


class Membership(models.Model):
    """A user's place in an organisation, with one or more roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    roles = models.JSONField(_("roles"), default=list)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def _refuse(model: type[models.Model]) -> PermissionError:
    return PermissionError(f"the {model._meta.verbose_name_plural} is append-only")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise _refuse(self.model)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model)

    def expire(self) -> int:
        """The other change a log takes: rows past their retention (governance.retention)."""
        return super().delete()[0]

    def erase_person(self, **values: Any) -> int:
        """The one change a log takes: rows that named a person, rewritten without them
        when that person's data is erased (governance.personal_data)."""
        return super().update(**values)


class AppendOnly(models.Model):
    """A log's rows: added, never changed or removed, in bulk or one by one."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Always an INSERT: an entry built with an existing key must not overwrite the original.
        if not self._state.adding or kwargs.get("update_fields"):
            raise _refuse(type(self))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(type(self))


class AuditEntry(AppendOnly):
    """One write: who did what, in which organisation, when, with a before/after summary."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # PROTECT: deleting an account must not rewrite the log; erasure pseudonymises instead.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.summary}"
