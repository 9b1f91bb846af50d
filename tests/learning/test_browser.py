"""Practice and the class in the browser: a learner answers, sees mastery move and the reason
for the next item; the teacher sees the class heatmap and a skill's curve."""

import re

import pytest
from playwright.sync_api import expect

from edubridge.learning.models import Answer
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_practises_and_the_teacher_sees_the_class(page, bank, pupil, teacher):
    sign_in(page, "a.learner")
    page.get_by_role("link", name="Practice").click()
    page.get_by_role("link", name="AI practice").click()
    expect(page.locator(".reason")).to_contain_text("Practising CFS.3.U AI foundations")
    expect(page.locator(".reason")).to_contain_text("mastery 0.10, prerequisites met")
    page.get_by_label("Beta").check()
    page.get_by_role("button", name="Answer").click()
    expect(page.locator("#practice [role=status]")).to_contain_text(re.compile("Right.|Not quite"))
    assert Answer.objects.count() == 1
    expect(page.locator(".mastery")).to_contain_text("CFS.3.U AI foundations")
    answered = Answer.objects.get()
    shown = f"{answered.mastery[answered.item.skills.get().identifier]:.2f}"
    expect(page.locator(".mastery")).to_contain_text(shown)
    # The next item arrived in place (HTMX): a new answer id, on the same page.
    expect(page.get_by_role("button", name="Answer")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "a.teacher")
    page.goto(f"/learning/{bank.identifier}/class/")
    heatmap = page.get_by_role("table")
    expect(heatmap).to_contain_text("Amani")
    expect(heatmap.locator("td.m-none").first).to_have_text("–")
    page.get_by_role("link", name="CFS.3.U").first.click()
    expect(page.get_by_role("img", name="Mean mastery after each answer")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(shown)


def test_practice_works_in_arabic_right_to_left(page, bank, pupil):
    sign_in(page, "a.learner")
    page.goto(f"/learning/{bank.identifier}/")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#practice form button")).to_be_visible()
    expect(page.locator(".reason")).not_to_contain_text("Practising")


def test_a_curator_makes_a_practice_bank(page, bank, curator, skills):
    bank.version.alignments.create(item=skills["CFS.3.U"], alignment_type="assesses")
    sign_in(page, "a.curator")
    page.goto("/learning/")
    page.get_by_role("link", name="New practice bank").click()
    page.get_by_role("link", name="Use these items").first.click()
    page.get_by_label("Name", exact=True).fill("Foundations drill")
    page.get_by_label("Question f1: CFS.3.U AI foundations").check()
    page.get_by_role("button", name="Make the bank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foundations drill")
    expect(page.get_by_role("heading", level=2).first).to_have_text("Question f1")
