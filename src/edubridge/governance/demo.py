"""The demo's data-sharing agreements and transfer decisions.

Huaxia (China) and Rift Valley (Kenya) share the training records and credentials of the
seed-teacher cascade under an agreement both have signed, with the safeguards China's and
Kenya's laws ask of a transfer abroad. Aurora (Brazil) has proposed to share practice data
with Nusantara (Indonesia) for a joint study and signed; Nusantara has not yet, so until
dewi.pratama signs, only aggregates may go. Loading twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM
from edubridge.governance import packs, services
from edubridge.governance.models import Agreement, TransferDecision

CASCADE = "Seed-teacher cascade: training records and credentials"
STUDY = "Joint study of AI-literacy practice"
CHECKS = [
    ("huaxia-ttu", "rift-valley-tc", "training-records"),
    ("rift-valley-tc", "huaxia-ttu", "members"),
    ("aurora-escolas", "nusantara-dl", "practice"),
    ("nusantara-dl", "huaxia-ttu", "learning-records"),
]


def load() -> None:
    packs.ensure_loaded()
    orgs = {o.slug: o for o in Organisation.objects.all()}
    people = {
        u.username: u
        for u in User.objects.filter(username__in=["li.wei", "wanjiru.kamau", "ana.souza"])
    }
    today = timezone.localdate()
    with transaction.atomic():
        if not Agreement.objects.filter(title=CASCADE).exists():
            cascade = services.propose(
                people["li.wei"],
                orgs["huaxia-ttu"],
                orgs["rift-valley-tc"],
                title=CASCADE,
                purposes="Follow each Kenyan seed teacher through the programme and its "
                "cascade; issue and verify their credentials.",
                datasets=["training-records", "credentials"],
                mutual=True,
                legal_basis="consent",
                safeguards=[
                    "notify_subjects",
                    "impact_assessment",
                    "contract_clauses",
                    "authority_filing",
                    "record_of_transfers",
                ],
                authority_reference="Standard contract filed with the provincial CAC (demo)",
                starts_on=today - timedelta(days=90),
                expires_on=today + timedelta(days=3 * 365),
            )
            services.sign(people["li.wei"], cascade, orgs["huaxia-ttu"])
            services.sign(people["wanjiru.kamau"], cascade, orgs["rift-valley-tc"])
        if not Agreement.objects.filter(title=STUDY).exists():
            study = services.propose(
                people["ana.souza"],
                orgs["aurora-escolas"],
                orgs["nusantara-dl"],
                title=STUDY,
                purposes="Compare how pupils in Brazil and Indonesia master AI-literacy skills.",
                datasets=["practice"],
                legal_basis="research",
                safeguards=["contract_clauses", "notify_subjects"],
                starts_on=today,
                expires_on=today + timedelta(days=365),
            )
            services.sign(people["ana.souza"], study, orgs["aurora-escolas"])
        if not TransferDecision.objects.exists():
            for source, destination, kind in CHECKS:
                services.check(SYSTEM, orgs[source], orgs[destination], kind)
