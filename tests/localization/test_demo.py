"""The demo: Huaxia's lesson localised for Kenya and Egypt, projects at different stages,
and both taken to sign-off with the demo's own people and translations."""

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import call_command
from lxml import html

from edubridge.localization import demo, services, signoff
from edubridge.localization.models import FindingStatus, GlossaryTerm, Origin, Project, Stage
from edubridge.standards.models import Crosswalk


@pytest.fixture
def loaded(db):
    call_command("demo", "--no-serve")
    return {p.target_language: p for p in Project.objects.all()}


def test_demo_projects_are_at_different_stages(loaded):
    assert {lang: p.stage for lang, p in loaded.items()} == {
        "sw-KE": Stage.TRANSLATE,
        "ar-EG": Stage.REVIEW,
        "pt-BR": Stage.REALIGN,
    }
    kenya, egypt = loaded["sw-KE"], loaded["ar-EG"]
    assert 0 < services.progress(kenya)["translated"] < services.progress(kenya)["total"]
    assert services.progress(egypt)["percent"] == 100
    assert egypt.mappings.filter(status="gap").count() == 1
    assert egypt.findings.filter(status=FindingStatus.OPEN).exists()
    assert egypt.findings.exclude(status=FindingStatus.OPEN).exists()
    assert kenya.findings.filter(rule__category="food").exists()
    assert Crosswalk.objects.filter(status="published").count() == 2
    assert GlossaryTerm.objects.filter(target_language="sw-KE", enforced=True).count() >= 8
    call_command("demo", "--no-serve")
    assert Project.objects.count() == 3


def test_the_egyptian_localisation_signs_off_in_arabic(loaded):
    egypt = loaded["ar-EG"]
    amira = User.objects.get(username="amira.hassan")
    for finding in egypt.findings.filter(status=FindingStatus.OPEN):
        services.resolve_finding(amira, finding, FindingStatus.ADAPTED, "Adapted for Egypt.")
    egypt = services.advance(amira, egypt)
    version = signoff.sign_off(amira, egypt)
    assert version.resource.owner.slug == "nile-institute"
    assert version.derived_from == egypt.source_version
    assert [a.item.framework.title[:5] for a in version.alignments.all()] == ["Egypt", "Egypt"]
    page = version.files.get(path="lesson.html")
    with default_storage.open(page.storage_name) as handle:
        root = html.fromstring(handle.read())
    assert (root.get("lang"), root.get("dir")) == ("ar-EG", "rtl")
    assert (
        root.xpath("//h1")[0].text_content()
        == demo.translations("ar.json")["AI in daily life: a first lesson"]
    )
    assert version.items.get(identifier="ail-q1").data["language"] == "ar-EG"
    assert (version.made_with, version.ai_model) == ("human", "")  # translated by people


def test_the_kenyan_localisation_finishes_translation_and_signs_off(loaded):
    kenya = loaded["sw-KE"]
    otieno = User.objects.get(username="otieno.odhiambo")
    wanjiru = User.objects.get(username="wanjiru.kamau")
    found = demo.translations("sw.json")
    for n, unit in enumerate(kenya.units.filter(target="")):
        origin = Origin.MACHINE if n == 0 else Origin.HUMAN  # one machine suggestion taken
        services.save_unit(
            otieno, unit, found[demo._key(unit.source)], unit.revision, origin=origin
        )
    kenya = services.advance(otieno, kenya)
    for finding in kenya.findings.filter(status=FindingStatus.OPEN):
        services.resolve_finding(wanjiru, finding, FindingStatus.NOT_APPLICABLE)
    kenya = services.advance(wanjiru, kenya)
    version = signoff.sign_off(wanjiru, kenya)
    assert version.resource.title == {"sw-KE": found["AI in daily life: a first lesson"]}
    assert sorted(a.item.human_coding_scheme for a in version.alignments.all())[0].startswith("KE.")
    kenya.refresh_from_db()
    assert kenya.report["translated"]["translators"] == ["Otieno Odhiambo"]
    assert version.made_with == "ai-assisted"
    assert version.ai_model == "Machine translation: engine not recorded"
