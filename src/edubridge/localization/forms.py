"""Forms of the localisation pages; the services validate again and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from edubridge.catalog.models import ResourceVersion
from edubridge.core.models import Organisation
from edubridge.localization.models import FindingStatus, ProjectStage
from edubridge.standards.models import Framework, Item


class VersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.resource} · v{obj.number} · {obj.resource.publisher}"


class ProjectForm(forms.Form):
    version = VersionChoice(queryset=ResourceVersion.objects.none(), label=_("Published version"))
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Target organisation")
    )
    target_language = forms.CharField(
        label=_("Target locale (e.g. sw-KE, ar-EG, fr-SN, zh-CN, pt-BR, id-ID)"), max_length=35
    )
    source_language = forms.CharField(
        label=_("Source language (empty: the resource's first)"), max_length=35, required=False
    )
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.order_by("title"),
        label=_("Target curriculum framework"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        versions: QuerySet[ResourceVersion],
        targets: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = targets  # type: ignore[attr-defined]


class StageForm(forms.Form):
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Owner"), required=False
    )
    due = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, people: Any, instance_row: ProjectStage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.initial = {"owner": instance_row.owner_id, "due": instance_row.due}


class ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.human_coding_scheme} {obj.full_statement}".strip()[:160]


class GapForm(forms.Form):
    target_item = ItemChoice(queryset=Item.objects.none(), label=_("Target item"), required=False)
    gap = forms.CharField(
        label=_("Or: the gap (not in the target curriculum at this level)"),
        max_length=500,
        required=False,
    )

    def __init__(
        self, *args: Any, items: list[Item], candidates: list[Item], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        first = [i.pk for i in candidates]
        ordered = sorted(items, key=lambda i: (i.pk not in first, i.position))
        field = self.fields["target_item"]
        assert isinstance(field, ItemChoice)
        field.queryset = Item.objects.filter(pk__in=[i.pk for i in items])
        field.choices = [("", "—")] + [(str(i.pk), field.label_from_instance(i)) for i in ordered]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("target_item") and not (data.get("gap") or "").strip():
            raise forms.ValidationError(_("Pick a target item, or describe the gap."))
        return data


class FindingForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in FindingStatus.choices if c[0] != FindingStatus.OPEN],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Translated XLIFF 2.1 or PO file"))


class TermForm(forms.Form):
    source_language = forms.CharField(label=_("Source language"), max_length=35, initial="en")
    target_language = forms.CharField(label=_("Target language"), max_length=35)
    source = forms.CharField(label=_("Term"), max_length=200)
    target = forms.CharField(label=_("Agreed translation"), max_length=200)
    enforced = forms.BooleanField(label=_("Enforced"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MemoryImportForm(forms.Form):
    file = forms.FileField(label=_("TMX file"))
    source_language = forms.CharField(label=_("Source language"), max_length=35, initial="en")
    target_language = forms.CharField(label=_("Target language"), max_length=35)
