import pytest

from edubridge.catalog import lrmi, search, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(org_a, org_b, curator_a, curator_b, publish):
    return {
        "ml": publish(
            org_a,
            curator_a,
            {"en": "Machine learning for teachers", "zh-Hans": "面向教师的机器学习"},
            description={"en": "How models learn from data"},
            subjects=["AI"],
            education_levels=["08"],
            languages=["en", "zh-Hans"],
        ),
        "ethics": publish(
            org_b,
            curator_b,
            {"en": "Ethics of AI", "ar": "أخلاقيات الذكاء الاصطناعي"},
            kind="course",
            subjects=["AI", "Ethics"],
            languages=["en", "ar"],
            licence="CC-BY-SA-4.0",
        ),
        "data": publish(
            org_b, curator_b, {"sw": "Data na faragha"}, languages=["sw"], subjects=["Data"]
        ),
    }


def ids(results):
    return [r.title_in("en") for r in results.resources]


def test_words_in_any_language_find_resources(catalogue):
    assert ids(search.search("machine learning")) == ["Machine learning for teachers"]
    assert ids(search.search("机器学习")) == ["Machine learning for teachers"]
    assert ids(search.search("الذكاء")) == ["Ethics of AI"]  # folded: with or without hamza
    assert ids(search.search("faragha")) == ["Data na faragha"]
    assert search.search("quantum").total == 0


def test_facets_filter_and_count(catalogue):
    everything = search.search("")
    assert everything.total == 3
    assert dict(everything.facets["kind"]) == {"lesson": 2, "course": 1}
    assert dict(everything.facets["organisation"]) == {"org-a": 1, "org-b": 2}
    kenyan = search.search("", {"country": ["KE"]})
    assert kenyan.total == 2 and dict(kenyan.facets["subject"]) == {"AI": 1, "Data": 1, "Ethics": 1}
    assert ids(search.search("ai", {"licence": ["CC-BY-SA-4.0"]})) == ["Ethics of AI"]


def test_drafts_are_not_found(org_a, curator_a):
    services.create_resource(
        curator_a, org_a, kind="lesson", title={"en": "Secret draft"}, country="CN", licence="MIT"
    )
    assert search.search("secret").total == 0


def test_lrmi_json_ld_carries_alignments_to_case_items(catalogue, curator_a, kenya_item):
    resource = catalogue["ml"]
    version = services.create_version(
        curator_a, resource, changelog="aligned", derived_from=resource.versions.get()
    )
    services.align(curator_a, version, kenya_item, "teaches")
    services.publish_version(curator_a, version)
    doc = lrmi.learning_resource(resource)
    assert doc["@type"][0] == "LearningResource" and doc["version"] == "2"
    assert {"@language": "zh-Hans", "@value": "面向教师的机器学习"} in doc["name"]
    assert doc["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    (alignment,) = doc["educationalAlignment"]
    assert alignment["alignmentType"] == "teaches" and alignment["targetUrl"] == kenya_item.uri
    assert doc["teaches"][0]["termCode"] == kenya_item.human_coding_scheme
    assert doc["isBasedOn"]["version"] == "1"
    assert ids(search.search(kenya_item.human_coding_scheme)) == ["Machine learning for teachers"]
    assert search.search("", {"item": [kenya_item.identifier]}).total == 1
