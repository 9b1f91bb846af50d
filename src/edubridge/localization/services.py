"""The localisation workflow's write operations: open, plan, re-align, translate, import,
review and advance. Sign-off, which publishes the result, is in :mod:`signoff`.

A translation is saved against the revision its author started from; a save against an
older one is refused with the other person's text (:class:`EditConflict`), so nobody's
work is overwritten unseen. Imports check every unit first and then apply all in one
transaction, or nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from edubridge.catalog.models import ResourceVersion, VersionStatus
from edubridge.catalog.xmltext import UNSAFE
from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.languages import normalise_language, same_language
from edubridge.core.models import Country, Membership, Organisation
from edubridge.core.policy import Action, Actor, can, is_operator, organisations_where, require
from edubridge.localization import checks, culture, extract, inline, memory, po, realign, xliff
from edubridge.localization.files import Incoming, Outgoing, Parsed, Rejected
from edubridge.localization.models import (
    STAGES,
    Finding,
    FindingStatus,
    GlossaryTerm,
    Mapping,
    MappingStatus,
    Origin,
    Project,
    ProjectStage,
    Stage,
    Unit,
    UnitChange,
    UnitState,
)
from edubridge.standards.models import Framework, Item

# Licences whose terms forbid adaptations: a localisation would break them.
NO_DERIVATIVES = ("-ND-", "-ND")


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"{field}: {message}", field=field)


def _person(by: Actor) -> User | None:
    return by if isinstance(by, User) else None


class EditConflict(DomainError):
    """Someone saved the unit after the revision this save started from."""

    def __init__(self, current: Unit) -> None:
        who = current.updated_by.get_full_name() if current.updated_by else "someone"
        super().__init__(
            ErrorCode.CONFLICT,
            f"{who or current.updated_by} saved this unit meanwhile (revision {current.revision});"
            " compare and save again.",
            field="target",
        )
        self.current = current


def open_project(
    by: Actor,
    version: ResourceVersion,
    organisation: Organisation,
    target_language: str,
    *,
    framework: Framework | None = None,
    source_language: str = "",
) -> Project:
    """Open a project, extract the version's strings, map its alignments, scan the source."""
    resource = version.resource
    if resource.owner is None:
        raise _invalid("version", "localise a resource of this node, not a harvested copy")
    if not (
        can(by, Action.L10N_MANAGE, organisation) or can(by, Action.L10N_MANAGE, resource.owner)
    ):
        require(by, Action.L10N_MANAGE, organisation)
    if version.status != VersionStatus.PUBLISHED:
        raise _invalid("version", "localise a published version")
    licence = version.metadata.get("licence") or resource.licence
    if any(mark in licence for mark in NO_DERIVATIVES):
        raise _invalid("version", f"its licence {licence} does not allow adaptations")
    try:
        target_language = normalise_language(target_language)
        languages = version.metadata.get("languages") or resource.languages or ["en"]
        source_language = normalise_language(source_language or languages[0])
    except ValueError as exc:
        raise _invalid("target_language", str(exc)) from exc
    if target_language.lower() == source_language.lower():
        raise _invalid("target_language", "choose a language other than the source's")
    region = target_language.split("-")[-1]
    country = (
        Country.objects.filter(code=region).first()
        if len(region) == 2 and region.isupper()
        else None
    ) or organisation.country
    units = extract.extract(version, source_language)
    if not units:
        raise _invalid("version", "this version has no text to translate")
    if deep := next((u.key for u in units if len(u.key) > 2000), None):
        raise _invalid("version", f"a page is nested too deeply to localise ({deep[:80]}…)")
    now = timezone.now()
    with transaction.atomic():
        project = Project.objects.create(
            identifier=uuid.uuid4(),
            source_version=version,
            source_organisation=resource.owner,
            organisation=organisation,
            source_language=source_language,
            target_language=target_language,
            country=country,
            target_framework=framework,
            stage=Stage.REALIGN,
            created_by=_person(by),
        )
        ProjectStage.objects.bulk_create(
            [
                ProjectStage(
                    project=project,
                    stage=stage,
                    owner=_person(by) if stage == Stage.EXTRACT else None,
                    started_at=now if stage in (Stage.EXTRACT, Stage.REALIGN) else None,
                    finished_at=now if stage == Stage.EXTRACT else None,
                )
                for stage in STAGES
            ]
        )
        Unit.objects.bulk_create(
            [
                Unit(
                    project=project,
                    position=n,
                    key=u.key,
                    source=u.source,
                    markup=u.markup,
                    context=u.context,
                    max_length=u.max_length,
                )
                for n, u in enumerate(units, start=1)
            ],
            batch_size=1000,
        )
        _map_alignments(project)
        _scan(project, list(project.units.all()), side="source")
        audit.record(
            by,
            "l10n.open",
            project,
            organisation=organisation,
            summary=f"{project} ({len(units)} units)"[:300],
        )
    return project


