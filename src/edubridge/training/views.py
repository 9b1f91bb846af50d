"""Training pages: the dashboard programme officers land on, the programme builder, cohort
pages with roster and attendance, evidence and scoring, the participant's profile, the
cascade report, and credential verification. Views parse and show; services decide."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edubridge.core.downloads import sandboxed
from edubridge.core.errors import DomainError
from edubridge.core.policy import Action, can, organisations_where
from edubridge.standards.models import Item
from edubridge.training import activity, cascade, criteria, ical, radar, reports, services
from edubridge.training.forms import (
    CentreForm,
    CohortForm,
    EnrolForm,
    EvidenceForm,
    ModuleForm,
    ProgrammeForm,
    RequirementForm,
    RevokeForm,
    ScoreForm,
    WorkshopForm,
    competencies,
    zones_of,
)
from edubridge.training.models import (
    Cohort,
    Credential,
    Enrolment,
    EnrolmentStatus,
    Evidence,
    Programme,
    TrainingCentre,
    Workshop,
)


def _refused(form: Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _staff(request: HttpRequest) -> bool:
    return organisations_where(request.user, Action.TRAINING_VIEW).exists()


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    mine = Enrolment.objects.filter(participant_id=request.user.pk).select_related(
        "cohort__programme", "credential"
    )
    leading = Cohort.objects.filter(trainers__id=request.user.pk or 0).select_related("programme")
    context: dict[str, Any] = {"mine": mine, "leading": leading, "staff": _staff(request)}
    if context["staff"]:
        programmes = services.reported(request.user)
        trees: dict[int, Any] = {}  # each programme's cascade, built once for both tables
        context["by_programme"] = reports.rows("programme", programmes, trees)
        context["by_country"] = reports.rows("country", programmes, trees)
        context["programmes"] = (
            Programme.objects.filter(pk__in=programmes.values("pk"))
            .select_related("organisation")
            .annotate(n_cohorts=Count("cohorts"))
        )
        designers = organisations_where(request.user, Action.PROGRAMME_MANAGE)
        context["may_design"] = designers.exists()
        context["centres"] = TrainingCentre.objects.select_related("organisation", "country")
        context["centre_form"] = CentreForm(owners=designers, initial={"timezone": "UTC"})
    return render(request, "training/dashboard.html", context)


@require_POST
@login_required
def centre_new(request: HttpRequest) -> HttpResponse:
    designers = organisations_where(request.user, Action.PROGRAMME_MANAGE)
    if not designers.exists():
        raise PermissionDenied
    form = CentreForm(request.POST, owners=designers)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.create_centre(
                request.user,
                data["organisation"],
                slug=data["slug"],
                name=data["name"],
                country=data["country"].code,
                timezone_name=data["timezone"],
                trainers=[request.user],  # type: ignore[list-item]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The centre %(name)s is added.") % {"name": data["name"]})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("training")


@login_required
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not _staff(request):
        raise PermissionDenied
    scope = request.GET.get("scope", "programme")
    if scope not in reports.SCOPES or fmt not in ("csv", "xlsx"):
        raise Http404
    table = reports.rows(scope, services.reported(request.user))
    if fmt == "csv":
        response = HttpResponse(reports.as_csv(scope, table), content_type="text/csv")
    else:
        response = HttpResponse(
            reports.as_xlsx(scope, table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="training-by-{scope}.{fmt}"'
    return response


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    owners = organisations_where(request.user, Action.PROGRAMME_MANAGE)
    if not owners.exists():
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner = data.pop("organisation")
        try:
            made = services.create_programme(request.user, owner, **data)
        except DomainError as error:
            _refused(form, error)
        else:
            return redirect("programme", identifier=made.identifier)
    return render(request, "training/programme_new.html", {"form": form})


def _programme(identifier: str) -> Programme:
    return get_object_or_404(
        Programme.objects.select_related("organisation"), identifier=identifier
    )


@login_required
def programme(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _programme(identifier)
    manage = can(request.user, Action.PROGRAMME_MANAGE, shown)
    requirement_form = RequirementForm(request.POST if "competency" in request.POST else None)
    module_form = ModuleForm(request.POST if "resource" in request.POST else None)
    if request.method == "POST":
        try:
            if requirement_form.is_bound and requirement_form.is_valid():
                services.add_requirement(request.user, shown, **requirement_form.cleaned_data)
                return redirect("programme", identifier=identifier)
            if module_form.is_bound and module_form.is_valid():
                services.add_module(request.user, shown, **module_form.cleaned_data)
                return redirect("programme", identifier=identifier)
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            _refused(requirement_form if requirement_form.is_bound else module_form, error)
    return render(
        request,
        "training/programme.html",
        {
            "programme": shown,
            "manage": manage,
            "requirements": shown.requirements.select_related("competency__framework"),
            "modules": shown.modules.select_related("resource"),
            "cohorts": shown.cohorts.select_related("country", "organisation", "parent"),
            "may_run": any(
                services.may_run(request.user, shown, m.organisation)
                for m in request.user.memberships.select_related("organisation")  # type: ignore[union-attr]
            ),
            "requirement_form": requirement_form,
            "module_form": module_form,
        },
    )


@login_required
def cohort_new(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _programme(identifier)
    organisations = [
        m.organisation
        for m in request.user.memberships.select_related("organisation")  # type: ignore[union-attr]
        if services.may_run(request.user, shown, m.organisation)
    ]
    if not organisations:
        raise PermissionDenied
    organisation = next(
        (o for o in organisations if o.slug == request.GET.get("org")), organisations[0]
    )
    centres = TrainingCentre.objects.filter(organisation=organisation)
    form = CohortForm(
        request.POST or None,
        centres=centres,
        initial={"country": organisation.country_id, "language": shown.language},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        names = data.pop("co_trainers")
        others = list(User.objects.filter(username__in=names))
        missing = sorted(set(names) - {u.username for u in others})
        if missing:
            form.add_error("co_trainers", _("No such user: %(name)s") % {"name": missing[0]})
        else:
            try:
                made = services.create_cohort(
                    request.user,
                    shown,
                    organisation,
                    trainers=[request.user, *others],  # type: ignore[list-item]
                    country=data.pop("country").code,
                    **data,
                )
            except DomainError as error:
                _refused(form, error)
            else:
                return redirect("cohort", identifier=made.identifier)
    return render(
        request,
        "training/cohort_new.html",
        {"programme": shown, "form": form, "organisation": organisation, "choices": organisations},
    )


def _cohort(identifier: str) -> Cohort:
    return get_object_or_404(
        Cohort.objects.select_related("programme", "organisation", "country", "centre", "parent"),
        identifier=identifier,
    )


@login_required
def cohort(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _cohort(identifier)
    manage = can(request.user, Action.COHORT_MANAGE, shown)
    mine = (
        shown.enrolments.filter(participant_id=request.user.pk)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .first()
    )
    insider = manage or mine is not None or can(request.user, Action.TRAINING_VIEW, shown)
    zone = shown.centre.timezone if shown.centre else zones_of(shown.country_id)[0]
    enrol_form = EnrolForm(request.POST if "username" in request.POST else None)
    workshop_form = WorkshopForm(
        request.POST if "day" in request.POST else None, initial={"timezone": zone}
    )
    if request.method == "POST":
        if enrol_form.is_bound and enrol_form.is_valid():
            person = User.objects.filter(username=enrol_form.cleaned_data["username"]).first()
            if person is None:
                enrol_form.add_error("username", _("No such user."))
            else:
                try:
                    services.enrol(
                        request.user, shown, person, track=enrol_form.cleaned_data["track"]
                    )
                except DomainError as error:
                    _refused(enrol_form, error)
                else:
                    messages.success(request, _("%(name)s is enrolled.") % {"name": person})
                    return redirect("cohort", identifier=identifier)
        if workshop_form.is_bound and workshop_form.is_valid():
            data = workshop_form.cleaned_data
            zone_info = zoneinfo.ZoneInfo(data["timezone"])
            try:
                services.add_workshop(
                    request.user,
                    shown,
                    title=data["title"],
                    starts_at=datetime.combine(data["day"], data["starts"], zone_info),
                    ends_at=datetime.combine(data["day"], data["ends"], zone_info),
                    timezone_name=data["timezone"],
                    venue=data["venue"],
                    link=data["link"],
                    agenda=data["agenda"],
                )
            except DomainError as error:
                _refused(workshop_form, error)
            else:
                return redirect("cohort", identifier=identifier)
    roster = (
        shown.enrolments.select_related("participant")
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
            evidenced=Count("evidence", distinct=True),
        )
        .order_by("participant__last_name", "participant__username")
    )
    taken = shown.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()
    return render(
        request,
        "training/cohort.html",
        {
            "cohort": shown,
            "manage": manage,
            "mine": mine,
            # Who is enrolled is for the cohort's trainers and its organisation's staff.
            "roster": roster if manage or can(request.user, Action.TRAINING_VIEW, shown) else [],
            "insider": insider,
            "workshops": shown.workshops.all(),
            "trainers": shown.trainers.all(),
            "free": max(shown.capacity - taken, 0),
            "now": timezone.now(),
            "enrol_form": enrol_form,
            "workshop_form": workshop_form,
            "may_self_enrol": not shown.enrolments.filter(participant_id=request.user.pk).exists()
            and not shown.trainers.filter(id=request.user.pk or 0).exists(),
        },
    )


@require_POST
@login_required
def enrol_self(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _cohort(identifier)
    try:
        services.enrol(request.user, shown, request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are enrolled in %(cohort)s.") % {"cohort": shown})
    return redirect("cohort", identifier=identifier)


@login_required
def attendance(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop.objects.select_related("cohort"), pk=workshop_id)
    if not can(request.user, Action.COHORT_MANAGE, workshop.cohort):
        raise PermissionDenied
    enrolments = workshop.cohort.enrolments.exclude(
        status=EnrolmentStatus.WITHDRAWN
    ).select_related("participant")
    error = None
    if request.method == "POST":
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            count = services.take_attendance(request.user, workshop, present)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("Attendance saved: %(count)d of %(total)d present.")
                % {"count": count, "total": len(enrolments)},
            )
            return redirect("cohort", identifier=workshop.cohort.identifier)
    present_ids = set(
        workshop.attendance.filter(present=True).values_list("enrolment_id", flat=True)
    )
    return render(
        request,
        "training/attendance.html",
        {
            "workshop": workshop,
            "enrolments": enrolments,
            "present": present_ids,
            "error": error,
            "upcoming": workshop.starts_at > timezone.now(),
        },
    )


def _axes(enrolment: Enrolment) -> list[dict[str, Any]]:
    """The profile's axes: the competencies of the programme's frameworks (the UNESCO
    framework for teachers has 15), each with this enrolment's best score."""
    programme = enrolment.cohort.programme
    requirements = list(programme.requirements.select_related("competency"))
    best: dict[int, int] = {}
    for competency_id, score in enrolment.evidence.filter(score__isnull=False).values_list(
        "requirement__competency_id", "score"
    ):
        best[competency_id] = max(best.get(competency_id, 0), score or 0)
    frameworks = {r.competency.framework_id for r in requirements}
    items = competencies(Item.objects.filter(framework_id__in=frameworks)).order_by(
        "parent__human_coding_scheme", "position", "human_coding_scheme"
    )
    return [
        {
            "code": item.human_coding_scheme,
            "name": item.full_statement,
            "score": best.get(item.pk),
            "required": any(r.competency_id == item.pk for r in requirements),
        }
        for item in items
    ]


