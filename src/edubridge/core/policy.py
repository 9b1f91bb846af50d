"""Who may do what: the one place EduBridge decides permissions.

Rules are object-level and scoped by organisation: a role held in one organisation gives
no rights in another. Node operators (superusers) and the command line (``SYSTEM``) may do
everything. Views, API, admin and services all ask :func:`can`, :func:`require` and
:func:`visible`; nothing checks a role inline.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, QuerySet

from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import ApiToken, AuditEntry, Membership, Organisation, Role


class SystemActor:
    """The node operator acting through the command line or the demo loader."""

    is_authenticated: Final = True
    is_superuser: Final = True
    pk = None

    def __str__(self) -> str:
        return "system"


SYSTEM: Final = SystemActor()
Actor = User | AnonymousUser | SystemActor


class Action(StrEnum):
    NODE_ADMIN = "node.admin"
    ORGANISATION_CREATE = "organisation.create"
    ORGANISATION_CHANGE = "organisation.change"
    MEMBERS_VIEW = "membership.view"
    MEMBERS_MANAGE = "membership.manage"
    AUDIT_VIEW = "audit.view"
    TOKEN_MANAGE = "token.manage"
    FRAMEWORK_MANAGE = "framework.manage"
    CROSSWALK_MANAGE = "crosswalk.manage"
    CROSSWALK_VIEW = "crosswalk.view"
    CROSSWALK_SIGN = "crosswalk.sign"
    RESOURCE_MANAGE = "resource.manage"
    RELEASE_APPROVE = "release.approve"
    MODEL_MANAGE = "model.manage"
    PRACTISE = "learning.practise"
    CLASS_VIEW = "learning.class_view"
    LRS_MANAGE = "records.lrs_manage"
    PROGRAMME_MANAGE = "training.programme_manage"
    COHORT_MANAGE = "training.cohort_manage"
    TRAINING_VIEW = "training.view"
    EVIDENCE_SUBMIT = "training.evidence_submit"
    CREDENTIAL_REVOKE = "training.credential_revoke"
    L10N_VIEW = "localization.view"
    L10N_MANAGE = "localization.manage"
    L10N_TRANSLATE = "localization.translate"
    L10N_REVIEW = "localization.review"
    AGREEMENT_MANAGE = "governance.agreement_manage"
    TRANSFER_VIEW = "governance.transfer_view"
    BIAS_AUDIT = "governance.bias_audit"


# Roles that grant each organisation-scoped action, in the organisation the object belongs to.
_STAFF = frozenset(Role) - {Role.LEARNER}
RULES: dict[Action, frozenset[Role]] = {
    Action.ORGANISATION_CHANGE: frozenset({Role.ADMIN}),
    Action.MEMBERS_VIEW: _STAFF,
    Action.MEMBERS_MANAGE: frozenset({Role.ADMIN}),
    Action.AUDIT_VIEW: frozenset({Role.ADMIN, Role.AUDITOR}),
    Action.FRAMEWORK_MANAGE: frozenset({Role.ADMIN, Role.CURATOR}),
    Action.CROSSWALK_MANAGE: frozenset({Role.ADMIN, Role.CURATOR}),
    Action.CROSSWALK_VIEW: _STAFF,
    Action.CROSSWALK_SIGN: frozenset({Role.ADMIN, Role.CURATOR, Role.REVIEWER}),
    Action.RESOURCE_MANAGE: frozenset({Role.ADMIN, Role.CURATOR}),
    Action.RELEASE_APPROVE: frozenset({Role.ADMIN, Role.CURATOR}),
    Action.MODEL_MANAGE: frozenset({Role.ADMIN, Role.CURATOR}),
    Action.PRACTISE: frozenset(Role),
    # Who sees learners' mastery by name: those who teach them, and the organisation's admin.
    Action.CLASS_VIEW: frozenset({Role.ADMIN, Role.TEACHER, Role.TRAINER}),
    Action.LRS_MANAGE: frozenset({Role.ADMIN}),
    Action.PROGRAMME_MANAGE: frozenset({Role.ADMIN, Role.TRAINER}),
    Action.COHORT_MANAGE: frozenset({Role.ADMIN, Role.TRAINER}),
    Action.TRAINING_VIEW: _STAFF,
    # Only the participant (a grant of the enrolment, below) submits their evidence.
    Action.EVIDENCE_SUBMIT: frozenset(),
    Action.CREDENTIAL_REVOKE: frozenset({Role.ADMIN}),
    Action.L10N_VIEW: _STAFF,
    # Open projects, own stages, re-align (the curriculum specialist), keep memory and glossary.
    Action.L10N_MANAGE: frozenset({Role.ADMIN, Role.CURATOR}),
    Action.L10N_TRANSLATE: frozenset({Role.ADMIN, Role.CURATOR, Role.TRANSLATOR, Role.REVIEWER}),
    # Resolve cultural findings, dismiss checks and sign off: the target country's reviewers.
    Action.L10N_REVIEW: frozenset({Role.ADMIN, Role.REVIEWER}),
    # Propose, sign and revoke data-sharing agreements: those who answer for the organisation.
    Action.AGREEMENT_MANAGE: frozenset({Role.ADMIN}),
    # Check transfers and read the transfer log: administrators and auditors.
    Action.TRANSFER_VIEW: frozenset({Role.ADMIN, Role.AUDITOR}),
    # Read learners' group attributes and let a flagged model serve: auditors alone, so the
    # people who fit a model do not also clear it.
    Action.BIAS_AUDIT: frozenset({Role.AUDITOR}),
}
# Actions an object may grant a person whatever their roles, through its ``granted_to``:
# a cohort's trainers (a seed teacher leading at home), a participant's own enrolment.
# A localisation project lets its source organisation's staff follow it and curators help run it.
PERSONAL_GRANTS = frozenset(
    {
        Action.COHORT_MANAGE,
        Action.TRAINING_VIEW,
        Action.EVIDENCE_SUBMIT,
        Action.L10N_VIEW,
        Action.L10N_MANAGE,
    }
)
# Actions on the node as a whole: operators only.
NODE_ACTIONS = frozenset({Action.NODE_ADMIN, Action.ORGANISATION_CREATE})


def is_operator(user: Actor) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_active", True) and user.is_superuser)


def roles_of(user: Actor, organisation: Organisation) -> frozenset[Role]:
    if not user.is_authenticated or user.pk is None:
        return frozenset()
    cache: dict[int, frozenset[Role]] = user.__dict__.setdefault("_edubridge_roles", {})
    if organisation.pk not in cache:
        membership = Membership.objects.filter(user_id=user.pk, organisation=organisation).first()
        cache[organisation.pk] = (
            frozenset(Role(r) for r in membership.roles) if membership else frozenset()
        )
    return cache[organisation.pk]


def roles_of_id(user_id: int, organisation: Organisation) -> frozenset[Role]:
    """The roles a user holds in an organisation, for objects that grant by another's roles."""
    membership = Membership.objects.filter(user_id=user_id, organisation=organisation).first()
    return frozenset(Role(r) for r in membership.roles) if membership else frozenset()


