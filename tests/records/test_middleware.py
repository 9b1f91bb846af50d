"""xAPI requests skip the pages' middleware, and keep what protects and shrinks them."""

import gzip
import json

import pytest
from django.test import Client

from edubridge.core.policy import SYSTEM
from edubridge.records import services
from tests.records.test_statements import XapiClient, answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def lrs(org_a):
    services.create_client(SYSTEM, org_a, name="tool", key="tool", secret="tool-secret")
    return XapiClient("tool", "tool-secret")


def test_an_xapi_answer_is_sized_protected_and_gzipped_when_large(lrs):
    assert lrs.post([answered(f"l{n}", f"q{n}") for n in range(40)]).status_code == 200
    plain = lrs.get(limit=40)
    assert plain["Content-Length"] == str(len(plain.content))
    assert plain["X-Content-Type-Options"] == "nosniff"
    assert "Content-Language" not in plain  # the pages' languages are not an LRS's
    lrs.headers["Accept-Encoding"] = "gzip"
    packed = lrs.get(limit=40)
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert len(packed.content) < len(plain.content) / 3


def test_a_body_over_the_limit_is_refused_before_the_lrs_reads_it(lrs, settings):
    settings.UPLOAD_MAX_BYTES = settings.PACKAGE_MAX_BYTES = 0
    body = json.dumps([answered() for _ in range(20_000)])
    refused = lrs.http.post("/xapi/statements", body, "application/json", headers=lrs.headers)
    assert refused.status_code == 413


def test_a_host_the_node_does_not_serve_is_refused(lrs):
    assert Client().get("/xapi/about", HTTP_HOST="evil.example").status_code == 400
    about = Client().get("/xapi/about")
    assert about.status_code == 200 and "Accept-Language" in about["Vary"]


def test_an_unknown_xapi_address_is_the_pages_404(lrs):
    assert Client().get("/xapi/nothing-here").status_code == 404
    assert Client().get("/xapi/statements/").status_code == 404
