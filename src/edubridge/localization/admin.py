"""Rule packs in the Django admin: node operators edit a country's rules; each save raises the
pack's version, so findings made before can be told from those made after, and is audited."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import F, Model
from django.http import HttpRequest

from edubridge.core import audit
from edubridge.core.policy import is_operator
from edubridge.localization.detectors import DETECTORS
from edubridge.localization.models import Rule, RulePack


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = [
            "key",
            "category",
            "title",
            "why",
            "action",
            "applies_to",
            "keywords",
            "patterns",
            "detector",
            "active",
        ]

    def clean_keywords(self) -> Any:
        return self._by_language("keywords")

    def clean_patterns(self) -> Any:
        value = self._by_language("patterns")
        for language, patterns in value.items():
            for pattern in patterns:
                try:
                    re.compile(pattern, re.IGNORECASE)
                except re.error as exc:
                    raise forms.ValidationError(f"{language}: {pattern!r}: {exc}") from exc
        return value

    def clean_detector(self) -> str:
        value = self.cleaned_data.get("detector") or ""
        if value and value not in DETECTORS:
            raise forms.ValidationError(f"choose one of {', '.join(DETECTORS)}, or none")
        return value

    def _by_language(self, name: str) -> dict[str, list[str]]:
        value = self.cleaned_data.get(name) or {}
        if not isinstance(value, dict) or not all(
            isinstance(v, list) and all(isinstance(s, str) and s.strip() for s in v)
            for v in value.values()
        ):
            raise forms.ValidationError('give words by language, e.g. {"en": ["pork"]}')
        return value


class RuleInline(admin.StackedInline):
    model = Rule
    form = RuleForm
    extra = 0


@admin.register(RulePack)
class RulePackAdmin(admin.ModelAdmin):
    list_display = ["title", "country", "version", "updated_at"]
    readonly_fields = ["version", "updated_at"]
    fields = ["country", "title", "languages", "authors", "version", "updated_at"]
    inlines = [RuleInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_operator(request.user)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            pack = form.instance
            if change and (form.has_changed() or any(f.has_changed() for f in formsets)):
                RulePack.objects.filter(pk=pack.pk).update(version=F("version") + 1)
                pack.refresh_from_db()
            audit.record(
                request.user,
                "l10n.rules.change" if change else "l10n.rules.create",
                pack,
                organisation=None,
                summary=f"{pack} v{pack.version}"[:300],
            )
