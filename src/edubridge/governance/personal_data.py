"""Privacy providers: every app says how to export, and how to erase, one person's data.

In the spirit of Moodle's privacy API. Each app with personal fields (per the data map) has
a ``privacy`` module that registers a :class:`Provider` naming the models it covers; a test
fails on a model with personal fields that no provider covers. :func:`export` gathers
every provider's rows about a person into one JSON archive, each field with its
classification. :func:`erase` runs every provider in one transaction: what is the person's
own goes, what others need (a cohort's attendance, a statement counted in a report) stays
under a random pseudonym no one can link back, and the account itself is emptied last.
The audit log records the erasure without the personal data.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, require
from edubridge.governance.registry import Level, inventory, model_fields

FORMAT = "edubridge-privacy-export/1"
PERSONAL = (Level.PERSONAL, Level.SENSITIVE)


@dataclass(frozen=True)
class Person:
    """The person a request is about, with every identifier the node may hold for them,
    read before anything is erased."""

    user: User
    pseudonym: str
    identifiers: tuple[str, ...]
    agents: frozenset[str]

    @classmethod
    def of(cls, user: User) -> Person:
        # Texts that name the person, longest first: what an erasure looks for in free text.
        # Names and addresses they had before count too, as the audit log of their account
        # remembers them.
        named = {user.username, user.email, user.get_full_name(), user.first_name, user.last_name}
        named |= set(_former(user))
        identifiers = sorted((t for t in named if t and len(t) >= 3), key=len, reverse=True)
        # Their xAPI identifiers (records.identifiers.ifi), as this node writes them.
        agents = {f"account:{settings.BASE_URL}|{user.username}"}
        for email in {user.email, user.email.lower()} - {""}:
            mbox = f"mailto:{email}"
            sha1 = hashlib.sha1(mbox.encode()).hexdigest()  # noqa: S324 - xAPI's own digest
            agents |= {f"mbox:{mbox}", f"mbox_sha1sum:{sha1}"}
        pseudonym = f"erased-{secrets.token_hex(8)}"
        return cls(user, pseudonym, tuple(identifiers), frozenset(agents))

    def agent(self) -> dict[str, Any]:
        """The account that stands in for the person where their records stay."""
        return {"account": {"homePage": f"{settings.BASE_URL}/erased", "name": self.pseudonym}}

    def redact(self, value: Any) -> Any:
        """``value`` (a text, or JSON) with every identifier replaced by the pseudonym."""
        if isinstance(value, str):
            for identifier in self.identifiers:
                value = _replace_folded(value, identifier, self.pseudonym)
            return value
        if isinstance(value, list):
            return [self.redact(v) for v in value]
        if isinstance(value, dict):
            return {k: self.redact(v) for k, v in value.items()}
        return value

    def named_in(self, value: Any) -> bool:
        text = (
            value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
        )
        folded = text.casefold()
        return any(i.casefold() in folded for i in self.identifiers)


ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email")


def _former(user: User) -> list[str]:
    """Every name and address the audit log recorded for the account, before and after."""
    from edubridge.core.models import AuditEntry

    found = []
    entries = AuditEntry.objects.filter(target_type="auth.user", target_id=str(user.pk))
    for changes in entries.values_list("changes", flat=True):
        for key in ACCOUNT_FIELDS:
            values = changes.get(key) if isinstance(changes, dict) else None
            if isinstance(values, list):
                found += [v for v in values if isinstance(v, str)]
    return found


def _replace_folded(text: str, old: str, new: str) -> str:
    """Replace ``old`` in ``text`` whatever its case, as a whole word where it is written in
    a script that separates words ("Wei" in "weight" is not the person), anywhere in
    scripts that do not (a Chinese name inside a Chinese sentence)."""
    spaced = any(c.isascii() or (c.isalpha() and ord(c) < 0x2E80) for c in old)
    edge = r"(?<![\w]){}(?![\w])" if spaced else "{}"
    return re.sub(edge.format(re.escape(old)), new, text, flags=re.IGNORECASE)


class Provider:
    """How one app exports and erases a person's data.

    ``covers``: the models ("app.Model") with personal fields the provider answers for.
    ``withheld``: fields ("app.Model.field") never exported, such as secrets' hashes."""

    app: str = ""
    covers: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()
    # Erasures run in this order: lower first; core's, which empties the account, is last.
    order: int = 50

    def export(self, person: Person) -> Iterable[models.Model]:
        """Every row of the covered models that is about the person or by them."""
        return ()

    def erase(self, person: Person) -> dict[str, int]:
        """Erase or pseudonymise the person's rows; how many rows of each model changed."""
        return {}


