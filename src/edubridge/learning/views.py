"""Practice pages for learners, class pages for their teachers.

Answering works without JavaScript (a form, then a redirect to the next item); with HTMX
only the practice panel travels. Each form carries its answer's id, so sending it twice,
after a dropped connection say, stores the answer once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from edubridge.catalog.models import ResourceVersion, VersionStatus, canonical_uuid
from edubridge.catalog.packages import qti
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.htmx import HtmxHttpRequest
from edubridge.core.policy import Action, can, organisations_where
from edubridge.learning import classroom, practice
from edubridge.learning.models import Answer, ItemBank, Learner
from edubridge.standards.models import Item as Skill


def _bank(identifier: str) -> ItemBank:
    return get_object_or_404(
        ItemBank.objects.select_related("organisation", "model"),
        identifier=canonical_uuid(identifier),
    )


def skill_name(skill: Skill) -> str:
    text = skill.abbreviated_statement or skill.full_statement
    return f"{skill.human_coding_scheme} {text}".strip()


@login_required
def banks(request: HttpRequest) -> HttpResponse:
    mine = organisations_where(request.user, Action.PRACTISE)
    found = ItemBank.objects.filter(organisation__in=mine).select_related("organisation")
    return render(
        request,
        "learning/banks.html",
        {
            "banks": [(b, can(request.user, Action.CLASS_VIEW, b)) for b in found[:200]],
            "can_make": organisations_where(request.user, Action.MODEL_MANAGE).exists(),
        },
    )


@login_required
def bank_new(request: HttpRequest) -> HttpResponse:
    """Make a bank in two steps that work without JavaScript: choose a published version
    with items, then align each item to the skills the version is aligned to."""
    owners = list(organisations_where(request.user, Action.MODEL_MANAGE))
    if not owners:
        raise PermissionDenied
    language = translation.get_language() or "en"
    chosen = request.POST.get("version") or request.GET.get("version")
    if not chosen:
        versions = (
            ResourceVersion.objects.filter(status=VersionStatus.PUBLISHED, items__isnull=False)
            .select_related("resource__owner", "resource__origin")
            .distinct()
            .order_by("-published_at")[:200]
        )
        return render(
            request,
            "learning/bank_versions.html",
            {"versions": [(v, v.resource.title_in(language)) for v in versions]},
        )
    version = get_object_or_404(
        ResourceVersion.objects.select_related("resource"),
        pk=int(chosen) if chosen.isdigit() else 0,
        status=VersionStatus.PUBLISHED,
    )
    skills = [a.item for a in version.alignments.select_related("item").order_by("item__position")]
    rows = list(version.items.all())
    error = ""
    if request.method == "POST":
        mapping = {}
        by_pk = {s.pk: s for s in skills}
        for row in rows:
            picked = [
                by_pk[int(v)]
                for v in request.POST.getlist(f"skills-{row.pk}")
                if v.isdigit() and int(v) in by_pk
            ]
            if picked:
                mapping[row.identifier] = picked
        owner = next((o for o in owners if o.slug == request.POST.get("organisation")), None)
        try:
            if owner is None:
                raise DomainError(ErrorCode.INVALID, _("organisation: choose one of yours"))
            bank = practice.create_bank(
                request.user, owner, request.POST.get("name", ""), version, mapping
            )
        except DomainError as failure:
            error = failure.message
        else:
            return redirect("practise", bank.identifier)
    single = len(skills) == 1
    return render(
        request,
        "learning/bank_new.html",
        {
            "version": version,
            "title": version.resource.title_in(language),
            "skills": [(s, skill_name(s)) for s in skills],
            "rows": [(r, qti.plain(r.data.get("title") or r.identifier), single) for r in rows],
            "owners": owners,
            "error": error,
            "name": request.POST.get("name", version.resource.title_in(language)),
        },
    )


def _reason(step: practice.Next) -> str:
    values = {"skill": skill_name(step.skill), "mastery": f"{step.mastery:.2f}"}
    if step.status == "blocked" and step.blocked_by is not None:
        values["needed"] = skill_name(step.blocked_by)
        return _("Practising %(skill)s before %(needed)s is mastered: mastery %(mastery)s.") % (
            values
        )
    if step.status == "mastered":
        return _("Every skill is mastered; reviewing %(skill)s: mastery %(mastery)s.") % values
    return _("Practising %(skill)s: mastery %(mastery)s, prerequisites met.") % values


def _panel(
    request: HttpRequest, bank: ItemBank, learner: Learner, last: Answer | None
) -> dict[str, Any]:
    step = practice.next_item(learner, bank)
    state = practice.state_of(learner, bank)
    skills = classroom.skills_of(bank)
    context: dict[str, Any] = {
        "bank": bank,
        "mastery": [(skill_name(s), state[s.identifier]) for s in skills],
        "mastered": bank.mastered,
        "step": step,
        "statement": uuid.uuid4(),
        "can_teach": can(request.user, Action.CLASS_VIEW, bank),
    }
    if step is not None:
        item = qti.Item.from_json(step.item.item.data)
        context.update(
            item=item,
            reason=_reason(step),
            positions=range(1, len(item.choices) + 1),
            choice_words=[(c.id, qti.plain(c.text)) for c in item.choices],
        )
    if last is not None:
        shown = qti.Item.from_json(last.item.item.data)
        labels = {c.id: qti.plain(c.text) for c in shown.choices}
        context["last"] = {
            "correct": last.correct,
            "expected": ", ".join(labels.get(v, v) for v in shown.correct),
            "changes": [
                (skill_name(s), last.mastery[s.identifier])
                for s in skills
                if s.identifier in last.mastery
            ],
        }
    return context


@login_required
def practise(request: HtmxHttpRequest, identifier: str) -> HttpResponse:
    bank = _bank(identifier)
    if not can(request.user, Action.PRACTISE, bank):
        raise PermissionDenied
    learner = practice.learner_for(request.user, bank.organisation)
    last, error = None, ""
    if request.method == "POST":
        try:
            item_id = int(request.POST.get("item", ""))
            statement_id = uuid.UUID(request.POST.get("statement", ""))
            if statement_id.version != 4:
                raise ValueError("not a random UUID")
        except ValueError:
            return HttpResponseBadRequest(_("The answer form is incomplete: reload the page."))
        values = request.POST.getlist("response")
        response: str | list[str] = values[0] if len(values) == 1 else values
        try:
            result = practice.answer(learner, bank, item_id, response, statement_id)
        except DomainError as failure:
            if not request.htmx:
                return HttpResponseBadRequest(failure.message)
            error = failure.message  # HTMX swaps only a 2xx: the panel says what went wrong
        else:
            if not request.htmx:
                url = reverse("practise", args=[bank.identifier])
                return redirect(f"{url}?after={result.answer.statement_id}")
            last = result.answer
    elif after := request.GET.get("after"):
        try:
            last = Answer.objects.filter(
                learner=learner, bank=bank, statement_id=uuid.UUID(after)
            ).first()
        except ValueError:
            last = None
    context = {**_panel(request, bank, learner, last), "error": error}
    template = "learning/_panel.html" if request.htmx else "learning/practise.html"
    return render(request, template, context)


@login_required
def class_view(request: HttpRequest, identifier: str) -> HttpResponse:
    bank = _bank(identifier)
    try:
        skills, rows = classroom.heatmap(request.user, bank)
        stuck = classroom.stuck(request.user, bank)
    except DomainError as error:
        raise PermissionDenied from error
    return render(
        request,
        "learning/class.html",
        {
            "bank": bank,
            "skills": [(s, skill_name(s)) for s in skills],
            "rows": [(r, [(v, _shade(v)) for v in r.cells]) for r in rows],
            "stuck": [(s, skill_name(s.skill)) for s in stuck],
            "stuck_after": classroom.STUCK_AFTER,
            "mastered": bank.mastered,
        },
    )


def _shade(value: float | None) -> str:
    """A CSS class per tenth of mastery (styles come from the node's stylesheet only)."""
    return "m-none" if value is None else f"m{min(9, int(value * 10))}"


@login_required
def skill_curve(request: HttpRequest, identifier: str, skill: str) -> HttpResponse:
    bank = _bank(identifier)
    if not can(request.user, Action.CLASS_VIEW, bank):
        raise PermissionDenied
    chosen = next((s for s in classroom.skills_of(bank) if s.identifier == skill), None)
    if chosen is None:
        return HttpResponseBadRequest(_("This skill is not practised in this bank."))
    points = classroom.curve(request.user, bank, chosen)
    width, height = 600, 200
    step = width / max(1, classroom.CURVE_LENGTH - 1)
    line = " ".join(
        f"{(n - 1) * step:.1f},{height - value * height:.1f}" for n, value, _count in points
    )
    return render(
        request,
        "learning/curve.html",
        {
            "bank": bank,
            "skill": skill_name(chosen),
            "points": points,
            "line": line,
            "width": width,
            "height": height,
            "mastered_y": height - bank.mastered * height,
        },
    )
