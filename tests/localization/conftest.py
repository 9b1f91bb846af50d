"""A Chinese partner's lesson, a Kenyan partner localising it, and a published crosswalk
between their frameworks: one source competency with an exact counterpart, one without."""

import io
import json

import pytest

from edubridge.catalog import services as catalog
from edubridge.catalog.packages import qti
from edubridge.core.models import Country, Role
from edubridge.core.policy import SYSTEM
from edubridge.localization import services
from edubridge.localization.demo import HERE as DEMO
from edubridge.standards import crosswalks
from edubridge.standards import services as standards
from edubridge.standards.demo import HERE as STANDARDS
from edubridge.standards.models import Relation

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sorting farm animals</title></head><body>
<h1>Sorting farm animals</h1>
<p>A model learns from <strong>training data</strong>: photos of pigs and goats, each with a
<em>label</em>.</p>
<p>The farm is 3 miles from school; a bag of feed costs ¥15.</p>
<img src="goats.png" alt="Two goats in a field">
<ul><li>Collect {count} photos.</li><li>Test the <a href="https://example.org/model">model</a>.</li></ul>
</body></html>"""

ITEM = {
    "identifier": "q1",
    "title": "Training data",
    "interaction": "choice",
    "prompt": "<p>What is <strong>training data</strong>?</p>",
    "choices": [{"id": "A", "text": "Examples with labels"}, {"id": "B", "text": "A camera"}],
    "correct": ["A"],
    "language": "en",
}


@pytest.fixture
def people(org_a, org_b, member):
    return {
        "curator_a": member(org_a, Role.CURATOR),
        "admin_a": member(org_a, Role.ADMIN),
        "lead_b": member(org_b, Role.CURATOR),
        "admin_b": member(org_b, Role.ADMIN),
        "translator_b": member(org_b, Role.TRANSLATOR, first_name="Otieno", last_name="Odhiambo"),
        "reviewer_b": member(org_b, Role.REVIEWER, first_name="Wanjiru", last_name="Kamau"),
        "teacher_b": member(org_b, Role.TEACHER),
    }


@pytest.fixture
def frameworks(org_a, org_b, people):
    """The demo Chinese and Kenyan frameworks, and a published crosswalk between them."""
    cn = standards.import_package(
        SYSTEM,
        (DEMO / "cn-ai-literacy.json").read_bytes(),
        organisation=org_a,
        country=Country.objects.get(code="CN"),
    ).framework
    ke = standards.import_package(
        SYSTEM,
        (STANDARDS / "ke-ai-literacy.json").read_bytes(),
        organisation=org_b,
        country=Country.objects.get(code="KE"),
    ).framework
    crosswalk = crosswalks.open_crosswalk(SYSTEM, cn, ke)
    exact = cn.items.get(human_coding_scheme="CN.AI.1.1")
    related = cn.items.get(human_coding_scheme="CN.AI.1.3")
    crosswalks.link_items(
        people["admin_a"], crosswalk, exact, ke.items.get(human_coding_scheme="KE.AI.1.1")
    )
    crosswalks.link_items(
        people["admin_a"],
        crosswalk,
        related,
        ke.items.get(human_coding_scheme="KE.AI.2.2"),
        Relation.RELATED,
    )
    crosswalks.sign(people["admin_a"], crosswalk, org_a)
    crosswalks.sign(people["admin_b"], crosswalk, org_b)
    return cn, ke


def publish(owner, page: str = PAGE, items=(ITEM,), codes=(), framework=None, licence="CC-BY-4.0"):
    resource = catalog.create_resource(
        SYSTEM,
        owner,
        kind="lesson",
        title={"en": "Sorting farm animals", "zh-Hans": "给农场动物分类"},
        description={"en": "A first lesson on classifiers."},
        languages=["en", "zh-Hans"],
        country="CN",
        licence=licence,
    )
    version = catalog.create_version(
        SYSTEM, resource, [catalog.Upload("lesson.html", io.BytesIO(page.encode()), "text/html")]
    )
    catalog.add_items(SYSTEM, version, [qti.Item.from_json(i) for i in items])
    for code in codes:
        catalog.align(SYSTEM, version, framework.items.get(human_coding_scheme=code))
    return catalog.publish_version(SYSTEM, version)


@pytest.fixture
def version(org_a, frameworks):
    cn, _ = frameworks
    return publish(org_a, codes=("CN.AI.1.1", "CN.AI.1.3", "CN.AI.2.4"), framework=cn)


@pytest.fixture
def project(version, org_b, frameworks, people):
    return services.open_project(
        people["curator_a"], version, org_b, "sw-KE", framework=frameworks[1]
    )


def translations():
    return {p["source"]: p["target"] for p in json.loads((DEMO / "sw.json").read_text())}


SWAHILI = {
    "title": "Kupanga wanyama wa shambani",
    "description": "Somo la kwanza kuhusu viainishaji.",
}


def translating(project, people):
    """The project moved on to translation, its alignments decided."""
    lead = people["lead_b"]
    for mapping in project.mappings.filter(status="open"):
        services.decide_mapping(lead, mapping, gap="Not taught at this level in Kenya.")
    return services.advance(lead, project)


P1 = "file:lesson.html#/html/body/p[1]"
P1_SW = (
    "Modeli hujifunza kutoka <strong>data ya mafunzo</strong>: picha za mbuzi, kila moja na"
    " <em>lebo</em>."
)


def finish_translation(project, people):
    project = translating(project, people)
    for unit in project.units.all():
        target = SWAHILI.get(unit.key) or (P1_SW if unit.key == P1 else f"{unit.source}")
        services.save_unit(people["translator_b"], unit, target, unit.revision)
    for unit in project.units.exclude(failing=[]):
        for check in unit.failing:
            services.dismiss_check(people["reviewer_b"], unit, check)
    return services.advance(people["translator_b"], project)