@login_required
def enrolment(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    shown = get_object_or_404(
        Enrolment.objects.select_related(
            "cohort__programme", "cohort__organisation", "participant"
        ),
        pk=enrolment_id,
    )
    if not can(request.user, Action.TRAINING_VIEW, shown):
        raise PermissionDenied
    own = can(request.user, Action.EVIDENCE_SUBMIT, shown)
    scorer = can(request.user, Action.COHORT_MANAGE, shown.cohort) and not own
    forms: dict[int, EvidenceForm] = {}
    if request.method == "POST" and own:
        requirement = get_object_or_404(
            shown.cohort.programme.requirements, pk=request.POST.get("requirement")
        )
        form = EvidenceForm(request.POST, request.FILES, auto_id=f"id_{requirement.pk}_%s")
        forms[requirement.pk] = form
        if form.is_valid():
            try:
                services.submit_evidence(
                    request.user,
                    shown,
                    requirement,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    url=form.cleaned_data["url"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as error:
                _refused(form, error)
            else:
                messages.success(request, _("Evidence submitted."))
                return redirect("enrolment", enrolment_id=enrolment_id)
    axes = _axes(shown)
    submitted = list(shown.evidence.select_related("scored_by"))
    requirements = [
        {
            "requirement": r,
            "evidence": [e for e in submitted if e.requirement_id == r.pk],
            "form": forms.get(r.pk) or EvidenceForm(auto_id=f"id_{r.pk}_%s"),
        }
        for r in shown.cohort.programme.requirements.select_related("competency")
    ]
    credential = Credential.objects.filter(enrolment=shown).first()
    statements = [
        (row.stored, _display(row.data.get("verb", {})), _display(row.data.get("object", {})))
        for row in activity.recent(shown)
    ]
    return render(
        request,
        "training/enrolment.html",
        {
            "enrolment": shown,
            "own": own,
            "may_withdraw": shown.status == EnrolmentStatus.ENROLLED
            and (own or can(request.user, Action.COHORT_MANAGE, shown.cohort)),
            "scorer": scorer,
            "progress": criteria.progress(shown),
            "requirements": requirements,
            "score_form": ScoreForm(),
            "axes": axes,
            "radar": radar.svg(
                [
                    (a["code"].removeprefix("CFT."), (a["score"] or 0) / criteria.MAX_SCORE)
                    for a in axes
                ],
                _("Competency profile of %(name)s")
                % {"name": shown.participant.get_full_name() or shown.participant.username},
            ),
            "credential": credential,
            "statements": statements,
            "may_revoke": credential is not None
            and can(request.user, Action.CREDENTIAL_REVOKE, credential.organisation),
            "revoke_form": RevokeForm(),
        },
    )


def _display(part: dict[str, Any]) -> str:
    """A verb's or activity's name in any language it gives, else its IRI."""
    names = part.get("display") or part.get("definition", {}).get("name") or {}
    return str(next(iter(names.values()), "") or part.get("id", ""))


@require_POST
@login_required
def withdraw(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    shown = get_object_or_404(Enrolment.objects.select_related("cohort"), pk=enrolment_id)
    try:
        services.withdraw(request.user, shown)
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Withdrawn from %(cohort)s.") % {"cohort": shown.cohort})
    return redirect("cohort", identifier=shown.cohort.identifier)


@require_POST
@login_required
def score(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("enrolment__cohort"), pk=evidence_id
    )
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a score from 0 to 4."))
    else:
        try:
            services.score_evidence(
                request.user, evidence, form.cleaned_data["score"], form.cleaned_data["feedback"]
            )
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            messages.error(request, error.message)
        else:
            messages.success(request, _("Score saved."))
            if Credential.objects.filter(enrolment_id=evidence.enrolment_id).exists():
                messages.success(request, _("The criteria are met: the credential is issued."))
    return redirect("enrolment", enrolment_id=evidence.enrolment_id)


@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("enrolment__cohort"), pk=evidence_id
    )
    if not evidence.file_sha256 or not can(request.user, Action.TRAINING_VIEW, evidence.enrolment):
        raise Http404
    return sandboxed(
        default_storage.open(evidence.storage_name), evidence.file_name, evidence.media_type
    )


@login_required
def cascade_report(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _programme(identifier)
    if not services.reported(request.user).filter(pk=shown.pk).exists():
        raise PermissionDenied
    country = request.GET.get("country") or None
    tree = cascade.build(shown, country)
    return render(
        request,
        "training/cascade.html",
        {
            "programme": shown,
            "tree": tree,
            "country": country,
            "picture": cascade.svg(tree, _("Cascade of %(title)s") % {"title": shown.title}),
        },
    )


def _ics(
    name: str, workshops: Iterable[Workshop], filename: str, *, links: bool = False
) -> HttpResponse:
    response = HttpResponse(
        ical.calendar(name, workshops, links=links), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def cohort_calendar(request: HttpRequest, identifier: str) -> HttpResponse:
    cohort = get_object_or_404(Cohort, identifier=identifier)
    insider = (
        cohort.enrolments.filter(participant_id=request.user.pk or 0)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exists()
    ) or can(request.user, Action.TRAINING_VIEW, cohort)
    workshops = cohort.workshops.select_related("cohort")
    return _ics(cohort.title, workshops, f"cohort-{identifier}.ics", links=insider)


def centre_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A feed to subscribe to: every workshop of the centre's cohorts."""
    centre = get_object_or_404(TrainingCentre, slug=slug)
    workshops = Workshop.objects.filter(cohort__centre=centre).select_related("cohort")
    return _ics(centre.name, workshops, f"centre-{slug}.ics")
