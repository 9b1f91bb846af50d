"""The pages as a person uses them: Debian's chromium driven by Playwright."""

import pytest
from playwright.sync_api import expect

from edubridge.core.models import ApiToken, Membership, Role
from tests.conftest import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGE_BUDGET = 100_000  # bytes transferred: HTML, CSS and JavaScript


def test_sign_in_then_switch_to_arabic_gives_a_right_to_left_page(page, org_a, admin_a):
    sign_in(page, admin_a.username)
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("heading", level=1)).to_have_text("المؤسسات الشريكة")
    expect(page.get_by_role("button", name="تسجيل الخروج")).to_be_visible()
    # Right to left for real: the brand sits on the right of the header.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login/",
        "/data-map/",
        "/orgs/org-a/",
        "/orgs/org-a/edit/",
        "/account/tokens/",
        "/frameworks/",
        "/frameworks/import/",
        "/crosswalks/",
        "/catalog/",
        "/releases/",
        "/governance/jurisdictions/?j=CN&j=EU&j=KE&j=BR&j=ID&j=EG&j=SN&j=US",
        "/governance/agreements/",
        "/governance/transfers/",
    ],
)
def test_every_page_is_light_has_landmarks_and_a_skip_link(page, org_a, admin_a, path):
    if path != "/login/":
        sign_in(page, admin_a.username)
    # Signing in cached the stylesheet and htmx: every page must pay for them in full.
    page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(path)
    page.wait_for_load_state("networkidle")
    # Bytes transferred for the page and everything it loaded (a fresh browser context, so
    # nothing comes from a cache), from the Resource Timing API.
    weight = page.evaluate(
        "() => [...performance.getEntriesByType('navigation'), "
        "...performance.getEntriesByType('resource')].reduce((s, e) => s + e.transferSize, 0)"
    )
    assert 0 < weight < PAGE_BUDGET, f"{path} weighs {weight} bytes"
    expect(page.locator("main")).to_have_count(1)
    expect(page.locator("header nav")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    unlabelled = page.locator(
        "input:not([type=hidden]):not([aria-label]), select, textarea"
    ).evaluate_all("els => els.filter(e => !e.labels || e.labels.length === 0).map(e => e.name)")
    assert unlabelled == []


def test_an_admin_adds_a_member_in_place_without_reloading(page, org_a, admin_a):
    make_user("newcomer", first_name="Neema", last_name="Mwangi")
    sign_in(page, admin_a.username)
    page.goto("/orgs/org-a/")
    page.wait_for_function("window.htmx !== undefined")  # before it loads, forms post as plain HTML
    page.evaluate("window.notReloaded = true")
    form = page.locator("form", has=page.get_by_role("button", name="Add member"))
    form.get_by_label("Username").fill("newcomer")
    form.get_by_label("Teacher").check()
    form.get_by_role("button", name="Add member").click()
    expect(page.locator("#members")).to_contain_text("Neema Mwangi")
    assert page.evaluate("window.notReloaded") is True
    assert Membership.objects.get(user__username="newcomer").roles == [Role.TEACHER]


def test_an_admin_changes_roles_and_is_told_why_a_change_is_refused(page, org_a, admin_a):
    sign_in(page, admin_a.username)
    page.goto("/orgs/org-a/")
    page.get_by_text(f"Change roles of {admin_a.username}").click()
    row = page.locator("#members form").first
    row.get_by_label("Administrator").uncheck()
    row.get_by_label("Teacher").check()
    row.get_by_role("button", name="Save roles").click()
    expect(page.get_by_role("alert")).to_contain_text("last administrator")
    assert Membership.objects.get(user=admin_a).roles == ["admin"]


def test_create_a_token_see_it_once_and_revoke_it(page, admin_a):
    sign_in(page, admin_a.username)
    page.goto("/account/tokens/")
    page.get_by_label("Token name").fill("my laptop")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("ebt_")
    page.get_by_role("button", name="Revoke my laptop").click()
    expect(page.get_by_role("status")).to_contain_text("Token revoked.")
    expect(page.locator("tbody")).to_contain_text("revoked")
    assert ApiToken.objects.get().revoked_at is not None


def test_an_organisation_admin_works_in_the_admin_site(page, org_a, org_b, admin_a, admin_b):
    sign_in(page, admin_a.username)
    page.goto("/admin/core/membership/")
    expect(page.locator("#result_list")).to_contain_text(admin_a.username)
    expect(page.locator("#result_list")).not_to_contain_text(admin_b.username)
