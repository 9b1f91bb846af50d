"""Demo frameworks and a crosswalk in review between two demo partners; loading twice adds nothing.

The two small AI-literacy frameworks (Kenyan and Indonesian, written for EduBridge, not
official curricula) and their gold pairs (ke-id-gold.csv) are also the alignment gold set.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from edubridge.core.models import Country, Organisation
from edubridge.core.policy import SYSTEM
from edubridge.standards import crosswalks, services
from edubridge.standards.models import Crosswalk, Item

HERE = Path(__file__).resolve().parent
FRAMEWORKS = [
    ("ke-ai-literacy.json", "rift-valley-tc", "KE"),
    ("id-ai-informatics.json", "nusantara-dl", "ID"),
]
# The Kenyan administrator has accepted the first few gold pairs; the rest await review.
REVIEWED = 5


def load() -> None:
    with transaction.atomic():
        frameworks = []
        for name, slug, country in FRAMEWORKS:
            organisation = Organisation.objects.get(slug=slug)
            report = services.import_package(
                SYSTEM,
                (HERE / name).read_bytes(),
                organisation=organisation,
                country=Country.objects.get(code=country),
            )
            frameworks.append(report.framework)
        source, target = frameworks
        if Crosswalk.objects.filter(source=source, target=target).exists():
            return
        crosswalk = crosswalks.open_crosswalk(SYSTEM, source, target)
        crosswalks.suggest(SYSTEM, crosswalk)
        reviewer = User.objects.get(username="wanjiru.kamau")
        with (HERE / "ke-id-gold.csv").open() as handle:
            for row in list(csv.DictReader(handle))[:REVIEWED]:
                crosswalks.link_items(
                    reviewer,
                    crosswalk,
                    Item.objects.get(identifier=row["source_identifier"]),
                    Item.objects.get(identifier=row["target_identifier"]),
                )
