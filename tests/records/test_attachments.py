"""Statements with attachments (multipart/mixed), signed statements, formats, and the
statements that target a matching one."""

import base64
import hashlib
import json

import pytest

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
