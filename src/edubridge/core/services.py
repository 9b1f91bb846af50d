"""The write operations of the core app.

Each one checks the policy, validates its input, writes in one transaction and records an
audit entry. Web views, the API, the admin and the CLI all come through here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.languages import normalise_language
from edubridge.core.models import (
    ApiToken,
    Country,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)
from edubridge.core.policy import Action, Actor, require

ORGANISATION_FIELDS = [
    "slug",
    "name",
    "kind",
    "country",
    "languages",
    "website",
    "description",
    "contact_email",
    "is_active",
]
TOKEN_PREFIX = "ebt_"


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field=field)


def _full_clean(obj: Model, exclude: list[str] | None = None) -> None:
    """Model validation (lengths, formats, choices) as a DomainError naming the first field."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise _invalid(field, f"{field}: {' '.join(messages)}") from exc


def _languages(tags: Any) -> list[str]:
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _invalid("languages", "languages: give a list of BCP 47 language tags")
    try:
        return list(dict.fromkeys(normalise_language(t) for t in tags))
    except ValueError as exc:
        raise _invalid("languages", f"languages: {exc}") from exc


def _country(code: Any) -> Country:
    if isinstance(code, Country):
        return code
    country = Country.objects.filter(code=str(code).upper()).first()
    if country is None:
        raise _invalid("country", f"country: {code!r} is not an ISO 3166-1 alpha-2 code")
    return country


def _apply_organisation(org: Organisation, values: dict[str, Any]) -> None:
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise _invalid(sorted(unknown)[0], f"{sorted(unknown)[0]}: not a field of organisations")
    for name, value in values.items():
        if name == "country":
            value = _country(value)
        elif name == "languages":
            value = _languages(value)
        elif name == "kind" and value not in OrganisationKind.values:
            raise _invalid("kind", f"kind: choose one of {', '.join(OrganisationKind.values)}")
        setattr(org, name, value)
    _full_clean(org, exclude=["country"])


def create_organisation(by: Actor, **values: Any) -> Organisation:
    require(by, Action.ORGANISATION_CREATE)
    org = Organisation()
    _apply_organisation(org, values)
    taken = DomainError(
        ErrorCode.CONFLICT, f"slug: an organisation {org.slug!r} exists", field="slug"
    )
    if Organisation.objects.filter(slug=org.slug).exists():
        raise taken
    try:
        with transaction.atomic():
            org.save()
            changes = audit.diff({}, audit.snapshot(org, ORGANISATION_FIELDS))
            audit.record(by, "organisation.create", org, organisation=org, changes=changes)
    except IntegrityError as exc:  # created by a concurrent request since the check above
        raise taken from exc
    return org


def update_organisation(by: Actor, org: Organisation, **values: Any) -> Organisation:
    """The changed organisation; ``org`` itself is left as it was if the change is refused."""
    require(by, Action.ORGANISATION_CHANGE, org)
    if "slug" in values and values["slug"] != org.slug:
        raise _invalid("slug", "slug: the identifier of an organisation cannot change")
    with transaction.atomic():
        stored = Organisation.objects.select_for_update().get(pk=org.pk)
        before = audit.snapshot(stored, ORGANISATION_FIELDS)
        _apply_organisation(stored, values)
        changes = audit.diff(before, audit.snapshot(stored, ORGANISATION_FIELDS))
        if changes:
            stored.save()
            audit.record(by, "organisation.change", stored, organisation=stored, changes=changes)
    return stored


def _roles(roles: Any) -> list[str]:
    if not isinstance(roles, list | tuple) or not roles:
        raise _invalid("roles", "roles: give at least one role")
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise _invalid("roles", f"roles: {unknown[0]!r} is not one of {', '.join(Role.values)}")
    return [r for r in Role.values if r in roles]


def _keeps_an_admin(membership: Membership, new_roles: list[str]) -> None:
    """Refuse a change that would leave an organisation without any administrator."""
    if Role.ADMIN not in membership.roles or Role.ADMIN in new_roles:
        return
    others = Membership.objects.filter(organisation=membership.organisation).exclude(
        pk=membership.pk
    )
    if not any(Role.ADMIN in m.roles for m in others):
        raise DomainError(
            ErrorCode.CONFLICT,
            "roles: this is the organisation's last administrator; appoint another first",
            field="roles",
        )


