from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from edubridge.core import services
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import ApiToken, AuditEntry, Membership, Organisation, Role
from edubridge.core.policy import SYSTEM
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def create(**overrides):
    values = {"slug": "org-x", "name": "Org X", "kind": "ngo", "country": "sn", "languages": ["fr"]}
    return services.create_organisation(SYSTEM, **{**values, **overrides})


def test_creating_an_organisation_normalises_and_audits_it():
    org = create(languages=["zh_hans", "en", "en"])
    assert org.country_id == "SN"
    assert org.languages == ["zh-Hans", "en"]
    entry = AuditEntry.objects.get(action="organisation.create")
    assert entry.organisation == org and entry.actor is None and entry.actor_label == "system"
    assert entry.changes["name"] == [None, "Org X"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"languages": ["klingon-xx"]}, "languages"),
        ({"languages": "fr"}, "languages"),
        ({"kind": "club"}, "kind"),
        ({"name": "n" * 201}, "name"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_organisation_input_names_the_field_and_writes_nothing(overrides, field):
    with pytest.raises(DomainError) as raised:
        create(**overrides)
    assert raised.value.code is ErrorCode.INVALID
    assert raised.value.field == field
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_duplicate_slug_is_a_conflict():
    create()
    with pytest.raises(DomainError) as raised:
        create(name="Another")
    assert raised.value.code is ErrorCode.CONFLICT
    assert Organisation.objects.count() == 1


def test_update_records_only_what_changed(org_a, admin_a):
    services.update_organisation(
        admin_a, org_a, name="Org A Normal University", languages=["zh-Hans", "en"]
    )
    entry = AuditEntry.objects.get(action="organisation.change")
    assert entry.changes == {"name": ["Org A University", "Org A Normal University"]}
    assert entry.actor == admin_a and entry.organisation == org_a


def test_update_without_changes_writes_no_audit_entry(org_a, admin_a):
    services.update_organisation(admin_a, org_a, name=org_a.name)
    assert not AuditEntry.objects.filter(action="organisation.change").exists()


def test_slug_cannot_change(org_a, admin_a):
    with pytest.raises(DomainError) as raised:
        services.update_organisation(admin_a, org_a, slug="renamed")
    assert raised.value.field == "slug"


def test_members_without_the_admin_role_cannot_change_the_organisation(org_a, member):
    curator = member(org_a, Role.CURATOR)
    with pytest.raises(DomainError) as raised:
        services.update_organisation(curator, org_a, name="Taken over")
    assert raised.value.code is ErrorCode.PERMISSION_DENIED
    org_a.refresh_from_db()
    assert org_a.name == "Org A University"


def test_adding_a_member_twice_is_a_conflict(org_a, admin_a):
    user = make_user("newcomer")
    services.add_member(admin_a, org_a, user, ["teacher"])
    with pytest.raises(DomainError) as raised:
        services.add_member(admin_a, org_a, user, ["learner"])
    assert raised.value.code is ErrorCode.CONFLICT
    assert Membership.objects.get(user=user).roles == ["teacher"]


def test_roles_are_validated_and_kept_in_a_stable_order(org_a, admin_a):
    user = make_user("newcomer")
    with pytest.raises(DomainError) as raised:
        services.add_member(admin_a, org_a, user, ["wizard"])
    assert raised.value.field == "roles"
    with pytest.raises(DomainError):
        services.add_member(admin_a, org_a, user, [])
    membership = services.add_member(admin_a, org_a, user, ["auditor", "curator", "curator"])
    assert membership.roles == ["curator", "auditor"]


def test_the_last_administrator_can_be_neither_demoted_nor_removed(org_a, admin_a):
    membership = Membership.objects.get(user=admin_a)
    with pytest.raises(DomainError) as raised:
        services.set_member_roles(admin_a, membership, ["teacher"])
    assert raised.value.code is ErrorCode.CONFLICT
    with pytest.raises(DomainError):
        services.remove_member(admin_a, membership)
    assert Membership.objects.get(user=admin_a).roles == ["admin"]


def test_an_administrator_can_step_down_once_another_is_appointed(org_a, admin_a, member):
    member(org_a, Role.ADMIN, username="second-admin")
    services.set_member_roles(admin_a, Membership.objects.get(user=admin_a), ["teacher"])
    assert Membership.objects.get(user=admin_a).roles == ["teacher"]
    entry = AuditEntry.objects.filter(action="membership.change").get()
    assert entry.changes == {"roles": [["admin"], ["teacher"]]}


def test_removing_a_member_is_audited(org_a, admin_a, member):
    teacher = member(org_a, Role.TEACHER)
    services.remove_member(admin_a, Membership.objects.get(user=teacher))
    assert not Membership.objects.filter(user=teacher).exists()
    assert AuditEntry.objects.filter(action="membership.delete", organisation=org_a).count() == 1


def test_the_audit_log_is_append_only(org_a):
    entry = AuditEntry.objects.first()
    entry.summary = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_an_audit_entry_built_with_an_existing_key_cannot_overwrite_it(org_a):
    original = AuditEntry.objects.first()
    forged = AuditEntry(
        pk=original.pk,
        actor_label="x",
        action="forged",
        target_type="x",
        target_id="1",
        summary="forged",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert AuditEntry.objects.get(pk=original.pk).summary == original.summary


def test_a_refused_update_leaves_the_callers_object_untouched(org_a, admin_a):
    with pytest.raises(DomainError):
        services.update_organisation(admin_a, org_a, name="Renamed", country="QQ")
    assert org_a.name == "Org A University"


def test_a_role_change_is_compared_with_what_is_stored_not_with_a_stale_copy(
    org_a, admin_a, member
):
    teacher = member(org_a, Role.TEACHER)
    stale = Membership.objects.get(user=teacher)
    services.set_member_roles(admin_a, Membership.objects.get(user=teacher), ["curator"])
    services.set_member_roles(admin_a, stale, ["teacher"])  # stale still says ["teacher"]
    assert Membership.objects.get(user=teacher).roles == ["teacher"]


def test_tokens_are_stored_as_digests_and_authenticate_their_owner(db):
    user = make_user("ada")
    issued = services.create_api_token(user, "laptop")
    stored = ApiToken.objects.get()
    assert issued.secret.startswith("ebt_") and len(issued.secret) > 40
    assert issued.secret not in (stored.digest, stored.prefix)
    assert stored.digest == services.digest(issued.secret)
    assert services.authenticate_token(issued.secret) == user
    assert services.authenticate_token(issued.secret + "x") is None
    assert services.authenticate_token("not-a-token") is None


def test_revoked_expired_and_inactive_tokens_fail(db):
    user = make_user("ada")
    revoked = services.create_api_token(user, "old")
    services.revoke_api_token(user, revoked.token)
    assert services.authenticate_token(revoked.secret) is None

    expiring = services.create_api_token(
        user, "short", expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=expiring.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.authenticate_token(expiring.secret) is None

    live = services.create_api_token(user, "live")
    user.is_active = False
    user.save()
    assert services.authenticate_token(live.secret) is None


def test_a_token_cannot_expire_in_the_past_or_be_revoked_by_someone_else(db):
    owner, other = make_user("owner"), make_user("other")
    for when in (timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=4000)):
        with pytest.raises(DomainError) as raised:
            services.create_api_token(owner, "t", expires_at=when)
        assert raised.value.field == "expires_at"
    issued = services.create_api_token(owner, "t")
    with pytest.raises(DomainError) as raised:
        services.revoke_api_token(other, issued.token)
    assert raised.value.code is ErrorCode.PERMISSION_DENIED


def test_accounts_are_created_by_operators_and_audited(admin_a):
    user = services.create_user(SYSTEM, "new.teacher", "a-long-password", first_name="New")
    assert user.check_password("a-long-password") and not user.is_staff
    assert AuditEntry.objects.filter(action="user.create", target_id=str(user.pk)).exists()
    with pytest.raises(DomainError) as raised:
        services.create_user(SYSTEM, "new.teacher", "another-password")
    assert raised.value.code is ErrorCode.CONFLICT
    with pytest.raises(DomainError) as raised:
        services.create_user(admin_a, "sneaky", "a-long-password", is_superuser=True)
    assert raised.value.code is ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as raised:
        services.create_user(SYSTEM, "bad name!", "a-long-password")
    assert raised.value.field == "username"
