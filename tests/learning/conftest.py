"""A small item bank: four items on two UNESCO student competencies, the first a prerequisite
of the second (a ``precedes`` association of the demo Kenyan framework)."""

import io
import uuid

import pytest

from edubridge.catalog import packaging
from edubridge.catalog import services as catalog
from edubridge.catalog.packages import qti
from edubridge.catalog.packages.cartridge import write_qti_package
from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.learning import practice
from edubridge.standards import services as standards
from edubridge.standards.demo import HERE

FOUNDATIONS, APPLICATION = "CFS.3.U", "CFS.3.A"


def choice(identifier: str, correct: str = "b") -> qti.Item:
    return qti.Item(
        identifier=identifier,
        title=f"Question {identifier}",
        interaction="choice",
        prompt=f"<p>Which is right in {identifier}?</p>",
        choices=[qti.Choice("a", "Alpha"), qti.Choice("b", "Beta"), qti.Choice("c", "Gamma")],
        correct=[correct],
        language="en",
    )


ITEMS = {
    "f1": (choice("f1"), FOUNDATIONS),
    "f2": (choice("f2", "a"), FOUNDATIONS),
    "a1": (choice("a1"), APPLICATION),
    "a2": (
        qti.Item(
            identifier="a2",
            title="Name the label",
            interaction="text_entry",
            prompt="<p>The answer attached to a training example is its ____.</p>",
            correct=["label"],
            scoring="map_response",
            mapping={"label": 1.0},
            case_sensitive=False,
            language="en",
        ),
        APPLICATION,
    ),
}


@pytest.fixture
def skills(countries):
    standards.load_builtin(SYSTEM)
    standards.import_package(SYSTEM, (HERE / "ke-ai-literacy.json").read_bytes())
    from edubridge.standards.models import Item

    return {
        code: Item.objects.get(human_coding_scheme=code, framework__builtin=True)
        for code in (FOUNDATIONS, APPLICATION)
    }


@pytest.fixture
def curator(org_a, member):
    return member(org_a, Role.CURATOR, username="a.curator")


@pytest.fixture
def teacher(org_a, member):
    return member(org_a, Role.TEACHER, username="a.teacher", first_name="Wanjiru")


@pytest.fixture
def pupil(org_a, member):
    return member(org_a, Role.LEARNER, username="a.learner", first_name="Amani")


@pytest.fixture
def bank(org_a, curator, skills, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    package = io.BytesIO()
    write_qti_package("Practice", [item for item, _ in ITEMS.values()], package)
    package.seek(0)
    report = packaging.import_package(
        curator, org_a, package, name="practice.zip", licence="CC-BY-4.0"
    )
    version = catalog.publish_version(curator, report.version)
    aligned = {name: [skills[code]] for name, (_, code) in ITEMS.items()}
    return practice.create_bank(curator, org_a, "AI practice", version, aligned)


def answer_right(learner, bank, step, right=True):
    """Answer the recommended item, right or wrong."""
    item = qti.Item.from_json(step.item.item.data)
    if item.interaction == "text_entry":
        response = "Label" if right else "feature"
    else:
        response = (
            item.correct[0]
            if right
            else next(c.id for c in item.choices if c.id not in item.correct)
        )
    return practice.answer(learner, bank, step.item.pk, response, uuid.uuid4())
