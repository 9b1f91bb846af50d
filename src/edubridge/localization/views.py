"""Localisation pages: projects, re-alignment, the translation editor, cultural review,
exchange files, sign-off and the report, glossaries and memories. Views parse and show;
services decide. The editor saves a unit with HTMX and falls back to a plain form post."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edubridge.catalog.models import ResourceVersion, VersionStatus
from edubridge.core.errors import DomainError
from edubridge.core.htmx import HtmxHttpRequest
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, can, organisations_where
from edubridge.localization import checks, memory, mt, realign, services, signoff, tmx
from edubridge.localization.files import Rejected
from edubridge.localization.forms import (
    FindingForm,
    GapForm,
    ImportForm,
    MemoryImportForm,
    ProjectForm,
    StageForm,
    TermForm,
)
from edubridge.localization.models import (
    Category,
    Finding,
    FindingStatus,
    GlossaryTerm,
    Mapping,
    MemoryEntry,
    Origin,
    Project,
    Stage,
    Unit,
)

PER_PAGE = 20


def _project(request: HttpRequest, identifier: Any, action: Action = Action.L10N_VIEW) -> Project:
    project = get_object_or_404(services.visible(request.user), identifier=identifier)
    if not can(request.user, action, project):
        raise PermissionDenied
    return project


def _refused(request: HttpRequest, error: DomainError) -> None:
    if error.status == 403:
        raise PermissionDenied from error
    messages.error(request, error.message)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    managed = organisations_where(request.user, Action.L10N_MANAGE)
    return render(
        request,
        "localization/projects.html",
        {
            "projects": [(p, services.progress(p)) for p in services.visible(request.user)[:200]],
            "can_open": managed.exists(),
            "glossaries": managed,
        },
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    versions = ResourceVersion.objects.filter(
        status=VersionStatus.PUBLISHED, resource__owner__isnull=False
    ).select_related("resource")
    targets = organisations_where(request.user, Action.L10N_MANAGE)
    if not targets.exists():
        raise PermissionDenied
    form = ProjectForm(request.POST or None, versions=versions, targets=Organisation.objects.all())
    if "version" in request.GET and not request.POST:
        form.initial["version"] = request.GET["version"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.open_project(
                request.user,
                data["version"],
                data["organisation"],
                data["target_language"],
                framework=data["framework"],
                source_language=data["source_language"],
            )
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Project opened: %(n)s units extracted.") % {"n": project.units.count()}
            )
            return redirect("l10n-project", identifier=project.identifier)
    return render(request, "localization/project_new.html", {"form": form})


def _people(project: Project) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__organisation__in=[project.organisation_id, project.source_organisation_id]
        )
        .distinct()
        .order_by("first_name", "username")
    )


@login_required
def project(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    stages = list(shown.stages.select_related("owner"))
    manage = can(request.user, Action.L10N_MANAGE, shown)
    forms = (
        {s.pk: StageForm(people=_people(shown), instance_row=s, prefix=f"s{s.pk}") for s in stages}
        if manage
        else {}
    )
    return render(
        request,
        "localization/project.html",
        {
            "project": shown,
            "stages": [(s, forms.get(s.pk)) for s in stages],
            "progress": services.progress(shown),
            "blockers": services.blockers(shown) if shown.stage != "done" else [],
            "can_advance": Stage(shown.stage) in services.ADVANCE
            and can(request.user, services.ADVANCE[Stage(shown.stage)], shown),
            "can_translate": can(request.user, Action.L10N_TRANSLATE, shown),
            "can_review": can(request.user, Action.L10N_REVIEW, shown),
            "open_findings": shown.findings.filter(status=FindingStatus.OPEN).count(),
            "open_mappings": shown.mappings.filter(status="open").count(),
            "import_form": ImportForm(),
        },
    )


@login_required
@require_POST
def stage_plan(request: HttpRequest, identifier: str, stage_id: int) -> HttpResponse:
    shown = _project(request, identifier, Action.L10N_MANAGE)
    row = get_object_or_404(shown.stages, pk=stage_id)
    form = StageForm(request.POST, people=_people(shown), instance_row=row, prefix=f"s{row.pk}")
    if form.is_valid():
        try:
            services.plan_stage(
                request.user,
                shown,
                row.stage,
                owner=form.cleaned_data["owner"],
                due=form.cleaned_data["due"],
            )
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Stage plan saved."))
    else:
        messages.error(request, _("Check the owner and the due date."))
    return redirect("l10n-project", identifier=shown.identifier)


@login_required
@require_POST
def advance(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    try:
        moved = services.advance(request.user, shown)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("Moved on to: %(stage)s.") % {"stage": moved.get_stage_display()}
        )
    return redirect("l10n-project", identifier=shown.identifier)


@login_required
def realignment(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    rows = []
    target_items = (
        list(
            shown.target_framework.items.filter(retired=False).order_by(
                "position", "human_coding_scheme"
            )
        )
        if shown.target_framework
        else []
    )
    for mapping in shown.mappings.select_related(
        "source_item__framework", "target_item", "decided_by"
    ):
        found = (
            realign.candidates(mapping.source_item, shown.target_framework)
            if shown.target_framework
            else []
        )
        rows.append(
            (
                mapping,
                found,
                GapForm(
                    items=target_items, candidates=[c.item for c in found], prefix=f"m{mapping.pk}"
                ),
            )
        )
    return render(
        request,
        "localization/realign.html",
        {
            "project": shown,
            "rows": rows,
            "can_decide": can(request.user, Action.L10N_MANAGE, shown) and shown.stage != "done",
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, identifier: str, mapping_id: int) -> HttpResponse:
    shown = _project(request, identifier, Action.L10N_MANAGE)
    mapping = get_object_or_404(Mapping, pk=mapping_id, project=shown)
    items = list(shown.target_framework.items.all()) if shown.target_framework else []
    form = GapForm(request.POST, items=items, candidates=[], prefix=f"m{mapping.pk}")
    if form.is_valid():
        try:
            services.decide_mapping(
                request.user,
                mapping,
                target_item=form.cleaned_data["target_item"],
                gap=form.cleaned_data["gap"],
            )
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Decision saved."))
    else:
        messages.error(request, _("Pick a target item, or describe the gap."))
    return redirect("l10n-realign", identifier=shown.identifier)


def _units(shown: Project, request: HttpRequest) -> QuerySet[Unit]:
    units = shown.units.select_related("updated_by")
    show = request.GET.get("show", "all")
    if show == "untranslated":
        units = units.filter(target="")
    elif show == "checks":
        units = units.exclude(failing=[])
    elif show == "findings":
        units = units.filter(findings__status=FindingStatus.OPEN).distinct()
    if query := request.GET.get("q", "").strip()[:200]:
        units = units.filter(Q(source__icontains=query) | Q(target__icontains=query))
    if unit := request.GET.get("unit", ""):
        units = units.filter(pk=unit) if unit.isdigit() else units.none()
    return units


def _row(
    request: HttpRequest,
    shown: Project,
    unit: Unit,
    context: tuple[list[checks.Term], dict[str, set[str]]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    terms, by_source = context or services.check_context(shown)
    found = checks.failing(
        services.checked(unit, shown, terms, by_source[unit.source] - {unit.target})
    )
    problems = [
        (checks.BY_ID[c], text, c in unit.dismissed)
        for c, text in found.items()
        if c != "untranslated"
    ]
    suggestions = memory.lookup(
        shown.organisation, shown.source_language, shown.target_language, unit.source
    )
    return {
        "project": shown,
        "unit": unit,
        "problems": problems,
        "suggestions": [s for s in suggestions if s.target != unit.target],
        "findings": list(unit.findings.select_related("rule")),
        "machine": bool(mt.backends()),
        "editable": shown.stage not in ("extract", "realign", "done")
        and can(request.user, Action.L10N_TRANSLATE, shown),
        "can_review": can(request.user, Action.L10N_REVIEW, shown) and shown.stage != "done",
        "saved": False,
        "error": "",
        "conflict": None,
        "mine": None,
        **extra,
    }


@login_required
def editor(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    page = Paginator(_units(shown, request), PER_PAGE).get_page(request.GET.get("page"))
    context = services.check_context(shown)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "localization/editor.html",
        {
            **_editor(shown),
            "page": page,
            "rows": [_row(request, shown, u, context) for u in page.object_list],
            "show": request.GET.get("show", "all"),
            "q": request.GET.get("q", ""),
            "query": query.urlencode(),
        },
    )


def _editor(shown: Project) -> dict[str, Any]:
    return {"project": shown, "progress": services.progress(shown), "show": "all"}


@login_required
@require_POST
def save_unit(request: HtmxHttpRequest, identifier: str, unit_id: int) -> HttpResponse:
    shown = _project(request, identifier)
    unit = get_object_or_404(Unit.objects.select_related("updated_by"), pk=unit_id, project=shown)
    target = request.POST.get("target", "")
    revision = request.POST.get("revision", "")
    extra: dict[str, Any] = {}
    status = 200
    origin = request.POST.get("origin")
    try:
        unit = services.save_unit(
            request.user,
            unit,
            target,
            int(revision) if revision.isdigit() else -1,
            origin=origin if origin in (Origin.MEMORY, Origin.MACHINE) else Origin.HUMAN,
        )
        extra["saved"] = True
    except services.EditConflict as conflict:
        extra.update(conflict=conflict.current, mine=target)
        unit = conflict.current
        status = 409 if not request.htmx else 200
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        extra.update(error=error.message, mine=target)
        status = error.status if not request.htmx else 200
    if request.htmx:
        return render(
            request, "localization/_unit.html", _row(request, shown, unit, **extra), status=status
        )
    if extra.get("saved"):
        messages.success(request, _("Saved."))
        return redirect(f"{reverse('l10n-editor', args=[shown.identifier])}?unit={unit.pk}")
    # Without JavaScript: the unit again, with what was typed still in the box.
    return render(
        request,
        "localization/editor.html",
        {**_editor(shown), "rows": [_row(request, shown, unit, **extra)]},
        status=status,
    )


@login_required
def machine(request: HtmxHttpRequest, identifier: str, unit_id: int) -> HttpResponse:
    """Machine translations of one unit, asked for by the translator (never on page load)."""
    shown = _project(request, identifier, Action.L10N_TRANSLATE)
    unit = get_object_or_404(Unit, pk=unit_id, project=shown)
    found = mt.suggest(
        unit.source, shown.source_language, shown.target_language, shown.organisation
    )
    context = {"project": shown, "unit": unit, "found": found}
    if request.htmx:
        return render(request, "localization/_machine.html", context)
    return render(request, "localization/machine.html", context)


@login_required
@require_POST
def unit_check(request: HtmxHttpRequest, identifier: str, unit_id: int) -> HttpResponse:
    """Dismiss or restore a failing check, or apply its fix."""
    shown = _project(request, identifier)
    unit = get_object_or_404(Unit, pk=unit_id, project=shown)
    check = request.POST.get("check", "")
    what = request.POST.get("do", "")
    extra: dict[str, Any] = {}
    try:
        if what == "fix":
            revision = request.POST.get("revision", "")
            unit = services.fix(
                request.user, unit, check, int(revision) if revision.isdigit() else -1
            )
        else:
            unit = services.dismiss_check(request.user, unit, check, dismissed=what != "restore")
    except services.EditConflict as conflict:
        unit, extra = conflict.current, {"conflict": conflict.current, "mine": unit.target}
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        extra["error"] = error.message
    if request.htmx:
        return render(request, "localization/_unit.html", _row(request, shown, unit, **extra))
    return redirect(f"{reverse('l10n-editor', args=[shown.identifier])}?unit={unit.pk}")


@login_required
def review(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    findings = shown.findings.select_related("rule", "unit", "resolved_by")
    status = request.GET.get("status", "open")
    if status in FindingStatus.values:
        findings = findings.filter(status=status)
    by_category: dict[str, list[tuple[Finding, FindingForm]]] = {}
    for finding in findings:
        by_category.setdefault(finding.rule.category, []).append(
            (finding, FindingForm(prefix=f"f{finding.pk}"))
        )
    labels = dict(Category.choices)
    counts = dict(shown.findings.order_by().values_list("status").annotate(n=Count("pk")))
    return render(
        request,
        "localization/review.html",
        {
            "project": shown,
            "groups": [(labels[c], rows) for c, rows in sorted(by_category.items())],
            "status": status,
            "statuses": [(v, label, counts.get(v, 0)) for v, label in FindingStatus.choices],
            "can_review": can(request.user, Action.L10N_REVIEW, shown) and shown.stage != "done",
        },
    )


@login_required
@require_POST
def resolve(request: HtmxHttpRequest, identifier: str, finding_id: int) -> HttpResponse:
    shown = _project(request, identifier)
    finding = get_object_or_404(
        Finding.objects.select_related("rule", "unit"), pk=finding_id, project=shown
    )
    form = FindingForm(request.POST, prefix=f"f{finding.pk}")
    error = ""
    if form.is_valid():
        try:
            finding = services.resolve_finding(
                request.user, finding, form.cleaned_data["status"], form.cleaned_data["reason"]
            )
        except DomainError as refused:
            if refused.status == 403:
                raise PermissionDenied from refused
            error = refused.message
    else:
        error = _("Choose a decision; a waiver needs a reason.")
    if request.htmx:
        return render(
            request,
            "localization/_finding.html",
            {
                "project": shown,
                "finding": finding,
                "form": form,
                "error": error,
                "can_review": True,
            },
        )
    if error:
        messages.error(request, error)
    return redirect("l10n-review", identifier=shown.identifier)


@login_required
@require_POST
def rescan(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    try:
        added = services.rescan(request.user, shown)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Scanned again: %(n)s new finding(s).") % {"n": added})
    return redirect("l10n-review", identifier=shown.identifier)


@login_required
def export(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    shown = _project(request, identifier)
    try:
        data = services.export_file(request.user, shown, fmt)
    except DomainError as error:
        raise Http404 from error
    name = f"{shown.identifier}.{shown.target_language}.{'xlf' if fmt == 'xliff' else 'po'}"
    response = HttpResponse(
        data,
        content_type="application/xliff+xml" if fmt == "xliff" else "text/x-gettext-translation",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def import_file(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an XLIFF or PO file."))
    else:
        upload = form.cleaned_data["file"]
        try:
            report = services.import_file(request.user, shown, upload.read(), upload.name)
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _(
                    "Imported: %(updated)s updated, %(unchanged)s unchanged,"
                    " %(untranslated)s untranslated."
                )
                % vars(report),
            )
    return redirect("l10n-project", identifier=shown.identifier)


@login_required
@require_POST
def sign(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    try:
        version = signoff.sign_off(request.user, shown)
    except DomainError as error:
        _refused(request, error)
        return redirect("l10n-project", identifier=shown.identifier)
    messages.success(
        request,
        _("Signed off: version %(n)s of the localised resource is published.")
        % {"n": version.number},
    )
    return redirect("l10n-report", identifier=shown.identifier)


@login_required
def report(request: HttpRequest, identifier: str) -> HttpResponse:
    shown = _project(request, identifier)
    if not shown.report:
        raise Http404
    return render(request, "localization/report.html", {"project": shown, "report": shown.report})


@login_required
def report_json(request: HttpRequest, identifier: str) -> JsonResponse:
    shown = _project(request, identifier)
    if not shown.report:
        raise Http404
    return JsonResponse(shown.report, json_dumps_params={"ensure_ascii": False, "indent": 2})


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can(request.user, Action.L10N_MANAGE, organisation):
        raise PermissionDenied
    return organisation


@login_required
def glossary(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    form = TermForm(request.POST or None)
    if request.method == "POST":
        if delete := request.POST.get("delete"):
            term = get_object_or_404(
                GlossaryTerm, pk=delete if delete.isdigit() else 0, organisation=organisation
            )
            services.delete_term(request.user, term)
            messages.success(request, _("Term deleted."))
            return redirect("l10n-glossary", slug=slug)
        if form.is_valid():
            try:
                services.save_term(request.user, organisation, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Term saved."))
                return redirect("l10n-glossary", slug=slug)
    terms = GlossaryTerm.objects.filter(organisation=organisation).order_by(
        "target_language", "source"
    )
    return render(
        request,
        "localization/glossary.html",
        {"organisation": organisation, "terms": terms, "form": form},
    )


@login_required
def memory_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    form = MemoryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pairs = tmx.load(
                data["file"].read(),
                data["source_language"],
                data["target_language"],
                data["file"].name,
            )
            added = services.import_memory(
                request.user,
                organisation,
                pairs,
                data["source_language"],
                data["target_language"],
                data["file"].name,
            )
        except Rejected as error:
            form.add_error("file", str(error))
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("%(n)s translation pair(s) read.") % {"n": added})
            return redirect("l10n-memory", slug=slug)
    counted = (
        MemoryEntry.objects.filter(organisation=organisation)
        .values_list("source_language", "target_language")
        .order_by("source_language", "target_language")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "localization/memory.html",
        {"organisation": organisation, "form": form, "pairs": [((s, t), n) for s, t, n in counted]},
    )


@login_required
def memory_export(request: HttpRequest, slug: str, source: str, target: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    rows = MemoryEntry.objects.filter(
        organisation=organisation, source_language=source, target_language=target
    ).values_list("source", "target")
    response = HttpResponse(
        tmx.dump(rows.iterator(), source, target), content_type="application/x-tmx+xml"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}.{source}-{target}.tmx"'
    return response
