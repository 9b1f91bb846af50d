"""State, Activity Profile and Agent Profile documents, Agents and Activities, and the
alternate request syntax."""

import base64
import json
import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client

from edubridge.core.policy import SYSTEM
from edubridge.records import services

pytestmark = pytest.mark.django_db
AGENT = json.dumps({"mbox": "mailto:a@example.org"})
ACTIVITY = "http://example.org/lab"


@pytest.fixture
def http(org_a):
    services.create_client(SYSTEM, org_a, name="lab", key="lab", secret="lab-secret")
    token = base64.b64encode(b"lab:lab-secret").decode()
    client = Client(
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    )
    return client


def _state(**extra):
    return "/xapi/activities/state?" + urlencode(
        {"activityId": ACTIVITY, "agent": AGENT, "stateId": "progress", **extra}
    )


def test_state_put_get_merge_and_delete(http):
    assert http.put(_state(), '{"step": 1, "car": {"a": 1}}', "application/json").status_code == 204
    got = http.get(_state())
    assert got.json() == {"step": 1, "car": {"a": 1}}
    etag = got["ETag"]
    assert etag.startswith('"') and len(etag) == 42 and "Last-Modified" in got
    merged = http.post(_state(), '{"car": {"b": 2}, "done": false}', "application/json")
    assert merged.status_code == 204
    assert http.get(_state()).json() == {"step": 1, "car": {"b": 2}, "done": False}
    listing = http.get(_state(stateId="")[: -len("&stateId=")])
    assert listing.json() == ["progress"]
    assert http.delete(_state()).status_code == 204
    assert http.get(_state()).status_code == 404
    assert http.delete(_state()).status_code == 204  # deleting nothing is fine


def test_writes_are_guarded_by_etags(http):
    url = "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": "p"})
    assert http.put(url, '{"a": 1}', "application/json").status_code == 400  # no precondition
    created = http.put(url, '{"a": 1}', "application/json", headers={"If-None-Match": "*"})
    assert created.status_code == 204
    again = http.put(url, '{"a": 2}', "application/json", headers={"If-None-Match": "*"})
    assert again.status_code == 412
    assert http.put(url, '{"a": 2}', "application/json").status_code == 409
    stale = http.put(url, '{"a": 2}', "application/json", headers={"If-Match": '"1111"'})
    assert stale.status_code == 412
    etag = http.get(url)["ETag"]
    fresh = http.put(url, '{"a": 3}', "application/json", headers={"If-Match": etag})
    assert fresh.status_code == 204 and http.get(url).json() == {"a": 3}


def test_merging_needs_json_on_both_sides(http):
    assert http.put(_state(), b"\x00binary", "application/octet-stream").status_code == 204
    assert http.post(_state(), '{"a": 1}', "application/json").status_code == 400
    assert http.get(_state()).content == b"\x00binary"
    assert http.post(_state(stateId="other"), "{oops", "application/json").status_code == 400


def test_parameters_are_checked(http):
    assert http.get("/xapi/activities/state?" + urlencode({"agent": AGENT})).status_code == 400
    bad_agent = urlencode({"activityId": ACTIVITY, "agent": '{"name": "no id"}'})
    assert http.get(f"/xapi/activities/state?{bad_agent}").status_code == 400
    assert http.get(_state(registration="nope")).status_code == 400
    assert http.get(_state(since="yesterday")[:]).status_code == 400


def test_agent_profiles_agents_and_activities(http):
    url = "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": "prefs"})
    put = http.put(url, '{"lang": "sw"}', "application/json", headers={"If-None-Match": "*"})
    assert put.status_code == 204 and http.get(url).json() == {"lang": "sw"}
    person = http.get("/xapi/agents?" + urlencode({"agent": AGENT})).json()
    assert person == {"objectType": "Person", "mbox": ["mailto:a@example.org"]}
    for name in ("en-US", "fr-FR"):
        statement = {
            "actor": {"mbox": "mailto:a@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
            "object": {"id": ACTIVITY, "definition": {"name": {name: f"Lab {name}"}}},
        }
        posted = http.post("/xapi/statements", json.dumps(statement), "application/json")
        assert posted.status_code == 200
    activity = http.get("/xapi/activities?" + urlencode({"activityId": ACTIVITY})).json()
    assert activity["definition"]["name"] == {"en-US": "Lab en-US", "fr-FR": "Lab fr-FR"}
    head = http.head("/xapi/agents?" + urlencode({"agent": AGENT}))
    assert head.status_code == 200 and head.content == b""


def test_the_alternate_request_syntax_of_1_0_3(http):
    statement_id = str(uuid.uuid4())
    form = {
        "statementId": statement_id,
        "content": json.dumps(
            {
                "actor": {"mbox": "mailto:a@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                "object": {"id": ACTIVITY},
            }
        ),
    }
    put = http.post(
        "/xapi/statements?method=PUT", urlencode(form), "application/x-www-form-urlencoded"
    )
    assert put.status_code == 204
    got = http.post(
        "/xapi/statements?method=GET",
        urlencode({"statementId": statement_id}),
        "application/x-www-form-urlencoded",
    )
    assert got.json()["id"] == statement_id
    extra = http.post(
        f"/xapi/statements?method=PUT&statementId={statement_id}",
        "",
        "application/x-www-form-urlencoded",
    )
    assert extra.status_code == 400
    http.defaults["HTTP_X_EXPERIENCE_API_VERSION"] = "2.0.0"
    refused = http.post(
        "/xapi/statements?method=GET",
        urlencode({"limit": "1"}),
        "application/x-www-form-urlencoded",
    )
    assert refused.status_code == 400
