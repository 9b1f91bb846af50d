"""Standards pages through the test client: isolation between partners, translations, import."""

import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from edubridge.align.embeddings import SentenceEmbedder
from edubridge.core import services as core_services
from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.standards import crosswalks, services
from edubridge.standards.models import CrosswalkLink, Framework, LinkStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
UUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def draft(kenya, indonesia, org_a, org_b, member):
    source = services.import_package(SYSTEM, kenya, organisation=org_a).framework
    target = services.import_package(SYSTEM, indonesia, organisation=org_b).framework
    curator = member(org_a, Role.CURATOR, username="a.curator")
    crosswalk = crosswalks.open_crosswalk(curator, source, target)
    crosswalks.suggest(curator, crosswalk)
    return crosswalk


def test_a_draft_is_hidden_from_outsiders_and_anonymous_visitors(draft, countries, member):
    other = core_services.create_organisation(
        SYSTEM, slug="org-c", name="Org C", kind="ngo", country="BR"
    )
    outsider = client_for(member(other, Role.ADMIN))
    link = draft.links.first()
    for client in (outsider, Client()):
        assert client.get(f"/crosswalks/{draft.pk}/").status_code == 404
        assert "Kenya Junior" not in client.get("/crosswalks/").content.decode()
    response = outsider.post(f"/crosswalks/{draft.pk}/links/{link.pk}/", {"verdict": "exact"})
    assert response.status_code == 404
    assert CrosswalkLink.objects.get(pk=link.pk).status == LinkStatus.SUGGESTED


def test_a_partner_member_without_the_right_role_cannot_decide_or_sign(draft, org_b, member):
    teacher = client_for(member(org_b, Role.TEACHER))
    link = draft.links.first()
    page = teacher.get(f"/crosswalks/{draft.pk}/").content.decode()
    assert "Accept: same" not in page and "Sign for" not in page
    teacher.post(f"/crosswalks/{draft.pk}/links/{link.pk}/", {"verdict": "exact"})
    assert CrosswalkLink.objects.get(pk=link.pk).status == LinkStatus.SUGGESTED
    teacher.post(f"/crosswalks/{draft.pk}/sign/", {"organisation": org_b.pk})
    assert not draft.signatures.exists()


def translated_copy(package: dict, language: str) -> dict:
    """The same framework under new identifiers (every UUID mapped to a fresh one)."""
    fresh: dict[str, str] = {}
    text = re.sub(
        UUID_TEXT, lambda m: fresh.setdefault(m.group(0), str(uuid.uuid4())), json.dumps(package)
    )
    copy = json.loads(text)
    copy["CFDocument"]["language"] = language
    return copy


def french_translation(kenya: dict) -> dict:
    """A French copy of the Kenyan framework, one item translated, linked by isTranslationOf."""
    french = translated_copy(kenya, "fr")
    original = next(i for i in kenya["CFItems"] if i["humanCodingScheme"] == "KE.AI.2.2")
    item = next(i for i in french["CFItems"] if i["humanCodingScheme"] == "KE.AI.2.2")
    item.update(
        fullStatement="Identifier les données personnelles et expliquer pourquoi les protéger.",
        language="fr",
    )
    french["CFAssociations"].append(
        {
            "identifier": str(uuid.uuid4()),
            "uri": "urn:example:translation",
            "associationType": "isTranslationOf",
            "lastChangeDateTime": "2026-11-01T00:00:00+00:00",
            "originNodeURI": {"title": "fr", "identifier": item["identifier"], "uri": item["uri"]},
            "destinationNodeURI": {
                "title": "en",
                "identifier": original["identifier"],
                "uri": original["uri"],
            },
        }
    )
    return french


def test_the_browser_shows_statements_in_the_readers_language(kenya, org_a):
    services.import_package(SYSTEM, kenya, organisation=org_a)
    services.import_package(SYSTEM, french_translation(kenya), organisation=org_a)
    url = f"/frameworks/{kenya['CFDocument']['identifier']}/"
    in_french = Client(HTTP_ACCEPT_LANGUAGE="fr").get(url).content.decode()
    assert "Identifier les données personnelles" in in_french
    in_english = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert "Identifier les données personnelles" not in in_english


def test_another_partner_cannot_put_its_words_on_a_framework_page(kenya, org_a, org_b):
    services.import_package(SYSTEM, kenya, organisation=org_a)
    services.import_package(SYSTEM, french_translation(kenya), organisation=org_b)
    page = Client(HTTP_ACCEPT_LANGUAGE="fr").get(
        f"/frameworks/{kenya['CFDocument']['identifier']}/"
    )
    assert "Identifier les données personnelles" not in page.content.decode()


def test_import_page_is_for_curators_and_reports_the_change(kenya, org_a, member):
    teacher = client_for(member(org_a, Role.TEACHER))
    assert teacher.get("/frameworks/import/").status_code == 403
    curator = client_for(member(org_a, Role.CURATOR))
    upload = SimpleUploadedFile(
        "ke.json", json.dumps(kenya).encode(), content_type="application/json"
    )
    page = curator.post(
        "/frameworks/import/", {"file": upload, "organisation": org_a.pk}
    ).content.decode()
    assert "21 items added" in page


def test_enough_verdicts_make_suggestions_learn(draft):
    gold = draft.links.all()[:24]
    for n, link in enumerate(gold):
        crosswalks.decide(SYSTEM, link, LinkStatus.ACCEPTED if n % 2 else LinkStatus.REJECTED)
    assert hasattr(crosswalks._learned_aligner(draft.organisation), "reranker_")


def test_an_embedding_model_is_only_read_from_a_local_folder(tmp_path):
    with pytest.raises(ValueError, match="no folder"):
        SentenceEmbedder(tmp_path / "missing-model")


def test_a_built_in_framework_shows_its_licence_and_attribution(client):
    services.load_builtin(SYSTEM)
    teachers = Framework.objects.get(title__contains="teachers")
    page = client.get(f"/frameworks/{teachers.identifier}/").content.decode()
    assert "CC BY-SA 3.0 IGO" in page and "doi.org/10.54675/ZJTE2084" in page
    assert "Human agency" in page
