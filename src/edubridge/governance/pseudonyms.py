"""Pseudonyms for learners whose records leave their organisation, keyed per organisation.

A pseudonym is ``v{version}.{HMAC-SHA256(key, identifier)}``: the organisation's key of that
version, applied to the learner's xAPI identifier. Keys are random, kept encrypted (AES-GCM,
the key derived from ``SIGNING_KEY_SECRET``) and rotated on demand: a rotation makes new
pseudonyms from then on, so records shared before and after cannot be joined. Old versions
are kept so the owning organisation's administrators, and no one else, can re-identify a
pseudonym among the identifiers in their own records.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, require
from edubridge.governance.models import PseudonymKey

_cache: dict[int, tuple[int, bytes, float]] = {}  # organisation -> (version, key, until)
CACHE_SECONDS = 5.0  # a rotation reaches every worker within this


def _aead() -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"edubridge pseudonym keys"
    ).derive(settings.SIGNING_KEY_SECRET.encode())
    return AESGCM(derived)


def _open(row: PseudonymKey) -> bytes:
    sealed = bytes(row.secret)
    return _aead().decrypt(sealed[:12], sealed[12:], str(row.organisation_id).encode())


def _seal(organisation: Organisation, secret: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + _aead().encrypt(nonce, secret, str(organisation.pk).encode())


def _new(organisation: Organisation, version: int) -> PseudonymKey:
    return PseudonymKey.objects.create(
        organisation=organisation, version=version, secret=_seal(organisation, os.urandom(32))
    )


def current(organisation: Organisation) -> tuple[int, bytes]:
    """The key in use (made on first need), remembered for a few seconds per worker."""
    cached = _cache.get(organisation.pk)
    if cached and cached[2] > time.monotonic():
        return cached[0], cached[1]
    row = PseudonymKey.objects.filter(organisation=organisation).order_by("-version").first()
    if row is None:
        try:
            with transaction.atomic():
                row = _new(organisation, 1)
        except IntegrityError:  # another worker made it first
            row = PseudonymKey.objects.get(organisation=organisation, version=1)
    found = (row.version, _open(row))
    _cache[organisation.pk] = (*found, time.monotonic() + CACHE_SECONDS)
    return found


def forget() -> None:
    _cache.clear()


def _digest(key: bytes, identifier: str) -> str:
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()


def pseudonym(organisation: Organisation, identifier: str) -> str:
    version, key = current(organisation)
    return f"v{version}.{_digest(key, identifier)}"


def rotate(by: Actor, organisation: Organisation) -> int:
    """A new key version for the organisation; the previous one is retired, not deleted."""
    require(by, Action.ORGANISATION_CHANGE, organisation)
    current(organisation)
    with transaction.atomic():
        latest = (
            PseudonymKey.objects.select_for_update()
            .filter(organisation=organisation)
            .order_by("-version")
            .first()
        )
        assert latest is not None
        PseudonymKey.objects.filter(pk=latest.pk).update(retired_at=timezone.now())
        made = _new(organisation, latest.version + 1)
        audit.record(
            by,
            "pseudonym.rotate",
            organisation,
            organisation=organisation,
            summary=f"key v{made.version}",
        )
    _cache.pop(organisation.pk, None)
    return made.version


def reidentify(
    by: Actor, organisation: Organisation, name: str, candidates: list[str]
) -> str | None:
    """Which of ``candidates`` (identifiers in the organisation's own records) ``name`` is the
    pseudonym of; only the organisation's administrators may ask, and it is audited."""
    require(by, Action.ORGANISATION_CHANGE, organisation)
    version_text, _, digest = name.partition(".")
    if not version_text.startswith("v") or not version_text[1:].isdecimal() or not digest:
        raise DomainError(
            ErrorCode.INVALID, "pseudonym: expected v<version>.<digest>", field="pseudonym"
        )
    row = PseudonymKey.objects.filter(
        organisation=organisation, version=int(version_text[1:])
    ).first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"{organisation} has no key {version_text}")
    key = _open(row)
    found = next((c for c in candidates if hmac.compare_digest(_digest(key, c), digest)), None)
    with transaction.atomic():
        audit.record(
            by,
            "pseudonym.reidentify",
            organisation,
            organisation=organisation,
            summary="found" if found else "not found",
        )
    return found