def _map_alignments(project: Project) -> None:
    rows = []
    for alignment in project.source_version.alignments.select_related("item"):
        found = realign.best(alignment.item, project.target_framework)
        rows.append(
            Mapping(
                project=project,
                source_item=alignment.item,
                alignment_type=alignment.alignment_type,
                target_item=found.item if found else None,
                crosswalk=found.link.crosswalk if found and found.link else None,
                relation=found.relation if found else "",
                status=MappingStatus.MAPPED if found else MappingStatus.OPEN,
            )
        )
    Mapping.objects.bulk_create(rows, ignore_conflicts=True)


def _rules(project: Project) -> tuple[culture.RuleSet, int]:
    pack = culture.pack_for(project.country)
    if pack is None:
        return culture.RuleSet([]), 0
    return culture.RuleSet(list(pack.rules.filter(active=True))), pack.version


def _scan(
    project: Project,
    units: list[Unit],
    *,
    side: str,
    rules: tuple[culture.RuleSet, int] | None = None,
) -> None:
    """Raise the rule pack's findings on one side of ``units``; open target findings that no
    longer match go, decided ones stay as the record of what was decided."""
    found_rules, version = rules or _rules(project)
    if side == "target":
        Finding.objects.filter(unit__in=units, side="target", status=FindingStatus.OPEN).delete()
    language = project.source_language if side == "source" else project.target_language
    rows = []
    for unit in units:
        text = inline.plain(unit.source if side == "source" else unit.target, unit.markup)
        if not text.strip():
            continue
        for hit in found_rules.scan(
            text,
            language,
            side=side,
            target_language=project.target_language,
            country=project.country_id,
        ):
            rows.append(
                Finding(
                    project=project,
                    unit=unit,
                    rule=hit.rule,
                    pack_version=version,
                    side=side,
                    match=hit.text,
                    suggestion=hit.suggestion,
                )
            )
    Finding.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def rescan(by: Actor, project: Project) -> int:
    """Scan again with the pack as it is now (after an operator changed it)."""
    require(by, Action.L10N_REVIEW, project)
    with transaction.atomic():
        _lock(project)
        units = list(project.units.all())
        rules = _rules(project)
        before = project.findings.count()
        _scan(project, units, side="source", rules=rules)
        _scan(project, [u for u in units if u.target], side="target", rules=rules)
        audit.record(by, "l10n.rescan", project, organisation=project.organisation)
        return project.findings.count() - before


def _not_done(project: Project) -> None:
    if project.stage == Stage.DONE:
        raise DomainError(ErrorCode.CONFLICT, "This project is signed off; open a new one.")


