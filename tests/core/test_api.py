import json

import pytest
from django.test import Client, override_settings

from edubridge.core import services
from edubridge.core.models import AuditEntry, Membership, Organisation
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post_json(client: Client, url: str, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def patch_json(client: Client, url: str, body, **extra):
    return client.patch(url, json.dumps(body), content_type="application/json", **extra)


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["instance"]
    if code:
        assert body["code"] == code and body["type"] == f"urn:edubridge:problem:{code}"
    return body


def test_openapi_document_is_version_3_1_and_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    for path in [
        "/api/v1/organisations",
        "/api/v1/countries",
        "/api/v1/data-map",
        "/api/v1/tokens",
    ]:
        assert path in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_countries_are_all_of_iso_3166_named_in_the_callers_language(client):
    body = client.get("/api/v1/countries", {"limit": 1}).json()
    assert body["count"] == 249
    kenya = client.get("/api/v1/countries/ke", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert kenya == {"code": "KE", "name": "肯尼亚"}
    found = client.get("/api/v1/countries", {"q": "كينيا"}, HTTP_ACCEPT_LANGUAGE="ar").json()
    assert [c["code"] for c in found["items"]] == ["KE"]
    assert_problem(client.get("/api/v1/countries/QQ"), 404, "not-found")


def test_organisations_are_public_and_paginated(client, org_a, org_b):
    page = client.get("/api/v1/organisations", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert page["items"][0]["slug"] == "org-b"  # ordered by name
    kenyan = client.get("/api/v1/organisations", {"country": "ke"}).json()["items"]
    assert [o["slug"] for o in kenyan] == ["org-b"]
    detail = client.get("/api/v1/organisations/org-b").json()
    assert detail["country"] == "KE" and detail["country_name"] == "Kenya"
    assert "contact_email" not in detail
    assert_problem(client.get("/api/v1/organisations/nowhere"), 404, "not-found")


def test_only_operators_create_organisations(org_a, admin_a, operator):
    body = {
        "slug": "org-c",
        "name": "Org C",
        "kind": "ministry",
        "country": "ID",
        "languages": ["id"],
    }
    assert_problem(post_json(Client(), "/api/v1/organisations", body), 401, "not-authenticated")
    assert_problem(
        post_json(client_for(admin_a), "/api/v1/organisations", body), 403, "permission-denied"
    )
    created = post_json(client_for(operator), "/api/v1/organisations", body)
    assert created.status_code == 201
    assert created.json()["country_name"] == "Indonesia"


def test_malformed_json_is_a_400_problem_and_writes_nothing(operator):
    client = client_for(operator)
    response = client.post("/api/v1/organisations", "{not json", content_type="application/json")
    assert_problem(response, 400)
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"name": "n" * 201}, "name", 422),
        ({"slug": "Bad Slug"}, "slug", 422),
        ({"kind": "club"}, "kind", 422),
        ({"languages": ["fr"] * 21}, "languages", 422),
        ({"country": "QQ"}, "country", 400),
        ({"languages": ["zz-unknown"]}, "languages", 400),
    ],
)
def test_invalid_organisations_are_refused_naming_the_field(operator, change, field, status):
    body = {"slug": "org-c", "name": "Org C", "kind": "ministry", "country": "ID", **change}
    problem = assert_problem(post_json(client_for(operator), "/api/v1/organisations", body), status)
    assert problem["detail"].startswith(f"{field}:")
    assert problem.get("field", problem.get("errors", [{}])[0].get("field")) == field
    assert not Organisation.objects.exists()


def test_organisation_admins_patch_their_own_organisation_only(org_a, org_b, admin_a):
    client = client_for(admin_a)
    changed = patch_json(
        client, "/api/v1/organisations/org-a", {"website": "https://a.example.org"}
    )
    assert changed.status_code == 200 and changed.json()["website"] == "https://a.example.org"
    assert_problem(patch_json(client, "/api/v1/organisations/org-b", {"name": "Mine now"}), 403)
    assert Organisation.objects.get(slug="org-b").name == "Org B College"


def test_members_of_another_organisation_cannot_read_or_change_memberships(
    org_a, org_b, admin_a, admin_b
):
    outsider = client_for(admin_b)
    assert_problem(outsider.get("/api/v1/organisations/org-a/memberships"), 403)
    assert_problem(outsider.get("/api/v1/organisations/org-a/audit"), 403)
    victim = Membership.objects.get(user=admin_a)
    assert_problem(outsider.get(f"/api/v1/memberships/{victim.pk}"), 404)
    assert_problem(
        patch_json(outsider, f"/api/v1/memberships/{victim.pk}", {"roles": ["learner"]}), 404
    )
    assert_problem(outsider.delete(f"/api/v1/memberships/{victim.pk}"), 404)
    body = {"username": admin_b.username, "roles": ["admin"]}
    assert_problem(post_json(outsider, "/api/v1/organisations/org-a/memberships", body), 403)
    assert Membership.objects.get(pk=victim.pk).roles == ["admin"]
    assert not Membership.objects.filter(user=admin_b, organisation=org_a).exists()


