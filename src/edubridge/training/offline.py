"""Verification away from the issuing node: keys from a JWKS file, revocation from a saved
status list credential, both checked before they are believed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edubridge.training import jose, statuslist

KeyLookup = Callable[[str], jose.PublicKey | None]


def keys_from_jwks(text: str) -> KeyLookup:
    try:
        listed = json.loads(text)["keys"]
        found = {
            k["kid"]: jose.key_from_jwk(k) for k in listed if isinstance(k, dict) and "kid" in k
        }
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"not a JWKS (a JSON object with a list of keys): {error}") from error
    return found.get


def status_from_lists(
    paths: list[Path], find_key: KeyLookup
) -> Callable[[dict[str, Any]], bool | None]:
    """Revocation read from saved ``BitstringStatusListCredential`` JWTs, each verified."""
    lists: dict[str, tuple[str, str]] = {}  # list id -> (issuer, encoded list)
    for path in paths:
        token = path.read_text(encoding="utf-8").strip()
        header, payload = jose.parse(token)
        key = find_key(str(header.get("kid")))
        if key is None or not jose.verify(token, key):
            raise ValueError(f"{path}: the status list's signature does not verify")
        if str(header.get("kid")).split("#", 1)[0] != payload.get("issuer"):
            raise ValueError(f"{path}: the status list is not signed by its issuer")
        subject = payload.get("credentialSubject")
        if (
            "BitstringStatusListCredential" not in (payload.get("type") or [])
            or not isinstance(subject, dict)
            or subject.get("statusPurpose") != "revocation"
            or not isinstance(subject.get("encodedList"), str)
        ):
            raise ValueError(f"{path}: not a revocation BitstringStatusListCredential")
        lists[str(payload.get("id"))] = (str(payload["issuer"]), subject["encodedList"])

    def revoked(credential: dict[str, Any]) -> bool | None:
        entry = credential.get("credentialStatus")
        if not isinstance(entry, dict):
            return False
        found = lists.get(entry.get("statusListCredential", ""))
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if found is None or found[0] != issuer_id or entry.get("statusPurpose") != "revocation":
            return None
        encoded = found[1]
        try:
            return statuslist.is_set(encoded, int(entry.get("statusListIndex", "")))
        except ValueError:
            return None

    return revoked
