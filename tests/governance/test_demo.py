"""The demo: transfers between China, Kenya, Brazil and Indonesia decided with reasons, and
an agreement that changes a decision once its second party signs."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from edubridge.core.models import Organisation
from edubridge.core.policy import SYSTEM
from edubridge.governance import demo, services
from edubridge.governance.models import Agreement, Outcome, TransferDecision


@pytest.fixture
def orgs(db):
    call_command("demo", "--no-serve")
    return {o.slug: o for o in Organisation.objects.all()}


def test_demo_transfers_are_decided_with_reasons(orgs):
    logged = {
        (d.source.slug, d.destination.slug, d.dataset): d for d in TransferDecision.objects.all()
    }
    assert set(logged) == set(demo.CHECKS)
    cascade = logged["huaxia-ttu", "rift-valley-tc", "training-records"]
    assert cascade.outcome == Outcome.CONDITIONS
    assert cascade.conditions == ["pseudonymise", "consented_only"]
    assert any("PIPL" in reason for reason in cascade.reasons)
    assert logged["rift-valley-tc", "huaxia-ttu", "members"].outcome == Outcome.DENY
    assert logged["aurora-escolas", "nusantara-dl", "practice"].conditions == ["aggregate"]
    assert logged["nusantara-dl", "huaxia-ttu", "learning-records"].remedies
    call_command("demo", "--no-serve")
    assert TransferDecision.objects.count() == len(demo.CHECKS)
    assert Agreement.objects.count() == 2


def test_dewi_signing_the_study_changes_the_decision(orgs):
    brazil, indonesia = orgs["aurora-escolas"], orgs["nusantara-dl"]
    before = services.check(SYSTEM, brazil, indonesia, "practice")
    assert before.conditions == ["aggregate"]
    study = Agreement.objects.get(title=demo.STUDY)
    services.sign(User.objects.get(username="dewi.pratama"), study, indonesia)
    after = services.check(SYSTEM, brazil, indonesia, "practice")
    assert after.outcome == Outcome.CONDITIONS and after.agreement == study
    assert after.conditions == ["pseudonymise"]
    assert any("LGPD" in reason for reason in after.reasons)
