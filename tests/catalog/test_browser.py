"""Searching, sharing and releasing in the browser."""

import re

import pytest
from playwright.sync_api import expect

from edubridge.catalog import services
from edubridge.catalog.models import Release, ReleaseStatus, Resource
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_with_facets(page, org_a, org_b, curator_a, curator_b, publish):
    publish(org_a, curator_a, {"en": "Machine learning basics"}, subjects=["AI"])
    publish(
        org_b,
        curator_b,
        {"en": "Machine learning in farming"},
        subjects=["AI", "Agriculture"],
        kind="course",
    )
    page.goto("/catalog/")
    page.get_by_label("Search in any language").fill("machine learning")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#hits-h")).to_have_text("2 resources")
    page.get_by_role("link", name="Course").click()
    expect(page.locator("#hits-h")).to_have_text("1 resource")
    expect(page.locator(".hits")).to_contain_text("Machine learning in farming")
    page.get_by_role("link", name="Machine learning in farming").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Machine learning in farming")


def test_a_curator_shares_a_resource_with_a_file(page, org_a, curator_a, tmp_path):
    lesson = tmp_path / "lesson.html"
    lesson.write_text("<h1>Jifunze AI</h1>")
    sign_in(page, "a.curator")
    page.goto("/catalog/share/")
    page.get_by_label("Kind").select_option("lesson")
    page.locator("#id_title").fill("Utangulizi wa AI")
    page.get_by_label("Languages of the content").fill("sw")
    page.get_by_label("Country of origin").select_option("KE")
    page.get_by_label("Files").set_input_files(str(lesson))
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utangulizi wa AI")
    expect(page.locator(".version")).to_contain_text("lesson.html")
    page.goto("/catalog/?q=utangulizi")
    expect(page.locator(".hits")).to_contain_text("Utangulizi wa AI")
    assert Resource.objects.get().owner == org_a


def test_a_release_is_published_after_both_partners_approve(
    page, org_a, org_b, curator_a, curator_b, publish
):
    ours = publish(org_a, curator_a, {"en": "Ours"}).versions.get()
    theirs = publish(org_b, curator_b, {"en": "Theirs"}).versions.get()
    release = services.create_release(
        curator_a, "AI literacy pack", [ours, theirs], [org_a, org_b], "Two lessons"
    )
    sign_in(page, "a.curator")
    page.goto(f"/releases/{release.identifier}/")
    page.get_by_role("button", name="Approve for Org A University").click()
    expect(page.locator(".approvals")).to_contain_text("Org A University: approved by a.curator")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "b.curator")
    page.goto("/releases/")
    page.get_by_role("link", name="AI literacy pack").click()
    page.get_by_role("button", name="Approve for Org B College").click()
    expect(page.locator("main")).to_contain_text("Published")
    assert Release.objects.get().status == ReleaseStatus.PUBLISHED


def test_a_curator_imports_a_moodle_cartridge(page, org_a, curator_a, tmp_path, settings):
    from tests.catalog.packages import moodle_cartridge

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }
    cartridge = tmp_path / "ml.imscc"
    cartridge.write_bytes(moodle_cartridge())
    sign_in(page, "a.curator")
    page.goto("/catalog/share/")
    page.get_by_role("link", name="Import it").click()
    page.locator("#id_package").set_input_files(str(cartridge))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Machine learning basics")
    expect(page.get_by_role("status").first).to_contain_text("Common Cartridge 1.1")
    expect(page.get_by_role("status").first).to_contain_text("essay")  # the skipped item, said
    expect(page.get_by_role("link", name="Moodle (Common Cartridge 1.1)")).to_be_visible()
    resource = Resource.objects.get()
    assert resource.versions.get().items.count() == 3


def test_a_curator_makes_and_reorders_a_collection(page, org_a, curator_a, publish, live_server):
    first = publish(org_a, curator_a, {"en": "First steps in AI"})
    second = publish(org_a, curator_a, {"en": "Data and bias"})
    sign_in(page, "a.curator")
    page.goto("/catalog/")
    page.get_by_role("link", name="Collections").click()
    page.get_by_role("link", name="New collection").click()
    page.locator("#id_title").fill("AI path for teachers")
    page.get_by_label("Resources, in order").fill(
        f"{live_server.url}/catalog/{second.identifier}/\n{first.identifier}"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AI path for teachers")
    expect(page.locator("ol.hits li")).to_have_text(
        [re.compile("^Data and bias"), re.compile("^First steps in AI")]
    )
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Resources, in order").fill(f"{first.identifier}\nnot a resource")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("is not a published resource")).to_be_visible()
    expect(page.get_by_label("Resources, in order")).to_have_value(
        f"{first.identifier}\nnot a resource"
    )  # the curator's input is kept
    page.get_by_label("Resources, in order").fill(str(first.identifier))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("ol.hits li")).to_have_count(1)
