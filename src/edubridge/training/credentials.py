"""Open Badges 3.0 credentials for participants who met a programme's criteria: built,
signed as a VC-JWT by the issuing organisation's key, revocable through its Bitstring
Status List, and verified on this node against its own keys and lists."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, require
from edubridge.governance import consent
from edubridge.governance import services as governance
from edubridge.governance.models import Purpose
from edubridge.training import criteria, jose, keys, ob3, statuslist
from edubridge.training.models import Credential, Enrolment, SigningKey
from edubridge.training.verify import Verification, verify


def status_url(organisation: Organisation) -> str:
    return f"{settings.BASE_URL}/orgs/{organisation.slug}/credentials/status"


def achievement_id(enrolment: Enrolment) -> str:
    return f"{settings.BASE_URL}/training/programmes/{enrolment.cohort.programme.identifier}/"


def _identity(kind: str, value: str) -> dict[str, Any]:
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((value + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "identityType": kind,
        "salt": salt,
    }


def _alignment(requirement: Any) -> dict[str, Any]:
    item = requirement.competency
    return {
        "type": ["Alignment"],
        "targetType": "CFItem",
        "targetCode": item.identifier,
        "targetName": item.full_statement,
        "targetFramework": item.framework.title,
        "targetUrl": f"{settings.BASE_URL}/ims/case/v1p1/CFItems/{item.identifier}",
    }


def build(credential: Credential, enrolment: Enrolment) -> dict[str, Any]:
    """The ``OpenBadgeCredential``: the participant named only by salted hashes."""
    cohort = enrolment.cohort
    programme = cohort.programme
    organisation = credential.organisation
    requirements = list(
        programme.requirements.select_related("competency__framework").order_by("position")
    )
    achieved = criteria.progress(enrolment).met
    participant = enrolment.participant
    identities = [_identity("name", participant.get_full_name() or participant.username)]
    if participant.email:
        identities.append(_identity("emailAddress", participant.email.lower()))
    narrative = "; ".join(
        f"{r.competency.human_coding_scheme} {r.competency.full_statement}: {r.evidence}"
        for r in requirements
    )
    body: dict[str, Any] = {
        "@context": [ob3.VC_CONTEXT, ob3.OB_CONTEXT],
        "id": f"urn:uuid:{credential.identifier}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": keys.did(organisation),
            "type": ["Profile"],
            "name": organisation.name,
            "url": f"{settings.BASE_URL}/orgs/{organisation.slug}/",
        },
        "validFrom": ob3.timestamp(credential.issued_at),
        "name": programme.title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identities,
            "achievement": {
                "id": achievement_id(enrolment),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": programme.title,
                "description": programme.description or programme.title,
                "criteria": {
                    "narrative": f"Evidence scored as proficient for each competency ({narrative}) "
                    f"and at least {programme.min_attendance}% of the workshops attended."
                },
                "inLanguage": programme.language,
                "alignment": [_alignment(r) for r in requirements if r.pk in achieved],
            },
        },
        "credentialStatus": {
            "id": f"{status_url(organisation)}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(credential.status_index),
            "statusListCredential": status_url(organisation),
        },
        "credentialSchema": [{"id": ob3.OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if credential.valid_until:
        body["validUntil"] = ob3.timestamp(credential.valid_until)
    return body


def sign(key: SigningKey, body: dict[str, Any]) -> str:
    return jose.sign(ob3.jwt_claims(body), keys.private_key(key), {"kid": key.kid, "typ": "JWT"})


def issue(
    by: Actor,
    enrolment: Enrolment,
    *,
    algorithm: str = keys.DEFAULT_ALGORITHM,
    valid_until: datetime | None = None,
) -> Credential:
    """The participant's credential, signed by the cohort's organisation; issued once."""
    existing = Credential.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    if not criteria.progress(enrolment).eligible:
        raise DomainError(
            ErrorCode.CONFLICT, f"{enrolment.participant.username} has not met the criteria yet"
        )
    organisation = enrolment.cohort.organisation
    if algorithm not in jose.ALGORITHMS:
        raise DomainError(ErrorCode.INVALID, f"algorithm: one of {', '.join(jose.ALGORITHMS)}")
    key = keys.current(organisation, algorithm)
    for _attempt in range(20):
        try:
            with transaction.atomic():
                credential = Credential(
                    enrolment=enrolment,
                    organisation=organisation,
                    status_index=secrets.randbelow(statuslist.SIZE),
                    issued_at=timezone.now(),
                    valid_until=valid_until,
                )
                credential.jwt = sign(key, build(credential, enrolment))
                credential.save()
                audit.record(
                    by,
                    "training.credential.issue",
                    credential,
                    organisation=organisation,
                    summary=f"{enrolment.cohort.programme} to {enrolment.participant.username}",
                )
                return credential
        except IntegrityError:
            if Credential.objects.filter(enrolment=enrolment).exists():
                return Credential.objects.get(enrolment=enrolment)
    raise DomainError(ErrorCode.CONFLICT, "The status list is full; start a new one.")


def revoke(by: Actor, credential: Credential, reason: str) -> Credential:
    require(by, Action.CREDENTIAL_REVOKE, credential.organisation)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, "reason: say why it is revoked", field="reason")
    with transaction.atomic():
        credential = Credential.objects.select_for_update().get(pk=credential.pk)
        if credential.revoked_at:
            raise DomainError(ErrorCode.CONFLICT, "This credential is revoked already.")
        credential.revoked_at = timezone.now()
        credential.revocation_reason = reason[:300]
        credential.save(update_fields=["revoked_at", "revocation_reason"])
        audit.record(
            by,
            "training.credential.revoke",
            credential,
            organisation=credential.organisation,
            summary=reason[:300],
        )
    return credential


def status_list_jwt(organisation: Organisation) -> str:
    """The organisation's revocation list as a signed ``BitstringStatusListCredential``."""
    revoked = Credential.objects.filter(
        organisation=organisation, revoked_at__isnull=False
    ).values_list("status_index", flat=True)
    url = status_url(organisation)
    body = {
        "@context": [ob3.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.did(organisation),
        "validFrom": ob3.timestamp(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": statuslist.encode(revoked),
        },
    }
    key = keys.current(organisation)
    claims = {**body, "iss": body["issuer"], "jti": url, "nbf": int(timezone.now().timestamp())}
    return jose.sign(claims, keys.private_key(key), {"kid": key.kid, "typ": "JWT"})


def node_key(kid: str) -> jose.PublicKey | None:
    found = SigningKey.objects.filter(kid=kid).first()
    return jose.key_from_jwk(found.public_jwk) if found else None


def node_status(credential: dict[str, Any]) -> bool | None:
    """Revoked or not, from this node's records of its own organisations' credentials."""
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict):
        return False
    url = entry.get("statusListCredential", "")
    prefix = f"{settings.BASE_URL}/orgs/"
    if not isinstance(url, str) or not url.startswith(prefix):
        return None
    slug = url[len(prefix) :].split("/", 1)[0]
    try:
        index = int(entry.get("statusListIndex", ""))
    except ValueError:
        return None
    return Credential.objects.filter(
        organisation__slug=slug, status_index=index, revoked_at__isnull=False
    ).exists()


def verify_here(token: str) -> Verification:
    return verify(token, node_key, node_status, timezone.now())


def for_partner(
    by: Actor, organisation: Organisation, partner: Organisation
) -> QuerySet[Credential]:
    """The credentials ``organisation`` issued that the transfer gate lets ``partner`` have:
    a credential names its holder only by salted hashes (pseudonymised by design), and where
    the issuer's law asks, only those of holders who consented to the transfer go."""
    require(by, Action.CREDENTIAL_REVOKE, organisation)
    decision = governance.require_transfer(
        by, organisation, partner, "credentials", flow="credential.export", applies=FOR_PARTNERS
    )
    chosen = Credential.objects.filter(organisation=organisation)
    if "consented_only" in decision.conditions:
        holders = consent.active_for(organisation, Purpose.TRANSFER_ABROAD, "credentials")
        chosen = chosen.filter(enrolment__participant__in=holders.values("person_id"))
    return chosen


FOR_PARTNERS = frozenset({"pseudonymise", "consented_only"})
