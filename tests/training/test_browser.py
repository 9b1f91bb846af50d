"""In the browser: a trainer builds a programme; a Kenyan seed teacher enrols and submits
evidence; the trainer takes attendance on a phone and scores it, which issues the
credential; anyone verifies it, and a tampered copy fails on its signature."""

import re

import pytest
from playwright.sync_api import expect

from edubridge.training.models import Credential
from tests.conftest import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_trainer_builds_a_programme(page, trainer_a, cft):
    sign_in(page, trainer_a.username)
    page.get_by_role("link", name="Training").click()
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Title").fill("Managing AI in schools")
    page.get_by_label("Audience").select_option("managers")
    page.get_by_label("Language (BCP 47 tag, e.g. en, sw, zh-Hans)").fill("fr")
    page.get_by_role("button", name="Create the programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Managing AI in schools")
    page.get_by_text("Add a competency").click()
    page.get_by_label("Competency").select_option(label="CFT.2.D Safe and responsible use")
    page.get_by_label("Evidence asked").fill("A school policy on AI tools")
    page.get_by_role("button", name="Add", exact=True).first.click()
    expect(page.get_by_role("table")).to_contain_text("A school policy on AI tools")
    expect(page.get_by_role("table")).to_contain_text("Deepen")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_enrol_submit_score_issue_and_verify(page, browser, live_server, cohort, seed, trainer_a):
    sign_in(page, seed.username)
    page.goto(f"/training/cohorts/{cohort.identifier}/")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled")
    page.get_by_role("link", name="Your evidence and profile").click()
    for n in range(2):
        section = page.locator("section.requirement").nth(n)
        section.get_by_text("Submit evidence").click()
        form = section.locator("form")
        form.get_by_label("Kind").select_option("reflection")
        form.get_by_label("Text").fill("I used an AI tool with my class and checked it.")
        form.get_by_role("button", name="Submit").click()
        expect(page.get_by_role("status")).to_contain_text("Evidence submitted")
    expect(page.locator(".evidence")).to_have_count(2)
    profile = page.url

    phone = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 360, "height": 740}
    )
    trainer = phone.new_page()
    sign_in(trainer, trainer_a.username)
    trainer.goto(f"/training/cohorts/{cohort.identifier}/")
    trainer.get_by_role("link", name="Take attendance").click()
    trainer.get_by_label(seed.get_full_name()).check()
    trainer.get_by_role("button", name="Save attendance").click()
    expect(trainer.get_by_role("status")).to_contain_text("1 of 1 present")
    trainer.goto(profile)
    for n in range(2):
        form = trainer.locator("form.score-form").nth(n)
        form.get_by_label("4 · exemplary").check()
        form.get_by_role("button", name="Save the score").click()
    expect(trainer.get_by_role("status")).to_contain_text("the credential is issued")
    expect(trainer.locator("section.credential")).to_contain_text(
        "Open Badges 3.0 credential issued"
    )
    phone.close()

    token = Credential.objects.get().jwt
    page.goto("/credentials/verify")
    page.get_by_label("Credential (the VC-JWT text)").fill(token)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#result-h")).to_contain_text("Verified")
    head, body, signature = token.split(".")
    page.get_by_label("Credential (the VC-JWT text)").fill(f"{head}.{body[:-4]}AAAA.{signature}")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile("the (signature|format) check failed")
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_cascade_report_draws_the_tree(page, cohort, trainer_a):
    sign_in(page, trainer_a.username)
    page.goto(f"/training/programmes/{cohort.programme.identifier}/cascade/")
    expect(page.get_by_role("img", name=re.compile("Cascade of"))).to_be_visible()
    expect(page.locator("ul.tree")).to_contain_text(cohort.title)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seed_teacher_runs_the_programme_at_home(page, cohort, seed, trainer_a, org_b):
    from tests.training.conftest import complete

    complete(cohort, seed, trainer_a)  # on the seed-teacher track
    sign_in(page, seed.username)
    page.goto(f"/training/programmes/{cohort.programme.identifier}/")
    page.get_by_role("link", name="Run a cohort").click()
    page.get_by_label("Title").fill("Nakuru teachers")
    page.get_by_label("Mode").select_option("going-out")
    page.get_by_label("Country where it runs").select_option("KE")
    page.get_by_label("Starts").fill("2026-12-01")
    page.get_by_label("Ends").fill("2026-12-20")
    page.get_by_label("Language (BCP 47 tag)").fill("sw")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nakuru teachers")
    expect(page.locator("dl.facts")).to_contain_text(
        f"Its trainer was a seed teacher in {cohort.title}"
    )
    expect(page.locator("dl.facts")).to_contain_text(org_b.name)
