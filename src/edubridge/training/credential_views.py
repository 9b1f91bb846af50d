"""Credentials in public: the verification page, downloads for the learner's wallet,
revocation, and the keys and status lists verifiers fetch."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from edubridge.core.errors import DomainError
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, can
from edubridge.training import credentials, jose, keys
from edubridge.training.forms import RevokeForm, VerifyForm
from edubridge.training.models import Credential


def _credential_for(request: HttpRequest, identifier: str) -> Credential:
    found = get_object_or_404(
        Credential.objects.select_related("enrolment__cohort", "organisation"),
        identifier=identifier,
    )
    if not can(request.user, Action.TRAINING_VIEW, found.enrolment):
        raise Http404
    return found


@login_required
def credential_download(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    """The VC-JWT a learner puts in any OB 3.0 wallet, or its JSON to read."""
    if fmt not in ("jwt", "json"):
        raise Http404
    found = _credential_for(request, identifier)
    if fmt == "json":
        body = json.dumps(jose.parse(found.jwt)[1], indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json")
    else:
        response = HttpResponse(found.jwt, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="credential-{identifier}.{fmt}"'
    return response


@require_POST
@login_required
def credential_revoke(request: HttpRequest, identifier: str) -> HttpResponse:
    found = _credential_for(request, identifier)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            credentials.revoke(request.user, found, form.cleaned_data["reason"])
        except DomainError as error:
            raise PermissionDenied from error
        messages.success(request, _("The credential is revoked."))
    else:
        messages.error(request, _("Say why it is revoked."))
    return redirect("enrolment", enrolment_id=found.enrolment_id)


MACHINE_TYPES = ("application/json", "application/jwt", "application/vc+jwt")


@csrf_exempt  # it changes nothing and signs no one in: any site or program may ask
def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone may check a credential: each check is listed, the failing one named. Programs
    POST the token (``application/vc+jwt``) or ``{"credential": …}`` and read JSON."""
    if request.method == "POST" and request.content_type in MACHINE_TYPES:
        return _verify_for_programs(request)
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = credentials.verify_here(form.cleaned_data["credential"])
    return render(request, "training/verify.html", {"form": form, "result": result})


def _verify_for_programs(request: HttpRequest) -> JsonResponse:
    if len(request.body) > jose.MAX_TOKEN:
        return JsonResponse({"detail": "credential: at most 1 MB"}, status=413)
    token: Any = request.body.decode("utf-8", "replace")
    if request.content_type == "application/json":
        try:
            token = json.loads(token)["credential"]
        except (ValueError, KeyError, TypeError):
            token = None
        if not isinstance(token, str):
            message = 'credential: send {"credential": "<VC-JWT>"}'
            return JsonResponse({"detail": message}, status=400)
    return JsonResponse(credentials.verify_here(token).as_dict())


def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(keys.jwks(), content_type="application/jwk-set+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def did_document(request: HttpRequest, slug: str) -> JsonResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    response = JsonResponse(keys.did_document(organisation), content_type="application/did+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def status_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    response = HttpResponse(
        credentials.status_list_jwt(organisation), content_type="application/vc+jwt"
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=300"
    return response
