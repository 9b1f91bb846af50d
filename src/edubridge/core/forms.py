"""Web forms; they only parse input, services decide and write."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from edubridge.core.models import Country, Organisation, OrganisationKind, Role


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Role.choices, label=_("Roles"), **kwargs)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = forms.ChoiceField(label=_("Country"))
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=200,
        help_text=_("Language tags separated by commas, e.g. sw, en"),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    is_active = forms.BooleanField(label=_("Active partner"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = sorted(Country.objects.all(), key=lambda c: c.name)
        self.fields["country"].choices = [(c.code, c.name) for c in countries]  # type: ignore[attr-defined]

    @classmethod
    def for_organisation(cls, org: Organisation) -> "OrganisationForm":
        initial = {
            "name": org.name,
            "kind": org.kind,
            "country": org.country_id,
            "languages": ", ".join(org.languages),
            "website": org.website,
            "description": org.description,
            "contact_email": org.contact_email,
            "is_active": org.is_active,
        }
        return cls(initial=initial)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["languages"] = [t.strip() for t in data["languages"].split(",") if t.strip()]
        return data


class AddMemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    roles = RolesField()


class ChangeRolesForm(forms.Form):
    roles = RolesField()


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Leave empty for a token that lasts until you revoke it."),
    )
