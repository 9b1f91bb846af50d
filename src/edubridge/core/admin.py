"""Django admin for the core app, with the same policy and services as the web and API.

Staff who are not node operators see only what the policy makes visible to them, and every
save goes through a service so it is validated and audited like any other write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from edubridge.core import audit, services
from edubridge.core.errors import DomainError
from edubridge.core.models import ApiToken, AuditEntry, Country, Membership, Organisation, Role
from edubridge.core.policy import Action, can, is_operator, organisations_where, visible


class PolicyAdmin(admin.ModelAdmin):
    """Permissions from the policy module instead of Django's per-model permissions."""

    change_action: Action | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if self.change_action is None or not self.has_module_permission(request):
            return False
        if obj is None:
            return organisations_where(request.user, self.change_action).exists()
        return can(request.user, self.change_action, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Country)
class CountryAdmin(PolicyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code"]


class ServiceForm(forms.ModelForm):
    """A model form that, once valid, performs the write through a service, as the admin's user.

    A refusal (permission, last administrator, bad value) becomes a form error on its field;
    nothing is written twice because ``save_model`` of the admins below does nothing.
    """

    request: HttpRequest

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        # The form has already copied its values onto self.instance; services compare with
        # what is stored, so they get a fresh copy.
        model = type(self.instance)
        stored = model._default_manager.get(pk=self.instance.pk) if self.instance.pk else None
        try:
            self.instance = self.apply(self.request.user, self.cleaned_data, stored)
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)

    def apply(self, user: Any, cleaned: dict[str, Any], stored: Any) -> Model:
        raise NotImplementedError


class ServiceAdmin(PolicyAdmin):
    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        form = super().get_form(request, obj, change, **kwargs)
        # The form writes through services as this request's user.
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The service already wrote, once the form was valid."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related is edited here."""


class OrganisationAdminForm(ServiceForm):
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = services.ORGANISATION_FIELDS

    def apply(self, user: Any, cleaned: dict[str, Any], stored: Any) -> Model:
        values = {k: cleaned[k] for k in services.ORGANISATION_FIELDS if k in cleaned}
        if stored is None:
            return services.create_organisation(user, **values)
        values.pop("slug", None)
        return services.update_organisation(user, stored, **values)


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    form = OrganisationAdminForm
    change_action = Action.ORGANISATION_CHANGE
    list_display = ["name", "slug", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return ["slug"] if obj else []

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The contact address is internal: partners who run the organisation see it.
        return (
            []
            if obj is None or can(request.user, Action.ORGANISATION_CHANGE, obj)
            else ["contact_email"]
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.ORGANISATION_CREATE)


class MembershipAdminForm(ServiceForm):
    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Membership
        fields = ["organisation", "user", "roles"]

    def apply(self, user: Any, cleaned: dict[str, Any], stored: Any) -> Model:
        if stored is None:
            return services.add_member(
                user, cleaned["organisation"], cleaned["user"], cleaned["roles"]
            )
        return services.set_member_roles(user, stored, cleaned["roles"])


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    form = MembershipAdminForm
    change_action = Action.MEMBERS_MANAGE
    list_display = ["user", "organisation", "roles", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["user__username", "organisation__name"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return ["organisation", "user"] if obj else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if isinstance(obj, Membership) and services.is_last_admin(obj):
            return False  # the organisation would be left without an administrator
        return self.has_change_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk deletion would bypass the one-by-one checks above.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_where(request.user, Action.MEMBERS_MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.remove_member(request.user, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(PolicyAdmin):
    list_display = ["at", "actor_label", "organisation", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["actor_label", "summary", "target_id"]
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(PolicyAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    exclude = ["digest"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Operators may see and revoke every token, but never through another's eyes.
        queryset = super(PolicyAdmin, self).get_queryset(request)
        return queryset if is_operator(request.user) else queryset.filter(user_id=request.user.pk)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.revoke_api_token(request.user, token)


USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
]
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's account admin, for operators, with every change in the audit log."""

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Deactivate instead: deleting would orphan memberships and rewrite history.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        before = audit.snapshot(stored, USER_FIELDS) if stored else {}
        super().save_model(request, obj, form, change)
        changes = audit.diff(before, audit.snapshot(obj, USER_FIELDS))
        if "password" in form.changed_data or "password1" in form.changed_data:
            changes["password"] = ["…", "changed"]
        if changes:
            action = "user.change" if change else "user.create"
            audit.record(request.user, action, obj, organisation=None, changes=changes)
