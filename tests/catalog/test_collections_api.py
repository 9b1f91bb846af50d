"""Collections and withdrawal through the API."""

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_curator_makes_a_collection_and_anyone_reads_it(client, org_a, curator_a, publish):
    one = publish(org_a, curator_a, {"en": "One"})
    two = publish(org_a, curator_a, {"en": "Two", "ar": "اثنان"})
    payload = {
        "owner": org_a.slug,
        "title": {"en": "AI path"},
        "resources": [str(two.identifier), str(one.identifier)],
    }
    assert client.post("/api/v1/collections", payload, "application/json").status_code == 401
    made = client_for(curator_a).post("/api/v1/collections", payload, "application/json")
    assert made.status_code == 201
    identifier = made.json()["identifier"]
    doc = client.get(f"/api/v1/collections/{identifier}").json()
    assert doc["@type"] == "Collection"
    assert [part["identifier"] for part in doc["hasPart"]] == payload["resources"]
    assert [c["identifier"] for c in client.get("/api/v1/collections").json()] == [identifier]

    bad = client_for(curator_a).post(
        "/api/v1/collections", {**payload, "resources": ["nope"]}, "application/json"
    )
    assert bad.status_code == 400 and "resources[0]" in bad.json()["detail"]


def test_withdrawing_through_the_api(client, org_a, curator_a, curator_b, publish):
    resource = publish(org_a, curator_a, {"en": "Old"})
    url = f"/api/v1/resources/{resource.identifier}"
    assert client_for(curator_b).delete(url).status_code == 403
    assert client_for(curator_a).delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client_for(curator_a).delete(url).status_code == 409