def _lock(project: Project, *, translating: bool = False) -> Project:
    """The project's row, locked, still open (and past re-alignment, for translations).

    Saves, imports and sign-off all take this lock first, so an import cannot overwrite a
    save made after it read the units, and nothing is written into a project being signed
    off.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    _not_done(locked)
    if translating and locked.stage in (Stage.EXTRACT, Stage.REALIGN):
        raise DomainError(ErrorCode.CONFLICT, "Translation starts once re-alignment is finished.")
    return locked


def plan_stage(
    by: Actor, project: Project, stage: str, *, owner: User | None, due: date | None
) -> ProjectStage:
    require(by, Action.L10N_MANAGE, project)
    row = project.stages.filter(stage=stage).first()
    if row is None:
        raise _invalid("stage", f"choose one of {', '.join(STAGES)}")
    if (
        owner is not None
        and not Membership.objects.filter(
            user=owner, organisation__in=[project.organisation_id, project.source_organisation_id]
        ).exists()
    ):
        raise _invalid("owner", "the owner must belong to one of the project's organisations")

    def plan(stage_row: ProjectStage) -> dict[str, object]:
        return {"owner": stage_row.owner_id, "due": str(stage_row.due) if stage_row.due else None}

    with transaction.atomic():
        before = plan(row)
        row.owner, row.due = owner, due
        row.save(update_fields=["owner", "due"])
        audit.record(
            by,
            "l10n.plan",
            project,
            organisation=project.organisation,
            changes=audit.diff(before, plan(row)),
            summary=f"{project}: {stage}"[:300],
        )
    return row


# Who may move a project on from each stage.
ADVANCE = {
    Stage.REALIGN: Action.L10N_MANAGE,
    Stage.TRANSLATE: Action.L10N_TRANSLATE,
    Stage.REVIEW: Action.L10N_REVIEW,
}


def blockers(project: Project, stage: str | None = None) -> list[str]:
    """What keeps ``stage`` (the current one by default) from being finished."""
    stage = stage or project.stage
    out = []
    if stage in (Stage.REALIGN, Stage.SIGNOFF):
        open_mappings = project.mappings.filter(status=MappingStatus.OPEN).count()
        if open_mappings:
            out.append(f"{open_mappings} alignment(s) need a target item or a recorded gap")
    if stage in (Stage.TRANSLATE, Stage.SIGNOFF):
        untranslated = project.units.filter(state=UnitState.NEW).count()
        if untranslated:
            out.append(f"{untranslated} unit(s) are not translated")
        errors = {c.id for c in checks.CHECKS if c.severity == checks.ERROR} - {"untranslated"}
        failing = sum(
            1
            for found, dismissed in project.units.values_list("failing", "dismissed")
            if (set(found) - set(dismissed)) & errors
        )
        if failing:
            out.append(f"{failing} unit(s) fail a quality check (fix or dismiss)")
    if stage in (Stage.REVIEW, Stage.SIGNOFF):
        open_findings = project.findings.filter(status=FindingStatus.OPEN).count()
        if open_findings:
            out.append(f"{open_findings} cultural finding(s) are not resolved")
    return out


def advance(by: Actor, project: Project) -> Project:
    """Finish the current stage and start the next; sign-off is :func:`signoff.sign_off`."""
    action = ADVANCE.get(Stage(project.stage))
    if action is None:
        raise DomainError(ErrorCode.CONFLICT, "Sign off to finish this stage.")
    require(by, action, project)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.stage != project.stage:
            raise DomainError(ErrorCode.CONFLICT, "Someone moved this project on meanwhile.")
        if locked.stage == Stage.TRANSLATE:
            refresh_checks(locked)
        if problems := blockers(locked):
            raise DomainError(ErrorCode.CONFLICT, "Not yet: " + "; ".join(problems) + ".")
        now = timezone.now()
        following = STAGES[STAGES.index(Stage(locked.stage)) + 1]
        locked.stages.filter(stage=locked.stage).update(finished_at=now)
        locked.stages.filter(stage=following).update(started_at=now)
        before = locked.stage
        locked.stage = following
        locked.save(update_fields=["stage"])
        audit.record(
            by,
            "l10n.advance",
            locked,
            organisation=locked.organisation,
            changes={"stage": [before, following]},
        )
    return locked


def _terms(project: Project) -> list[checks.Term]:
    return [
        checks.Term(t.source, t.target, t.enforced)
        for t in GlossaryTerm.objects.filter(
            organisation=project.organisation,
            source_language=project.source_language,
            target_language=project.target_language,
        )
    ]


def checked(
    unit: Unit, project: Project, terms: list[checks.Term], others: set[str]
) -> checks.Checked:
    return checks.Checked(
        source=unit.source,
        target=unit.target,
        markup=unit.markup,
        target_language=project.target_language,
        max_length=unit.max_length,
        terms=terms,
        others=others,
    )


def _translations_by_source(project: Project, exclude: Iterable[int] = ()) -> dict[str, set[str]]:
    """Each source text's translations in the project (but those of the units excluded)."""
    out: dict[str, set[str]] = defaultdict(set)
    units = project.units.exclude(target="").exclude(pk__in=list(exclude))
    for source, target in units.values_list("source", "target"):
        out[source].add(target)
    return out


