"""Shared fixtures: two partner organisations in different countries with a user per role."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Browser, Page, expect, sync_playwright

from edubridge.core import services
from edubridge.core.countries import ensure_countries
from edubridge.core.models import Country, Organisation, Role
from edubridge.core.policy import SYSTEM
from edubridge.governance import pseudonyms
from edubridge.localization import memory
from edubridge.records import services as records_services
from edubridge.standards import services as standards_services
from edubridge.standards.demo import HERE

# Playwright's sync API runs an event loop in the test thread; the ORM calls it makes
# through live_server fixtures are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _clear_cache():
    """The shared cache, the LRS's per-worker memory of its clients and the translation
    memory's in-process indexes start empty."""
    cache.clear()
    records_services.forget_clients()
    memory.forget()
    pseudonyms.forget()
    yield
    cache.clear()
    records_services.forget_clients()
    memory.forget()
    pseudonyms.forget()


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, **extra
    )


@pytest.fixture
def countries(db) -> None:
    """The migration loads them, but transactional tests (browser ones) empty every table."""
    ensure_countries(Country)


@pytest.fixture
def org_a(countries) -> Organisation:
    return services.create_organisation(
        SYSTEM,
        slug="org-a",
        name="Org A University",
        kind="university",
        country="CN",
        languages=["zh-Hans", "en"],
        contact_email="office@a.example.org",
    )


@pytest.fixture
def org_b(countries) -> Organisation:
    return services.create_organisation(
        SYSTEM,
        slug="org-b",
        name="Org B College",
        kind="teacher_college",
        country="KE",
        languages=["sw", "en"],
    )


@pytest.fixture
def kenya_item(countries):
    """An item of the demo Kenyan framework, imported for the test."""
    framework = standards_services.import_package(
        SYSTEM, (HERE / "ke-ai-literacy.json").read_bytes()
    ).framework
    return framework.items.get(human_coding_scheme="KE.AI.2.2")


@pytest.fixture
def member(db):
    """member(org, role, ...) creates a user holding those roles in org."""

    def make(org: Organisation, *roles: Role, username: str | None = None, **extra):
        name = username or f"{org.slug}-{'-'.join(roles)}"
        user = make_user(name, **extra)
        services.add_member(SYSTEM, org, user, list(roles))
        return user

    return make


@pytest.fixture
def admin_a(org_a, member):
    return member(org_a, Role.ADMIN, is_staff=True)


@pytest.fixture
def admin_b(org_b, member):
    return member(org_b, Role.ADMIN, is_staff=True)


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser("operator", "", PASSWORD)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run_cli(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    """The installed ``edubridge`` console script, in a fresh process with its own var/.

    It gets a throwaway SQLite database there, never the database the suite runs against.
    """
    env = {**os.environ, "EDUBRIDGE_VAR_DIR": str(var_dir)}
    for name in ("DJANGO_SETTINGS_MODULE", "EDUBRIDGE_DATABASE_URL"):
        env.pop(name, None)
    edubridge = os.path.join(os.path.dirname(sys.executable), "edubridge")
    return subprocess.run(
        [edubridge, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


# Browser tests: Debian's chromium driven by Playwright, against the live test server.
CHROMIUM = os.environ.get("EDUBRIDGE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"console errors: {errors}"


def sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def agreement(operator, member):
    """agreement(provider, recipient, datasets, **terms): signed by both parties'
    administrators, in force today."""
    from datetime import timedelta

    from django.utils import timezone

    from edubridge.governance import services as governance

    def make(provider: Organisation, recipient: Organisation, datasets, **terms):
        today = timezone.localdate()
        values = {
            "title": f"{provider.slug} to {recipient.slug}",
            "purposes": "Joint research on AI-literacy teaching",
            "datasets": list(datasets),
            "legal_basis": "consent",
            "starts_on": today,
            "expires_on": today + timedelta(days=365),
            **terms,
        }
        made = governance.propose(operator, provider, recipient, **values)
        for party in (provider, recipient):
            signer = member(party, Role.ADMIN, username=f"signer-{party.slug}-{made.pk}")
            governance.sign(signer, made, party)
        return made

    return make
