"""Web forms of the catalog; they parse input, services decide."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from edubridge.catalog.models import MadeWith, ResourceKind
from edubridge.catalog.services import ACCESSIBILITY
from edubridge.core.models import Country, Organisation


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        return (
            [single(d, initial) for d in data]
            if isinstance(data, list | tuple)
            else [single(data, initial)]
        )


class ResourceForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Shared by"), queryset=Organisation.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    title_language = forms.ChoiceField(label=_("Language of the title"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )
    languages = forms.CharField(
        label=_("Languages of the content"), max_length=200, help_text=_("e.g. en, sw")
    )
    subjects = forms.CharField(
        label=_("Subjects"), max_length=500, required=False, help_text=_("separated by commas")
    )
    education_levels = forms.CharField(
        label=_("Education levels"), max_length=200, required=False, help_text=_("e.g. 07, 08")
    )
    country = forms.ModelChoiceField(label=_("Country of origin"), queryset=Country.objects.all())
    licence = forms.CharField(label=_("Licence (SPDX)"), max_length=64, initial="CC-BY-4.0")
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility features"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(a, a) for a in sorted(ACCESSIBILITY)],
    )
    content = MultipleFileField(label=_("Files"), required=False)
    changelog = forms.CharField(label=_("About this version"), max_length=4000, required=False)
    made_with = forms.ChoiceField(
        label=_("How it was made"), choices=MadeWith.choices, initial=MadeWith.HUMAN
    )
    ai_model = forms.CharField(
        label=_("AI model used (when AI helped)"), max_length=200, required=False
    )
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        split = lambda text: [v.strip() for v in text.split(",") if v.strip()]  # noqa: E731
        values = {
            "kind": data["kind"],
            "title": {data["title_language"]: data["title"]},
            "languages": split(data["languages"]),
            "subjects": split(data["subjects"]),
            "education_levels": split(data["education_levels"]),
            "country": data["country"],
            "licence": data["licence"].strip(),
            "accessibility": data["accessibility"],
        }
        if data["description"]:
            values["description"] = {data["title_language"]: data["description"]}
        return values


class PackageForm(forms.Form):
    """A Common Cartridge or QTI package becomes a resource with a draft (or published) version."""

    owner = forms.ModelChoiceField(
        label=_("Shared by"), queryset=Organisation.objects.none(), empty_label=None
    )
    package = forms.FileField(
        label=_("Package"), help_text=_("Common Cartridge (.imscc) or QTI package (.zip)")
    )
    licence = forms.CharField(label=_("Licence (SPDX)"), max_length=64, initial="CC-BY-4.0")
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


UUID_IN_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


class CollectionForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Made by"), queryset=Organisation.objects.none(), empty_label=None
    )
    title_language = forms.ChoiceField(label=_("Language of the title"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )
    resources = forms.CharField(
        label=_("Resources, in order"),
        widget=forms.Textarea,
        required=False,
        max_length=100_000,
        help_text=_("One per line: the link of a resource page, or its identifier."),
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def identifiers(self) -> list[str]:
        """The identifier on each non-empty line; a line without one is kept as it is, so
        that the service names it."""
        lines = [line.strip() for line in self.cleaned_data["resources"].splitlines()]
        return [
            found.group(0) if (found := UUID_IN_TEXT.search(line)) else line
            for line in lines
            if line
        ]
