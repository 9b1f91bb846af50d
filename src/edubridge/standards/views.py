"""Framework browser, CASE import, and the crosswalk review, sign-off and coverage pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.fetch import fetch, too_large
from edubridge.core.htmx import HtmxHttpRequest
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, can, organisations_where
from edubridge.standards import crosswalks, services
from edubridge.standards.forms import CrosswalkForm, ImportForm
from edubridge.standards.models import (
    Association,
    Crosswalk,
    CrosswalkLink,
    CrosswalkStatus,
    Framework,
    Item,
    LinkStatus,
    Relation,
)

VERDICTS = {
    "exact": (LinkStatus.ACCEPTED, Relation.EXACT),
    "related": (LinkStatus.ACCEPTED, Relation.RELATED),
    "reject": (LinkStatus.REJECTED, None),
}


def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = Framework.objects.select_related("organisation", "country").annotate(
        size=Count("items", filter=Q(items__retired=False))
    )
    can_import = organisations_where(request.user, Action.FRAMEWORK_MANAGE).exists() or can(
        request.user, Action.NODE_ADMIN
    )
    return render(
        request,
        "standards/framework_list.html",
        {"frameworks": frameworks, "can_import": can_import},
    )


def _translations(framework: Framework) -> dict[str, str]:
    """Statements of items translated into the reader's language (isTranslationOf), by item id."""
    language = (translation.get_language() or "en").split("-")[0]
    if framework.language.split("-")[0] == language:
        return {}
    # Only translations published by the same maintainer: another partner must not be able to
    # put its words on this framework's page.
    links = Association.objects.filter(
        association_type="isTranslationOf",
        framework__organisation=framework.organisation,
        destination_identifier__in=framework.items.values("identifier"),
    ).values_list("origin_identifier", "destination_identifier")
    origins = dict(links)
    translated = Item.objects.filter(
        identifier__in=origins,
        language__startswith=language,
        framework__organisation=framework.organisation,
    )
    return {origins[i.identifier]: i.full_statement for i in translated}


