"""How a version was made (people, AI-assisted, AI-generated): kept, shown, exported in
LRMI, searchable; and items that forbid AI help, said to the learner."""

import json

import pytest

from edubridge.catalog import lrmi, search, services
from edubridge.core.errors import DomainError
from edubridge.core.models import Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(org_a, member):
    return member(org_a, Role.CURATOR, username="ai.curator")


def shared(curator, org_a, title, **how):
    resource = services.create_resource(
        curator,
        org_a,
        kind="lesson",
        title={"en": title},
        languages=["en"],
        licence="CC-BY-4.0",
        country="CN",
    )
    version = services.create_version(curator, resource, **how)
    return services.publish_version(curator, version)


def test_ai_help_is_named_with_its_model(org_a, curator):
    resource = services.create_resource(
        curator,
        org_a,
        kind="lesson",
        title={"en": "x"},
        languages=["en"],
        licence="CC-BY-4.0",
        country="CN",
    )
    with pytest.raises(DomainError, match="ai_model: name the AI model used") as caught:
        services.create_version(curator, resource, made_with="ai-generated")
    assert caught.value.field == "ai_model"
    with pytest.raises(DomainError, match="made_with: 'robot' is not one of"):
        services.create_version(curator, resource, made_with="robot")
    human = services.create_version(curator, resource, ai_model="ignored for people's work")
    assert (human.made_with, human.ai_model) == ("human", "")


def test_how_it_was_made_is_shown_exported_and_searchable(client, org_a, curator):
    drafted = shared(
        curator, org_a, "Drafted with help", made_with="ai-assisted", ai_model="Qwen 2.5 7B, local"
    )
    shared(curator, org_a, "Written by teachers")
    page = client.get(f"/catalog/{drafted.resource.identifier}/").content.decode()
    assert "AI-assisted" in page and "Qwen 2.5 7B, local" in page
    doc = lrmi.learning_resource(drafted.resource, drafted)
    assert doc["digitalSourceType"].endswith("/CompositeWithTrainedAlgorithmicMediaDigitalSource")
    assert "Qwen 2.5 7B" in doc["creditText"]
    assert "digitalSourceType" not in json.dumps(
        lrmi.learning_resource(*_latest(org_a, "Written by teachers"))
    )
    found = search.search("", {"made_with": ["ai-assisted"]}, limit=10, offset=0)
    assert [r.pk for r in found.resources] == [drafted.resource.pk]
    assert dict(found.facets["made_with"]) == {"ai-assisted": 1, "human": 1}
    api = client.get("/api/v1/resources", {"made_with": "ai-assisted"}).json()
    assert api["count"] == 1 and api["items"][0]["digitalSourceType"].endswith("DigitalSource")
    listing = client.get("/catalog/", {"made_with": "ai-assisted"}).content.decode()
    assert "Drafted with help" in listing and "Written by teachers" not in listing


def _latest(org_a, title):
    from edubridge.catalog.models import Resource

    resource = Resource.objects.get(owner=org_a, title__en=title)
    return resource, resource.versions.get()


def test_items_that_forbid_ai_are_marked_on_drafts_only(org_a, curator):
    from edubridge.catalog.models import AssessmentItem
    from edubridge.catalog.packages import qti

    resource = services.create_resource(
        curator,
        org_a,
        kind="item_bank",
        title={"en": "Quiz"},
        languages=["en"],
        licence="CC-BY-4.0",
        country="CN",
    )
    version = services.create_version(curator, resource)
    item = qti.Item("q1", "Q1", "text_entry", "Why?", correct=["because"])
    services.add_items(curator, version, [item])
    with pytest.raises(DomainError, match="'q9' is not an item"):
        services.forbid_ai(curator, version, ["q9"])
    api = client_for(curator).post(
        f"/api/v1/resources/{resource.identifier}/versions/1/no-ai",
        json.dumps({"items": ["q1"]}),
        content_type="application/json",
    )
    assert api.json() == {"items": 1}
    assert AssessmentItem.objects.get().ai_forbidden
    services.publish_version(curator, version)
    with pytest.raises(DomainError):
        services.forbid_ai(curator, version, ["q1"])
