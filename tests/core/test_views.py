import pytest
from django.test import Client, override_settings

from edubridge.core import services
from edubridge.core.models import AuditEntry, Membership, Organisation, Role
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db


def test_wrong_credentials_get_a_clear_400(admin_a):
    response = Client().post("/login/", {"username": admin_a.username, "password": "wrong"})
    assert response.status_code == 400
    assert "correct username and password" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_sign_in_is_refused_after_too_many_failures_even_with_the_right_password(admin_a):
    client = Client()
    for _ in range(3):
        assert (
            client.post("/login/", {"username": admin_a.username, "password": "wrong"}).status_code
            == 400
        )
    blocked = client.post("/login/", {"username": admin_a.username, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_redirects_home(admin_a):
    response = Client().post("/login/", {"username": admin_a.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_dashboard_shows_private_sections_only_to_members(org_a, admin_a, admin_b):
    public = Client().get("/orgs/org-a/").content.decode()
    assert "Org A University" in public
    assert 'id="members"' not in public and "office@a.example.org" not in public
    outsider = client_for(admin_b).get("/orgs/org-a/").content.decode()
    assert 'id="members"' not in outsider and "Recent activity" not in outsider
    insider = client_for(admin_a).get("/orgs/org-a/").content.decode()
    assert (
        'id="members"' in insider
        and "Recent activity" in insider
        and "office@a.example.org" in insider
    )


def test_an_admin_of_another_organisation_cannot_add_change_or_edit(org_a, admin_a, admin_b):
    outsider = client_for(admin_b)
    membership = Membership.objects.get(user=admin_a)
    assert (
        outsider.post(
            "/orgs/org-a/members/", {"username": admin_b.username, "roles": ["admin"]}
        ).status_code
        == 403
    )
    assert outsider.post(f"/members/{membership.pk}/", {"roles": ["learner"]}).status_code == 404
    assert (
        outsider.post(
            "/orgs/org-a/edit/", {"name": "Taken", "kind": "ngo", "country": "KE"}
        ).status_code
        == 403
    )
    assert Membership.objects.filter(organisation=org_a).count() == 1
    assert Membership.objects.get(pk=membership.pk).roles == ["admin"]


def test_adding_a_member_without_javascript_redirects_back(org_a, admin_a):
    make_user("newcomer")
    response = client_for(admin_a).post(
        "/orgs/org-a/members/", {"username": "newcomer", "roles": ["teacher", "trainer"]}
    )
    assert response.status_code == 302 and response["Location"] == "/orgs/org-a/#members"
    assert Membership.objects.get(user__username="newcomer").roles == ["trainer", "teacher"]


def test_htmx_gets_only_the_members_section_with_errors_kept(org_a, admin_a):
    client = client_for(admin_a)
    response = client.post(
        "/orgs/org-a/members/", {"username": "ghost", "roles": ["teacher"]}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="members"') and "<html" not in html
    assert "no active user" in html and 'value="ghost"' in html  # the input is kept


def test_a_refused_change_is_explained_not_lost(org_a, admin_a):
    membership = Membership.objects.get(user=admin_a)
    response = client_for(admin_a).post(
        f"/members/{membership.pk}/", {"roles": ["teacher"]}, HTTP_HX_REQUEST="true"
    )
    assert "last administrator" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).roles == ["admin"]


def test_removing_a_member_from_the_dashboard(org_a, admin_a, member):
    teacher = member(org_a, Role.TEACHER)
    membership = Membership.objects.get(user=teacher)
    client_for(admin_a).post(f"/members/{membership.pk}/", {"roles": ["teacher"], "remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_editing_the_organisation_keeps_input_on_error_and_saves_when_valid(org_a, admin_a):
    client = client_for(admin_a)
    bad = client.post(
        "/orgs/org-a/edit/",
        {"name": "Renamed", "kind": "university", "country": "CN", "languages": "zz-bogus"},
    )
    assert bad.status_code == 200 and "unknown language tag" in bad.content.decode()
    assert 'value="Renamed"' in bad.content.decode()
    assert Organisation.objects.get(slug="org-a").name == "Org A University"
    good = client.post(
        "/orgs/org-a/edit/",
        {"name": "Renamed", "kind": "university", "country": "CN", "languages": "zh-Hans, en"},
    )
    assert good.status_code == 302
    assert Organisation.objects.get(slug="org-a").name == "Renamed"
    assert AuditEntry.objects.filter(action="organisation.change", actor=admin_a).exists()


def test_tokens_page_shows_a_new_secret_once(admin_a):
    client = client_for(admin_a)
    created = client.post("/account/tokens/", {"name": "laptop"}).content.decode()
    assert 'id="new-token"' in created
    again = client.get("/account/tokens/").content.decode()
    assert 'id="new-token"' not in again and "laptop" in again


def test_pages_send_security_headers(client, org_a):
    response = client.get("/orgs/org-a/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_pages_are_404(client):
    assert client.get("/orgs/nowhere/").status_code == 404


@override_settings(LOGIN_MAX_FAILURES=2)
def test_spaces_or_case_in_the_username_do_not_reset_the_limit(admin_a):
    client = Client()
    for attempt in (admin_a.username, f" {admin_a.username}"):
        client.post("/login/", {"username": attempt, "password": "wrong"})
    response = client.post(
        "/login/", {"username": f"  {admin_a.username.upper()} ", "password": PASSWORD}
    )
    assert response.status_code == 429


@override_settings(LOGIN_MAX_FAILURES=1, PROXY_HOPS=1)
def test_behind_a_proxy_the_forwarded_address_is_counted(admin_a, member, org_a):
    other = member(org_a, Role.TEACHER)
    client = Client()
    for n in range(4):
        client.post(
            "/login/",
            {"username": f"nobody{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    blocked = client.post(
        "/login/",
        {"username": other.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert blocked.status_code == 429
    elsewhere = client.post(
        "/login/",
        {"username": other.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert elsewhere.status_code == 302


def test_a_member_can_be_removed_with_no_role_ticked(org_a, admin_a, member):
    teacher = member(org_a, Role.TEACHER)
    membership = Membership.objects.get(user=teacher)
    client_for(admin_a).post(f"/members/{membership.pk}/", {"remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_tokens_page_of_an_operator_lists_only_their_own(operator, admin_a):
    services.create_api_token(admin_a, "li-wei-laptop")
    assert "li-wei-laptop" not in client_for(operator).get("/account/tokens/").content.decode()
