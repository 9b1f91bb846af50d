"""Catalog search, resource pages with LRMI, uploads, downloads, releases and their feeds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edubridge.catalog import lrmi, packaging, search, services
from edubridge.catalog.feeds import releases_feed
from edubridge.catalog.forms import CollectionForm, PackageForm, ResourceForm
from edubridge.catalog.models import (
    Collection,
    ContentFile,
    MadeWith,
    Release,
    ReleaseStatus,
    Resource,
    ResourceKind,
    VersionStatus,
    canonical_uuid,
)
from edubridge.core.downloads import sandboxed
from edubridge.core.errors import DomainError
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, can, organisations_where

PER_PAGE = 20


def catalog(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    filters = search.clean_filters({name: request.GET.getlist(name) for name in search.FACETS})
    raw_page = request.GET.get("page", "")
    page = max(1, int(raw_page)) if raw_page.isdecimal() and 0 < len(raw_page) <= 6 else 1
    results = search.search(query, filters, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    last = max(1, -(-results.total // PER_PAGE))
    if page > last:  # past the end: show the last page, not an empty one
        page = last
        results = search.search(query, filters, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    language = translation.get_language() or "en"
    facets = []
    for name in search.FACETS:
        values = []
        for value, count in results.facets.get(name, [])[:12]:
            chosen = value in filters.get(name, [])
            params = request.GET.copy()
            params.pop("page", None)
            current = params.getlist(name)
            params.setlist(
                name, [v for v in current if v != value] if chosen else [*current, value]
            )
            values.append(
                {
                    "value": value,
                    "label": _facet_label(name, value),
                    "count": count,
                    "chosen": chosen,
                    "href": "?" + params.urlencode(),
                }
            )
        if values:
            facets.append({"name": name, "values": values})
    pages = Paginator(range(results.total), PER_PAGE).get_page(page)
    hits = [
        {"resource": r, "title": r.title_in(language), "description": r.description_in(language)}
        for r in results.resources
    ]
    can_share = organisations_where(request.user, Action.RESOURCE_MANAGE).exists()
    return render(
        request,
        "catalog/search.html",
        {
            "query": query,
            "hits": hits,
            "total": results.total,
            "facets": facets,
            "pages": pages,
            "can_share": can_share,
            "params": request.GET.copy(),
        },
    )


def _facet_label(name: str, value: str) -> str:
    if name == "kind" and value in ResourceKind.values:
        return str(ResourceKind(value).label)
    if name == "made_with" and value in MadeWith.values:
        return str(MadeWith(value).label)
    return value


def resource_page(request: HttpRequest, identifier: str) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.select_related("owner", "country", "origin"),
        identifier=canonical_uuid(identifier),
    )
    manager = not resource.harvested and can(request.user, Action.RESOURCE_MANAGE, resource.owner)
    versions = resource.versions.prefetch_related(
        "files", "alignments__item__framework"
    ).select_related("derived_from__resource")
    if not manager:
        versions = versions.filter(status=VersionStatus.PUBLISHED)
        if not resource.harvested and not versions.exists():
            raise Http404
    language = translation.get_language() or "en"
    json_ld = lrmi.script_safe(
        lrmi.learning_resource(resource, base_url=request.build_absolute_uri("/").rstrip("/"))
    )
    return render(
        request,
        "catalog/resource.html",
        {
            "resource": resource,
            "title": resource.title_in(language),
            "description": resource.description_in(language),
            "versions": versions,
            "json_ld": json_ld,
            "manager": manager,
            # Who may open a localisation project: a curator of any organisation.
            "localiser": not resource.harvested
            and organisations_where(request.user, Action.L10N_MANAGE).exists(),
            "packages": not resource.harvested
            and resource.versions.filter(status=VersionStatus.PUBLISHED).exists(),
            "has_items": resource.versions.filter(
                status=VersionStatus.PUBLISHED, items__isnull=False
            ).exists(),
        },
    )


def download(request: HttpRequest, identifier: str, number: int, path: str) -> FileResponse:
    if "\x00" in path:
        raise Http404
    file = get_object_or_404(
        ContentFile.objects.select_related("version__resource__owner"),
        version__resource__identifier=canonical_uuid(identifier),
        version__number=number,
        path=path,
    )
    version = file.version
    if version.status != VersionStatus.PUBLISHED and not can(
        request.user, Action.RESOURCE_MANAGE, version.resource.owner
    ):
        raise Http404
    return sandboxed(
        default_storage.open(file.storage_name), path.rsplit("/", 1)[-1], file.media_type
    )


@login_required
def share(request: HttpRequest) -> HttpResponse:
    owners = organisations_where(request.user, Action.RESOURCE_MANAGE)
    if not owners.exists():
        raise PermissionDenied
    form = ResourceForm(request.POST or None, request.FILES or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploads = [services.Upload(f.name, f, f.content_type or "") for f in data["content"] if f]
        try:
            with transaction.atomic():
                resource = services.create_resource(request.user, data["owner"], **form.values())
                version = services.create_version(
                    request.user,
                    resource,
                    uploads,
                    changelog=data["changelog"],
                    made_with=data["made_with"],
                    ai_model=data["ai_model"],
                )
                if data["publish"]:
                    services.publish_version(request.user, version)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Shared."))
            return redirect("resource", identifier=resource.identifier)
    return render(request, "catalog/share.html", {"form": form})


@login_required
def import_package(request: HttpRequest) -> HttpResponse:
    owners = organisations_where(request.user, Action.RESOURCE_MANAGE)
    if not owners.exists():
        raise PermissionDenied
    form = PackageForm(request.POST or None, request.FILES or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["package"]
        try:
            with transaction.atomic():
                report = packaging.import_package(
                    request.user,
                    data["owner"],
                    upload,
                    name=upload.name or "package",
                    licence=data["licence"].strip(),
                )
                if data["publish"]:
                    services.publish_version(request.user, report.version)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else "package", error.message)
        else:
            messages.success(request, _("Imported from %(format)s.") % {"format": report.format})
            for warning in report.warnings[:20]:
                messages.warning(request, warning)
            return redirect("resource", identifier=report.resource.identifier)
    return render(request, "catalog/import.html", {"form": form})


def collection_list(request: HttpRequest) -> HttpResponse:
    collections = Collection.objects.select_related("owner").annotate(size=Count("entries"))
    language = translation.get_language() or "en"
    return render(
        request,
        "catalog/collections.html",
        {
            "collections": [(c, c.title_in(language)) for c in collections[:200]],
            "can_make": organisations_where(request.user, Action.RESOURCE_MANAGE).exists(),
        },
    )


def collection_page(request: HttpRequest, identifier: str) -> HttpResponse:
    collection = get_object_or_404(
        Collection.objects.select_related("owner"), identifier=canonical_uuid(identifier)
    )
    language = translation.get_language() or "en"
    entries = collection.entries.select_related("resource__owner", "resource__origin")
    return render(
        request,
        "catalog/collection.html",
        {
            "collection": collection,
            "title": collection.title_in(language),
            "description": collection.description_in(language),
            "resources": [(e.resource, e.resource.title_in(language)) for e in entries],
            "manager": can(request.user, Action.RESOURCE_MANAGE, collection.owner),
        },
    )


@login_required
def collection_edit(request: HttpRequest, identifier: str = "") -> HttpResponse:
    owners = organisations_where(request.user, Action.RESOURCE_MANAGE)
    collection = None
    initial: dict[str, object] = {}
    if identifier:
        collection = get_object_or_404(Collection, identifier=canonical_uuid(identifier))
        if not can(request.user, Action.RESOURCE_MANAGE, collection.owner):
            raise PermissionDenied
        language = next(iter(collection.title), "en")
        initial = {
            "owner": collection.owner,
            "title_language": language,
            "title": collection.title.get(language, ""),
            "description": collection.description.get(language, ""),
            "resources": "\n".join(
                str(e.resource.identifier) for e in collection.entries.select_related("resource")
            ),
        }
    elif not owners.exists():
        raise PermissionDenied
    form = CollectionForm(request.POST or None, initial=initial, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        language = data["title_language"]
        title = {**(collection.title if collection else {}), language: data["title"]}
        description = dict(collection.description) if collection else {}
        if data["description"]:
            description[language] = data["description"]
        try:
            saved = services.save_collection(
                request.user,
                data["owner"],
                title=title,
                description=description,
                resources=form.identifiers(),
                collection=collection,
            )
        except DomainError as error:
            field = "resources" if (error.field or "").startswith("resources") else error.field
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("collection", identifier=saved.identifier)
    return render(request, "catalog/collection_edit.html", {"form": form, "collection": collection})


def release_list(request: HttpRequest) -> HttpResponse:
    mine = organisations_where(request.user, Action.RELEASE_APPROVE)
    releases = Release.objects.prefetch_related("parties__organisation").order_by("-created_at")
    visible = [
        r
        for r in releases
        if r.status == ReleaseStatus.PUBLISHED
        or any(p.organisation in mine for p in r.parties.all())
    ]
    return render(request, "catalog/releases.html", {"releases": visible})


def release_page(request: HttpRequest, identifier: str) -> HttpResponse:
    release = get_object_or_404(
        Release.objects.prefetch_related("parties__organisation", "versions__resource"),
        identifier=canonical_uuid(identifier),
    )
    parties = list(release.parties.all())
    approvable = [
        p.organisation
        for p in parties
        if not p.approved_at and can(request.user, Action.RELEASE_APPROVE, p.organisation)
    ]
    if release.status != ReleaseStatus.PUBLISHED and not any(
        can(request.user, Action.RELEASE_APPROVE, p.organisation) for p in parties
    ):
        raise Http404
    language = translation.get_language() or "en"
    versions = [
        {"version": v, "title": v.resource.title_in(language)} for v in release.versions.all()
    ]
    return render(
        request,
        "catalog/release.html",
        {"release": release, "parties": parties, "approvable": approvable, "versions": versions},
    )


@require_POST
@login_required
def release_approve(request: HttpRequest, identifier: str) -> HttpResponse:
    release = get_object_or_404(Release, identifier=canonical_uuid(identifier))
    value = request.POST.get("organisation", "")
    if not value.isdecimal() or len(value) > 18:
        return HttpResponseBadRequest(_("organisation: choose the organisation you approve for."))
    organisation = get_object_or_404(Organisation, pk=int(value))
    try:
        services.approve_release(request.user, release, organisation)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("release", identifier=release.identifier)


def feed(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug) if slug else None
    body = releases_feed(request, organisation)
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
