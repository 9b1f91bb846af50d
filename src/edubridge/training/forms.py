"""Web forms of the training app; they parse input, services decide."""

from __future__ import annotations

import zoneinfo
from typing import Any

from babel.core import get_global
from django import forms
from django.utils.translation import gettext_lazy as _

from edubridge.catalog.models import Resource, VersionStatus
from edubridge.core.models import Country, Organisation
from edubridge.standards.models import Item
from edubridge.training.criteria import MAX_SCORE
from edubridge.training.models import Audience, EvidenceKind, Level, Mode, Track, TrainingCentre

DATE = forms.DateInput({"type": "date"})
TIME = forms.TimeInput({"type": "time"})
RUBRIC = [
    (0, _("0 · not shown")),
    (1, _("1 · beginning")),
    (2, _("2 · developing")),
    (3, _("3 · proficient")),
    (4, _("4 · exemplary")),
]
assert len(RUBRIC) == MAX_SCORE + 1


def competencies(items: Any) -> Any:
    """What a programme can target: the leaves under a framework's groupings (a UNESCO
    competency under its dimension, a learning outcome under its strand)."""
    return items.filter(parent__isnull=False, children__isnull=True).distinct()


def zones_of(country: str) -> list[str]:
    """The IANA zones CLDR lists for a country, main zone first."""
    return list(get_global("territory_zones").get(country, [])) or ["UTC"]


def _zone_choices() -> list[tuple[str, str]]:
    return [(z, z) for z in sorted(zoneinfo.available_timezones()) if "/" in z or z == "UTC"]


class OwnedForm(forms.Form):
    """A form for something an organisation owns: the user picks which of theirs."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = owners  # type: ignore[attr-defined]
        self.fields["organisation"].initial = owners.first()


class ProgrammeForm(OwnedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    language = forms.CharField(label=_("Language (BCP 47 tag, e.g. en, sw, zh-Hans)"))
    min_attendance = forms.IntegerField(
        label=_("Attendance required (%)"), min_value=0, max_value=100, initial=75
    )


class CentreForm(OwnedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Identifier (for addresses and the calendar feed)"), max_length=64
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_zone_choices)


class RequirementForm(forms.Form):
    competency = forms.ModelChoiceField(label=_("Competency"), queryset=Item.objects.none())
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("from the competency")), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    evidence = forms.CharField(
        label=_("Evidence asked"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = (  # type: ignore[attr-defined]
            competencies(Item.objects.filter(retired=False))
            .select_related("framework")
            .order_by("framework__title", "human_coding_scheme")
        )
        self.fields["competency"].label_from_instance = (  # type: ignore[attr-defined]
            lambda item: f"{item.human_coding_scheme} {item.full_statement}"
        )


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module"), max_length=200)
    resource = forms.ModelChoiceField(
        label=_("Catalog resource"), queryset=Resource.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        published = Resource.objects.filter(versions__status=VersionStatus.PUBLISHED).distinct()
        self.fields["resource"].queryset = published.order_by("title")  # type: ignore[attr-defined]


class CohortForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    country = forms.ModelChoiceField(label=_("Country where it runs"), queryset=Country.objects)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10_000, initial=25)
    language = forms.CharField(label=_("Language (BCP 47 tag)"), required=False)
    centre = forms.ModelChoiceField(
        label=_("Training centre"), queryset=TrainingCentre.objects.none(), required=False
    )
    co_trainers = forms.CharField(
        label=_("Other trainers (user names, separated by commas)"), required=False
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]

    def clean_co_trainers(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["co_trainers"].split(",") if n.strip()]


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Day"), widget=DATE)
    starts = forms.TimeField(label=_("From"), widget=TIME)
    ends = forms.TimeField(label=_("To"), widget=TIME)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_zone_choices)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )


class EnrolForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    text = forms.CharField(
        label=_("Text"), required=False, max_length=20000, widget=forms.Textarea({"rows": 4})
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"), choices=RUBRIC, coerce=int, widget=forms.RadioSelect
    )
    feedback = forms.CharField(
        label=_("Feedback"), required=False, max_length=4000, widget=forms.Textarea({"rows": 2})
    )


class VerifyForm(forms.Form):
    credential = forms.CharField(
        label=_("Credential (the VC-JWT text)"),
        required=False,
        widget=forms.Textarea({"rows": 5, "spellcheck": "false"}),
    )
    file = forms.FileField(label=_("or its .jwt file"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload:
            if upload.size > 1_000_000:
                raise forms.ValidationError(_("A credential file is at most 1 MB."))
            cleaned["credential"] = upload.read().decode("utf-8", "replace")
        if not (cleaned.get("credential") or "").strip():
            raise forms.ValidationError(_("Paste a credential or choose its file."))
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
