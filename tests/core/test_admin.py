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


def test_members_without_staff_access_are_sent_to_sign_in(org_a, member):
    auditor = member(org_a, Role.AUDITOR)
    response = client_for(auditor).get("/admin/core/auditentry/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