def add_member(by: Actor, organisation: Organisation, user: User, roles: list[str]) -> Membership:
    membership = Membership(organisation=organisation, user=user, roles=_roles(roles))
    require(by, Action.MEMBERS_MANAGE, membership)
    try:
        with transaction.atomic():
            membership.save()
            audit.record(
                by,
                "membership.create",
                membership,
                organisation=organisation,
                changes={"roles": [None, membership.roles]},
            )
    except IntegrityError as exc:
        raise DomainError(
            ErrorCode.CONFLICT, f"user: {user} is already a member", field="user"
        ) from exc
    return membership


def create_user(
    by: Actor,
    username: str,
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """A new account, created by a node operator (the demo loader, the admin site)."""
    require(by, Action.ORGANISATION_CREATE)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    _full_clean(user, exclude=["password"])
    taken = DomainError(ErrorCode.CONFLICT, f"username: {username!r} is taken", field="username")
    if User.objects.filter(username=username).exists():
        raise taken
    try:
        with transaction.atomic():
            user.save()
            changes = {"is_staff": [None, user.is_staff], "is_superuser": [None, is_superuser]}
            audit.record(by, "user.create", user, organisation=None, changes=changes)
    except IntegrityError as exc:
        raise taken from exc
    return user


def find_user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DomainError(ErrorCode.INVALID, f"user: no active user {username!r}", field="user")
    return user


def _lock(membership: Membership) -> Membership:
    """The stored membership, with its organisation's row locked for the transaction.

    Changes to one organisation's memberships queue behind each other, so two demotions at
    once cannot both pass the last-administrator check on PostgreSQL.
    """
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    return Membership.objects.select_related("organisation", "user").get(pk=membership.pk)


def set_member_roles(by: Actor, membership: Membership, roles: list[str]) -> Membership:
    require(by, Action.MEMBERS_MANAGE, membership)
    new_roles = _roles(roles)
    with transaction.atomic():
        stored = _lock(membership)
        if new_roles == stored.roles:
            return stored
        _keeps_an_admin(stored, new_roles)
        before = stored.roles
        stored.roles = new_roles
        stored.save(update_fields=["roles"])
        audit.record(
            by,
            "membership.change",
            stored,
            organisation=stored.organisation,
            changes={"roles": [before, new_roles]},
        )
    return stored


def remove_member(by: Actor, membership: Membership) -> None:
    require(by, Action.MEMBERS_MANAGE, membership)
    with transaction.atomic():
        stored = _lock(membership)
        _keeps_an_admin(stored, [])
        audit.record(
            by,
            "membership.delete",
            stored,
            organisation=stored.organisation,
            changes={"roles": [stored.roles, None]},
        )
        stored.delete()


def is_last_admin(membership: Membership) -> bool:
    try:
        _keeps_an_admin(membership, [])
    except DomainError:
        return True
    return False


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """Tokens are 256-bit random, so one SHA-256 is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(by: Actor, name: str, *, expires_at: datetime | None = None) -> IssuedToken:
    """A new personal token; its secret is shown once and never stored."""
    require(by, Action.TOKEN_MANAGE)
    if not isinstance(by, User):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "Tokens belong to a signed-in person.")
    name = name.strip()
    if not name or len(name) > 100:
        raise _invalid("name", "name: give a name of 1 to 100 characters")
    if expires_at is not None and (
        timezone.is_naive(expires_at)
        or not timezone.now() < expires_at < timezone.now() + timedelta(days=3653)
    ):
        raise _invalid("expires_at", "expires_at: give a time, with its time zone, within 10 years")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=by, name=name, prefix=secret[:12], digest=digest(secret), expires_at=expires_at
        )
        audit.record(by, "token.create", token, organisation=None, summary=f"token {name}")
    return IssuedToken(token, secret)


def revoke_api_token(by: Actor, token: ApiToken) -> ApiToken:
    require(by, Action.TOKEN_MANAGE, token)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                by, "token.revoke", token, organisation=None, summary=f"token {token.name}"
            )
    return token


def authenticate_token(secret: str) -> User | None:
    """The active user owning a valid, unrevoked, unexpired token, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at <= now):
        return None
    # Record use at most once a minute: a busy client must not turn reads into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
