"""Faults a review of the LRS found, each kept fixed by a test."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from edubridge.core.errors import DomainError
from edubridge.core.policy import SYSTEM
from edubridge.records import services
from edubridge.records.models import Statement
from tests.records.test_statements import XapiClient, answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def lrs(org_a):
    services.create_client(SYSTEM, org_a, name="tool", key="tool", secret="tool-secret")
    return XapiClient("tool", "tool-secret")


@pytest.fixture
def other(org_b):
    services.create_client(SYSTEM, org_b, name="other", key="other", secret="other-secret")
    return XapiClient("other", "other-secret")


def test_ids_belong_to_their_organisation(lrs, other):
    statement_id = lrs.post(answered("a")).json()[0]
    mine = {**answered("someone-else"), "id": statement_id}
    assert other.post(mine).status_code == 200  # no 409 telling what A holds
    assert Statement.objects.filter(statement_id=statement_id).count() == 2


def test_the_authority_is_who_signed_in(lrs):
    forged = {
        "objectType": "Agent",
        "account": {"homePage": "http://x.org", "name": "edubridge.org-a"},
    }
    statement_id = lrs.post(answered(authority=forged)).json()[0]
    assert lrs.get(statementId=statement_id).json()["authority"]["account"]["name"] == "tool"


@pytest.mark.parametrize(
    "body",
    [
        answered(id="fd41c918-b88b-4b20-a0a5-a4c32391aaa0\n"),
        answered(timestamp="9999-12-31T23:00:00-05:00"),
        answered(timestamp="0001-01-01T00:00:00+05:00"),
        answered(attachments=5),
        answered(verb={"id": "http://example.org/" + "v" * 2000}),
        [answered()] * 1001,
    ],
)
def test_odd_input_is_a_400_not_a_500(lrs, body):
    assert lrs.post(body).status_code == 400


def test_raw_bodies_that_are_not_plain_json(lrs):
    for raw in ("[" * 5000, '{"actor": NaN}', '{"a": Infinity}'):
        response = lrs.http.post("/xapi/statements", raw, "application/json", headers=lrs.headers)
        assert response.status_code == 400
    assert lrs.get(limit="²").status_code == 400
    assert lrs.get(agent="[" * 5000).status_code == 400


def test_a_more_token_cannot_be_forged(lrs):
    lrs.post([answered(str(n)) for n in range(3)])
    more = lrs.get(limit=1).json()["more"]
    assert lrs.http.get(more, headers=lrs.headers).status_code == 200
    assert lrs.get(more=more.split("more=")[1] + "x").status_code == 400


def test_the_platforms_keys_are_reserved(org_a):
    with pytest.raises(DomainError, match="kept for EduBridge"):
        services.create_client(SYSTEM, org_a, name="x", key="edubridge.org-b", secret="12345678")


def test_the_export_leaves_free_text_home(lrs, tmp_path):
    statement = answered(
        result={"response": "I am Ida"},
        context={"extensions": {"http://example.org/x": {"mbox": "mailto:gus@example.org"}}},
        attachments=[
            {
                "usageType": "http://example.org/essay",
                "display": {"en": "Hal's essay"},
                "contentType": "text/plain",
                "length": 3,
                "sha2": "abc",
                "fileUrl": "http://example.org/hal.pdf",
            }
        ],
    )
    assert lrs.post(statement).status_code == 200
    target = tmp_path / "out.jsonl"
    call_command("lrs", "export", "--org", "org-a", "-o", str(target), stdout=StringIO())
    text = target.read_text()
    for leak in ("Ida", "gus@", "Hal", "hal.pdf", "mailto:"):
        assert leak not in text, leak
    assert json.loads(text)["attachments"][0]["sha2"] == "abc"


def test_guessing_a_secret_is_stopped_and_a_signed_in_client_goes_on(lrs, settings):
    """Past the limit of failed sign-ins a key gets 429, wrong or right; a client that
    signed in lately is not locked out by someone guessing its secret."""
    settings.LOGIN_MAX_FAILURES = 3
    assert lrs.get().status_code == 200
    guesser = XapiClient("tool", "wrong-guess")
    assert [guesser.get().status_code for _ in range(4)] == [401, 401, 401, 429]
    assert guesser.get()["Retry-After"] == str(settings.LOGIN_FAILURE_WINDOW)
    assert lrs.get().status_code == 200
    services._verified.clear()  # another worker, which has not seen the right secret yet
    assert lrs.get().status_code == 429
