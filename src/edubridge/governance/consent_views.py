"""Consent pages: a person's own consents, links for guardians, and the guardian's page,
which needs no account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from edubridge.core.errors import DomainError
from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM, Action, organisations_where
from edubridge.governance import consent
from edubridge.governance.forms import GuardianForm, GuardianLinkForm
from edubridge.governance.models import Purpose


def holding(user: User) -> QuerySet[Organisation]:
    """The organisations that hold a person's data: their own, and those that trained them."""
    from edubridge.training.models import Enrolment

    trained = Enrolment.objects.filter(participant=user).values("cohort__organisation_id")
    return Organisation.objects.filter(Q(memberships__user=user) | Q(pk__in=trained)).distinct()


@login_required
def my_consents(request: HttpRequest) -> HttpResponse:
    """A person's consents, purpose by purpose, in each of their organisations; and, for
    administrators, links for guardians of children below the age of digital consent."""
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST" and "purpose" in request.POST and "link" not in request.POST:
        organisation = holding(user).filter(slug=request.POST.get("organisation", "")).first()
        if organisation is None:
            raise Http404
        purpose = request.POST["purpose"]
        try:
            existing = consent.active(user, organisation).filter(purpose=purpose).first()
            if existing is not None:
                consent.withdraw(user, existing)
                messages.success(request, _("Consent withdrawn."))
            elif request.POST.get("adult") != "1":
                age, _rule = consent.age_rule(organisation)
                messages.error(
                    request,
                    _("Below %(age)s, your parent or guardian consents for you: ask %(org)s.")
                    % {"age": age, "org": organisation},
                )
            else:
                consent.give(user, user, organisation, purpose)
                messages.success(request, _("Consent given."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("consents")
    link_form = GuardianLinkForm(request.POST if "link" in request.POST else None)
    manages = organisations_where(user, Action.MEMBERS_MANAGE)
    link = ""
    if link_form.is_bound and link_form.is_valid():
        person = User.objects.filter(username=link_form.cleaned_data["username"]).first()
        organisation = manages.filter(memberships__user=person).first() if person else None
        if person is None or organisation is None:
            link_form.add_error("username", _("No learner of your organisations has this name."))
        else:
            token = consent.guardian_link(
                user,
                person,
                organisation,
                link_form.cleaned_data["purpose"],
                link_form.cleaned_data["language"],
            )
            link = request.build_absolute_uri(reverse("guardian-consent", args=[token]))
    organisations = []
    for organisation in holding(user).order_by("name"):
        given = {c.purpose: c for c in consent.active(user, organisation)}
        age, _rule = consent.age_rule(organisation)
        purposes = [(value, label, given.get(value)) for value, label in Purpose.choices]
        organisations.append({"organisation": organisation, "age": age, "purposes": purposes})
    return render(
        request,
        "governance/consents.html",
        {
            "organisations": organisations,
            "link_form": link_form if manages.exists() else None,
            "link": link,
        },
    )


def guardian_consent(request: HttpRequest, token: str) -> HttpResponse:
    """The guardian's page, in the language the school chose: no account needed."""
    try:
        found = consent.read_link(token)
    except DomainError as error:
        return render(request, "governance/guardian.html", {"error": error.message}, status=404)
    person, organisation, purpose = found["person"], found["organisation"], found["purpose"]
    with translation.override(found["language"]):
        existing = consent.active(person, organisation).filter(purpose=purpose).first()
        form = GuardianForm(request.POST or None)
        done = ""
        if request.method == "POST" and request.POST.get("withdraw") and existing:
            consent.withdraw(SYSTEM, existing)
            existing, done = None, _("Your consent is withdrawn. Thank you.")
        elif request.method == "POST" and form.is_valid() and existing is None:
            existing = consent.give(
                SYSTEM, person, organisation, purpose, guardian=form.cleaned_data["guardian"]
            )
            done = _("Your consent is recorded. Thank you.")
        age, _rule = consent.age_rule(organisation)
        response = render(
            request,
            "governance/guardian.html",
            {
                "child": person.first_name or person.username,
                "organisation": organisation,
                "purpose": Purpose(purpose).label,
                "age": age,
                "existing": existing,
                "form": form,
                "done": done,
                "LANGUAGE_CODE": found["language"],
            },
        )
    return response