_providers: list[Provider] = []


def register(provider: type[Provider]) -> type[Provider]:
    _providers.append(provider())
    return provider


def providers() -> list[Provider]:
    return sorted(_providers, key=lambda p: (p.order, p.app))


def uncovered() -> list[str]:
    """Models with personal fields that no provider covers."""
    covered = {m.lower() for p in _providers for m in p.covers}
    personal = {row.model for row in inventory() if row.level in PERSONAL}
    return sorted(m for m in personal if m.lower() not in covered)


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return value


def _row(instance: models.Model, withheld: set[str]) -> dict[str, Any]:
    label = instance._meta.label
    out: dict[str, Any] = {}
    for name in model_fields(type(instance)):
        if f"{label}.{name}" in withheld:
            continue
        field = instance._meta.get_field(name)
        if field.many_to_many:
            value: Any = [o.pk for o in getattr(instance, name).all()]
        elif isinstance(field, models.ForeignKey):
            value = getattr(instance, field.attname)
        else:
            value = _value(getattr(instance, name))
        out[name] = value
    return out


def export(by: Actor, user: User) -> dict[str, Any]:
    """One person's data on this node, per app and model, with each field's classification."""
    require(by, Action.NODE_ADMIN)
    person = Person.of(user)
    classes = {(r.model, r.field): r for r in inventory()}
    apps: dict[str, dict[str, Any]] = {}
    for provider in providers():
        withheld = set(provider.withheld)
        models_out: dict[str, Any] = {}
        seen: set[tuple[str, Any]] = set()
        for instance in provider.export(person):
            label = instance._meta.label
            if (label, instance.pk) in seen:
                continue
            seen.add((label, instance.pk))
            entry = models_out.setdefault(label, {"fields": {}, "rows": []})
            row = _row(instance, withheld)
            entry["rows"].append(row)
            for name in row:
                found = classes.get((label, name))
                entry["fields"][name] = found.as_dict() if found else {"level": None}
        if models_out:
            apps[provider.app] = models_out
    with transaction.atomic():
        audit.record(by, "privacy.export", user, organisation=None, summary=f"user {user.pk}")
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "node": settings.BASE_URL,
        "person": {"id": user.pk, "username": user.username},
        "withheld": sorted(f for p in providers() for f in p.withheld),
        "apps": apps,
    }


def erase(by: Actor, user: User) -> dict[str, dict[str, int]]:
    """Erase or irreversibly pseudonymise the person across every app, all or nothing."""
    require(by, Action.NODE_ADMIN)
    if user.is_superuser:
        raise DomainError(ErrorCode.CONFLICT, "A node operator's account is not erased.")
    person = Person.of(user)
    done: dict[str, dict[str, int]] = {}
    # Each organisation the person belonged to logs the erasure, for its auditors to see.
    organisations: list[Organisation | None] = [
        *Organisation.objects.filter(memberships__user=user)
    ] or [None]
    with transaction.atomic():
        for provider in providers():
            counts = {k: v for k, v in provider.erase(person).items() if v}
            if counts:
                done[provider.app] = counts
        total = sum(n for counts in done.values() for n in counts.values())
        # The entries name the emptied account and counts, nothing the person is known by.
        for organisation in organisations:
            audit.record(
                by,
                "privacy.erase",
                user,
                organisation=organisation,
                summary=f"{person.pseudonym}: {total} rows erased or pseudonymised",
            )
    return done