def check_context(project: Project) -> tuple[list[checks.Term], dict[str, set[str]]]:
    """What the checks compare a unit with: the glossary, and the project's translations."""
    return _terms(project), _translations_by_source(project)


def refresh_checks(project: Project) -> None:
    """Run every check on every unit again (the glossary or a sibling may have changed)."""
    terms = _terms(project)
    by_source = _translations_by_source(project)
    changed = []
    for unit in project.units.all():
        failing = sorted(checks.failing(checked(unit, project, terms, by_source[unit.source])))
        if failing != unit.failing:
            unit.failing = failing
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["failing"], batch_size=1000)


def save_unit(
    by: Actor, unit: Unit, target: str, revision: int, *, origin: str = Origin.HUMAN
) -> Unit:
    """Save a translation made from ``revision``; refused with the newer text if it is stale."""
    require(by, Action.L10N_TRANSLATE, unit.project)
    if not isinstance(target, str) or len(target) > 100_000:
        raise _invalid("target", "at most 100,000 characters")
    if UNSAFE.search(target):
        raise _invalid("target", "control characters are not allowed")
    target = target.replace("\r\n", "\n")
    with transaction.atomic():
        project = _lock(unit.project, translating=True)
        locked = (
            Unit.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=unit.pk)
        )
        if locked.revision != revision:
            raise EditConflict(locked)
        if locked.target == target:
            return locked
        _apply(by, project, [(locked, target, origin)])
        audit.record(
            by,
            "l10n.translate",
            project,
            organisation=project.organisation,
            summary=f"{project}: {locked.key}"[:300],
        )
    return locked


def _apply(by: Actor, project: Project, changes: Sequence[tuple[Unit, str, str]]) -> None:
    """Write new targets with their history, checks, memory and findings (in a transaction)."""
    now = timezone.now()
    person = _person(by)
    terms = _terms(project)
    by_source = _translations_by_source(project, exclude=[u.pk for u, _, _ in changes])
    for unit, target, origin in changes:
        unit.target = target
        unit.state = UnitState.TRANSLATED if target.strip() else UnitState.NEW
        unit.origin = origin
        unit.revision += 1
        unit.updated_by, unit.updated_at = person, now
    for unit, _, _ in changes:
        by_source[unit.source].add(unit.target)
    for unit, _, _ in changes:
        others = by_source[unit.source] - {unit.target}
        unit.failing = sorted(checks.failing(checked(unit, project, terms, others)))
    units = [u for u, _, _ in changes]
    _write(units)
    UnitChange.objects.bulk_create(
        [
            UnitChange(unit=u, revision=u.revision, target=u.target, origin=u.origin, by=person)
            for u in units
        ],
        batch_size=1000,
    )
    memory.remember(
        project.organisation,
        project.source_language,
        project.target_language,
        [(u.source, u.target) for u in units],
        origin=f"project {project.identifier}",
    )
    _scan(project, units, side="target")


