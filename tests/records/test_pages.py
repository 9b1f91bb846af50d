"""The LRS pages: administrators see their statements and manage their tools' keys."""

import re

import pytest
from playwright.sync_api import expect

from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.records import services
from edubridge.records.models import LrsClient
from tests.conftest import client_for, sign_in
from tests.records.test_statements import XapiClient, answered


@pytest.mark.django_db
def test_only_administrators_see_the_records(org_a, admin_a, member):
    services.create_client(SYSTEM, org_a, name="quiz", key="quiz", secret="quiz-secret")
    XapiClient("quiz", "quiz-secret").post([answered("amina"), answered("baraka", "q2")])
    page = client_for(admin_a).get("/records/?learner=amina")
    html = page.content.decode()
    assert page.status_code == 200 and "amina@example.org" in html and "baraka" not in html
    assert "1 statement" in html
    teacher = member(org_a, Role.TEACHER, username="a.teacher")
    assert client_for(teacher).get("/records/").status_code == 403


@pytest.mark.django_db
def test_a_key_is_made_shown_once_and_deactivated(org_a, admin_a):
    http = client_for(admin_a)
    made = http.post("/records/clients/", {"name": "H5P", "key": "h5p", "scopes": ["write"]})
    secret = re.search(r'class="secret">([^<]+)</dd>\s*</dl>', made.content.decode()).group(1)
    client = LrsClient.objects.get(key="h5p")
    assert client.scopes == ["write"] and secret not in client.secret_hash
    assert services.authenticate("h5p", secret) == client
    http.post("/records/clients/h5p/deactivate/")
    assert services.authenticate("h5p", secret) is None
    again = http.post("/records/clients/", {"name": "H5P", "key": "h5p", "scopes": ["write"]})
    assert "is taken" in again.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_reads_a_statement_in_the_browser(page, org_a, admin_a):
    services.create_client(SYSTEM, org_a, name="quiz", key="quiz", secret="quiz-secret")
    XapiClient("quiz", "quiz-secret").post(answered("amina"))
    sign_in(page, admin_a.username)
    page.get_by_role("link", name="Learning records").click()
    expect(page.get_by_role("table")).to_contain_text("mbox:mailto:amina@example.org")
    page.locator("details summary").first.click()
    expect(page.locator("details pre").first).to_contain_text('"mbox": "mailto:amina@example.org"')
    page.get_by_role("link", name="Tools and their keys").click()
    page.locator("#id_name").fill("Moodle")
    page.get_by_label("Key (the user name the tool signs in with)").fill("moodle")
    page.get_by_role("button", name="Make the key").click()
    expect(page.get_by_role("status")).to_contain_text("shown only this once")
