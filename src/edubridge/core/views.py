"""Web pages: they parse input, call a service, and render; permissions come from policy."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edubridge.core import ratelimit, services
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.forms import (
    AddMemberForm,
    ChangeRolesForm,
    LoginForm,
    OrganisationForm,
    TokenForm,
)
from edubridge.core.htmx import HtmxHttpRequest
from edubridge.core.models import ApiToken, AuditEntry, Membership, Organisation
from edubridge.core.policy import Action, can, visible


def _form_error(form: Form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that do not name an icon (the admin's)."""
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))


def home(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.filter(is_active=True).select_related("country")
    mine = (
        Membership.objects.filter(user_id=request.user.pk).select_related("organisation")
        if request.user.is_authenticated
        else Membership.objects.none()
    )
    return render(request, "core/home.html", {"organisations": organisations, "mine": mine})


def _members_context(request: HttpRequest, org: Organisation, **extra: object) -> dict[str, object]:
    members = visible(request.user, Membership.objects.filter(organisation=org))
    return {
        "org": org,
        "members": members.select_related("user"),
        "can_manage": can(request.user, Action.MEMBERS_MANAGE, org),
        "add_form": extra.pop("add_form", None) or AddMemberForm(),
        **extra,
    }


def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.select_related("country"), slug=slug)
    context = _members_context(request, org)
    context.update(
        can_view_members=can(request.user, Action.MEMBERS_VIEW, org),
        can_change=can(request.user, Action.ORGANISATION_CHANGE, org),
        audit=(
            AuditEntry.objects.filter(organisation=org)[:20]
            if can(request.user, Action.AUDIT_VIEW, org)
            else None
        ),
    )
    return render(request, "core/organisation.html", context)


@login_required
def edit_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    if not can(request.user, Action.ORGANISATION_CHANGE, org):
        raise PermissionDenied
    form = (
        OrganisationForm(request.POST)
        if request.method == "POST"
        else OrganisationForm.for_organisation(org)
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = services.update_organisation(request.user, org, **form.values())
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("organisation", slug=org.slug)
    return render(request, "core/organisation_edit.html", {"org": org, "form": form})


def _members_response(request: HtmxHttpRequest, org: Organisation, **extra: object) -> HttpResponse:
    """The members section alone for HTMX, the whole page otherwise (works without JavaScript)."""
    if request.htmx:
        return render(request, "core/_members.html", _members_context(request, org, **extra))
    if extra.get("add_form") or extra.get("error"):
        context = _members_context(request, org, **extra)
        context.update(
            can_view_members=True, can_change=can(request.user, Action.ORGANISATION_CHANGE, org)
        )
        return render(request, "core/organisation.html", context, status=400)
    return HttpResponseRedirect(reverse("organisation", args=[org.slug]) + "#members")


@require_POST
@login_required
def add_member(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    if not can(request.user, Action.MEMBERS_MANAGE, org):
        raise PermissionDenied
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            user = services.find_user(form.cleaned_data["username"])
            services.add_member(request.user, org, user, form.cleaned_data["roles"])
        except DomainError as error:
            _form_error(form, error)
        else:
            return _members_response(request, org)
    return _members_response(request, org, add_form=form)


def _managed_membership(request: HttpRequest, membership_id: int) -> Membership:
    membership = get_object_or_404(
        visible(request.user, Membership.objects.select_related("organisation", "user")),
        pk=membership_id,
    )
    if not can(request.user, Action.MEMBERS_MANAGE, membership):
        raise PermissionDenied
    return membership


@require_POST
@login_required
def change_member(request: HtmxHttpRequest, membership_id: int) -> HttpResponse:
    membership = _managed_membership(request, membership_id)
    form = ChangeRolesForm(request.POST)
    try:
        if "remove" in request.POST:
            services.remove_member(request.user, membership)
        elif not form.is_valid():
            raise DomainError(ErrorCode.INVALID, _("Choose at least one role."), field="roles")
        else:
            services.set_member_roles(request.user, membership, form.cleaned_data["roles"])
    except DomainError as error:
        return _members_response(request, membership.organisation, error=error.message)
    return _members_response(request, membership.organisation)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["days"]
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            issued = services.create_api_token(
                request.user, form.cleaned_data["name"], expires_at=expires_at
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            form = TokenForm()
    mine = visible(request.user, ApiToken.objects.all())
    return render(request, "core/tokens.html", {"form": form, "tokens": mine, "issued": issued})


@require_POST
@login_required
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(visible(request.user, ApiToken.objects.all()), pk=token_id)
    services.revoke_api_token(request.user, token)
    messages.success(request, _("Token revoked."))
    return redirect("tokens")


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the same rate-limited page as everyone else."""
    if request.user.is_authenticated:
        raise PermissionDenied  # signed in, but not staff
    return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("login"))


class LoginView(auth_views.LoginView):
    """Django's sign-in page, refusing further attempts after too many failures."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = request.POST.get("username", "")
        if ratelimit.login_blocked(request, username):
            # An unbound form: checking the password again is exactly what must not happen.
            form = self.form_class(request, initial={"username": username})
            refusal = _("Too many failed attempts. Wait a few minutes and try again.")
            context = self.get_context_data(form=form, refusal=refusal)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        ratelimit.login_failed(self.request, self.request.POST.get("username", ""))
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        ratelimit.login_succeeded(self.request, form.get_user().get_username())
        return super().form_valid(form)