WRITTEN = ["target", "state", "origin", "revision", "updated_by", "updated_at", "failing"]


def _write(units: list[Unit]) -> None:
    """Save the translations of many units with one statement run many times.

    ``bulk_update`` builds one CASE expression per field over every row, which costs more
    than the import itself at 5,000 units; an UPDATE per row through ``executemany`` does not.
    """
    if len(units) < 50:
        Unit.objects.bulk_update(units, WRITTEN)
        return
    fields = [f for f in Unit._meta.concrete_fields if f.name in WRITTEN]
    columns = ", ".join(f"{connection.ops.quote_name(str(f.column))} = %s" for f in fields)
    table = connection.ops.quote_name(Unit._meta.db_table)
    rows = [
        [f.get_db_prep_save(getattr(unit, f.attname), connection) for f in fields] + [unit.pk]
        for unit in units
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", rows)  # noqa: S608


@dataclass
class ImportReport:
    updated: int = 0
    unchanged: int = 0
    untranslated: int = 0


def parse_file(project: Project, data: bytes, name: str) -> tuple[Parsed, dict[str, Unit]]:
    """Read an XLIFF or PO file against the project's units; Rejected names what is wrong."""
    units = list(project.units.all())
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"<"):
        by_key = {f"u{u.position}": u for u in units}
        parsed = xliff.load(data, {k: (u.source, u.markup) for k, u in by_key.items()}, name)
        if not same_language(parsed.source_language, project.source_language):
            raise Rejected(
                f"{name}: its source language is {parsed.source_language!r}, this project's"
                f" is {project.source_language}"
            )
    else:
        by_key = {u.key: u for u in units}
        parsed = po.load(data, name)
    if not same_language(parsed.target_language, project.target_language):
        raise Rejected(
            f"{name}: its target language is {parsed.target_language or 'not given'!r},"
            f" this project's is {project.target_language}"
        )
    return parsed, by_key


def _verify(incoming: Incoming, unit: Unit | None) -> Unit:
    if unit is None:
        raise Rejected(f"{incoming.where}: no unit of this project has this id")
    if UNSAFE.search(incoming.target):
        raise Rejected(f"{incoming.where}: the translation has control characters")
    if inline.canonical(incoming.source, unit.markup) != inline.canonical(unit.source, unit.markup):
        raise Rejected(f"{incoming.where}: the source text was changed ({incoming.source[:80]!r})")
    if incoming.target and not inline.same_codes(unit.source, incoming.target, unit.markup):
        problem = checks.Codes().check(
            checks.Checked(unit.source, incoming.target, unit.markup, unit.project.target_language)
        )
        raise Rejected(
            f"{incoming.where}: placeholders or markup differ from the source ({problem})"
        )
    if (
        incoming.revision is not None
        and unit.revision > incoming.revision
        and incoming.target
        and incoming.target != unit.target
    ):
        raise Rejected(
            f"{incoming.where}: changed here since the file was made (revision"
            f" {incoming.revision}, now {unit.revision}: {unit.target[:80]!r})"
        )
    return unit


def import_file(by: Actor, project: Project, data: bytes, name: str = "file") -> ImportReport:
    """Apply a translated XLIFF 2.x or PO file: every unit checked first, then all or nothing."""
    require(by, Action.L10N_TRANSLATE, project)
    report = ImportReport()
    with transaction.atomic():
        project = _lock(project, translating=True)
        try:
            parsed, by_key = parse_file(project, data, name)
            seen: set[str] = set()
            changes = []
            for incoming in parsed.units:
                if incoming.key in seen:
                    raise Rejected(f"{incoming.where}: the unit appears twice in the file")
                seen.add(incoming.key)
                unit = _verify(incoming, by_key.get(incoming.key))
                if not incoming.target:
                    report.untranslated += 1
                elif incoming.target == unit.target:
                    report.unchanged += 1
                else:
                    changes.append((unit, incoming.target.replace("\r\n", "\n"), Origin.IMPORT))
        except Rejected as exc:
            raise DomainError(ErrorCode.INVALID, str(exc), field="file") from exc
        if changes:
            _apply(by, project, changes)
        report.updated = len(changes)
        audit.record(
            by,
            "l10n.import",
            project,
            organisation=project.organisation,
            changes={"units": [None, report.updated]},
            summary=f"{project}: {name}"[:300],
        )
    return report


