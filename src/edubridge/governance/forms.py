"""Forms of the governance pages: agreements and transfer checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from edubridge.core.models import Organisation
from edubridge.governance import packs
from edubridge.governance.models import MaxLevel, Outcome, Purpose
from edubridge.governance.registry import datasets
from edubridge.governance.transfers import SAFEGUARD_NAMES


def _dataset_choices() -> list[tuple[str, str]]:
    return [(kind, d.title) for kind, d in datasets().items()]


_DATE = forms.DateInput(attrs={"type": "date"})


class AgreementForm(forms.Form):
    provider = forms.ModelChoiceField(Organisation.objects.all(), label=_("Provider (whose data)"))
    recipient = forms.ModelChoiceField(Organisation.objects.all(), label=_("Recipient"))
    mutual = forms.BooleanField(label=_("Data flows both ways"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    purposes = forms.CharField(label=_("Purposes"), widget=forms.Textarea(attrs={"rows": 3}))
    datasets = forms.MultipleChoiceField(
        label=_("Data covered"), choices=_dataset_choices, widget=forms.CheckboxSelectMultiple
    )
    max_level = forms.ChoiceField(
        label=_("Most protected data"), choices=MaxLevel.choices, initial=MaxLevel.PERSONAL
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=[(b, b.replace("_", " ")) for b in packs.LEGAL_BASES]
    )
    safeguards = forms.MultipleChoiceField(
        label=_("Safeguards the parties attest"),
        choices=[(k, v) for k, v in SAFEGUARD_NAMES.items() if k != "consent"],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    authority_reference = forms.CharField(
        label=_("Authority's reference (licence, approval or filing)"),
        max_length=200,
        required=False,
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=_DATE)
    expires_on = forms.DateField(label=_("Expires on"), widget=_DATE)


class TransferCheckForm(forms.Form):
    source = forms.ModelChoiceField(
        Organisation.objects.select_related("country"), label=_("From"), to_field_name="slug"
    )
    destination = forms.ModelChoiceField(
        Organisation.objects.select_related("country"), label=_("To"), to_field_name="slug"
    )
    dataset = forms.ChoiceField(label=_("Data"), choices=_dataset_choices)


class TransferFilter(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=[("", _("Any")), *Outcome.choices], required=False
    )
    dataset = forms.ChoiceField(
        label=_("Data"), choices=lambda: [("", _("Any")), *_dataset_choices()], required=False
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.all(),
        label=_("Organisation"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any"),
    )


class AuditFilter(forms.Form):
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=_("Organisation"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any"),
    )
    action = forms.ChoiceField(
        label=_("Log"),
        required=False,
        choices=[
            ("", _("Everything")),
            ("privacy.", _("Erasures and exports")),
            ("consent.", _("Consents")),
            ("transfer.", _("Transfers")),
            ("agreement.", _("Agreements")),
            ("bias.", _("Bias audits")),
            ("membership.", _("Memberships")),
        ],
    )
    since = forms.DateField(label=_("Since"), required=False, widget=_DATE)
    until = forms.DateField(label=_("Until"), required=False, widget=_DATE)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


LANGUAGES = settings.LANGUAGES


class GuardianLinkForm(forms.Form):
    username = forms.CharField(label=_("Learner's username"), max_length=150)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    language = forms.ChoiceField(label=_("Language of the guardian's page"), choices=LANGUAGES)


class GuardianForm(forms.Form):
    guardian = forms.CharField(label=_("Your name"), max_length=200)
    agree = forms.BooleanField(
        label=_("I am this learner's parent or legal guardian, and I consent")
    )
