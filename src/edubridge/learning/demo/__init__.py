"""The demo's AI-literacy item bank: fifteen items on five skills of the UNESCO AI competency
framework for students, imported as a QTI 3.0 package like any partner's, and a class of
Rift Valley learners who have practised it (answers simulated through the practice engine,
so the teacher's pages have something to show)."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction

from edubridge.catalog import packaging
from edubridge.catalog import services as catalog
from edubridge.catalog.packages import qti
from edubridge.catalog.packages.cartridge import write_qti_package
from edubridge.core import services as core
from edubridge.core.models import Organisation, Role
from edubridge.core.policy import SYSTEM
from edubridge.learning import practice
from edubridge.learning.models import ItemBank
from edubridge.standards.models import Item as Skill

HERE = Path(__file__).resolve().parent
OWNER = "rift-valley-tc"
# (username, name, chance of a right answer before any practice, answers given)
CLASS = [
    ("baraka.mutua", "Baraka Mutua", 0.9, 14),
    ("imani.njeri", "Imani Njeri", 0.7, 16),
    ("juma.kiprop", "Juma Kiprop", 0.5, 18),
    ("neema.wanjiku", "Neema Wanjiku", 0.35, 20),
    ("tumaini.ochieng", "Tumaini Ochieng", 0.1, 24),
]


def load() -> None:
    with transaction.atomic():
        if ItemBank.objects.exists():
            return
        owner = Organisation.objects.get(slug=OWNER)
        data = json.loads((HERE / "ai-literacy-items.json").read_text())
        items = [qti.Item.from_json(entry["item"]) for entry in data["items"]]
        package = io.BytesIO()
        write_qti_package(data["title"], items, package)
        package.seek(0)
        report = packaging.import_package(
            SYSTEM,
            owner,
            package,
            name="ai-literacy-items.zip",
            licence="CC-BY-4.0",
            title={"en": data["title"]},
            subjects=["Artificial intelligence"],
        )
        codes = sorted({entry["skill"] for entry in data["items"]})
        skills = {
            s.human_coding_scheme: s
            for s in Skill.objects.filter(human_coding_scheme__in=codes, framework__builtin=True)
        }
        for code in codes:
            catalog.align(SYSTEM, report.version, skills[code], "assesses")
        # The bank's last item checks what a learner can explain unaided: no AI help.
        last = report.version.items.order_by("-position").values_list("identifier", flat=True)
        catalog.forbid_ai(SYSTEM, report.version, last[:1])
        version = catalog.publish_version(SYSTEM, report.version)
        bank = practice.create_bank(
            SYSTEM,
            owner,
            "AI literacy practice",
            version,
            {entry["item"]["identifier"]: [skills[entry["skill"]]] for entry in data["items"]},
        )
        _class_practises(owner, bank)


def _class_practises(owner: Organisation, bank: ItemBank) -> None:
    """Each classmate answers right with a chance of their own, so the class spreads out."""
    rng = np.random.default_rng(7)
    for username, name, ability, answers in CLASS:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, last = name.split(" ", 1)
            user = User.objects.create_user(username, "", None, first_name=first, last_name=last)
            core.add_member(SYSTEM, owner, user, [Role.LEARNER])
        learner = practice.learner_for(user, owner)
        for _ in range(answers):
            step = practice.next_item(learner, bank)
            assert step is not None
            item = qti.Item.from_json(step.item.item.data)
            chance = min(0.95, ability + 0.2 * step.mastery)
            right = bool(rng.random() < chance)
            response = item.correct if right else _wrong(item, rng)
            practice.answer(learner, bank, step.item.pk, response, uuid.uuid4())


def _wrong(item: qti.Item, rng: np.random.Generator) -> list[str]:
    if item.interaction == "text_entry":
        return ["data"]
    if item.interaction == "order":
        return list(reversed(item.correct))
    others = [c.id for c in item.choices if c.id not in item.correct]
    return [others[int(rng.integers(len(others)))]]
