"""The CASE 1.0 and 1.1 REST provider API: read-only, public, as 1EdTech's OpenAPI defines it.

Errors are ``imsx_StatusInfo`` documents. The two versions differ only in their path and in
how two error codes are spelt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

from edubridge.standards import serialise
from edubridge.standards.case.schema import UUID
from edubridge.standards.models import Association, Definition, DefinitionKind, Framework, Item

SORTABLE = {
    "title": "title",
    "identifier": "identifier",
    "lastChangeDateTime": "last_change",
    "creator": "creator",
    "version": "version",
}
MINOR = {
    "1.0": {"invalid_uuid": "invaliduuid"},
    "1.1": {},
}
# Definitions returned as a list with their descendants by hierarchyCode, or alone.
LISTED = {DefinitionKind.CONCEPT, DefinitionKind.SUBJECT, DefinitionKind.ITEM_TYPE}


class CaseApiError(Exception):
    def __init__(self, status: int, minor: str, description: str, field: str = "sourcedId") -> None:
        self.status, self.minor, self.description, self.field = status, minor, description, field


def status_info(version: str, error: CaseApiError) -> JsonResponse:
    minor = MINOR[version].get(error.minor, error.minor)
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": error.description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": error.field, "imsx_codeMinorFieldValue": minor}
            ]
        },
    }
    return _json(body, status=error.status)


def _json(body: Any, status: int = 200, **headers: str) -> JsonResponse:
    response = JsonResponse(
        body, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"  # public reference data, read-only
    response["Access-Control-Expose-Headers"] = "X-Total-Count"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _uuid(value: str) -> str:
    value = value.lower().removesuffix(".json")
    if not UUID.match(value):
        raise CaseApiError(404, "invalid_uuid", f"{value!r} is not a UUID")
    return value


def _get(queryset: Any, sourced_id: str, what: str) -> Any:
    obj = queryset.filter(identifier=_uuid(sourced_id)).first()
    if obj is None:
        raise CaseApiError(404, "unknownobject", f"no {what} {sourced_id}")
    return obj


def _int(request: HttpRequest, name: str, default: int, minimum: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum or value > 2**31 - 1:
        raise CaseApiError(
            400, "invalid_selection_field", f"{name} must be an integer >= {minimum}", name
        )
    return value


def documents(request: HttpRequest) -> JsonResponse:
    limit = _int(request, "limit", 100, 1)
    offset = _int(request, "offset", 0, 0)
    sort = request.GET.get("sort", "title")
    if sort not in SORTABLE:
        raise CaseApiError(
            400, "invalid_sort_field", f"sort by one of {', '.join(SORTABLE)}", "sort"
        )
    order = request.GET.get("orderBy", "asc")
    if order not in ("asc", "desc"):
        raise CaseApiError(400, "invalid_selection_field", "orderBy is asc or desc", "orderBy")
    frameworks = Framework.objects.order_by(
        ("-" if order == "desc" else "") + SORTABLE[sort], "identifier"
    )
    total = frameworks.count()
    page = [
        {**serialise.document(f), "CFPackageURI": _package_link(f)}
        for f in frameworks[offset : offset + limit]
    ]
    return _json({"CFDocuments": page}, X_Total_Count=str(total))


def _package_link(framework: Framework) -> dict[str, str]:
    return serialise.link(framework.title, framework.identifier, framework.uri)


def document(request: HttpRequest, sourced_id: str) -> JsonResponse:
    framework = _get(Framework.objects, sourced_id, "CFDocument")
    return _json({**serialise.document(framework), "CFPackageURI": _package_link(framework)})


def package(request: HttpRequest, sourced_id: str) -> JsonResponse:
    return _json(serialise.package(_get(Framework.objects, sourced_id, "CFPackage")))


def _item(item: Item) -> dict[str, Any]:
    framework = item.framework
    return {**serialise.item(item), "CFDocumentURI": _package_link(framework)}


def item(request: HttpRequest, sourced_id: str) -> JsonResponse:
    found = _get(
        Item.objects.filter(retired=False).select_related("framework"), sourced_id, "CFItem"
    )
    return _json(_item(found))


def association(request: HttpRequest, sourced_id: str) -> JsonResponse:
    found = _get(Association.objects.select_related("framework"), sourced_id, "CFAssociation")
    return _json({**serialise.association(found), "CFDocumentURI": _package_link(found.framework)})


def item_associations(request: HttpRequest, sourced_id: str) -> JsonResponse:
    found = _get(
        Item.objects.filter(retired=False).select_related("framework"), sourced_id, "CFItem"
    )
    links = Association.objects.filter(
        origin_identifier=found.identifier
    ) | Association.objects.filter(destination_identifier=found.identifier)
    return _json(
        {
            "CFItem": _item(found),
            "CFAssociations": [serialise.association(a) for a in links.order_by("id")],
        }
    )


def definitions(kind: DefinitionKind) -> Callable[[HttpRequest, str], JsonResponse]:
    def view(request: HttpRequest, sourced_id: str) -> JsonResponse:
        found = _get(Definition.objects.filter(kind=kind), sourced_id, kind.label)
        if kind not in LISTED:
            return _json(serialise.definition(found))
        code = str(found.data.get("hierarchyCode") or "")
        family = [found]
        if code:
            family += [
                d
                for d in Definition.objects.filter(kind=kind, framework=found.framework_id).exclude(
                    pk=found.pk
                )
                if str(d.data.get("hierarchyCode") or "").startswith(code + ".")
            ]
        return _json({kind.value: [serialise.definition(d) for d in family]})

    return view


def _versioned(version: str, view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
    @require_safe
    def wrapped(request: HttpRequest, **kwargs: str) -> HttpResponse:
        try:
            return view(request, **kwargs)
        except CaseApiError as error:
            return status_info(version, error)

    return wrapped


def urls(version: str) -> list[Any]:
    routes: list[tuple[str, Callable[..., JsonResponse]]] = [
        ("CFDocuments", documents),
        ("CFDocuments/<str:sourced_id>", document),
        ("CFPackages/<str:sourced_id>", package),
        ("CFItems/<str:sourced_id>", item),
        ("CFAssociations/<str:sourced_id>", association),
        ("CFItemAssociations/<str:sourced_id>", item_associations),
        *[(f"{kind.value}/<str:sourced_id>", definitions(kind)) for kind in DefinitionKind],
    ]
    return [path(route, _versioned(version, view)) for route, view in routes]
