import pytest

pytestmark = pytest.mark.django_db


def test_data_map_api_is_public_and_filterable(client):
    response = client.get("/api/v1/data-map", {"level": "personal", "limit": 200})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"]) > 0
    assert {row["level"] for row in body["items"]} == {"personal"}
    assert any(r["model"] == "auth.User" and r["field"] == "email" for r in body["items"])


def test_data_map_api_rejects_an_unknown_level(client):
    response = client.get("/api/v1/data-map", {"level": "secret"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "level"


def test_data_map_page_lists_fields_by_level(client):
    response = client.get("/data-map/", {"level": "internal"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "core.ApiToken" in page and "digest" in page
    assert 'auth.User</td><td dir="ltr">email' not in page  # personal, filtered out
