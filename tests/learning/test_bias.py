"""Bias audits of fits on stored answers: a disparity planted in a class's answers holds the
model back from serving until an auditor records why it may."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from edubridge.core.errors import DomainError
from edubridge.core.models import AuditEntry, Role
from edubridge.governance import bias, consent
from edubridge.governance.models import BiasAudit, GroupAttribute
from edubridge.learning import fitting, practice
from edubridge.learning.models import ItemBank
from tests.learning.conftest import answer_right

pytestmark = pytest.mark.django_db
LEARNERS = 100


@pytest.fixture
def auditor(org_a, member):
    return member(org_a, Role.AUDITOR, username="a.auditor")


def a_class(bank, org_a, member, auditor, *, planted: bool):
    """Learners of two languages; with ``planted``, the Kiswahili speakers' answers are
    chance, unrelated to what they know: a model fitted on everyone fails them."""
    rng = np.random.default_rng(7)
    for n in range(LEARNERS):
        user = member(org_a, Role.LEARNER, username=f"pupil{n}")
        learner = practice.learner_for(user, org_a)
        language = "sw" if n % 2 else "en"
        bias.record_group(auditor, learner, "language", language)
        ability = (0.1, 0.9)[(n // 2) % 2]
        for _ in range(10):
            step = practice.next_item(learner, bank)
            p = 0.5 if planted and language == "sw" else ability
            answer_right(learner, bank, step, right=bool(rng.random() < p))


def fit() -> str:
    out = io.StringIO()
    call_command("learning", "fit", stdout=out)
    return out.getvalue()


def test_a_planted_disparity_holds_the_model_back(bank, org_a, member, auditor):
    a_class(bank, org_a, member, auditor, planted=True)
    out = fit()
    bank.refresh_from_db()
    assert bank.model is None  # the defaults keep serving
    found = BiasAudit.objects.get()
    assert found.flagged and "language:auc" in found.results["flagged"]
    by_group = found.model.card["metrics"]["by_group"]["language"]
    assert by_group["sw"]["auc"] < by_group["en"]["auc"]
    assert "Held back by its bias audit" in found.model.card["limitations"][0]
    assert "held back by its bias audit (language:auc" in out

    admin = member(org_a, Role.ADMIN, username="a.admin")
    with pytest.raises(DomainError, match="permission"):
        bias.override(admin, found, "We fitted it, so it is fine")
    with pytest.raises(DomainError, match="reason"):
        bias.override(auditor, found, "  ")
    bias.override(auditor, found, "Kiswahili items are being re-translated; serve meanwhile")
    bank.refresh_from_db()
    assert bank.model == found.model
    assert AuditEntry.objects.filter(action="bias.override", actor=auditor).exists()
    with pytest.raises(DomainError, match="holds nothing back"):
        bias.override(auditor, found, "again")


def test_an_even_class_is_served_with_its_metrics_by_group(bank, org_a, member, auditor):
    a_class(bank, org_a, member, auditor, planted=False)
    fit()
    bank.refresh_from_db()
    found = BiasAudit.objects.get()
    assert not found.flagged, found.results
    assert bank.model == found.model
    card = bank.model.card["metrics"]
    assert set(card["by_group"]["language"]) == {"sw", "en"}
    assert card["disparity"]["ratios"]["language"]["auc"] >= 0.8
    assert "mastery_rate" in card["by_group"]["language"]["sw"]


def test_groups_are_kept_for_auditors_and_gender_only_with_consent(org_a, member, auditor):
    learner = practice.learner_for(member(org_a, Role.LEARNER, username="p"), org_a)
    teacher = member(org_a, Role.TEACHER, username="t")
    with pytest.raises(DomainError, match="permission"):
        bias.record_group(teacher, learner, "language", "sw")
    with pytest.raises(DomainError, match="consent to gender-audit"):
        bias.record_group(auditor, learner, "gender", "girl")
    given = consent.give(learner.user, learner.user, org_a, "gender-audit")
    assert bias.record_group(auditor, learner, "gender", "girl").consented
    consent.withdraw(learner.user, given)  # the processing it allowed stops: the group goes
    assert not GroupAttribute.objects.filter(attribute="gender").exists()
    with pytest.raises(DomainError, match="attribute: 'religion'"):
        bias.record_group(auditor, learner, "religion", "x")


def test_a_fit_without_groups_is_not_audited(bank, org_a, member):
    rng = np.random.default_rng(0)
    for n in range(fitting.MIN_LEARNERS + 2):
        learner = practice.learner_for(member(org_a, Role.LEARNER, username=f"q{n}"), org_a)
        for _ in range(5):
            step = practice.next_item(learner, bank)
            answer_right(learner, bank, step, right=bool(rng.random() < 0.6))
    fit()
    assert not BiasAudit.objects.exists() and ItemBank.objects.get().model is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_auditor_reads_a_held_back_model_and_lets_it_serve(page, bank, org_a, member, auditor):
    from playwright.sync_api import expect

    from tests.conftest import sign_in

    a_class(bank, org_a, member, auditor, planted=True)
    fit()
    sign_in(page, auditor.username)
    page.goto("/governance/transfers/")
    page.get_by_role("link", name="Bias audits").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("held back")
    expect(row).to_contain_text("language:auc")
    row.get_by_role("link").click()
    expect(page.locator("table tbody th", has_text="sw")).to_be_visible()
    expect(page.get_by_text("below the threshold").first).to_be_visible()
    page.get_by_label("Why this model may serve despite the disparity").fill(
        "Kiswahili items are being re-translated; serve meanwhile"
    )
    page.get_by_role("button", name="Record the override").click()
    expect(page.locator(".notice")).to_contain_text("re-translated")
    assert ItemBank.objects.get().model == BiasAudit.objects.get().model


def test_a_learners_groups_go_with_their_erasure(org_a, member, auditor):
    from edubridge.core.policy import SYSTEM
    from edubridge.governance import personal_data

    user = member(org_a, Role.LEARNER, username="leaving")
    learner = practice.learner_for(user, org_a)
    bias.record_group(auditor, learner, "language", "sw")
    personal_data.erase(SYSTEM, user)
    assert not GroupAttribute.objects.exists()
    learner.refresh_from_db()
    assert learner.user is None