def organisation_of(obj: Model) -> Organisation | None:
    """The organisation whose roles decide over ``obj``: itself, or its ``organisation``."""
    if isinstance(obj, Organisation):
        return obj
    owner = getattr(obj, "organisation", None)
    return owner if isinstance(owner, Organisation) else None


def can(user: Actor, action: Action, obj: Any = None) -> bool:
    if is_operator(user):
        return True
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return False
    if action is Action.TOKEN_MANAGE:
        return obj is None or (isinstance(obj, ApiToken) and obj.user_id == user.pk)
    if action in NODE_ACTIONS:
        return False
    organisation = organisation_of(obj) if obj is not None else None
    if organisation is None:
        return False
    if action is Action.MEMBERS_VIEW and isinstance(obj, Membership) and obj.user_id == user.pk:
        return True
    if roles_of(user, organisation) & RULES[action]:
        return True
    granted_to = getattr(obj, "granted_to", None)
    return action in PERSONAL_GRANTS and callable(granted_to) and bool(granted_to(user.pk, action))


def require(user: Actor, action: Action, obj: Any = None) -> None:
    if not user.is_authenticated:
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "Sign in first.")
    if not can(user, action, obj):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "You do not have permission to do this.")


def organisations_where(user: Actor, action: Action) -> QuerySet[Organisation]:
    """Organisations in which ``user`` holds a role granting ``action``."""
    if is_operator(user):
        return Organisation.objects.all()
    if not user.is_authenticated or user.pk is None:
        return Organisation.objects.none()
    granted = RULES[action]
    ids = [
        m.organisation_id
        for m in Membership.objects.filter(user_id=user.pk).only("organisation_id", "roles")
        if granted & {Role(r) for r in m.roles}
    ]
    return Organisation.objects.filter(pk__in=ids)


M = TypeVar("M", bound=Model)


def visible(user: Actor, queryset: QuerySet[M]) -> QuerySet[M]:
    """The part of ``queryset`` that ``user`` may read."""
    model = queryset.model
    if model is ApiToken:
        # Personal even for operators: "your tokens" are yours alone.
        return queryset.filter(user_id=user.pk) if user.is_authenticated else queryset.none()
    if model is Organisation or is_operator(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    if model is Membership:
        orgs = organisations_where(user, Action.MEMBERS_VIEW)
        return queryset.filter(organisation__in=orgs) | queryset.filter(user_id=user.pk)
    if model is AuditEntry:
        return queryset.filter(organisation__in=organisations_where(user, Action.AUDIT_VIEW))
    return queryset.none()
