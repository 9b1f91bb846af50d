from django import forms
from django.utils.translation import gettext_lazy as _

from edubridge.records.models import Scope

DATE = forms.DateInput({"type": "date"})


class StatementFilter(forms.Form):
    learner = forms.CharField(label=_("Learner"), required=False, max_length=200)
    verb = forms.CharField(label=_("Verb"), required=False, max_length=200)
    activity = forms.CharField(label=_("Activity"), required=False, max_length=200)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Tool"), max_length=100)
    key = forms.RegexField(
        label=_("Key (the user name the tool signs in with)"),
        regex=r"^[A-Za-z0-9._~-]{1,100}$",
        max_length=100,
    )
    scopes = forms.MultipleChoiceField(
        label=_("May"),
        choices=Scope.choices,
        initial=Scope.values,
        widget=forms.CheckboxSelectMultiple,
    )
