"""Compact JWS (RFC 7515) with the two algorithms credentials are signed with: EdDSA over
Ed25519 (RFC 8037) and ES256 (P-256, SHA-256). Small enough to read whole; the tests check
it against an independent JOSE library."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
ALGORITHMS = ("EdDSA", "ES256")
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
MAX_TOKEN = 1_000_000  # characters of a compact JWS this module reads
P256_BYTES = 32


class JoseError(ValueError):
    pass


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict base64url without padding: one spelling per value, so a token cannot be
    altered and still verify."""
    if not isinstance(text, str) or not BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise JoseError("not base64url without padding")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64encode(data) != text:
        raise JoseError("not the canonical base64url of its bytes")
    return data


def generate(algorithm: str) -> PrivateKey:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    raise JoseError(f"unsupported algorithm {algorithm!r}")


def algorithm_of(key: PrivateKey | PublicKey) -> str:
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    raise JoseError("only Ed25519 and P-256 keys are used")


def public_jwk(key: PublicKey, kid: str) -> dict[str, str]:
    """The public key as a JWK (RFC 7517, RFC 8037) with its ``kid`` and ``alg``."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64encode(raw), "kid": kid, "alg": "EdDSA"}
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64encode(numbers.x.to_bytes(P256_BYTES, "big")),
        "y": b64encode(numbers.y.to_bytes(P256_BYTES, "big")),
        "kid": kid,
        "alg": "ES256",
    }


def key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    try:
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(b64decode(jwk["x"]))
        if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
            x = int.from_bytes(b64decode(jwk["x"]), "big")
            y = int.from_bytes(b64decode(jwk["y"]), "big")
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except (KeyError, ValueError, TypeError) as error:
        raise JoseError(f"unreadable JWK: {error}") from error
    raise JoseError("a JWK of kty OKP (Ed25519) or EC (P-256) is expected")


def sign(payload: dict[str, Any], key: PrivateKey, header: dict[str, Any]) -> str:
    """``payload`` signed as a compact JWS; ``alg`` comes from the key."""
    protected = {"alg": algorithm_of(key), **header}
    signing_input = ".".join(
        b64encode(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
        for part in (protected, payload)
    )
    data = signing_input.encode("ascii")
    if isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(data)
    else:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(P256_BYTES, "big") + s.to_bytes(P256_BYTES, "big")
    return f"{signing_input}.{b64encode(signature)}"


def parse(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and payload of a compact JWS, unverified."""
    parts = token.strip().split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise JoseError("a compact JWS has three parts separated by dots")
    if len(token) > MAX_TOKEN:
        raise JoseError(f"longer than {MAX_TOKEN} characters")
    try:
        header, payload = (json.loads(b64decode(p)) for p in parts[:2])
    except JoseError:
        raise
    except (ValueError, RecursionError) as error:  # bad UTF-8 or JSON, huge numbers, nesting
        raise JoseError("the header and payload must be JSON") from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JoseError("the header and payload must be JSON objects")
    if "crit" in header:
        raise JoseError("critical header extensions are not understood here")
    return header, payload


def verify(token: str, key: PublicKey) -> bool:
    """Whether the signature of ``token`` is ``key``'s, for the algorithm its header names."""
    header, _ = parse(token)
    if header.get("alg") != algorithm_of(key):
        return False
    signing_input, _, signature_part = token.strip().rpartition(".")
    try:
        signature = b64decode(signature_part)
    except JoseError:
        return False
    data = signing_input.encode("ascii")
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            if len(signature) != 2 * P256_BYTES:
                return False
            r = int.from_bytes(signature[:P256_BYTES], "big")
            s = int.from_bytes(signature[P256_BYTES:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
