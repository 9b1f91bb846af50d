"""The localisation pages and API: who sees what, HTMX saves, conflicts, files, the report."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edubridge.localization import services
from edubridge.localization.models import Stage
from tests.conftest import client_for
from tests.localization.conftest import translating

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "l10n"


def url(project, rest=""):
    return f"/l10n/projects/{project.identifier}/{rest}"


def test_both_sides_see_the_project_and_others_do_not(project, people, member, countries):
    from edubridge.core import services as core
    from edubridge.core.models import Role
    from edubridge.core.policy import SYSTEM

    other = core.create_organisation(SYSTEM, slug="org-c", name="C", kind="ngo", country="BR")
    outsider = member(other, Role.ADMIN)
    for user in (people["curator_a"], people["translator_b"], people["reviewer_b"]):
        client = client_for(user)
        assert client.get("/l10n/").status_code == 200
        for page in ("", "realign/", "translate/", "review/", "export.xliff", "export.po"):
            assert client.get(url(project, page)).status_code == 200, (user, page)
    assert str(project.identifier) not in client_for(outsider).get("/l10n/").content.decode()
    assert client_for(outsider).get(url(project)).status_code == 404
    assert client_for(people["translator_b"]).get("/l10n/new/").status_code == 403


def test_opening_a_project_in_the_browser_form(version, org_b, people, frameworks):
    client = client_for(people["lead_b"])
    response = client.post(
        "/l10n/new/",
        {
            "version": version.pk,
            "organisation": org_b.pk,
            "target_language": "sw-KE",
            "framework": frameworks[1].pk,
        },
    )
    assert response.status_code == 302
    assert org_b.localisations_in.get().units.count() == 13
    refused = client.post(
        "/l10n/new/", {"version": version.pk, "organisation": org_b.pk, "target_language": "en"}
    )
    assert "other than the source" in refused.content.decode()


def test_an_htmx_save_answers_the_unit_and_a_stale_one_shows_both_texts(project, people):
    project = translating(project, people)
    unit = project.units.get(key="title")
    translator = client_for(people["translator_b"])
    saved = translator.post(
        url(project, f"units/{unit.pk}/"),
        {"target": "Kupanga wanyama", "revision": 0},
        HTTP_HX_REQUEST="true",
    )
    body = saved.content.decode()
    assert saved.status_code == 200 and 'class="saved"' in body and "<html" not in body
    assert 'name="revision" value="1"' in body
    reviewer = client_for(people["reviewer_b"])
    stale = reviewer.post(
        url(project, f"units/{unit.pk}/"),
        {"target": "Kupanga mifugo", "revision": 0},
        HTTP_HX_REQUEST="true",
    )
    body = stale.content.decode()
    assert "saved this unit meanwhile" in body and "Kupanga wanyama" in body
    assert ">Kupanga mifugo</textarea>" in body  # the reviewer's text is kept
    assert 'name="revision" value="1"' in body  # saving again replaces theirs, knowingly
    unit.refresh_from_db()
    assert unit.target == "Kupanga wanyama"
    # Without JavaScript: the editor again, with the stale text kept and both shown.
    plain = reviewer.post(
        url(project, f"units/{unit.pk}/"), {"target": "Kupanga mifugo", "revision": 0}
    )
    assert plain.status_code == 409
    assert ">Kupanga mifugo</textarea>" in plain.content.decode()
    assert "Kupanga wanyama" in plain.content.decode()


def test_the_editor_is_rtl_for_arabic_and_shows_suggestions(version, org_b, people, frameworks):
    project = services.open_project(people["lead_b"], version, org_b, "ar-EG")
    project = translating(project, people)
    services.save_unit(
        people["translator_b"], project.units.get(key="title"), "فرز حيوانات المزرعة", 0
    )
    page = client_for(people["translator_b"]).get(url(project, "translate/")).content.decode()
    assert 'lang="ar-EG" dir="rtl"' in page
    assert "Use 1 (100%)" in page  # the page <title> and the heading share the title's text
    assert '<span class="code" dir="ltr">&lt;strong&gt;</span>' in page


def test_importing_a_file_through_the_page(project, people):
    project = translating(project, people)
    client = client_for(people["translator_b"])
    good = SimpleUploadedFile("cat.xlf", (FIXTURES / "cat-tool.xlf").read_bytes())
    response = client.post(url(project, "import/"), {"file": good}, follow=True)
    assert "Imported: 5 updated" in response.content.decode()
    bad = SimpleUploadedFile("bad.po", b'msgid "x\n')
    response = client.post(url(project, "import/"), {"file": bad}, follow=True)
    assert "is not PO syntax" in response.content.decode()


def test_resolving_a_finding_with_htmx(project, people):
    finding = project.findings.first()
    client = client_for(people["reviewer_b"])
    answer = client.post(
        url(project, f"findings/{finding.pk}/"),
        {f"f{finding.pk}-status": "waived", f"f{finding.pk}-reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "say why" in answer.content.decode()
    answer = client.post(
        url(project, f"findings/{finding.pk}/"),
        {f"f{finding.pk}-status": "not_applicable", f"f{finding.pk}-reason": "Not in Kenya"},
        HTTP_HX_REQUEST="true",
    )
    assert "Not applicable: Not in Kenya" in answer.content.decode()
    refused = client_for(people["curator_a"]).post(
        url(project, f"findings/{finding.pk}/"), {f"f{finding.pk}-status": "adapted"}
    )
    assert refused.status_code == 403


def test_the_report_exists_only_after_sign_off(project, people):
    client = client_for(people["reviewer_b"])
    assert client.get(url(project, "report/")).status_code == 404
    assert client.get(url(project, "report.json")).status_code == 404


def test_glossary_and_memory_pages(project, people, org_b):
    lead = client_for(people["lead_b"])
    response = lead.post(
        "/l10n/glossary/org-b/",
        {
            "source_language": "en",
            "target_language": "sw-KE",
            "source": "model",
            "target": "modeli",
            "enforced": "on",
        },
        follow=True,
    )
    assert "modeli" in response.content.decode()
    assert client_for(people["translator_b"]).get("/l10n/glossary/org-b/").status_code == 403
    tmx = (
        b'<tmx version="1.4"><header srclang="en"/><body><tu>'
        b'<tuv xml:lang="en"><seg>Model</seg></tuv>'
        b'<tuv xml:lang="sw-KE"><seg>Modeli</seg></tuv></tu></body></tmx>'
    )
    response = lead.post(
        "/l10n/memory/org-b/",
        {
            "file": SimpleUploadedFile("m.tmx", tmx),
            "source_language": "en",
            "target_language": "sw-KE",
        },
        follow=True,
    )
    assert "1 translation pair(s) read" in response.content.decode()
    exported = lead.get("/l10n/memory/org-b/en/sw-KE.tmx")
    assert b"<seg>Modeli</seg>" in exported.content


def test_the_api_lists_units_and_refuses_a_stale_save_with_the_current_unit(project, people):
    project = translating(project, people)
    client = client_for(people["translator_b"])
    projects = client.get("/api/v1/l10n/projects").json()
    assert projects[0]["stage"] == Stage.TRANSLATE and projects[0]["units"] == 13
    units = client.get(f"/api/v1/l10n/projects/{project.identifier}/units?untranslated=true").json()
    unit = units[0]
    path = f"/api/v1/l10n/projects/{project.identifier}/units/{unit['id']}"
    saved = client.put(path, {"target": "Kupanga", "revision": 0}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["revision"] == 1
    stale = client.put(
        path, {"target": "Kupanga tena", "revision": 0}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["target"] == "Kupanga"


@pytest.mark.parametrize("fmt", ["xliff", "po"])
def test_exports_download_as_files(project, people, fmt):
    response = client_for(people["translator_b"]).get(url(project, f"export.{fmt}"))
    assert response["Content-Disposition"].endswith(f'.sw-KE.{"xlf" if fmt == "xliff" else "po"}"')
