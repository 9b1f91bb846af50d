"""Demo localisation: Huaxia's lesson "AI in daily life" localised for Kenya and for Egypt.

Loads a Chinese and an Egyptian demo framework (written for EduBridge, not official
curricula), published crosswalks from the Chinese one to the Kenyan and Egyptian ones, the
lesson with three assessment items, glossaries, and projects at different stages: Kenya
(Kiswahili) being translated, Egypt (Arabic) in cultural review, Brazil being re-aligned.
Loading twice adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from edubridge.catalog import services as catalog
from edubridge.catalog.models import Resource
from edubridge.catalog.packages import qti
from edubridge.core.models import Country, Organisation
from edubridge.core.policy import SYSTEM
from edubridge.localization import inline, realign, services
from edubridge.localization.models import FindingStatus, Mapping, MappingStatus, Project, Stage
from edubridge.standards import crosswalks
from edubridge.standards import services as standards
from edubridge.standards.models import Crosswalk, Framework, Item, Relation

HERE = Path(__file__).resolve().parent
RELATIONS = {"exact": Relation.EXACT, "related": Relation.RELATED}
_SPACE = re.compile(r"\s+")


def _framework(name: str, slug: str, country: str) -> Framework:
    report = standards.import_package(
        SYSTEM,
        (HERE / name).read_bytes(),
        organisation=Organisation.objects.get(slug=slug),
        country=Country.objects.get(code=country),
    )
    return report.framework


def _crosswalk(source: Framework, target: Framework, links: str, signers: tuple[str, str]) -> None:
    if Crosswalk.objects.filter(source=source, target=target).exists():
        return
    first, second = (User.objects.get(username=u) for u in signers)
    crosswalk = crosswalks.open_crosswalk(SYSTEM, source, target)
    with (HERE / links).open() as handle:
        for row in csv.DictReader(handle):
            crosswalks.link_items(
                first,
                crosswalk,
                Item.objects.get(identifier=row["source_identifier"]),
                Item.objects.get(identifier=row["target_identifier"]),
                RELATIONS[row["relation"]],
            )
    crosswalks.sign(first, crosswalk, crosswalk.organisation)
    crosswalks.sign(second, crosswalk, crosswalk.partner)


def _lesson(framework: Framework) -> Resource:
    meta = json.loads((HERE / "meta.json").read_text())
    owner = Organisation.objects.get(slug="huaxia-ttu")
    resource = catalog.create_resource(
        SYSTEM,
        owner,
        kind="lesson",
        title=meta["title"],
        description=meta["description"],
        languages=["en", "zh-Hans"],
        country="CN",
        licence="CC-BY-4.0",
        subjects=["Artificial intelligence"],
        education_levels=["lower secondary"],
        age_min=12,
        age_max=15,
        learning_minutes=45,
        accessibility=["alternativeText", "structuralNavigation"],
    )
    page = (HERE / "lesson.html").read_bytes()
    version = catalog.create_version(
        SYSTEM,
        resource,
        [catalog.Upload("lesson.html", io.BytesIO(page), "text/html")],
        changelog="First release",
    )
    items = [qti.Item.from_json(d) for d in json.loads((HERE / "items.json").read_text())]
    catalog.add_items(SYSTEM, version, items)
    for code in meta["aligned_codes"]:
        catalog.align(SYSTEM, version, framework.items.get(human_coding_scheme=code), "teaches")
    catalog.publish_version(SYSTEM, version)
    return resource


def _glossary(organisation: str, name: str, target_language: str) -> None:
    org = Organisation.objects.get(slug=organisation)
    with (HERE / name).open() as handle:
        for row in csv.DictReader(handle):
            services.save_term(
                SYSTEM,
                org,
                "en",
                target_language,
                row["source"],
                row["target"],
                enforced=row["enforced"] == "true",
                note=row["note"],
            )


def _key(text: str) -> str:
    return _SPACE.sub(" ", inline.canonical(text, True)).strip()


def translations(name: str) -> dict[str, str]:
    return {_key(p["source"]): p["target"] for p in json.loads((HERE / name).read_text())}


def _translate(project: Project, name: str, username: str, share: float = 1.0) -> None:
    """Save the demo translations of the first ``share`` of the units, as ``username``."""
    by = User.objects.get(username=username)
    found = translations(name)
    units = list(project.units.all())
    for unit in units[: round(len(units) * share)]:
        if target := found.get(_key(unit.source)):
            services.save_unit(by, unit, target, unit.revision)


def _plan(project: Project, owners: dict[str, str]) -> None:
    today = date.today()
    lead = User.objects.get(username=owners[Stage.REALIGN])
    for n, (stage, username) in enumerate(owners.items(), start=1):
        services.plan_stage(
            lead,
            project,
            stage,
            owner=User.objects.get(username=username),
            due=today + timedelta(days=7 * n),
        )


def load() -> None:
    with transaction.atomic():
        if Project.objects.exists():
            return
        cn = _framework("cn-ai-literacy.json", "huaxia-ttu", "CN")
        eg = _framework("eg-ai-literacy.json", "nile-institute", "EG")
        ke = Framework.objects.get(title__startswith="Kenya Junior School AI Literacy")
        _crosswalk(cn, ke, "cn-ke-links.csv", ("li.wei", "wanjiru.kamau"))
        _crosswalk(cn, eg, "cn-eg-links.csv", ("li.wei", "amira.hassan"))
        version = _lesson(cn).versions.get()
        _glossary("rift-valley-tc", "glossary-sw.csv", "sw-KE")
        _glossary("nile-institute", "glossary-ar.csv", "ar-EG")
        curator = User.objects.get(username="zhang.min")

        kenya = services.open_project(
            curator, version, Organisation.objects.get(slug="rift-valley-tc"), "sw-KE", framework=ke
        )
        _plan(
            kenya,
            {
                Stage.REALIGN: "wanjiru.kamau",
                Stage.TRANSLATE: "otieno.odhiambo",
                Stage.REVIEW: "wanjiru.kamau",
                Stage.SIGNOFF: "wanjiru.kamau",
            },
        )
        wanjiru = User.objects.get(username="wanjiru.kamau")
        for mapping in Mapping.objects.filter(project=kenya, status=MappingStatus.OPEN):
            found = realign.candidates(mapping.source_item, ke)
            services.decide_mapping(wanjiru, mapping, target_item=found[0].item)
        kenya = services.advance(wanjiru, kenya)
        _translate(kenya, "sw.json", "otieno.odhiambo", share=0.6)

        egypt = services.open_project(
            curator, version, Organisation.objects.get(slug="nile-institute"), "ar-EG", framework=eg
        )
        amira = User.objects.get(username="amira.hassan")
        _plan(
            egypt,
            dict.fromkeys(
                [Stage.REALIGN, Stage.TRANSLATE, Stage.REVIEW, Stage.SIGNOFF], "amira.hassan"
            ),
        )
        for mapping in Mapping.objects.filter(project=egypt, status=MappingStatus.OPEN):
            services.decide_mapping(
                amira,
                mapping,
                gap="Programming games and robots is taught in the secondary stage in Egypt,"
                " not in the preparatory stage.",
            )
        egypt = services.advance(amira, egypt)
        _translate(egypt, "ar.json", "amira.hassan")
        egypt = services.advance(amira, egypt)
        for finding in egypt.findings.filter(rule__category="calendar"):
            services.resolve_finding(
                amira, finding, FindingStatus.NOT_APPLICABLE, "Day-first dates, as in Egypt."
            )

        ethics = Resource.objects.filter(owner__slug="nile-institute").first()
        if ethics is not None:
            services.open_project(
                User.objects.get(username="ana.souza"),
                ethics.versions.get(number=1),
                Organisation.objects.get(slug="aurora-escolas"),
                "pt-BR",
            )
