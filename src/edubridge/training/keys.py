"""Each organisation's signing keys: made on first need, the private half stored as
encrypted PKCS#8 (the passphrase derived from ``SIGNING_KEY_SECRET``), the public half
published as a JWKS and in the organisation's ``did:web`` document."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from edubridge.core.models import Organisation
from edubridge.training import jose
from edubridge.training.models import SigningKey

DEFAULT_ALGORITHM = "EdDSA"


def _passphrase() -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"edubridge credential keys"
    ).derive(settings.SIGNING_KEY_SECRET.encode())


def did(organisation: Organisation) -> str:
    """``did:web`` of the organisation on this node, its document at BASE_URL/orgs/SLUG/did.json
    (a node under a path prefix keeps the prefix, as did:web resolves it)."""
    base = urlsplit(settings.BASE_URL)
    path = [quote(part, safe="") for part in base.path.split("/") if part]
    return ":".join(["did:web", quote(base.netloc, safe=""), *path, "orgs", organisation.slug])


def _kid(organisation: Organisation, public: dict[str, str]) -> str:
    # The JWK thumbprint's first bytes tell keys apart within the DID document.
    members = {k: public[k] for k in ("crv", "kty", "x", "y") if k in public}
    canonical = ",".join(f'"{k}":"{v}"' for k, v in sorted(members.items()))
    thumb = jose.b64encode(hashlib.sha256(("{" + canonical + "}").encode()).digest())
    return f"{did(organisation)}#{thumb[:16]}"


def current(organisation: Organisation, algorithm: str = DEFAULT_ALGORITHM) -> SigningKey:
    """The organisation's key for ``algorithm``, made now if it has none."""
    mine = SigningKey.objects.filter(
        organisation=organisation, algorithm=algorithm, retired_at__isnull=True
    )
    found = mine.last()
    if found:
        return found
    private = jose.generate(algorithm)
    public = jose.public_jwk(private.public_key(), "")
    kid = _kid(organisation, public)
    encrypted = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    ).decode("ascii")
    with transaction.atomic():
        # Two first uses at once must not give the organisation two keys: the second waits
        # here for the first to commit, then finds its key.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        found = mine.last()
        if found:
            return found
        return SigningKey.objects.create(
            organisation=organisation,
            kid=kid,
            algorithm=algorithm,
            public_jwk={**public, "kid": kid},
            private_key=encrypted,
        )


def private_key(key: SigningKey) -> jose.PrivateKey:
    loaded = serialization.load_pem_private_key(key.private_key.encode(), _passphrase())
    assert isinstance(loaded, jose.PrivateKey)
    return loaded


def jwks(organisation: Organisation | None = None) -> dict[str, Any]:
    """Public keys of the node (or of one organisation), retired ones included so that
    credentials they signed still verify."""
    keys = SigningKey.objects.all()
    if organisation is not None:
        keys = keys.filter(organisation=organisation)
    return {"keys": [key.public_jwk for key in keys.order_by("id")]}


def did_document(organisation: Organisation) -> dict[str, Any]:
    identifier = did(organisation)
    methods = [
        {
            "id": key.kid,
            "type": "JsonWebKey2020",
            "controller": identifier,
            "publicKeyJwk": {k: v for k, v in key.public_jwk.items() if k != "kid"},
        }
        for key in SigningKey.objects.filter(organisation=organisation).order_by("id")
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": identifier,
        "alsoKnownAs": [f"{settings.BASE_URL}/orgs/{organisation.slug}/"],
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