def export_file(by: Actor, project: Project, fmt: str) -> bytes:
    require(by, Action.L10N_VIEW, project)
    units = [
        Outgoing(
            u.position,
            u.key,
            u.source,
            u.target,
            u.markup,
            u.context,
            u.max_length,
            u.state,
            u.revision,
        )
        for u in project.units.all()
    ]
    codec = {"xliff": xliff, "po": po}.get(fmt)
    if codec is None:
        raise _invalid("format", "choose xliff or po")
    return codec.dump(
        units,
        source_language=project.source_language,
        target_language=project.target_language,
        original=str(project.identifier),
    )


def dismiss_check(by: Actor, unit: Unit, check: str, *, dismissed: bool = True) -> Unit:
    require(by, Action.L10N_REVIEW, unit.project)
    if check not in checks.BY_ID or check == "untranslated":
        raise _invalid("check", f"{check!r} is not a check that can be dismissed")
    with transaction.atomic():
        _lock(unit.project)
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        values = set(locked.dismissed)
        values = values | {check} if dismissed else values - {check}
        locked.dismissed = sorted(values)
        locked.save(update_fields=["dismissed"])
        audit.record(
            by,
            "l10n.dismiss" if dismissed else "l10n.undismiss",
            unit.project,
            organisation=unit.project.organisation,
            summary=f"{locked.key}: {check}"[:300],
        )
    return locked


def fix(by: Actor, unit: Unit, check: str, revision: int) -> Unit:
    """Apply a check's mechanical fix, as a save from ``revision``."""
    found = checks.BY_ID.get(check)
    fixed = found.fix(checked(unit, unit.project, [], set())) if found else None
    if fixed is None:
        raise _invalid("check", f"{check!r} has no automatic fix")
    return save_unit(by, unit, fixed, revision)


def resolve_finding(by: Actor, finding: Finding, status: str, reason: str = "") -> Finding:
    project = finding.project
    require(by, Action.L10N_REVIEW, project)
    if status not in FindingStatus.values or status == FindingStatus.OPEN:
        raise _invalid("status", "choose adapted, not_applicable or waived")
    reason = reason.strip()
    if status == FindingStatus.WAIVED and not reason:
        raise _invalid("reason", "say why the finding is waived")
    if len(reason) > 500:
        raise _invalid("reason", "at most 500 characters")
    with transaction.atomic():
        _lock(project)
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        locked.status, locked.reason = status, reason
        locked.resolved_by, locked.resolved_at = _person(by), timezone.now()
        locked.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
        audit.record(
            by,
            "l10n.finding",
            project,
            organisation=project.organisation,
            summary=f"{locked.rule.key} {status}: {reason}"[:300],
        )
    return locked


