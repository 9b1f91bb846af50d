import pytest

from edubridge.core.models import AuditEntry, Membership, Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_org_admin_sees_only_their_own_memberships_and_audit(org_a, org_b, admin_a, admin_b):
    client = client_for(admin_b)
    memberships = client.get("/admin/core/membership/").content.decode()
    assert admin_b.username in memberships and admin_a.username not in memberships
    audit = client.get("/admin/core/auditentry/").content.decode()
    assert "Org B College" in audit and "Org A University" not in audit


def test_an_org_admin_cannot_open_or_delete_another_organisations_membership(
    org_a, admin_a, admin_b
):
    target = Membership.objects.get(user=admin_a)
    client = client_for(admin_b)
    for url in (
        f"/admin/core/membership/{target.pk}/change/",
        f"/admin/core/membership/{target.pk}/delete/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert admin_a.username not in response.content.decode()
    client.post(f"/admin/core/membership/{target.pk}/delete/", {"post": "yes"})
    assert Membership.objects.filter(pk=target.pk).exists()
    response = client.get(f"/admin/core/organisation/{org_a.pk}/change/")
    assert response.status_code == 200 and b'name="name"' not in response.content  # view only


def test_admin_changes_go_through_services_and_are_audited(org_a, admin_a, member):
    teacher = member(org_a, Role.TEACHER)
    membership = Membership.objects.get(user=teacher)
    response = client_for(admin_a).post(
        f"/admin/core/membership/{membership.pk}/change/", {"roles": ["teacher", "curator"]}
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).roles == ["curator", "teacher"]
    assert AuditEntry.objects.filter(action="membership.change", actor=admin_a).count() == 1


def test_admin_shows_a_refusal_as_a_form_error(org_a, admin_a):
    membership = Membership.objects.get(user=admin_a)
    response = client_for(admin_a).post(
        f"/admin/core/membership/{membership.pk}/change/", {"roles": ["learner"]}
    )
    assert response.status_code == 200 and "last administrator" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).roles == ["admin"]


def test_operators_create_organisations_in_the_admin(operator, db):
    response = client_for(operator).post(
        "/admin/core/organisation/add/",
        {
            "slug": "org-c",
            "name": "Org C",
            "kind": "ngo",
            "country": "BR",
            "languages": '["pt"]',
            "website": "",
            "description": "",
            "contact_email": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(action="organisation.create", actor=operator).count() == 1


def test_the_audit_log_cannot_be_edited_in_the_admin(org_a, operator):
    entry = AuditEntry.objects.first()
    client = client_for(operator)
    client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"summary": "rewritten"})
    client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary


def test_members_without_staff_access_are_refused(org_a, member):
    auditor = member(org_a, Role.AUDITOR)
    response = client_for(auditor).get("/admin/core/auditentry/", follow=True)
    assert response.status_code == 403


def test_the_admin_signs_in_through_the_rate_limited_page(client):
    response = client.get("/admin/login/", {"next": "/admin/core/membership/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/core/membership/"


def test_staff_of_another_organisation_do_not_see_its_contact_address(org_a, admin_a, admin_b):
    page = client_for(admin_b).get(f"/admin/core/organisation/{org_a.pk}/change/").content.decode()
    assert "Org A University" in page and "office@a.example.org" not in page
    own = client_for(admin_a).get(f"/admin/core/organisation/{org_a.pk}/change/").content.decode()
    assert "office@a.example.org" in own


def test_the_last_administrator_cannot_be_deleted_in_the_admin(org_a, admin_a):
    membership = Membership.objects.get(user=admin_a)
    client = client_for(admin_a)
    assert (
        client.post(f"/admin/core/membership/{membership.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_operators_account_changes_are_audited_and_accounts_are_not_deleted(operator, db):
    client = client_for(operator)
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new.person",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor == operator and entry.changes["password"] == ["…", "changed"]
    user_id = entry.target_id
    assert client.post(f"/admin/auth/user/{user_id}/delete/", {"post": "yes"}).status_code == 403
