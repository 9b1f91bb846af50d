import xml.etree.ElementTree as ET  # our own feed: trusted XML

import pytest
from django.test import Client

from edubridge.catalog import services
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_resource_page_embeds_lrmi_and_serves_files_as_downloads(
    client, org_a, curator_a, publish
):
    resource = publish(
        org_a,
        curator_a,
        {"en": "Lesson </script><b>x</b>"},
        files={"page.html": b"<script>alert(1)</script>"},
    )
    page = client.get(f"/catalog/{resource.identifier}/").content.decode()
    assert '<script type="application/ld+json">' in page
    assert (
        "</script><b>"
        not in page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    )
    download = client.get(f"/catalog/{resource.identifier}/v1/page.html")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert (
        "sandbox" in download["Content-Security-Policy"]
        and download["X-Content-Type-Options"] == "nosniff"
    )
    assert b"".join(download.streaming_content) == b"<script>alert(1)</script>"


def test_drafts_are_hidden_from_everyone_but_the_owners_curators(org_a, curator_a, curator_b):
    resource = services.create_resource(
        curator_a, org_a, kind="lesson", title={"en": "Draft"}, country="CN", licence="MIT"
    )
    services.create_version(curator_a, resource)
    assert Client().get(f"/catalog/{resource.identifier}/").status_code == 404
    assert client_for(curator_b).get(f"/catalog/{resource.identifier}/").status_code == 404
    assert client_for(curator_a).get(f"/catalog/{resource.identifier}/").status_code == 200


def test_api_search_and_detail_return_the_same_lrmi(client, org_a, curator_a, publish):
    resource = publish(org_a, curator_a, {"en": "Neural networks"}, subjects=["AI"])
    found = client.get("/api/v1/resources", {"q": "neural", "subject": "AI"}).json()
    assert found["count"] == 1 and found["facets"]["kind"] == [{"value": "lesson", "count": 1}]
    detail = client.get(f"/api/v1/resources/{resource.identifier}").json()
    assert detail["@type"][0] == "LearningResource" and detail == found["items"][0]
    assert client.get("/api/v1/resources/not-a-uuid").status_code == 404


def test_odd_parameters_are_not_500(client, org_a, curator_a, publish):
    publish(org_a, curator_a, {"en": "x"})
    assert client.get("/catalog/", {"page": "abc", "kind": "x" * 300}).status_code == 200
    assert client.get("/releases/not-a-uuid/").status_code == 404
    assert (
        client.get("/catalog/00000000-0000-4000-8000-000000000000/v1/../../etc/passwd").status_code
        == 404
    )


def test_atom_feeds_list_published_releases(client, org_a, org_b, curator_a, curator_b, publish):
    ours = publish(org_a, curator_a, {"en": "Ours"}).versions.get()
    theirs = publish(org_b, curator_b, {"en": "Theirs"}).versions.get()
    release = services.create_release(curator_a, "Joint pack", [ours, theirs], [org_a, org_b])
    assert b"Joint pack" not in client.get("/releases/feed.atom").content
    services.approve_release(curator_a, release, org_a)
    services.approve_release(curator_b, release, org_b)
    feed = ET.fromstring(client.get("/releases/feed.atom").content)  # noqa: S314
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.text for e in feed.findall("a:entry/a:title", ns)] == ["Joint pack"]
    assert [e.text for e in feed.findall("a:entry/a:id", ns)] == [f"urn:uuid:{release.identifier}"]
    assert b"Joint pack" in client.get("/releases/feed/org-a.atom").content
