import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edubridge.core import services
from edubridge.core.models import ApiToken, AuditEntry, Membership, Organisation, Role
from edubridge.core.policy import RULES, SYSTEM, Action, can, visible
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_roles_grant_rights_only_in_their_own_organisation(org_a, org_b, admin_a):
    assert can(admin_a, Action.ORGANISATION_CHANGE, org_a)
    assert can(admin_a, Action.MEMBERS_MANAGE, org_a)
    assert not can(admin_a, Action.ORGANISATION_CHANGE, org_b)
    assert not can(admin_a, Action.MEMBERS_VIEW, org_b)
    assert not can(admin_a, Action.AUDIT_VIEW, org_b)


def test_learners_see_only_their_own_membership(org_a, admin_a, member):
    learner = member(org_a, Role.LEARNER)
    assert not can(learner, Action.MEMBERS_VIEW, org_a)
    assert list(visible(learner, Membership.objects.all())) == [
        Membership.objects.get(user=learner)
    ]


def test_staff_roles_see_colleagues_but_only_admins_manage_them(org_a, admin_a, member):
    teacher = member(org_a, Role.TEACHER)
    assert can(teacher, Action.MEMBERS_VIEW, org_a)
    assert not can(teacher, Action.MEMBERS_MANAGE, org_a)
    assert visible(teacher, Membership.objects.all()).count() == 2


def test_auditors_read_the_audit_log_of_their_organisation_only(org_a, org_b, admin_b, member):
    auditor = member(org_a, Role.AUDITOR)
    assert can(auditor, Action.AUDIT_VIEW, org_a)
    assert not can(auditor, Action.MEMBERS_MANAGE, org_a)
    seen = visible(auditor, AuditEntry.objects.all())
    assert seen.exists()
    assert set(seen.values_list("organisation", flat=True)) == {org_a.pk}


def test_operators_and_the_command_line_may_do_everything(org_a, operator):
    for actor in (operator, SYSTEM):
        assert can(actor, Action.ORGANISATION_CREATE)
        assert can(actor, Action.MEMBERS_MANAGE, org_a)


def test_anonymous_visitors_see_organisations_but_nothing_private(org_a, admin_a):
    anonymous = AnonymousUser()
    assert visible(anonymous, Organisation.objects.all()).count() == 1
    for model in (Membership, AuditEntry, ApiToken):
        assert not visible(anonymous, model.objects.all()).exists()
    assert not can(anonymous, Action.MEMBERS_VIEW, org_a)


def test_deactivated_users_lose_their_rights(org_a, admin_a):
    admin_a.is_active = False
    assert not can(admin_a, Action.ORGANISATION_CHANGE, org_a)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(roles=st.sets(st.sampled_from(list(Role)), min_size=1), action=st.sampled_from(list(RULES)))
def test_no_set_of_roles_in_one_organisation_grants_anything_in_another(
    org_a, org_b, roles, action
):
    user = make_user(
        f"u{abs(hash((frozenset(roles), action))) % 10**9}-{Membership.objects.count()}"
    )
    services.add_member(SYSTEM, org_a, user, [r.value for r in roles])
    assert not can(user, action, org_b)
    assert can(user, action, org_a) == bool(set(roles) & RULES[action])