def decide_mapping(
    by: Actor, mapping: Mapping, *, target_item: Item | None = None, gap: str = ""
) -> Mapping:
    """The curriculum specialist picks a target item, or records a gap with a note."""
    project = mapping.project
    require(by, Action.L10N_MANAGE, project)
    if (target_item is None) == (not gap.strip()):
        raise _invalid("target_item", "pick a target item, or describe the gap")
    if target_item is not None and target_item.framework_id != project.target_framework_id:
        raise _invalid("target_item", "pick an item of the project's target framework")
    if len(gap) > 500:
        raise _invalid("gap", "at most 500 characters")
    with transaction.atomic():
        _lock(project)
        locked = Mapping.objects.select_for_update().get(pk=mapping.pk)
        locked.target_item = target_item
        locked.status = MappingStatus.CHOSEN if target_item else MappingStatus.GAP
        locked.note = gap.strip()
        locked.crosswalk = None
        locked.relation = ""
        locked.decided_by, locked.decided_at = _person(by), timezone.now()
        locked.save()
        audit.record(
            by,
            "l10n.realign",
            project,
            organisation=project.organisation,
            summary=f"{locked.source_item.human_coding_scheme or locked.source_item}: {locked}"[
                :300
            ],
        )
    return locked


def save_term(
    by: Actor,
    organisation: Organisation,
    source_language: str,
    target_language: str,
    source: str,
    target: str,
    *,
    enforced: bool = True,
    note: str = "",
) -> GlossaryTerm:
    require(by, Action.L10N_MANAGE, organisation)
    source, target = source.strip(), target.strip()
    if not source or not target or len(source) > 200 or len(target) > 200:
        raise _invalid("source" if not source else "target", "give 1 to 200 characters")
    try:
        languages = normalise_language(source_language), normalise_language(target_language)
    except ValueError as exc:
        raise _invalid("target_language", str(exc)) from exc
    with transaction.atomic():
        term, _ = GlossaryTerm.objects.update_or_create(
            organisation=organisation,
            source_language=languages[0],
            target_language=languages[1],
            source=source,
            defaults={"target": target, "enforced": enforced, "note": note[:500]},
        )
        audit.record(by, "l10n.term", term, organisation=organisation, summary=str(term)[:300])
    return term


def delete_term(by: Actor, term: GlossaryTerm) -> None:
    require(by, Action.L10N_MANAGE, term.organisation)
    with transaction.atomic():
        audit.record(by, "l10n.term.delete", term, organisation=term.organisation)
        term.delete()


def import_memory(
    by: Actor,
    organisation: Organisation,
    pairs: Iterable[tuple[str, str]],
    source_language: str,
    target_language: str,
    name: str,
) -> int:
    require(by, Action.L10N_MANAGE, organisation)
    try:
        source_language = normalise_language(source_language)
        target_language = normalise_language(target_language)
    except ValueError as exc:
        raise _invalid("target_language", str(exc)) from exc
    with transaction.atomic():
        added = memory.remember(organisation, source_language, target_language, pairs, origin=name)
        audit.record(
            by,
            "l10n.memory.import",
            organisation,
            organisation=organisation,
            summary=f"{name}: {added} pairs {source_language}→{target_language}"[:300],
        )
    return added


def progress(project: Project) -> dict[str, int]:
    counts = dict(
        project.units.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    total = sum(counts.values())
    done = total - counts.get(UnitState.NEW, 0)
    return {
        "total": total,
        "translated": done,
        "percent": round(100 * done / total) if total else 0,
    }


def summary(project: Project) -> dict[str, object]:
    """A project in a line of a listing: the API's and the command line's."""
    counts = progress(project)
    return {
        "identifier": str(project.identifier),
        "resource": str(project.source_version.resource),
        "version": project.source_version.number,
        "source_organisation": project.source_organisation.slug,
        "organisation": project.organisation.slug,
        "source_language": project.source_language,
        "target_language": project.target_language,
        "stage": project.stage,
        "units": counts["total"],
        "translated": counts["translated"],
    }


def visible(user: Actor) -> QuerySet[Project]:
    """The projects ``user`` may see: of their organisations, on either side."""
    rows = Project.objects.select_related(
        "source_version__resource", "organisation", "source_organisation", "country"
    )
    if is_operator(user):
        return rows
    orgs = organisations_where(user, Action.L10N_VIEW)
    return rows.filter(Q(organisation__in=orgs) | Q(source_organisation__in=orgs))
