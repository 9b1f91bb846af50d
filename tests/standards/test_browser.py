"""Importing, browsing, reviewing and signing a crosswalk in the browser, as two partners."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

import edubridge.standards
from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.standards import crosswalks, services
from edubridge.standards.models import Crosswalk, CrosswalkStatus, Framework, LinkStatus
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO = Path(edubridge.standards.__file__).resolve().parent / "demo"


@pytest.fixture
def partners(org_a, org_b, member):
    curator = member(org_a, Role.CURATOR, username="a.curator")
    reviewer = member(org_b, Role.REVIEWER, username="b.reviewer")
    return curator, reviewer


def test_a_curator_imports_a_case_file_and_browses_it(page, partners, tmp_path):
    sign_in(page, "a.curator")
    page.goto("/frameworks/import/")
    page.get_by_label("CASE package (JSON)").set_input_files(str(DEMO / "ke-ai-literacy.json"))
    page.get_by_label("Maintained by").select_option(label="Org A University")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("21 items added")
    page.get_by_role("link", name="Open the framework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kenya Junior School AI Literacy (demo)"
    )
    page.get_by_label("Search by code or text").fill("KE.AI.2.2")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("Identify personal data")
    expect(page.locator("main h2")).to_have_text("1 match")


def test_a_broken_file_is_refused_with_its_json_path(page, partners, tmp_path):
    broken = tmp_path / "broken.json"
    package = json.loads((DEMO / "ke-ai-literacy.json").read_text())
    del package["CFItems"][3]["fullStatement"]
    broken.write_text(json.dumps(package))
    sign_in(page, "a.curator")
    page.goto("/frameworks/import/")
    page.get_by_label("CASE package (JSON)").set_input_files(str(broken))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("$.CFItems[3].fullStatement: required")
    assert not Framework.objects.exists()


def test_review_with_the_keyboard_then_both_partners_sign(page, partners, org_a, org_b):
    source = services.import_package(
        SYSTEM, (DEMO / "ke-ai-literacy.json").read_bytes(), organisation=org_a
    ).framework
    target = services.import_package(
        SYSTEM, (DEMO / "id-ai-informatics.json").read_bytes(), organisation=org_b
    ).framework
    crosswalk = crosswalks.open_crosswalk(partners[0], source, target)
    crosswalks.suggest(partners[0], crosswalk)

    sign_in(page, "a.curator")
    page.goto("/crosswalks/")
    page.get_by_role("link", name=str(source)).click()
    expect(page.locator("#item-h")).to_contain_text("KE.AI.1.1")
    keys_ready = page.locator(".candidate.current")  # review.js marks a candidate once it listens
    expect(keys_ready).to_have_count(1)
    page.keyboard.press("1")
    page.keyboard.press("a")  # accept the first candidate, in place
    expect(page.locator("#review")).to_contain_text("1 accepted")
    page.keyboard.press("n")
    expect(page.locator("#item-h")).to_contain_text("KE.AI.1.2")
    expect(keys_ready).to_have_count(1)
    page.keyboard.press("r")
    expect(page.locator("#review")).to_contain_text("Rejected")
    page.get_by_role("button", name="Sign for Org A University").click()
    expect(page.locator(".signoff")).to_contain_text("Org A University: signed by a.curator")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "b.reviewer")
    page.goto(f"/crosswalks/{crosswalk.pk}/")
    page.get_by_role("button", name="Sign for Org B College").click()
    expect(page.locator("main")).to_contain_text("Published agreement")
    crosswalk.refresh_from_db()
    assert crosswalk.status == CrosswalkStatus.PUBLISHED
    assert crosswalk.links.filter(status=LinkStatus.ACCEPTED).count() == 1
    page.get_by_role("link", name="Coverage").click()
    expect(page.locator("main")).to_contain_text("1 of 17 outcomes have an accepted counterpart")


def test_a_curator_opens_a_crosswalk_and_picks_a_counterpart(page, partners, org_a, org_b):
    services.import_package(SYSTEM, (DEMO / "ke-ai-literacy.json").read_bytes(), organisation=org_a)
    services.import_package(
        SYSTEM, (DEMO / "id-ai-informatics.json").read_bytes(), organisation=org_b
    )
    sign_in(page, "a.curator")
    page.goto("/crosswalks/new/")
    expect(page.get_by_label("Your framework")).to_have_value(
        str(Framework.objects.get(organisation=org_a).pk)
    )
    page.get_by_label("Partner's framework").select_option(
        label="Indonesia SMP Informatics: AI elements (demo, English translation)"
    )
    page.get_by_role("button", name="Open and suggest").click()
    expect(page.locator("#item-h")).to_contain_text("KE.AI.1.1")
    page.get_by_label("Pick another counterpart").fill("spreadsheet")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Link").click()
    expect(page.locator("#review")).to_contain_text("picked by a reviewer")
    link = Crosswalk.objects.get().links.get(status=LinkStatus.ACCEPTED)
    assert link.target_item.human_coding_scheme == "INF-AI.D.05"
