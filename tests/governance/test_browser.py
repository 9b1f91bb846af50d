"""Governance pages as people use them: Debian's chromium driven by Playwright."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from edubridge.governance.models import Agreement
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partners_compare_privacy_rules_and_take_them_to_a_meeting(page, countries):
    page.goto("/")
    page.get_by_role("link", name="Privacy rules").click()
    page.get_by_label("China: Personal Information Protection Law").check()
    page.get_by_label("Kenya: Data Protection Act").check()
    page.get_by_label("Brazil").check()
    page.get_by_role("button", name="Compare").click()
    table = page.locator("table.comparison")
    expect(table.locator("thead th")).to_have_count(4)
    consent = table.locator("tr", has_text="Age of digital consent")
    expect(consent).to_have_class("differs")
    expect(consent).to_contain_text("PIPL art. 31")
    expect(consent.locator("td").first).to_contain_text("14")
    rows = table.locator("tbody tr").count()
    page.get_by_label("Only the rules that differ").check()
    page.get_by_role("button", name="Compare").click()
    expect(table.locator("tbody tr.differs").first).to_be_visible()
    assert table.locator("tbody tr").count() < rows
    with page.expect_download() as download:
        page.get_by_role("link", name="Download for the meeting (HTML)").click()
    assert download.value.suggested_filename == "privacy-rules-BR-CN-KE.html"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF (English)").click()
    assert download.value.suggested_filename == "privacy-rules-BR-CN-KE.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF-")


def test_the_comparison_reads_right_to_left_in_arabic(page, countries):
    page.goto("/governance/jurisdictions/?j=EG&j=SN")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("table.comparison")).to_be_visible()
    # The table starts at the right: its first column (the rules' names) sits right of the rest.
    first = page.locator("table.comparison tbody th").first.bounding_box()
    cell = page.locator("table.comparison tbody td").first.bounding_box()
    assert first["x"] > cell["x"]


def check(page) -> None:
    page.goto("/governance/transfers/")
    form = page.locator("form", has=page.get_by_role("button", name="Check"))
    form.get_by_label("From").select_option("org-b")
    form.get_by_label("To").select_option("org-a")
    form.get_by_label("Data").select_option("training-records")
    form.get_by_role("button", name="Check").click()


def test_both_sides_sign_an_agreement_and_the_transfer_gate_follows(
    browser, live_server, org_a, org_b, admin_a, admin_b
):
    today = timezone.localdate()
    pages = {}
    for user in (admin_a, admin_b):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        pages[user.username] = context.new_page()
        sign_in(pages[user.username], user.username)
    a, b = pages[admin_a.username], pages[admin_b.username]

    check(a)
    expect(a.get_by_role("status")).to_contain_text("Allowed with conditions: aggregate")

    b.get_by_role("link", name="Agreements").click()
    b.get_by_role("link", name="Propose an agreement").click()
    b.get_by_label("Provider (whose data)").select_option(label="Org B College")
    b.get_by_role("combobox", name="Recipient").select_option(label="Org A University")
    b.get_by_label("Title").fill("Seed teachers' records")
    b.get_by_label("Purposes").fill("Follow Kenyan seed teachers trained in China")
    b.get_by_label("Enrolments, attendance and evidence of training").check()
    b.get_by_label("Legal basis").select_option("consent")
    b.get_by_label("the authority's standard contractual clauses in the agreement").check()
    b.get_by_label("a filing with the data protection authority").check()
    b.get_by_label("a record of the transfers").check()
    b.get_by_label("Starts on").fill(today.isoformat())
    b.get_by_label("Expires on").fill((today + timedelta(days=365)).isoformat())
    b.get_by_role("button", name="Propose").click()
    expect(b.get_by_text("awaiting signatures")).to_be_visible()
    b.get_by_role("button", name="Sign for Org B College").click()
    expect(b.get_by_text("signed by")).to_be_visible()

    made = Agreement.objects.get()
    a.goto(f"/governance/agreements/{made.pk}/")
    a.get_by_role("button", name="Sign for Org A University").click()
    expect(a.locator(".status")).to_have_text("in force")

    check(a)
    decision = a.get_by_role("status")
    expect(decision).to_contain_text("Allowed with conditions: pseudonymise")
    expect(decision).to_contain_text("Seed teachers' records")
    expect(a.locator("table tbody tr")).to_have_count(2)  # both checks are in the log
    for p in pages.values():
        p.context.close()


def test_an_auditor_finds_an_erasure_in_the_audit_log(page, org_b, member, operator):
    from edubridge.core.models import Role
    from edubridge.governance import personal_data

    auditor = member(org_b, Role.AUDITOR, username="b.auditor")
    personal_data.erase(operator, member(org_b, Role.LEARNER, username="leaving.learner"))
    sign_in(page, auditor.username)
    page.get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Log").select_option(label="Erasures and exports")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("privacy.erase")
    expect(rows.first).not_to_contain_text("leaving.learner")


def test_a_learner_consents_and_a_guardian_answers_in_arabic(
    page, browser, live_server, org_b, member, admin_b
):
    from edubridge.core.models import Role
    from edubridge.governance import consent
    from edubridge.governance.models import Consent

    learner = member(org_b, Role.LEARNER, username="wanjiku")
    sign_in(page, learner.username)
    page.get_by_role("link", name="My consents").click()
    row = page.locator("li", has_text="Research on teaching and learning")
    row.get_by_label("I am 18 or older").check()
    row.get_by_role("button", name="Give consent").click()
    expect(page.get_by_role("status")).to_contain_text("Consent given.")
    assert consent.has(learner, org_b, "research")

    child = member(org_b, Role.LEARNER, username="amina", first_name="Amina")
    token = consent.guardian_link(admin_b, child, org_b, "transfer-abroad", "ar")
    guardian = browser.new_context(base_url=live_server.url).new_page()
    guardian.goto(f"/consent/guardian/{token}/")
    expect(guardian.locator("html")).to_have_attribute("dir", "rtl")
    expect(guardian.get_by_role("heading", level=1)).to_have_text("الموافقة عن طفلك")
    guardian.get_by_label("اسمك").fill("Fatuma Ali")
    guardian.get_by_label("أنا والد هذا المتعلم").check()
    guardian.get_by_role("button", name="منح موافقتي").click()
    expect(guardian.get_by_role("status")).to_contain_text("تم تسجيل موافقتك")
    assert Consent.objects.get(person=child).guardian_name == "Fatuma Ali"
    guardian.context.close()
