"""Governance pages: the data map, jurisdictions side by side, data-sharing agreements and the
transfer gate with its log."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edubridge.core.downloads import csv_attachment
from edubridge.core.errors import DomainError
from edubridge.core.models import AuditEntry, Organisation
from edubridge.core.policy import Action, can, organisations_where, visible
from edubridge.governance import bias, comparison_pdf, packs, services
from edubridge.governance import compare as comparison
from edubridge.governance.forms import (
    AgreementForm,
    AuditFilter,
    TransferCheckForm,
    TransferFilter,
)
from edubridge.governance.models import (
    Agreement,
    BiasAudit,
    Jurisdiction,
    TransferDecision,
)
from edubridge.governance.registry import Level, datasets, inventory
from edubridge.governance.transfers import SAFEGUARD_NAMES

PER_PAGE = 50


def data_map(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    rows = [r for r in inventory() if not level or (r.level and r.level.value == level)]
    return render(
        request,
        "governance/data_map.html",
        {"rows": rows, "levels": list(Level), "level": level},
    )


def jurisdictions(request: HttpRequest) -> HttpResponse:
    packs.ensure_loaded()
    chosen = request.GET.getlist("j")
    found = list(Jurisdiction.objects.prefetch_related("rules"))
    picked = [j for j in found if j.code in chosen]
    context: dict[str, Any] = {"jurisdictions": found, "chosen": chosen, "picked": picked}
    if chosen and len(picked) < 2:
        context["error"] = _("Choose two or more jurisdictions to compare.")
    if len(picked) < 2:
        return render(request, "governance/jurisdictions.html", context)
    rows = comparison.compare(picked)
    differences = request.GET.get("differences") == "1"
    context.update(
        rows=rows,
        only_differences=differences,
        query="&".join(f"j={j.code}" for j in picked) + ("&differences=1" if differences else ""),
    )
    name = "privacy-rules-" + "-".join(j.code for j in picked)
    download = request.GET.get("download")
    if download == "pdf":
        response = HttpResponse(
            comparison_pdf.render(picked, rows, only_differences=differences),
            content_type="application/pdf",
        )
    elif download == "html":
        page = render_to_string("governance/comparison_export.html", context, request)
        response = HttpResponse(page, content_type="text/html; charset=utf-8")
    else:
        return render(request, "governance/jurisdictions.html", context)
    response["Content-Disposition"] = f'attachment; filename="{name}.{download}"'
    return response


# Agreements --------------------------------------------------------------------------------


@login_required
def agreements(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(a, a.status(today)) for a in services.visible_agreements(request.user)]
    user = request.user
    return render(
        request,
        "governance/agreements.html",
        {
            "rows": rows,
            "can_propose": organisations_where(user, Action.AGREEMENT_MANAGE).exists(),
            "can_audit": organisations_where(user, Action.TRANSFER_VIEW).exists(),
            "can_audit_bias": organisations_where(user, Action.BIAS_AUDIT).exists(),
        },
    )


@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    mine = organisations_where(request.user, Action.AGREEMENT_MANAGE)
    if not mine.exists():
        raise PermissionDenied
    initial = {"provider": mine.first(), "starts_on": timezone.localdate()}
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        terms = dict(form.cleaned_data)
        provider, recipient = terms.pop("provider"), terms.pop("recipient")
        try:
            made = services.propose(request.user, provider, recipient, **terms)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Agreement proposed: both parties now sign it."))
            return redirect("agreement", pk=made.pk)
    return render(request, "governance/agreement_new.html", {"form": form})


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    found = services.visible_agreements(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    found = _agreement(request, pk)
    signed = {s.organisation_id: s for s in found.valid_signatures()}
    parties = [
        (org, signed.get(org.pk), can(request.user, Action.AGREEMENT_MANAGE, org))
        for org in found.parties()
    ]
    return render(
        request,
        "governance/agreement.html",
        {
            "agreement": found,
            "status": found.status(timezone.localdate()),
            "parties": parties,
            "datasets": [datasets()[k] for k in found.datasets if k in datasets()],
            "safeguards": [SAFEGUARD_NAMES[s] for s in found.safeguards],
        },
    )


def _party(request: HttpRequest, found: Agreement) -> Organisation:
    slug = request.POST.get("organisation", "")
    party = next((o for o in found.parties() if o.slug == slug), None)
    if party is None:
        raise Http404
    return party


@login_required
@require_POST
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    found = _agreement(request, pk)
    try:
        services.sign(request.user, found, _party(request, found))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Signed."))
    return redirect("agreement", pk=pk)


@login_required
@require_POST
def agreement_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    found = _agreement(request, pk)
    try:
        services.revoke(request.user, found, _party(request, found), request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The agreement is revoked."))
    return redirect("agreement", pk=pk)


# Transfers ---------------------------------------------------------------------------------


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    if not organisations_where(request.user, Action.TRANSFER_VIEW).exists():
        raise PermissionDenied
    form = TransferCheckForm(request.POST or None)
    decision = None
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.check(
                request.user,
                form.cleaned_data["source"],
                form.cleaned_data["destination"],
                form.cleaned_data["dataset"],
                flow="check",
            )
        except DomainError as error:
            form.add_error(None, error.message)
    log = _filtered_log(request)
    if request.GET.get("download") == "csv":
        return _csv(log)
    page = Paginator(log, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/transfers.html",
        {
            "form": form,
            "decision": decision,
            "filters": TransferFilter(request.GET or None, auto_id=False),
            "page": page,
            "query": query.urlencode(),
        },
    )


def _filtered_log(request: HttpRequest) -> QuerySet[TransferDecision]:
    log = services.transfer_log(request.user)
    filters = TransferFilter(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["outcome"]:
            log = log.filter(outcome=data["outcome"])
        if data["dataset"]:
            log = log.filter(dataset=data["dataset"])
        if data["organisation"]:
            org = data["organisation"]
            log = log.filter(Q(source=org) | Q(destination=org))
    return log


def _csv(log: QuerySet[TransferDecision]) -> HttpResponse:
    header = ["at", "actor", "flow", "from", "to", "dataset", "decision", "conditions"]
    header += ["reasons", "would allow", "agreement", "packs"]
    rows = (
        [
            row.at.isoformat(),
            row.actor_label,
            row.flow,
            row.source.slug,
            row.destination.slug,
            row.dataset,
            row.outcome,
            " ".join(row.conditions),
            " | ".join(row.reasons),
            " | ".join(row.remedies),
            row.agreement_id or "",
            " ".join(f"{k}:v{v}" for k, v in sorted(row.packs.items())),
        ]
        for row in log.iterator()
    )
    return csv_attachment("transfer-log.csv", header, rows)


# Bias audits ---------------------------------------------------------------------------------


@login_required
def bias_audits(request: HttpRequest) -> HttpResponse:
    mine = organisations_where(request.user, Action.BIAS_AUDIT)
    if not mine.exists():
        raise PermissionDenied
    rows = BiasAudit.objects.filter(bank__organisation__in=mine).select_related(
        "model", "bank", "overridden_by"
    )
    return render(request, "governance/bias_audits.html", {"rows": rows})


@login_required
def bias_audit(request: HttpRequest, pk: int) -> HttpResponse:
    mine = organisations_where(request.user, Action.BIAS_AUDIT)
    found = BiasAudit.objects.filter(pk=pk, bank__organisation__in=mine).first()
    if found is None:
        raise Http404
    if request.method == "POST":
        try:
            bias.override(request.user, found, request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The model now serves its bank."))
        return redirect("bias-audit", pk=pk)
    return render(request, "governance/bias_audit.html", {"audit": found})


# The audit log, for auditors -----------------------------------------------------------------


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Read-only: every write in the organisations one audits, erasures included."""
    mine = organisations_where(request.user, Action.AUDIT_VIEW)
    if not mine.exists():
        raise PermissionDenied
    filters = AuditFilter(request.GET or None, organisations=mine, auto_id=False)
    log = visible(request.user, AuditEntry.objects.select_related("organisation"))
    if filters.is_valid():
        data = filters.cleaned_data
        if data["organisation"]:
            log = log.filter(organisation=data["organisation"])
        if data["action"]:
            log = log.filter(action__startswith=data["action"])
        if data["since"]:
            log = log.filter(at__date__gte=data["since"])
        if data["until"]:
            log = log.filter(at__date__lte=data["until"])
    if request.GET.get("download") == "csv":
        header = ["at", "actor", "organisation", "action", "target", "summary", "changes"]
        rows = (
            [
                entry.at.isoformat(),
                entry.actor_label,
                entry.organisation.slug if entry.organisation else "",
                entry.action,
                f"{entry.target_type}:{entry.target_id}",
                entry.summary,
                json.dumps(entry.changes, ensure_ascii=False) if entry.changes else "",
            ]
            for entry in log.iterator()
        )
        return csv_attachment("audit-log.csv", header, rows)
    page = Paginator(log, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/audit_log.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )
