"""A person's account, memberships, tokens, sessions and the logs that name them."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from edubridge.core.models import ApiToken, AuditEntry, Membership
from edubridge.governance.personal_data import ACCOUNT_FIELDS, Person, Provider, register


def naming(person: Person, *fields: str) -> Q:
    """Rows whose text ``fields`` contain any of the person's identifiers, also as JSON
    writes them with non-ASCII letters escaped (as SQLite stores JSON)."""
    found = Q(pk__in=[])
    for field in fields:
        for identifier in person.identifiers:
            for form in {identifier, json.dumps(identifier)[1:-1]}:
                found |= Q(**{f"{field}__icontains": form})
    return found


@register
class CorePrivacy(Provider):
    app = "core"
    order = 100  # the account is emptied once every app is done with it
    covers = (
        "auth.User",
        "core.Membership",
        "core.ApiToken",
        "core.AuditEntry",
        "sessions.Session",
        "admin.LogEntry",
    )
    withheld = ("auth.User.password", "core.ApiToken.digest")

    def export(self, person: Person) -> Iterator[models.Model]:
        user = person.user
        yield user
        yield from Membership.objects.filter(user=user)
        yield from ApiToken.objects.filter(user=user)
        yield from AuditEntry.objects.filter(actor=user)
        yield from LogEntry.objects.filter(user=user)

    def erase(self, person: Person) -> dict[str, int]:
        user = person.user
        counts = {
            "core.Membership": Membership.objects.filter(user=user).delete()[0],
            "core.ApiToken": ApiToken.objects.filter(user=user).delete()[0],
        }
        mine = [
            s.pk
            for s in Session.objects.all()
            if s.get_decoded().get("_auth_user_id") == str(user.pk)
        ]
        counts["sessions.Session"] = Session.objects.filter(pk__in=mine).delete()[0]
        counts["core.AuditEntry"] = self._audit(person)
        logged = LogEntry.objects.filter(
            Q(user=user) | naming(person, "object_repr", "change_message")
        )
        for entry in logged:
            entry.object_repr = person.redact(entry.object_repr)
            entry.change_message = person.redact(entry.change_message)
            entry.save(update_fields=["object_repr", "change_message"])
        counts["admin.LogEntry"] = len(logged)
        user.username = person.pseudonym
        user.first_name = user.last_name = user.email = ""
        user.set_unusable_password()
        user.is_active = user.is_staff = False
        user.last_login = None
        user.save()
        counts["auth.User"] = 1
        return counts

    def _audit(self, person: Person) -> int:
        entries = AuditEntry.objects.annotate(text=Cast("changes", TextField())).filter(
            Q(actor=person.user)
            | Q(target_type="auth.user", target_id=str(person.user.pk))
            | naming(person, "actor_label", "summary", "text")
        )
        for entry in entries:
            changes = person.redact(entry.changes)
            if entry.target_type == "auth.user" and entry.target_id == str(person.user.pk):
                # The account's own entries: every name and address in them goes, matched or not.
                changes = {
                    k: [person.pseudonym if v else v for v in values]
                    if k in ACCOUNT_FIELDS and isinstance(values, list)
                    else values
                    for k, values in changes.items()
                }
            AuditEntry.objects.filter(pk=entry.pk).erase_person(
                actor_label=person.pseudonym
                if entry.actor_id == person.user.pk
                else person.redact(entry.actor_label),
                summary=person.redact(entry.summary),
                changes=changes,
            )
        return len(entries)
