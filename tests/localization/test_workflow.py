"""The workflow end to end in the services: open, re-align, translate, review, sign off."""

import json

import pytest
from django.core.files.storage import default_storage
from lxml import html

from edubridge.catalog.models import VersionStatus
from edubridge.core.errors import DomainError
from edubridge.core.models import AuditEntry
from edubridge.localization import services, signoff
from edubridge.localization.models import (
    FindingStatus,
    MappingStatus,
    Origin,
    Stage,
    UnitState,
)
from edubridge.localization.signoff import REPORT
from tests.localization.conftest import P1, P1_SW, SWAHILI, finish_translation, publish, translating
from tests.threads import at_once, concurrent


def test_opening_extracts_units_maps_alignments_and_scans_the_source(project):
    assert project.stage == Stage.REALIGN
    assert [s.stage for s in project.stages.all()] == list(Stage.values[:5])
    assert project.units.count() == 13
    assert project.country_id == "KE" and project.source_language == "en"
    mappings = {m.source_item.human_coding_scheme: m for m in project.mappings.all()}
    assert mappings["CN.AI.1.1"].status == MappingStatus.MAPPED
    assert mappings["CN.AI.1.1"].target_item.human_coding_scheme == "KE.AI.1.1"
    assert mappings["CN.AI.1.1"].crosswalk is not None
    # Only related in the crosswalk, or not at all: the specialist decides.
    assert mappings["CN.AI.1.3"].status == MappingStatus.OPEN
    assert mappings["CN.AI.2.4"].status == MappingStatus.OPEN
    found = {(f.rule.category, f.match) for f in project.findings.all()}
    assert ("food", "pigs") in found or any(c == "food" for c, _ in found)
    units = {f.rule.detector: f for f in project.findings.exclude(rule__detector="")}
    assert units["imperial_units"].match == "3 miles"
    assert units["imperial_units"].suggestion.startswith("≈ ")
    assert "KES" in units["foreign_currency"].suggestion


def test_who_may_open_a_project(version, org_b, people, frameworks):
    with pytest.raises(DomainError, match="permission"):
        services.open_project(people["translator_b"], version, org_b, "sw-KE")
    with pytest.raises(DomainError, match="other than the source"):
        services.open_project(people["lead_b"], version, org_b, "en")
    with pytest.raises(DomainError, match="unknown language tag"):
        services.open_project(people["lead_b"], version, org_b, "xx-nowhere")
    assert services.open_project(people["lead_b"], version, org_b, "sw-KE").organisation == org_b


def test_a_licence_without_derivatives_cannot_be_localised(org_a, org_b, people, frameworks):
    version = publish(org_a, licence="CC-BY-ND-4.0")
    with pytest.raises(DomainError, match="does not allow adaptations"):
        services.open_project(people["lead_b"], version, org_b, "sw-KE")


def test_realignment_must_be_decided_before_translation(project, people, frameworks):
    lead = people["lead_b"]
    with pytest.raises(DomainError, match="2 alignment"):
        services.advance(lead, project)
    cn, ke = frameworks
    related = project.mappings.get(source_item__human_coding_scheme="CN.AI.1.3")
    with pytest.raises(DomainError, match="target framework"):
        services.decide_mapping(lead, related, target_item=cn.items.first())
    with pytest.raises(DomainError, match="permission"):
        services.decide_mapping(people["translator_b"], related, gap="no")
    chosen = services.decide_mapping(
        lead, related, target_item=ke.items.get(human_coding_scheme="KE.AI.2.2")
    )
    assert (chosen.status, chosen.decided_by) == (MappingStatus.CHOSEN, lead)
    gap = project.mappings.get(source_item__human_coding_scheme="CN.AI.2.4")
    services.decide_mapping(lead, gap, gap="Programming games is not in Kenyan Grade 7.")
    with pytest.raises(DomainError, match="re-alignment"):
        services.save_unit(people["translator_b"], project.units.first(), "x", 0)
    assert services.advance(lead, project).stage == Stage.TRANSLATE


def test_a_stale_save_is_refused_with_the_other_persons_text(project, people):
    project = translating(project, people)
    unit = project.units.get(key="title")
    first = services.save_unit(people["translator_b"], unit, "Kupanga wanyama", 0)
    assert (first.revision, first.state, first.origin) == (1, UnitState.TRANSLATED, Origin.HUMAN)
    with pytest.raises(services.EditConflict) as conflict:
        services.save_unit(people["reviewer_b"], unit, "Kupanga mifugo", 0)
    assert conflict.value.current.target == "Kupanga wanyama"
    assert conflict.value.status == 409
    again = services.save_unit(people["reviewer_b"], unit, "Kupanga mifugo", 1)
    assert [c.target for c in again.changes.all()] == ["Kupanga mifugo", "Kupanga wanyama"]


@concurrent
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_unit_at_once_keep_one_and_refuse_the_other(project, people):
    project = translating(project, people)
    unit = project.units.get(key="title")
    errors = at_once(
        lambda: services.save_unit(people["translator_b"], unit, "Kupanga wanyama", 0),
        lambda: services.save_unit(people["reviewer_b"], unit, "Kupanga mifugo", 0),
    )
    assert len(errors) == 1 and isinstance(errors[0], services.EditConflict)
    unit.refresh_from_db()
    assert unit.revision == 1 and unit.changes.count() == 1


