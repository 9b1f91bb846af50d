"""Open Badges 3.0 credentials (on the W3C Verifiable Credentials 2.0 data model): building
an ``OpenBadgeCredential``, its VC-JWT claims, and the structure rules a verifier checks."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential as a VC-JWT payload: itself plus the registered claims OB 3.0 maps."""
    claims = dict(credential)
    issuer = credential["issuer"]
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["jti"] = credential["id"]
    claims["nbf"] = int(parse_timestamp(credential["validFrom"]).timestamp())
    if "validUntil" in credential:
        claims["exp"] = int(parse_timestamp(credential["validUntil"]).timestamp())
    subject_id = credential["credentialSubject"].get("id")
    if subject_id:
        claims["sub"] = subject_id
    return claims


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _text(obj: dict[str, Any], name: str, where: str, problems: list[str]) -> None:
    if not isinstance(obj.get(name), str) or not obj[name].strip():
        problems.append(f"{where}.{name} must be a non-empty string")


def _iri(obj: dict[str, Any], name: str, where: str, problems: list[str]) -> None:
    if not isinstance(obj.get(name), str) or not IRI.match(obj[name]):
        problems.append(f"{where}.{name} must be an IRI")


def structure_problems(credential: Any) -> list[str]:
    """What breaks the OB 3.0 structure rules for an ``OpenBadgeCredential``, by path."""
    if not isinstance(credential, dict):
        return ["the credential must be a JSON object"]
    problems: list[str] = []
    context = credential.get("@context")
    if not isinstance(context, list) or context[:2] != [VC_CONTEXT, OB_CONTEXT]:
        problems.append(f"@context must begin with {VC_CONTEXT} then {OB_CONTEXT}")
    _iri(credential, "id", "credential", problems)
    types = _types(credential.get("type"))
    if "VerifiableCredential" not in types or not (
        {"OpenBadgeCredential", "AchievementCredential"} & set(types)
    ):
        problems.append("type must hold VerifiableCredential and OpenBadgeCredential")
    _text(credential, "name", "credential", problems)
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        _iri(issuer, "id", "issuer", problems)
        if "Profile" not in _types(issuer.get("type")):
            problems.append("issuer.type must hold Profile")
    elif not isinstance(issuer, str) or not IRI.match(issuer):
        problems.append("issuer must be a Profile or an IRI")
    for name in ("validFrom", "validUntil"):
        value = credential.get(name)
        if (name == "validFrom" or value is not None) and not (
            isinstance(value, str) and DATETIME.match(value)
        ):
            problems.append(f"credential.{name} must be an XML Schema dateTime with a zone")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        return [*problems, "credentialSubject must be an object"]
    if "AchievementSubject" not in _types(subject.get("type")):
        problems.append("credentialSubject.type must hold AchievementSubject")
    if not subject.get("id") and not subject.get("identifier"):
        problems.append("credentialSubject needs an id or an identifier")
    for n, identity in enumerate(subject.get("identifier") or []):
        where = f"credentialSubject.identifier[{n}]"
        if not isinstance(identity, dict) or identity.get("type") != "IdentityObject":
            problems.append(f"{where}.type must be IdentityObject")
            continue
        if not isinstance(identity.get("hashed"), bool):
            problems.append(f"{where}.hashed must be true or false")
        _text(identity, "identityHash", where, problems)
        _text(identity, "identityType", where, problems)
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        return [*problems, "credentialSubject.achievement must be an object"]
    where = "achievement"
    _iri(achievement, "id", where, problems)
    if "Achievement" not in _types(achievement.get("type")):
        problems.append("achievement.type must hold Achievement")
    _text(achievement, "name", where, problems)
    _text(achievement, "description", where, problems)
    criteria = achievement.get("criteria")
    if not isinstance(criteria, dict) or not (criteria.get("id") or criteria.get("narrative")):
        problems.append("achievement.criteria needs an id or a narrative")
    for n, alignment in enumerate(achievement.get("alignment") or []):
        at = f"achievement.alignment[{n}]"
        if not isinstance(alignment, dict) or "Alignment" not in _types(alignment.get("type")):
            problems.append(f"{at}.type must hold Alignment")
            continue
        _text(alignment, "targetName", at, problems)
        _iri(alignment, "targetUrl", at, problems)
    status = credential.get("credentialStatus")
    if status is not None and not (
        isinstance(status, dict) and isinstance(status.get("type"), str) and status.get("id")
    ):
        problems.append("credentialStatus needs an id and a type")
    return problems
