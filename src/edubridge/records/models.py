"""The Learning Record Store: xAPI statements of an organisation's learners, written and read
by the LRS clients it creates (HTTP Basic key and secret, hashed at rest)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edubridge.core.models import Organisation


class Scope(models.TextChoices):
    READ = "read", _("Read statements")
    WRITE = "write", _("Write statements")
    DEFINE = "define", _("Define activities")


class LrsClient(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="lrs_clients"
    )
    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(max_length=100, unique=True)
    secret_hash = models.CharField(max_length=200)
    scopes = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class Statement(models.Model):
    """A stored statement, with the columns its queries filter on beside it."""

    statement_id = models.UUIDField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        LrsClient, null=True, on_delete=models.SET_NULL, related_name="statements"
    )
    version = models.CharField(max_length=16)
    stored = models.DateTimeField()
    timestamp = models.DateTimeField()
    actor = models.CharField(max_length=1000)
    verb = models.CharField(max_length=1000)
    object_type = models.CharField(max_length=16)
    object = models.CharField(max_length=1000)
    registration = models.UUIDField(null=True)
    target = models.UUIDField(null=True)  # the statement a StatementRef object points at
    voided = models.BooleanField(default=False)
    data = models.JSONField()

    class Meta:
        ordering = ["-id"]
        # An id is unique in its organisation's store: another's ids are none of its business.
        constraints = [
            models.UniqueConstraint(fields=["organisation", "statement_id"], name="one_statement")
        ]
        indexes = [
            # Every query names the organisation: it leads each index, so the planner
            # takes the filter's index rather than walking the organisation's rows. The
            # actor is found through its references, so it needs no index of its own here.
            models.Index(fields=["organisation", "stored"]),
            models.Index(fields=["organisation", "verb", "id"]),
            models.Index(fields=["organisation", "object", "id"]),
            models.Index(fields=["organisation", "registration", "id"]),
            # Few statements point at others: a partial index answers "any?" at once.
            models.Index(
                fields=["target"], condition=models.Q(target__isnull=False), name="statement_target"
            ),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class Reference(models.Model):
    """An activity or agent a statement names anywhere (context, sub-statement, authority):
    what ``related_activities`` and ``related_agents`` search."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="references")
    # "activity", "agent", or "subject": the actor or the agent that is the object, which
    # is one of the statement's agents too (and then not written again as "agent").
    kind = models.CharField(max_length=8)
    value = models.CharField(max_length=1000)

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "statement"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"


class DocumentKind(models.TextChoices):
    STATE = "state", _("State")
    ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
    AGENT_PROFILE = "agent_profile", _("Agent profile")


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document, as its client wrote it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    activity = models.CharField(max_length=1000, blank=True)
    agent = models.CharField(max_length=1000, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.CharField(max_length=1000)
    content = models.BinaryField()
    content_type = models.CharField(max_length=200)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "activity", "agent", "registration", "document_id"],
                name="one_document",
            )
        ]
        indexes = [models.Index(fields=["organisation", "kind", "activity", "agent"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class Activity(models.Model):
    """An activity's canonical definition, merged from the statements that describe it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    activity_id = models.CharField(max_length=1000)
    definition = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "activity_id"], name="one_activity")
        ]

    def __str__(self) -> str:
        return self.activity_id


class Attachment(models.Model):
    """An attachment's content, stored once per organisation by its SHA-2 hash."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sha2 = models.CharField(max_length=128)
    content_type = models.CharField(max_length=200)
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha2"], name="one_attachment")
        ]

    def __str__(self) -> str:
        return self.sha2


class Share(models.Model):
    """An organisation lets a partner's clients read its statements, pseudonymised."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The data-sharing agreement the transfer gate found; the share ends with it.
    agreement = models.ForeignKey(
        "governance.Agreement", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "partner"], name="one_share"),
            models.CheckConstraint(
                condition=~models.Q(owner=models.F("partner")), name="share_with_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} -> {self.partner}"


class Clock(models.Model):
    """The ``stored`` time last given to an organisation's statements. On PostgreSQL one
    UPDATE of this row both orders the writers (its lock is held to the commit, so ``stored``
    grows in commit order) and hands out the batch's times, in one round trip; the
    organisation's first write makes the row by an upsert."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.last}"