def framework_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    framework = get_object_or_404(
        Framework.objects.select_related("organisation", "country"), identifier=identifier
    )
    items = list(framework.items.filter(retired=False).order_by("position"))
    translated = _translations(framework)
    for item in items:
        item.translation = translated.get(item.identifier, "")  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:200]
    if query:
        needle = query.casefold()
        matches = [
            i
            for i in items
            if needle in i.full_statement.casefold()
            or needle in i.human_coding_scheme.casefold()
            or needle in i.translation.casefold()  # type: ignore[attr-defined]
        ]
        return render(
            request,
            "standards/framework_detail.html",
            {"framework": framework, "matches": matches, "query": query},
        )
    children: dict[int | None, list[Item]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    for item in items:
        item.kids = children.get(item.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "standards/framework_detail.html",
        {"framework": framework, "roots": children.get(None, []), "query": ""},
    )


@login_required
def framework_import(request: HttpRequest) -> HttpResponse:
    organisations = organisations_where(request.user, Action.FRAMEWORK_MANAGE)
    if not organisations.exists() and not can(request.user, Action.NODE_ADMIN):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload and upload.size > settings.CASE_MAX_BYTES:
                raise DomainError(
                    ErrorCode.INVALID, too_large(upload.size, settings.CASE_MAX_BYTES)
                )
            raw = (
                upload.read()
                if upload
                else fetch(
                    form.cleaned_data["url"],
                    max_bytes=settings.CASE_MAX_BYTES,
                    timeout=settings.CASE_URL_TIMEOUT,
                    public_only=True,
                )
            )
            report = services.import_package(
                request.user,
                raw,
                organisation=form.cleaned_data["organisation"],
                country=form.cleaned_data["country"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
    return render(request, "standards/framework_import.html", {"form": form, "report": report})


def _number(value: str | None) -> int:
    """A positive id from a form or query, or 404: never a 500 on ``?item=abc``."""
    if value is None or not value.isdecimal() or len(value) > 18:
        raise Http404
    return int(value)


def _visible_crosswalks(request: HttpRequest) -> QuerySet[Crosswalk]:
    mine = organisations_where(request.user, Action.CROSSWALK_VIEW)
    published = Q(status=CrosswalkStatus.PUBLISHED)
    if can(request.user, Action.NODE_ADMIN):
        return Crosswalk.objects.all()
    return Crosswalk.objects.filter(published | Q(organisation__in=mine) | Q(partner__in=mine))


def crosswalk_list(request: HttpRequest) -> HttpResponse:
    visible = _visible_crosswalks(request).select_related(
        "source", "target", "organisation", "partner"
    )
    can_open = organisations_where(request.user, Action.CROSSWALK_MANAGE).exists()
    return render(
        request, "standards/crosswalk_list.html", {"crosswalks": visible, "can_open": can_open}
    )


@login_required
def crosswalk_new(request: HttpRequest) -> HttpResponse:
    managed = organisations_where(request.user, Action.CROSSWALK_MANAGE)
    if not managed.exists():
        raise PermissionDenied
    form = CrosswalkForm(
        request.POST or None, sources=Framework.objects.filter(organisation__in=managed)
    )
    if request.method == "POST" and form.is_valid():
        try:
            crosswalk = crosswalks.open_and_suggest(
                request.user, form.cleaned_data["source"], form.cleaned_data["target"]
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("crosswalk", pk=crosswalk.pk)
    return render(request, "standards/crosswalk_new.html", {"form": form})


def _crosswalk(request: HttpRequest, pk: int) -> Crosswalk:
    return get_object_or_404(
        _visible_crosswalks(request).select_related("source", "target", "organisation", "partner"),
        pk=pk,
    )


def _review_context(
    request: HttpRequest, crosswalk: Crosswalk, item: Item | None
) -> dict[str, object]:
    sources = list(
        crosswalk.source.items.filter(retired=False, children__isnull=True).order_by("position")
    )
    links = crosswalk.links.select_related("target_item", "decided_by")
    by_source: dict[int, list[CrosswalkLink]] = {}
    for link in links:
        by_source.setdefault(link.source_item_id, []).append(link)
    done = {
        pk
        for pk, ls in by_source.items()
        if any(link.status != LinkStatus.SUGGESTED for link in ls)
    }
    if item is None:
        item = next((i for i in sources if i.pk not in done), sources[0] if sources else None)
    index = sources.index(item) if item in sources else 0
    query = request.GET.get("find", "").strip()[:200]
    found = []
    if query and item is not None:
        needle = query.casefold()
        found = [
            i
            for i in crosswalk.target.items.filter(retired=False)
            if needle in i.full_statement.casefold() or needle in i.human_coding_scheme.casefold()
        ][:10]
    editable = crosswalk.status == CrosswalkStatus.DRAFT and crosswalks.can_decide(
        request.user, crosswalk
    )
    signing = [
        org
        for org in (crosswalk.organisation, crosswalk.partner)
        if can(request.user, Action.CROSSWALK_SIGN, org)
        and not crosswalk.signatures.filter(organisation=org).exists()
    ]
    return {
        "crosswalk": crosswalk,
        "item": item,
        "links": by_source.get(item.pk, []) if item else [],
        "previous": sources[index - 1] if index > 0 else None,
        "next": sources[index + 1] if index + 1 < len(sources) else None,
        "position": index + 1,
        "total": len(sources),
        "reviewed": len(done & {i.pk for i in sources}),
        "accepted": links.filter(status=LinkStatus.ACCEPTED).count(),
        "editable": editable,
        "query": query,
        "found": found,
        "relations": Relation.choices,
        "signatures": crosswalk.signatures.select_related("organisation", "signed_by"),
        "signing": signing if crosswalk.status == CrosswalkStatus.DRAFT else [],
    }


def crosswalk_review(request: HttpRequest, pk: int) -> HttpResponse:
    crosswalk = _crosswalk(request, pk)
    item = None
    if request.GET.get("item"):
        item = get_object_or_404(crosswalk.source.items, pk=_number(request.GET["item"]))
    return render(
        request, "standards/crosswalk_review.html", _review_context(request, crosswalk, item)
    )


def _after_change(request: HtmxHttpRequest, crosswalk: Crosswalk, item: Item) -> HttpResponse:
    if request.htmx:
        context = _review_context(request, crosswalk, item)
        return render(request, "standards/_review_item.html", context)
    return redirect(f"{reverse('crosswalk', args=[crosswalk.pk])}?item={item.pk}")


@require_POST
@login_required
def crosswalk_decide(request: HtmxHttpRequest, pk: int, link_id: int) -> HttpResponse:
    crosswalk = _crosswalk(request, pk)
    link = get_object_or_404(crosswalk.links, pk=link_id)
    verdict = request.POST.get("verdict", "")
    if verdict not in VERDICTS:
        return HttpResponseBadRequest(_("Choose accept, related or reject."))
    status, relation = VERDICTS[verdict]
    try:
        crosswalks.decide(
            request.user,
            link,
            status,
            relation=relation,
            reason=request.POST.get("reason", "")[:500],
        )
    except DomainError as error:
        messages.error(request, error.message)
    return _after_change(request, crosswalk, link.source_item)


@require_POST
@login_required
def crosswalk_pick(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    crosswalk = _crosswalk(request, pk)
    source = get_object_or_404(crosswalk.source.items, pk=_number(request.POST.get("source")))
    target = get_object_or_404(crosswalk.target.items, pk=_number(request.POST.get("target")))
    try:
        crosswalks.link_items(request.user, crosswalk, source, target)
    except DomainError as error:
        messages.error(request, error.message)
    return _after_change(request, crosswalk, source)


@require_POST
@login_required
def crosswalk_sign(request: HttpRequest, pk: int) -> HttpResponse:
    crosswalk = _crosswalk(request, pk)
    organisation = get_object_or_404(Organisation, pk=_number(request.POST.get("organisation")))
    try:
        crosswalks.sign(request.user, crosswalk, organisation, note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Signed for %(organisation)s.") % {"organisation": organisation}
        )
    return redirect("crosswalk", pk=crosswalk.pk)


def crosswalk_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    crosswalk = _crosswalk(request, pk)
    return render(
        request,
        "standards/crosswalk_coverage.html",
        {"crosswalk": crosswalk, "sides": crosswalks.coverage(crosswalk)},
    )


def crosswalk_export(request: HttpRequest, pk: int) -> JsonResponse:
    crosswalk = _crosswalk(request, pk)
    response = JsonResponse(
        crosswalks.export(crosswalk), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="crosswalk-{crosswalk.identifier}.json"'
    )
    return response
