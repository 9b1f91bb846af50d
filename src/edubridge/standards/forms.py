"""Web forms of the standards app; they parse input, services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edubridge.core.models import Country, Organisation
from edubridge.standards.models import Framework


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CASE package (JSON)"), required=False)
    url = forms.URLField(label=_("or its address"), required=False, assume_scheme="https")
    organisation = forms.ModelChoiceField(
        label=_("Maintained by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("the whole node (operators only)"),
    )
    country = forms.ModelChoiceField(
        label=_("Jurisdiction"), queryset=Country.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["country"].queryset = Country.objects.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("file")) == bool(cleaned.get("url")):
            raise forms.ValidationError(_("Give a file or an address, not both."))
        return cleaned


class CrosswalkForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Your framework"), queryset=Framework.objects.none())
    target = forms.ModelChoiceField(
        label=_("Partner's framework"), queryset=Framework.objects.none()
    )

    def __init__(self, *args: Any, sources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]
        if len(sources) == 1:
            self.fields["source"].initial = sources.first()
        self.fields["target"].queryset = Framework.objects.filter(organisation__isnull=False)  # type: ignore[attr-defined]
