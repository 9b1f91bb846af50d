"""The Learning Record Store's pages for organisation administrators: the statements their
tools sent, and the credentials of those tools."""

from __future__ import annotations

import json
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edubridge.core.errors import DomainError
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, organisations_where
from edubridge.records import services
from edubridge.records.forms import ClientForm, StatementFilter
from edubridge.records.models import LrsClient

PER_PAGE = 50


def _organisation(request: HttpRequest) -> tuple[Organisation, list[Organisation]]:
    mine = list(organisations_where(request.user, Action.LRS_MANAGE))
    if not mine:
        raise PermissionDenied
    chosen = next((o for o in mine if o.slug == request.GET.get("org")), mine[0])
    return chosen, mine


@login_required
def statements(request: HttpRequest) -> HttpResponse:
    organisation, mine = _organisation(request)
    form = StatementFilter(request.GET or None)
    filters = {k: str(v) for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    rows = services.browse(request.user, organisation, filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    shown = [
        (row, json.dumps(row.data, indent=2, ensure_ascii=False), _verb(row.data)) for row in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/statements.html",
        {
            "organisation": organisation,
            "organisations": mine,
            "form": form,
            "page": page,
            "rows": shown,
            "query": query.urlencode(),
        },
    )


def _verb(data: dict) -> str:
    display = data.get("verb", {}).get("display") or {}
    return next(iter(display.values()), "") or data.get("verb", {}).get("id", "")


@login_required
def clients(request: HttpRequest) -> HttpResponse:
    organisation, mine = _organisation(request)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        secret = secrets.token_urlsafe(24)
        try:
            made = services.create_client(
                request.user,
                organisation,
                name=form.cleaned_data["name"],
                key=form.cleaned_data["key"],
                secret=secret,
                scopes=form.cleaned_data["scopes"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return render(
                request,
                "records/client_made.html",
                {"client": made, "secret": secret, "organisation": organisation},
            )
    listed = LrsClient.objects.filter(organisation=organisation).exclude(
        key__startswith="edubridge."
    )
    return render(
        request,
        "records/clients.html",
        {"organisation": organisation, "organisations": mine, "form": form, "clients": listed},
    )


@require_POST
@login_required
def client_deactivate(request: HttpRequest, key: str) -> HttpResponse:
    client = get_object_or_404(LrsClient, key=key)
    try:
        services.deactivate_client(request.user, client)
    except DomainError as error:
        raise PermissionDenied from error
    messages.success(request, _("%(key)s can no longer sign in.") % {"key": client.key})
    return redirect(f"/records/clients/?org={client.organisation.slug}")
