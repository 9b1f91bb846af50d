"""Consent by purpose: given by the person or a guardian, withdrawn, asked before the
processing that needs it; the guardian's page needs no account and speaks their language."""

import re

import pytest
from django.test import Client

from edubridge.core.errors import DomainError
from edubridge.core.models import AuditEntry, Role
from edubridge.governance import consent
from edubridge.governance.models import Consent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_person_consents_for_a_scope_and_withdraws(org_b, member):
    learner = member(org_b, Role.LEARNER, username="wanjiku")
    given = consent.give(learner, learner, org_b, "transfer-abroad", "training-records")
    assert consent.has(learner, org_b, "transfer-abroad", "training-records")
    assert not consent.has(learner, org_b, "transfer-abroad", "practice")
    assert given.rule == "KE v1" and not given.by_guardian
    with pytest.raises(DomainError, match="already given"):
        consent.give(learner, learner, org_b, "transfer-abroad", "training-records")
    consent.withdraw(learner, given)
    assert not consent.has(learner, org_b, "transfer-abroad", "training-records")
    with pytest.raises(DomainError, match="has not consented"):
        consent.require_consent(learner, org_b, "research")
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "consent.give" in actions and "consent.withdraw" in actions


def test_no_one_consents_for_another_adult(org_a, org_b, member, admin_b):
    learner = member(org_b, Role.LEARNER, username="wanjiku")
    with pytest.raises(DomainError, match="Only the person, or their guardian"):
        consent.give(admin_b, learner, org_b, "research")
    recorded = consent.give(admin_b, learner, org_b, "research", guardian="Mary Wanjiku")
    assert recorded.by_guardian and recorded.guardian_name == "Mary Wanjiku"
    with pytest.raises(DomainError, match="not a member"):
        consent.give(admin_b, learner, org_a, "research", guardian="Mary Wanjiku")
    with pytest.raises(DomainError, match="purpose: 'ads'"):
        consent.give(learner, learner, org_b, "ads")


def test_the_consent_page_asks_the_age_of_digital_consent(org_b, member):
    learner = member(org_b, Role.LEARNER, username="wanjiku")
    browser = client_for(learner)
    page = browser.get("/consent/").content.decode()
    assert "I am 18 or older" in page  # Kenya's age, from its pack
    form = {"organisation": "org-b", "purpose": "research"}
    refused = browser.post("/consent/", form, follow=True).content.decode()
    assert "your parent or guardian consents for you" in refused
    assert not Consent.objects.exists()
    browser.post("/consent/", {**form, "adult": "1"})
    assert consent.has(learner, org_b, "research")
    browser.post("/consent/", form)
    assert not consent.has(learner, org_b, "research")


def test_a_guardian_consents_through_a_link_in_their_language(org_b, member, admin_b):
    child = member(org_b, Role.LEARNER, username="kamau", first_name="Kamau")
    admin = client_for(admin_b)
    made = admin.post(
        "/consent/",
        {"link": "1", "username": "kamau", "purpose": "transfer-abroad", "language": "fr"},
    ).content.decode()
    url = re.search(r'href="(http://testserver/consent/guardian/[^"]+)"', made).group(1)
    guardian = Client()
    page = guardian.get(url).content.decode()
    assert 'lang="fr"' in page and "Kamau" in page
    assert "Consentement pour votre enfant" in page
    guardian.post(url, {"guardian": "Njeri Kamau", "agree": "on"})
    given = Consent.objects.get()
    assert given.by_guardian and given.guardian_name == "Njeri Kamau" and given.person == child
    guardian.post(url, {"withdraw": "1"})
    assert not consent.has(child, org_b, "transfer-abroad")
    forged = guardian.get(url[:-3] + "abc/")
    assert forged.status_code == 404
    outsider = client_for(member(org_b, Role.TEACHER, username="t"))
    refused = outsider.post(
        "/consent/", {"link": "1", "username": "kamau", "purpose": "research", "language": "en"}
    ).content.decode()
    assert "/consent/guardian/" not in refused
