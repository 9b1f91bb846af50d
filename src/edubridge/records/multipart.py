"""Statements with attachments (``multipart/mixed``), and signed statements (a JWS in an
attachment), as xAPI reads and writes them."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from edubridge.core.errors import DomainError, ErrorCode
from edubridge.records import validation

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = {"RS256", "RS384", "RS512"}
IGNORED = ("id", "authority", "stored", "timestamp", "version", "attachments")
MAX_PARTS = 100


def _refuse(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, message)


def boundary_of(content_type: str) -> str:
    match = re.search(r'boundary="?([^";]+)"?', content_type, re.IGNORECASE)
    if match is None:
        raise _refuse("Content-Type: multipart/mixed needs its boundary")
    return match.group(1)


def _headers(block: bytes) -> dict[str, str]:
    out = {}
    for line in block.decode("utf-8", "replace").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            out[name.strip().lower()] = value.strip()
    return out


def parse(body: bytes, content_type: str) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """The statements (first part, JSON) and the attachments' parts by SHA-2 hash."""
    delimiter = b"--" + boundary_of(content_type).encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3 or chunks[0].strip(b"\r\n\t "):
        raise _refuse("multipart: the body does not open with its boundary")
    if not chunks[-1].startswith(b"--"):
        raise _refuse("multipart: the body does not close with its boundary")
    if len(chunks) > MAX_PARTS + 2:
        raise _refuse(f"multipart: more than {MAX_PARTS} attachments")
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise _refuse("multipart: a part has no blank line after its headers")
        parts.append((_headers(head), content[:-2] if content.endswith(b"\r\n") else content))
    first_headers, first = parts[0]
    if first_headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise _refuse("multipart: the first part must be the statements, application/json")
    try:
        statements = validation.loads(first)
    except (ValueError, RecursionError) as error:
        raise _refuse("multipart: the first part is not JSON") from error
    files: dict[str, tuple[str, bytes]] = {}
    for headers, content in parts[1:]:
        sha2 = headers.get("x-experience-api-hash")
        if not sha2:
            raise _refuse("multipart: an attachment part has no X-Experience-API-Hash")
        encoding = headers.get("content-transfer-encoding", "binary").lower()
        if encoding != "binary":
            raise _refuse(f"Content-Transfer-Encoding: {encoding}, not binary")
        if hashlib.sha256(content).hexdigest() != sha2.lower():
            raise _refuse(f"X-Experience-API-Hash: {sha2} is not the SHA-256 of its part")
        files[sha2.lower()] = (headers.get("content-type", "application/octet-stream"), content)
    return statements, files


def check(statements: list[Any], files: dict[str, tuple[str, bytes]], version: str) -> None:
    """Every attachment without a fileUrl has its part, every part its attachment, and every
    signature is a JWS of the statement it signs."""
    wanted = set()
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        given = statement.get("attachments")
        for attachment in given if isinstance(given, list) else []:
            if not isinstance(attachment, dict):
                continue
            sha2 = str(attachment.get("sha2", "")).lower()
            if sha2 in files:
                wanted.add(sha2)
            elif "fileUrl" not in attachment:
                raise _refuse(f"attachments: no part for the attachment {sha2}")
            if attachment.get("usageType") == SIGNATURE:
                if attachment.get("contentType") != "application/octet-stream":
                    raise _refuse("attachments: a signature is application/octet-stream")
                if sha2 in files:
                    _verify(statement, files[sha2][1], version)
    extra = sorted(set(files) - wanted)
    if extra:
        raise _refuse(f"multipart: no attachment names the part {extra[0]}")


def _decoded(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _comparable(statement: dict[str, Any], version: str) -> str:
    core = {k: v for k, v in statement.items() if k not in IGNORED}
    duration = (
        core.get("result", {}).get("duration") if isinstance(core.get("result"), dict) else None
    )
    if isinstance(duration, str) and version.startswith("2."):
        core["result"] = {**core["result"], "duration": _truncated(duration)}
    return json.dumps(core, sort_keys=True)


def _truncated(duration: str) -> str:
    """Durations compared to the hundredth of a second, as xAPI 2.0 lets an LRS keep them."""
    return re.sub(r"(\d+\.\d{2})\d*S$", r"\1S", duration)


def _verify(statement: dict[str, Any], jws: bytes, version: str) -> None:
    try:
        header_text, payload_text, signature_text = jws.decode("ascii").strip().split(".")
        header = _decoded(header_text)
        algorithm = header.get("alg")
        signed = _decoded(payload_text)
    except (ValueError, UnicodeDecodeError, AttributeError) as error:
        raise _refuse(f"signature: not a JWS of a JSON statement: {error}") from error
    if algorithm not in ALGORITHMS:
        raise _refuse(f"signature: {algorithm!r} is not RS256, RS384 or RS512")
    if not isinstance(signed, dict) or _comparable(signed, version) != _comparable(
        statement, version
    ):
        raise _refuse("signature: the signed statement is not this statement")
    if "x5c" in header:
        _verify_with_certificate(
            header["x5c"], algorithm, f"{header_text}.{payload_text}", signature_text
        )


def _verify_with_certificate(chain: Any, algorithm: str, signed: str, signature: str) -> None:
    """xAPI: when the JWS header carries an X.509 certificate (``x5c``, the signer's first),
    the signature must verify against that certificate's key."""
    try:
        if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
            raise ValueError("a list of base64 certificates is expected")
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
        key = certificate.public_key()
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except ValueError as error:
        raise _refuse(f"signature: x5c: {error}") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise _refuse("signature: x5c: the certificate's key is not an RSA key")
    digests = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}
    try:
        key.verify(raw, signed.encode("ascii"), padding.PKCS1v15(), digests[algorithm])
    except InvalidSignature as error:
        raise _refuse("signature: does not verify against the certificate in x5c") from error


def response(document: Any, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed answer: the JSON first, then each attachment's content."""
    boundary = secrets.token_hex(16)
    out = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(document).encode(),
        b"\r\n",
    ]
    for sha2, content_type, content in files:
        out += [
            f"--{boundary}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode(),
            content,
            b"\r\n",
        ]
    out.append(f"--{boundary}--".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"
