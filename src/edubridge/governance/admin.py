"""Jurisdiction packs and agreements in the Django admin. Node operators edit a
jurisdiction's rules (each rule checked as a pack file is, its citation required); each
save raises the pack's version, which every later transfer decision records, and is
audited. Agreements are read here and changed only through their pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import F, Model
from django.http import HttpRequest

from edubridge.core import audit
from edubridge.core.policy import is_operator
from edubridge.governance.models import Agreement, Jurisdiction, JurisdictionRule
from edubridge.governance.packs import RULES


class RuleForm(forms.ModelForm):
    class Meta:
        model = JurisdictionRule
        fields = ["value", "citation", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = self.instance.key
        if key in RULES and "value" in data:
            problem = RULES[key].check(data["value"])
            if problem:
                self.add_error("value", f"{key}: the value {problem}")
        return data


class RuleInline(admin.TabularInline):
    """Every pack holds each rule once: rules are edited, never added or taken away."""

    model = JurisdictionRule
    form = RuleForm
    extra = 0
    can_delete = False
    readonly_fields = ["key"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class OperatorsOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_operator(request.user)


@admin.register(Jurisdiction)
class JurisdictionAdmin(OperatorsOnly, admin.ModelAdmin):
    list_display = ["code", "title", "version", "updated_at"]
    readonly_fields = ["version", "updated_at"]
    fields = ["code", "title", "authority", "countries", "laws", "version", "updated_at"]
    inlines = [RuleInline]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a jurisdiction arrives as a pack file, complete and checked

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # decisions cite it

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            pack = form.instance
            if form.has_changed() or any(f.has_changed() for f in formsets):
                Jurisdiction.objects.filter(pk=pack.pk).update(version=F("version") + 1)
                pack.refresh_from_db()
            audit.record(
                request.user,
                "jurisdiction.change",
                pack,
                organisation=None,
                summary=f"{pack.code} v{pack.version}",
            )


@admin.register(Agreement)
class AgreementAdmin(OperatorsOnly, admin.ModelAdmin):
    list_display = ["title", "provider", "recipient", "starts_on", "expires_on", "revoked_at"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
