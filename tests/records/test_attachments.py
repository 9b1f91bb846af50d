"""Statements with attachments (multipart/mixed), signed statements, formats, and the
statements that target a matching one."""

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from edubridge.core.policy import SYSTEM
from edubridge.records import services
from tests.records.test_statements import XapiClient, answered

pytestmark = pytest.mark.django_db
BOUNDARY = "abcABC0123"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


@pytest.fixture
def lrs(org_a):
    services.create_client(SYSTEM, org_a, name="tool", key="tool", secret="tool-secret")
    return XapiClient("tool", "tool-secret")


def _multipart(statement, *parts, encoding="binary"):
    out = f"--{BOUNDARY}\r\nContent-Type:application/json\r\n\r\n{json.dumps(statement)}\r\n"
    body = out.encode()
    for content_type, content in parts:
        sha2 = hashlib.sha256(content).hexdigest()
        head = (
            f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: {encoding}\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
        )
        body += head.encode() + content + b"\r\n"
    return body + f"--{BOUNDARY}--".encode()


def _attachment(content, usage="http://example.org/essay", content_type="text/plain"):
    return {
        "usageType": usage,
        "display": {"en": "essay"},
        "contentType": content_type,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def _post(lrs, body):
    return lrs.http.post(
        "/xapi/statements",
        body,
        f"multipart/mixed; boundary={BOUNDARY}",
        headers=lrs.headers,
    )


def test_an_attachment_travels_with_its_statement(lrs):
    essay = "Akili bandia ni …".encode()
    statement = answered(attachments=[_attachment(essay)])
    posted = _post(lrs, _multipart(statement, ("text/plain", essay)))
    assert posted.status_code == 200, posted.content
    plain = lrs.get(statementId=posted.json()[0])
    assert plain["Content-Type"] == "application/json"
    both = lrs.get(statementId=posted.json()[0], attachments="true")
    assert both["Content-Type"].startswith("multipart/mixed; boundary=")
    assert (
        essay in both.content
        and both.content.count(hashlib.sha256(essay).hexdigest().encode()) == 2
    )


@pytest.mark.parametrize(
    "broken",
    [
        lambda s, e: _multipart(s),  # the part is missing
        lambda s, e: _multipart(s, ("text/plain", e), ("text/plain", b"extra")),
        lambda s, e: _multipart(s, ("text/plain", e), encoding="base64"),
        lambda s, e: _multipart(s, ("text/plain", e)).replace(
            hashlib.sha256(e).hexdigest().encode(), b"0" * 64
        ),
        lambda s, e: b"preamble" + _multipart(s, ("text/plain", e)),
    ],
)
def test_broken_multipart_bodies_are_refused(lrs, broken):
    essay = b"essay"
    assert _post(lrs, broken(answered(attachments=[_attachment(essay)]), essay)).status_code == 400
    assert lrs.get().json()["statements"] == []


def test_an_attachment_without_its_part_needs_a_file_url(lrs):
    attachment = _attachment(b"essay")
    assert lrs.post(answered(attachments=[attachment])).status_code == 400
    attachment["fileUrl"] = "http://example.org/essay.txt"
    assert lrs.post(answered(attachments=[attachment])).status_code == 200


def _jws(statement, algorithm="RS256"):
    def encode(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{encode({'alg': algorithm})}.{encode(statement)}.c2lnbmF0dXJl".encode()


@pytest.mark.parametrize(("algorithm", "status"), [("RS256", 200), ("RS512", 200), ("HS256", 400)])
def test_signed_statements(lrs, algorithm, status):
    statement = answered()
    jws = _jws(statement, algorithm)
    signed = {
        **statement,
        "attachments": [_attachment(jws, SIGNATURE, "application/octet-stream")],
    }
    posted = _post(lrs, _multipart(signed, ("application/octet-stream", jws)))
    assert posted.status_code == status


def test_a_signature_of_another_statement_is_refused(lrs):
    jws = _jws(answered("someone-else"))
    signed = {
        **answered(),
        "attachments": [_attachment(jws, SIGNATURE, "application/octet-stream")],
    }
    assert _post(lrs, _multipart(signed, ("application/octet-stream", jws))).status_code == 400


def test_formats_ids_and_canonical(lrs):
    statement = answered()
    statement["object"]["definition"] = {"name": {"en-US": "Question", "fr-FR": "Question FR"}}
    statement_id = lrs.post(statement).json()[0]
    ids = lrs.get(statementId=statement_id, format="ids").json()
    assert ids["actor"] == {"mbox": "mailto:a@example.org"} and ids["object"] == {
        "id": "http://example.org/q1"
    }
    lrs.headers["Accept-Language"] = "fr-FR"
    canonical = lrs.get(statementId=statement_id, format="canonical").json()
    assert canonical["object"]["definition"]["name"] == {"fr-FR": "Question FR"}
    lrs.headers["Accept-Language"] = "en-GB"
    statement["object"]["definition"]["name"] = {"en": "Other", "en-GB": "Right", "en-US": "US"}
    british = lrs.get(statementId=lrs.post(statement).json()[0], format="canonical").json()
    assert british["object"]["definition"]["name"] == {"en-GB": "Right"}  # exact tag first
    assert lrs.get(format="pretty").status_code == 400


def test_a_statement_targeting_a_match_comes_with_it(lrs):
    target = lrs.post(answered("a", "q9")).json()[0]
    pointer = {
        "actor": {"mbox": "mailto:b@example.org"},
        "verb": {"id": "http://example.org/commented"},
        "object": {"objectType": "StatementRef", "id": target},
    }
    pointing = lrs.post(pointer).json()[0]
    found = lrs.get(activity="http://example.org/q9").json()["statements"]
    assert [s["id"] for s in found] == [pointing, target]


@pytest.fixture(scope="module")
def signer():
    """An RSA key and a self-signed certificate for it, as a signing tool would carry."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Quiz tool")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return key, base64.b64encode(der).decode()


def _signed_jws(statement, key, chain, algorithm="RS384"):
    def encode(raw):
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = encode(json.dumps({"alg": algorithm, "x5c": chain}).encode())
    payload = encode(json.dumps(statement).encode())
    digest = {"RS256": hashes.SHA256, "RS384": hashes.SHA384}[algorithm]()
    signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), digest)
    return f"{header}.{payload}.{encode(signature)}".encode()


def _post_signed(lrs, statement, jws):
    signed = {
        **statement,
        "attachments": [_attachment(jws, SIGNATURE, "application/octet-stream")],
    }
    return _post(lrs, _multipart(signed, ("application/octet-stream", jws)))


def test_a_signature_is_checked_against_its_certificate(lrs, signer):
    key, certificate = signer
    statement = answered()
    good = _signed_jws(statement, key, [certificate])
    assert _post_signed(lrs, statement, good).status_code == 200
    other = answered("b")
    head, _, signature = good.split(b".")
    payload = _signed_jws(other, key, [certificate]).split(b".")[1]
    refused = _post_signed(lrs, other, b".".join([head, payload, signature]))
    assert refused.status_code == 400
    assert b"does not verify" in refused.content


def test_a_certificate_of_another_key_or_no_certificate_is_refused(lrs, signer):
    key, certificate = signer
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    statement = answered()
    forged = _post_signed(lrs, statement, _signed_jws(statement, other, [certificate], "RS256"))
    assert forged.status_code == 400
    for chain in ([], ["not base64!"], [base64.b64encode(b"not DER").decode()], "MIIB"):
        broken = _post_signed(lrs, statement, _signed_jws(statement, key, chain))
        assert broken.status_code == 400, chain
        assert b"x5c" in broken.content
    assert lrs.get().json()["statements"] == []