def test_admins_manage_memberships_through_the_api(org_a, admin_a):
    client = client_for(admin_a)
    make_user("newcomer")
    added = post_json(
        client,
        "/api/v1/organisations/org-a/memberships",
        {"username": "newcomer", "roles": ["teacher"]},
    )
    assert added.status_code == 201
    membership_id = added.json()["id"]
    listed = client.get("/api/v1/organisations/org-a/memberships").json()
    assert {m["username"] for m in listed["items"]} == {admin_a.username, "newcomer"}
    changed = patch_json(
        client, f"/api/v1/memberships/{membership_id}", {"roles": ["trainer", "teacher"]}
    )
    assert changed.json()["roles"] == ["trainer", "teacher"]
    assert client.delete(f"/api/v1/memberships/{membership_id}").status_code == 204
    actions = list(AuditEntry.objects.filter(organisation=org_a).values_list("action", flat=True))
    assert actions[:3] == ["membership.delete", "membership.change", "membership.create"]
    audit = client.get("/api/v1/organisations/org-a/audit", {"action": "membership.change"}).json()
    assert audit["items"][0]["changes"] == {"roles": [["teacher"], ["trainer", "teacher"]]}


def test_unknown_users_and_roles_are_refused(org_a, admin_a):
    client = client_for(admin_a)
    ghost = post_json(
        client,
        "/api/v1/organisations/org-a/memberships",
        {"username": "ghost", "roles": ["teacher"]},
    )
    assert assert_problem(ghost, 400)["field"] == "user"
    bad_role = post_json(
        client,
        "/api/v1/organisations/org-a/memberships",
        {"username": admin_a.username, "roles": ["king"]},
    )
    assert assert_problem(bad_role, 422)["errors"][0]["field"] == "roles.0"


def test_removing_the_last_admin_is_a_409(org_a, admin_a):
    membership = Membership.objects.get(user=admin_a)
    assert_problem(
        client_for(admin_a).delete(f"/api/v1/memberships/{membership.pk}"), 409, "conflict"
    )


def test_personal_tokens_authenticate_and_can_be_revoked(org_a, admin_a):
    session = client_for(admin_a)
    issued = post_json(session, "/api/v1/tokens", {"name": "script"})
    assert issued.status_code == 201
    secret, token_id = issued.json()["token"], issued.json()["id"]

    robot = Client()
    me = robot.get("/api/v1/me", **bearer(secret)).json()
    assert me["username"] == admin_a.username
    assert me["memberships"][0]["roles"] == ["admin"]
    assert robot.get("/api/v1/organisations/org-a/memberships", **bearer(secret)).status_code == 200
    # A token needs no CSRF token: it is not sent by browsers on their own.
    assert (
        patch_json(
            robot, "/api/v1/organisations/org-a", {"description": "via token"}, **bearer(secret)
        ).status_code
        == 200
    )

    listed = session.get("/api/v1/tokens").json()["items"]
    assert listed[0]["prefix"] == secret[:12] and "token" not in listed[0]
    assert session.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert_problem(robot.get("/api/v1/me", **bearer(secret)), 401)


def test_a_bad_token_is_refused_even_where_anonymous_reading_is_allowed(org_a):
    assert_problem(Client().get("/api/v1/organisations", **bearer("ebt_forged")), 401)
    assert_problem(Client().get("/api/v1/organisations", HTTP_AUTHORIZATION="Basic abc"), 401)


def test_tokens_of_others_are_invisible(org_a, admin_a, admin_b):
    issued = services.create_api_token(admin_a, "mine")
    other = client_for(admin_b)
    assert other.get("/api/v1/tokens").json()["count"] == 0
    assert_problem(other.delete(f"/api/v1/tokens/{issued.token.pk}"), 404)


def test_session_writes_need_the_csrf_token(org_a, admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    response = patch_json(client, "/api/v1/organisations/org-a", {"name": "CSRF'd"})
    assert_problem(response, 403)
    assert Organisation.objects.get(slug="org-a").name == "Org A University"


def test_over_long_token_names_are_refused(admin_a):
    response = post_json(client_for(admin_a), "/api/v1/tokens", {"name": "t" * 101})
    assert assert_problem(response, 422)["errors"][0]["field"] == "name"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_over_large_body_is_a_413_problem(operator):
    body = {"slug": "big", "name": "Big", "kind": "ngo", "country": "KE", "description": "x" * 5000}
    assert_problem(post_json(client_for(operator), "/api/v1/organisations", body), 413, "too-large")
    assert not Organisation.objects.exists()


def test_an_unexpected_failure_is_a_500_problem_without_internals(org_a, monkeypatch):
    def broken(code, language=None):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("edubridge.core.api.country_name", broken)
    body = assert_problem(Client().get("/api/v1/organisations/org-a"), 500)
    assert "hunter2" not in json.dumps(body)


@pytest.mark.parametrize(
    "expires_at", ["2030-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "2020-01-01T00:00:00Z"]
)
def test_token_expiry_needs_a_time_zone_and_a_sensible_date(admin_a, expires_at):
    response = post_json(
        client_for(admin_a), "/api/v1/tokens", {"name": "t", "expires_at": expires_at}
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "params", [{"offset": "99999999999999999999"}, {"limit": "0"}, {"limit": "201"}]
)
def test_out_of_range_paging_is_a_422_not_a_crash(client, org_a, params):
    assert_problem(client.get("/api/v1/organisations", params), 422)


def test_operators_see_only_their_own_tokens(operator, admin_a):
    services.create_api_token(admin_a, "hers")
    assert client_for(operator).get("/api/v1/tokens").json()["count"] == 0


def test_organisation_search_folds_case_beyond_ascii(operator):
    services.create_organisation(
        operator, slug="sp", name="Escola São Paulo", kind="school_network", country="BR"
    )
    found = Client().get("/api/v1/organisations", {"q": "SÃO"}).json()["items"]
    assert [o["slug"] for o in found] == ["sp"]
