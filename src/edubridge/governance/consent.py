"""Consent by purpose: given by the person, or by a guardian below the age of digital consent
of the organisation's jurisdiction; withdrawn at any time; asked for before the processing
that needs it (``require``).

A guardian need not have an account: an administrator makes a signed link for one child,
one purpose and one language (``guardian_link``), and the guardian opens it to consent or
withdraw. The link lasts 30 days."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, can, require
from edubridge.governance import packs
from edubridge.governance.models import Attribute, Consent, GroupAttribute, Purpose

LINK_SALT = "edubridge.governance.guardian"
LINK_DAYS = 30


def _invalid(name: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"{name}: {message}", field=name)


def age_rule(organisation: Organisation) -> tuple[int, str]:
    """The age below which a guardian consents, and the rule it comes from ("KE v1")."""
    pack = packs.for_country(organisation.country_id)
    if pack is None:
        return 18, "no pack: 18"
    return int(pack.value("consent_age")), f"{pack.code} v{pack.version}"


def active(person: User, organisation: Organisation) -> QuerySet[Consent]:
    return Consent.objects.filter(
        person=person, organisation=organisation, withdrawn_at__isnull=True
    )


def has(person: User, organisation: Organisation, purpose: str, scope: str = "") -> bool:
    """Whether consent to ``purpose`` is in force, for the whole purpose or this scope."""
    return (
        active(person, organisation).filter(Q(scope="") | Q(scope=scope), purpose=purpose).exists()
    )


def require_consent(
    person: User, organisation: Organisation, purpose: str, scope: str = ""
) -> None:
    """Refuse processing that needs consent the person (or their guardian) has not given."""
    if not has(person, organisation, purpose, scope):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            f"{person.username} has not consented to {Purpose(purpose).label.lower()} "
            f"with {organisation}.",
        )


def give(
    by: Actor,
    person: User,
    organisation: Organisation,
    purpose: str,
    scope: str = "",
    *,
    guardian: str = "",
) -> Consent:
    """Record consent: by the person themselves, to any organisation that holds their data
    (their own, or one that trained them), or by their guardian (``guardian``: the guardian's
    name) through a link or the administrator of the person's organisation."""
    if purpose not in Purpose.values:
        raise _invalid("purpose", f"{purpose!r} is not one of {', '.join(Purpose.values)}")
    if len(scope) > 64:
        raise _invalid("scope", "at most 64 characters")
    guardian = guardian.strip()[:200]
    if guardian and not person.memberships.filter(organisation=organisation).exists():
        raise _invalid("organisation", f"{person.username} is not a member of {organisation}")
    if guardian:
        if by != person and not can(by, Action.MEMBERS_MANAGE, organisation):
            require(by, Action.MEMBERS_MANAGE, organisation)
    elif getattr(by, "pk", None) != person.pk:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, "Only the person, or their guardian, gives consent."
        )
    _, rule = age_rule(organisation)
    with transaction.atomic():
        if has(person, organisation, purpose, scope):
            raise DomainError(ErrorCode.CONFLICT, "This consent is already given.")
        consent = Consent.objects.create(
            person=person,
            organisation=organisation,
            purpose=purpose,
            scope=scope,
            by_guardian=bool(guardian),
            guardian_name=guardian,
            rule=rule,
        )
        audit.record(
            by, "consent.give", consent, organisation=organisation, summary=f"{purpose} {scope}"
        )
    return consent


def withdraw(by: Actor, consent: Consent) -> Consent:
    """The person, their guardian (through the link) or an administrator withdraws it."""
    if getattr(by, "pk", None) != consent.person_id:
        require(by, Action.MEMBERS_MANAGE, consent.organisation)
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_at is not None:
            raise DomainError(ErrorCode.CONFLICT, "This consent was withdrawn already.")
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        if locked.purpose == Purpose.GENDER_AUDIT:  # the processing it allowed stops now
            GroupAttribute.objects.filter(
                attribute=Attribute.GENDER,
                learner__user_id=locked.person_id,
                learner__organisation_id=locked.organisation_id,
            ).delete()
        audit.record(
            by,
            "consent.withdraw",
            locked,
            organisation=locked.organisation,
            summary=f"{locked.purpose} {locked.scope}",
        )
    return locked


def guardian_link(
    by: Actor, person: User, organisation: Organisation, purpose: str, language: str
) -> str:
    """A signed token for the guardian's page: one child, one purpose, one language."""
    require(by, Action.MEMBERS_MANAGE, organisation)
    if purpose not in Purpose.values:
        raise _invalid("purpose", f"{purpose!r} is not one of {', '.join(Purpose.values)}")
    if not person.memberships.filter(organisation=organisation).exists():
        raise _invalid("person", f"{person.username} is not a member of {organisation}")
    payload = {"p": person.pk, "o": organisation.pk, "u": purpose, "l": language}
    return signing.dumps(payload, salt=LINK_SALT, compress=True)


def read_link(token: str) -> dict[str, Any]:
    """The link's person, organisation, purpose and language; refused when it is forged or
    older than ``LINK_DAYS``."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_DAYS * 86400)
        person = User.objects.get(pk=payload["p"], is_active=True)
        organisation = Organisation.objects.get(pk=payload["o"])
    except (
        signing.BadSignature,
        KeyError,
        TypeError,
        User.DoesNotExist,
        Organisation.DoesNotExist,
    ):
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "This link is not valid, or has expired: ask the school for a new one.",
        ) from None
    return {
        "person": person,
        "organisation": organisation,
        "purpose": payload["u"],
        "language": payload["l"],
    }


def consenting_agents(organisation: Organisation, purpose: str, scope: str) -> set[str]:
    """The xAPI identifiers (``ifi``) of the organisation's people who consented to
    ``purpose`` for ``scope``: their accounts, addresses and learner pseudonyms."""
    from edubridge.governance.personal_data import Person
    from edubridge.learning.models import Learner

    people = User.objects.filter(
        pk__in=active_for(organisation, purpose, scope).values("person_id")
    )
    found: set[str] = set()
    for person in people:
        found |= Person.of(person).agents
    learners = Learner.objects.filter(organisation=organisation, user__in=people)
    for pseudonym in learners.values_list("pseudonym", flat=True):
        found.add(f"account:{settings.BASE_URL}|{pseudonym}")
    return found


def active_for(organisation: Organisation, purpose: str, scope: str) -> QuerySet[Consent]:
    return Consent.objects.filter(
        Q(scope="") | Q(scope=scope),
        organisation=organisation,
        purpose=purpose,
        withdrawn_at__isnull=True,
    )
