"""API for countries, organisations, memberships, the audit log and personal tokens."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate
from pydantic import AwareDatetime

from edubridge.align.text import normalise
from edubridge.core import services
from edubridge.core.api_auth import AuthedRequest, anyone
from edubridge.core.countries import country_name
from edubridge.core.models import (
    ApiToken,
    AuditEntry,
    Country,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)
from edubridge.core.pagination import Pagination
from edubridge.core.policy import Action, require, visible

router = Router()


class CountryOut(Schema):
    code: str
    name: str


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: OrganisationKind
    country: str = Field(..., alias="country_id")
    country_name: str
    languages: list[str]
    website: str
    description: str
    is_active: bool

    @staticmethod
    def resolve_country_name(obj: Organisation) -> str:
        return country_name(obj.country_id)


class OrganisationIn(Schema):
    slug: str = Field(..., min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(..., min_length=1, max_length=200)
    kind: OrganisationKind
    country: str = Field(..., min_length=2, max_length=2)
    languages: list[str] = Field(default_factory=list, max_length=20)
    website: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    contact_email: str = Field("", max_length=254)


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: OrganisationKind | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    languages: list[str] | None = Field(None, max_length=20)
    website: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=4000)
    contact_email: str | None = Field(None, max_length=254)
    is_active: bool | None = None


class MembershipOut(Schema):
    id: int
    username: str = Field(..., alias="user.username")
    organisation: str = Field(..., alias="organisation.slug")
    roles: list[Role]
    created_at: datetime


class MembershipIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    roles: list[Role] = Field(..., min_length=1)


class RolesIn(Schema):
    roles: list[Role] = Field(..., min_length=1)


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    target_type: str
    target_id: str
    summary: str
    changes: dict[str, list[object]]


class MeOut(Schema):
    username: str
    is_operator: bool = Field(..., alias="is_superuser")
    memberships: list[MembershipOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_at: AwareDatetime | None = Field(None, description="With a time zone; within 10 years.")


class IssuedTokenOut(TokenOut):
    token: str = Field(..., description="The secret; shown once, never again.")


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


@router.get("/countries", response=list[CountryOut], auth=anyone, tags=["countries"])
@paginate(Pagination)
def list_countries(request: AuthedRequest, q: str = "") -> list[dict[str, str]]:
    """ISO 3166-1 countries, named in the language of `Accept-Language`."""
    rows = [{"code": c.code, "name": c.name} for c in Country.objects.all()]
    needle = q.strip().casefold()
    return [
        r
        for r in rows
        if not needle or needle in r["name"].casefold() or needle == r["code"].casefold()
    ]


@router.get("/countries/{code}", response=CountryOut, auth=anyone, tags=["countries"])
def get_country(request: AuthedRequest, code: str) -> dict[str, str]:
    country = get_object_or_404(Country, code=code.upper())
    return {"code": country.code, "name": country.name}


@router.get("/organisations", response=list[OrganisationOut], auth=anyone, tags=["organisations"])
@paginate(Pagination)
def list_organisations(
    request: AuthedRequest, country: str = "", kind: str = "", q: str = ""
) -> QuerySet[Organisation]:
    orgs = visible(request.auth, Organisation.objects.all())
    if country:
        orgs = orgs.filter(country_id=country.upper())
    if kind:
        orgs = orgs.filter(kind=kind)
    if q:
        # Matched in Python: SQLite folds case for ASCII only ("são" must find "São").
        needle = normalise(q)
        orgs = orgs.filter(
            pk__in=[o.pk for o in orgs.only("pk", "name") if needle in normalise(o.name)]
        )
    return orgs


@router.post("/organisations", response={201: OrganisationOut}, tags=["organisations"])
def create_organisation(request: AuthedRequest, payload: OrganisationIn) -> Status[Organisation]:
    """Register a partner organisation (node operators only)."""
    return Status(201, services.create_organisation(request.auth, **payload.dict()))


@router.get("/organisations/{slug}", response=OrganisationOut, auth=anyone, tags=["organisations"])
def get_organisation(request: AuthedRequest, slug: str) -> Organisation:
    return _organisation(slug)


@router.patch("/organisations/{slug}", response=OrganisationOut, tags=["organisations"])
def update_organisation(
    request: AuthedRequest, slug: str, payload: OrganisationPatch
) -> Organisation:
    values = payload.dict(exclude_unset=True)
    return services.update_organisation(request.auth, _organisation(slug), **values)


@router.get("/organisations/{slug}/memberships", response=list[MembershipOut], tags=["memberships"])
@paginate(Pagination)
def list_memberships(request: AuthedRequest, slug: str) -> QuerySet[Membership]:
    org = _organisation(slug)
    require(request.auth, Action.MEMBERS_VIEW, org)
    return Membership.objects.filter(organisation=org).select_related("user", "organisation")


@router.post(
    "/organisations/{slug}/memberships", response={201: MembershipOut}, tags=["memberships"]
)
def add_membership(request: AuthedRequest, slug: str, payload: MembershipIn) -> Status[Membership]:
    org = _organisation(slug)
    require(request.auth, Action.MEMBERS_MANAGE, org)
    user = services.find_user(payload.username)
    return Status(
        201, services.add_member(request.auth, org, user, [r.value for r in payload.roles])
    )


def _membership(request: AuthedRequest, membership_id: int) -> Membership:
    memberships = visible(request.auth, Membership.objects.select_related("user", "organisation"))
    return get_object_or_404(memberships, pk=membership_id)


@router.get("/memberships/{membership_id}", response=MembershipOut, tags=["memberships"])
def get_membership(request: AuthedRequest, membership_id: int) -> Membership:
    return _membership(request, membership_id)


@router.patch("/memberships/{membership_id}", response=MembershipOut, tags=["memberships"])
def change_membership(request: AuthedRequest, membership_id: int, payload: RolesIn) -> Membership:
    membership = _membership(request, membership_id)
    return services.set_member_roles(request.auth, membership, [r.value for r in payload.roles])


@router.delete("/memberships/{membership_id}", response={204: None}, tags=["memberships"])
def delete_membership(request: AuthedRequest, membership_id: int) -> Status[None]:
    services.remove_member(request.auth, _membership(request, membership_id))
    return Status(204, None)


@router.get("/organisations/{slug}/audit", response=list[AuditOut], tags=["audit"])
@paginate(Pagination)
def list_audit(request: AuthedRequest, slug: str, action: str = "") -> QuerySet[AuditEntry]:
    org = _organisation(slug)
    require(request.auth, Action.AUDIT_VIEW, org)
    entries = AuditEntry.objects.filter(organisation=org)
    return entries.filter(action=action) if action else entries


@router.get("/me", response=MeOut, tags=["account"])
def me(request: AuthedRequest) -> dict[str, object]:
    user = request.auth
    if not isinstance(user, User):
        raise AuthenticationError()
    memberships = Membership.objects.filter(user=user).select_related("user", "organisation")
    return {
        "username": user.username,
        "is_superuser": user.is_superuser,
        "memberships": memberships,
    }


@router.get("/tokens", response=list[TokenOut], tags=["account"])
@paginate(Pagination)
def list_tokens(request: AuthedRequest) -> QuerySet[ApiToken]:
    return visible(request.auth, ApiToken.objects.all())


@router.post("/tokens", response={201: IssuedTokenOut}, tags=["account"])
def create_token(request: AuthedRequest, payload: TokenIn) -> Status[dict[str, object]]:
    issued = services.create_api_token(request.auth, payload.name, expires_at=payload.expires_at)
    return Status(201, {**TokenOut.from_orm(issued.token).dict(), "token": issued.secret})


@router.delete("/tokens/{token_id}", response={204: None}, tags=["account"])
def revoke_token(request: AuthedRequest, token_id: int) -> Status[None]:
    token = get_object_or_404(visible(request.auth, ApiToken.objects.all()), pk=token_id)
    services.revoke_api_token(request.auth, token)
    return Status(204, None)
