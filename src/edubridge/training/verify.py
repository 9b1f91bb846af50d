"""Verifying an Open Badges 3.0 VC-JWT, one named check after another, so a refusal says
exactly which check failed: format, algorithm, key, signature, structure, claims, validity
and status. Keys and status come from callables, so the same checks run on the node (its
database) and offline (a JWKS file and a saved status list)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from edubridge.training import jose, ob3

CHECKS = ("format", "algorithm", "key", "signature", "structure", "claims", "validity", "status")


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool | None  # None: not run, because an earlier check failed
    detail: str


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    credential: dict[str, Any] | None = None

    @property
    def verified(self) -> bool:
        return all(c.passed for c in self.checks) and len(self.checks) == len(CHECKS)

    @property
    def failed(self) -> Check | None:
        return next((c for c in self.checks if c.passed is False), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "failed": self.failed.name if self.failed else None,
            "checks": [
                {"check": c.name, "passed": c.passed, "detail": c.detail} for c in self.checks
            ],
            "credential": self.credential,
        }


KeyLookup = Callable[[str], jose.PublicKey | None]
# Whether the credential is revoked: True, False, or None when its list cannot be read.
StatusLookup = Callable[[dict[str, Any]], bool | None]


def verify(token: str, find_key: KeyLookup, revoked: StatusLookup, now: datetime) -> Verification:
    result = Verification()

    def check(name: str, passed: bool, detail: str) -> bool:
        result.checks.append(Check(name, passed, detail))
        return passed

    def run() -> None:
        try:
            header, payload = jose.parse(token)
        except jose.JoseError as error:
            check("format", False, f"not a compact JWS: {error}")
            return
        check("format", True, "a compact JWS with a JSON header and payload")
        result.credential = payload
        alg = header.get("alg")
        if not check("algorithm", alg in jose.ALGORITHMS, f"alg is {alg!r}"):
            return
        kid = header.get("kid")
        key = find_key(kid) if isinstance(kid, str) else None
        if not check("key", key is not None, f"kid {kid!r}" + ("" if key else " is unknown")):
            return
        assert key is not None
        signed = jose.verify(token, key)
        if not check("signature", signed, f"by {kid}" if signed else "it does not match"):
            return
        problems = ob3.structure_problems(payload)
        if not check("structure", not problems, "; ".join(problems) or "OpenBadgeCredential"):
            return
        mismatches = _claims(payload, str(kid))
        if not check("claims", not mismatches, "; ".join(mismatches) or "consistent"):
            return
        if not _validity(payload, now, check):
            return
        state = revoked(payload)
        if state is None:
            check("status", False, "its status list could not be read")
        else:
            check("status", not state, "revoked" if state else "not revoked")

    run()
    ran = {c.name for c in result.checks}
    result.checks += [Check(name, None, "not run") for name in CHECKS if name not in ran]
    return result


def _claims(payload: dict[str, Any], kid: str) -> list[str]:
    issuer = payload["issuer"]
    issuer_id = issuer["id"] if isinstance(issuer, dict) else issuer
    wrong = []
    if payload.get("iss") != issuer_id:
        wrong.append("iss is not the issuer's id")
    if payload.get("jti") != payload["id"]:
        wrong.append("jti is not the credential's id")
    if payload.get("nbf") != int(ob3.parse_timestamp(payload["validFrom"]).timestamp()):
        wrong.append("nbf is not validFrom")
    if "validUntil" in payload and payload.get("exp") != int(
        ob3.parse_timestamp(payload["validUntil"]).timestamp()
    ):
        wrong.append("exp is not validUntil")
    if kid.split("#", 1)[0] != issuer_id:
        wrong.append("the signing key is not the issuer's")
    return wrong


def _validity(payload: dict[str, Any], now: datetime, check: Callable[..., bool]) -> bool:
    starts = ob3.parse_timestamp(payload["validFrom"])
    if now < starts:
        return check("validity", False, f"not valid before {payload['validFrom']}")
    if "validUntil" in payload and now >= ob3.parse_timestamp(payload["validUntil"]):
        return check("validity", False, f"expired on {payload['validUntil']}")
    return check("validity", True, f"valid from {payload['validFrom']}")