def test_checks_run_on_save_and_block_the_next_stage(project, people):
    project = translating(project, people)
    services.save_term(
        people["lead_b"], project.organisation, "en", "sw-KE", "training data", "data ya mafunzo"
    )
    unit = project.units.get(key=P1)
    saved = services.save_unit(
        people["translator_b"], unit, "Modeli hujifunza kutoka data: picha", 0
    )
    assert {"codes", "glossary", "punctuation"} <= set(saved.failing)
    fixed = services.fix(people["translator_b"], saved, "punctuation", saved.revision)
    assert fixed.target.endswith(".")
    for other in project.units.exclude(pk=unit.pk):
        services.save_unit(people["translator_b"], other, other.source, other.revision)
    with pytest.raises(DomainError, match="fail a quality check"):
        services.advance(people["translator_b"], project)
    with pytest.raises(DomainError, match="permission"):
        services.dismiss_check(people["translator_b"], fixed, "codes")
    for failing in project.units.exclude(failing=[]):
        for check in failing.failing:
            services.dismiss_check(people["reviewer_b"], failing, check)
    assert services.advance(people["translator_b"], project).stage == Stage.REVIEW


def test_translations_feed_the_memory_and_are_suggested_again(project, people, org_a, org_b):
    project = translating(project, people)
    unit = project.units.get(key=P1)
    services.save_unit(people["translator_b"], unit, P1_SW, 0)
    second = services.open_project(people["lead_b"], project.source_version, org_b, "sw-KE")
    from edubridge.localization import memory

    matches = memory.lookup(org_b, "en", "sw-KE", second.units.get(key=P1).source)
    assert matches[0].score == 100 and matches[0].target == P1_SW
    near = memory.lookup(org_b, "en", "sw-KE", unit.source.replace("goats", "sheep"))
    assert 70 <= near[0].score < 100
    assert memory.lookup(org_a, "en", "sw-KE", unit.source) == []


def test_findings_are_resolved_by_the_target_reviewer(project, people):
    project = finish_translation(project, people)
    finding = project.findings.filter(status=FindingStatus.OPEN).first()
    with pytest.raises(DomainError, match="permission"):
        services.resolve_finding(people["curator_a"], finding, FindingStatus.ADAPTED)
    with pytest.raises(DomainError, match="say why"):
        services.resolve_finding(people["reviewer_b"], finding, FindingStatus.WAIVED)
    done = services.resolve_finding(
        people["reviewer_b"], finding, FindingStatus.WAIVED, "Kept as is."
    )
    assert (done.status, done.resolved_by) == (FindingStatus.WAIVED, people["reviewer_b"])
    with pytest.raises(DomainError, match="cultural finding"):
        services.advance(people["reviewer_b"], project)


def test_a_finding_on_the_translation_goes_when_the_text_is_adapted(project, people):
    project = translating(project, people)
    unit = project.units.get(key="file:lesson.html#/html/body/p[2]")
    services.save_unit(
        people["translator_b"], unit, "Shamba liko maili 3 kutoka shuleni; mfuko unagharimu ¥15.", 0
    )
    assert project.findings.filter(unit=unit, side="target", match__icontains="maili").exists()
    unit.refresh_from_db()
    services.save_unit(
        people["translator_b"],
        unit,
        "Shamba liko kilomita 5 kutoka shuleni; mfuko unagharimu KSh 300.",
        unit.revision,
    )
    assert not project.findings.filter(unit=unit, side="target", match__icontains="maili").exists()


def test_sign_off_publishes_a_derived_version_with_its_report(project, people, frameworks):
    project = finish_translation(project, people)
    for finding in project.findings.all():
        services.resolve_finding(people["reviewer_b"], finding, FindingStatus.ADAPTED)
    project = services.advance(people["reviewer_b"], project)
    assert project.stage == Stage.SIGNOFF
    with pytest.raises(DomainError, match="permission"):
        signoff.sign_off(people["translator_b"], project)
    version = signoff.sign_off(people["reviewer_b"], project)
    project.refresh_from_db()
    assert project.stage == Stage.DONE and project.result_version == version
    assert version.status == VersionStatus.PUBLISHED
    assert version.derived_from == project.source_version
    resource = version.resource
    assert resource.owner == project.organisation
    assert resource.title == {"sw-KE": SWAHILI["title"]} and resource.languages == ["sw-KE"]
    assert resource.country_id == "KE" and resource.licence == "CC-BY-4.0"
    codes = sorted(a.item.human_coding_scheme for a in version.alignments.all())
    assert codes == ["KE.AI.1.1"]  # the other two were recorded as gaps
    page = version.files.get(path="lesson.html")
    with default_storage.open(page.storage_name) as handle:
        tree = html.fromstring(handle.read())
    assert tree.get("lang") == "sw-KE"
    assert tree.xpath("//p")[0].xpath("string()") == html.fromstring(P1_SW).xpath("string()")
    report = version.files.get(path=REPORT)
    with default_storage.open(report.storage_name) as handle:
        shipped = json.load(handle)
    assert shipped["signed_off"]["by"] == "Org B College"  # names stay with the project
    assert "Wanjiru" not in json.dumps(shipped) and "Otieno" not in json.dumps(shipped)
    assert project.report["signed_off"]["by"] == "Wanjiru Kamau"
    assert shipped["translated"]["units"] == 13
    assert {m["status"] for m in shipped["realigned"]} == {"mapped", "gap"}
    assert shipped["cultural_review"]["adapted"] == project.findings.count()
    assert project.report["result"]["version"] == version.number
    assert AuditEntry.objects.filter(action="l10n.signoff", actor=people["reviewer_b"]).exists()
    with pytest.raises(DomainError, match="signed off"):
        services.save_unit(people["translator_b"], project.units.first(), "x", 1)
