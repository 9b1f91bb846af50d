"""In the browser: a Kenyan translator works in the editor with the keyboard and never loses
a draft; an Egyptian reviewer reviews an Arabic (RTL) localisation; a reviewer signs off."""

import re

import pytest
from playwright.sync_api import expect

from edubridge.localization import services
from edubridge.localization.models import FindingStatus
from tests.conftest import sign_in
from tests.localization.conftest import finish_translation, translating


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_translating_with_the_keyboard_and_a_suggestion(page, project, people):
    translating(project, people)
    sign_in(page, people["translator_b"].username)
    page.get_by_role("link", name="Localisation").click()
    page.get_by_role("link", name="Sorting farm animals").click()
    page.get_by_role("link", name="Translate", exact=True).click()
    boxes = page.get_by_label("Translation")
    first = boxes.nth(0)
    first.fill("Kupanga wanyama wa shambani")
    first.press("Control+Enter")
    unit = page.locator("article.unit").nth(0)
    expect(unit.get_by_role("status")).to_have_text("Saved")
    expect(boxes.nth(1)).to_be_focused()
    page.reload()
    # The page's <title> has the same source: the memory offers the saved translation.
    third = page.locator("article.unit").nth(2)
    third.get_by_role("button", name=re.compile(r"Use 1 \(100%\)")).click()
    expect(third.get_by_label("Translation")).to_have_value("Kupanga wanyama wa shambani")
    third.get_by_label("Translation").press("Control+Enter")
    expect(third.get_by_role("status")).to_have_text("Saved")
    assert project.units.get(key="file:lesson.html#/html/head/title").origin == "memory"
    expect(page.locator("article.unit").nth(3).get_by_label("Translation")).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("article.unit").nth(2).get_by_label("Translation")).to_be_focused()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_unsaved_draft_survives_a_reload(page, project, people):
    translating(project, people)
    sign_in(page, people["translator_b"].username)
    page.goto(f"/l10n/projects/{project.identifier}/translate/")
    box = page.get_by_label("Translation").nth(3)
    box.fill("Rasimu ambayo haijahifadhiwa")
    page.reload()
    expect(page.get_by_label("Translation").nth(3)).to_have_value("Rasimu ambayo haijahifadhiwa")
    assert not project.units.exclude(target="").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewing_an_arabic_localisation(page, version, org_b, people, frameworks):
    project = services.open_project(people["lead_b"], version, org_b, "ar-EG")
    project = finish_translation(project, people)
    sign_in(page, people["reviewer_b"].username)
    page.goto(f"/l10n/projects/{project.identifier}/translate/")
    expect(page.get_by_label("Translation").first).to_have_attribute("dir", "rtl")
    page.goto(f"/l10n/projects/{project.identifier}/")
    page.get_by_role("link", name=re.compile("Cultural review")).click()
    finding = page.locator("article.finding").first
    expect(finding).to_contain_text("Why it matters")
    finding.get_by_label("Waived").check()
    finding.get_by_role("button", name="Save the decision").click()
    expect(page.locator("article.finding").first.get_by_role("alert")).to_contain_text("say why")
    finding = page.locator("article.finding").first
    finding.get_by_label("Adapted").check()
    finding.get_by_label("Reason").fill("Replaced pigs with camels in the example.")
    finding.get_by_role("button", name="Save the decision").click()
    expect(page.locator("article.finding").first.get_by_role("status")).to_contain_text(
        "Adapted: Replaced pigs with camels"
    )
    assert project.findings.filter(status=FindingStatus.ADAPTED).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signing_off_publishes_the_localised_version(page, project, people):
    project = finish_translation(project, people)
    for finding in project.findings.all():
        services.resolve_finding(people["reviewer_b"], finding, FindingStatus.NOT_APPLICABLE)
    sign_in(page, people["reviewer_b"].username)
    page.goto(f"/l10n/projects/{project.identifier}/")
    page.get_by_role("button", name="Finish this stage").click()
    expect(page.get_by_role("status")).to_contain_text("Moved on to: Sign-off")
    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Localisation report")
    expect(page.locator("dl.facts")).to_contain_text("Wanjiru Kamau")
    page.get_by_role("link", name="Kupanga wanyama wa shambani").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kupanga wanyama wa shambani")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_lesson_for_egypt_from_review_to_sign_off(page, countries):
    """The demo as a newcomer meets it: Huaxia's lesson in Arabic, reviewed and signed off."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from edubridge.localization.models import Project

    call_command("demo", "--no-serve")
    egypt = Project.objects.get(target_language="ar-EG")
    amira = User.objects.get(username="amira.hassan")
    page.goto("/login/")
    page.get_by_label("Username").fill("amira.hassan")
    page.get_by_label("Password").fill("edubridge-demo")
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Localisation").click()
    page.get_by_role("row", name=re.compile("ar-EG")).get_by_role("link").click()
    page.get_by_role("link", name=re.compile("Re-alignment")).click()
    expect(page.locator("tr.mapping.gap")).to_contain_text("secondary stage")
    page.go_back()
    page.get_by_role("link", name=re.compile("Cultural review")).click()
    finding = page.locator("article.finding").first
    finding.get_by_label("Adapted").check()
    finding.get_by_label("Reason").fill("Adapted for Egyptian classrooms.")
    finding.get_by_role("button", name="Save the decision").click()
    expect(page.locator("article.finding").first.get_by_role("status")).to_contain_text("Adapted")
    for open_finding in egypt.findings.filter(status=FindingStatus.OPEN):
        services.resolve_finding(amira, open_finding, FindingStatus.ADAPTED, "Adapted.")
    page.goto(f"/l10n/projects/{egypt.identifier}/")
    page.get_by_role("button", name="Finish this stage").click()
    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Localisation report")
    page.locator("dl.facts").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "الذكاء الاصطناعي في الحياة اليومية: درس أول"
    )
