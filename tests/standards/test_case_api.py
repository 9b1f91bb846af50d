"""The CASE REST provider API, as a CASE consumer (OpenSALT, CASE Network) would call it."""

import pytest

from edubridge.core.policy import SYSTEM
from edubridge.standards import services
from edubridge.standards.case import validate
from edubridge.standards.models import Definition

pytestmark = pytest.mark.django_db
V11 = "/ims/case/v1p1"


@pytest.fixture
def frameworks(kenya, indonesia):
    return [services.import_package(SYSTEM, p).framework for p in (kenya, indonesia)]


def status_info(response, status, minor):
    assert response.status_code == status
    body = response.json()
    assert body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error"
    field = body["imsx_codeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldValue"] == minor
    return body


def test_documents_are_listed_with_paging_and_a_total(client, frameworks):
    first = client.get(f"{V11}/CFDocuments", {"limit": 1, "sort": "title", "orderBy": "asc"})
    assert first.status_code == 200 and first["X-Total-Count"] == "2"
    assert first["Access-Control-Allow-Origin"] == "*"
    (doc,) = first.json()["CFDocuments"]
    assert doc["title"].startswith("Indonesia")
    assert doc["CFPackageURI"]["identifier"] == doc["identifier"]
    second = client.get(f"{V11}/CFDocuments", {"limit": 1, "offset": 1}).json()["CFDocuments"]
    assert second[0]["title"].startswith("Kenya")


def test_a_package_is_valid_case_1_1(client, frameworks):
    package = client.get(f"{V11}/CFPackages/{frameworks[0].identifier}").json()
    assert validate(package) == []
    assert len(package["CFItems"]) == 21


def test_items_associations_and_item_associations(client, frameworks, kenya):
    item = kenya["CFItems"][1]
    found = client.get(f"{V11}/CFItems/{item['identifier']}").json()
    assert found["fullStatement"] == item["fullStatement"]
    assert found["CFDocumentURI"]["identifier"] == kenya["CFDocument"]["identifier"]
    links = client.get(f"{V11}/CFItemAssociations/{item['identifier']}").json()
    assert links["CFItem"]["identifier"] == item["identifier"]
    assert [a["associationType"] for a in links["CFAssociations"]] == ["isChildOf"]
    association = kenya["CFAssociations"][0]
    assert (
        client.get(f"{V11}/CFAssociations/{association['identifier']}").json()["associationType"]
        == "isChildOf"
    )


def test_definitions_by_id(client):
    services.load_builtin(SYSTEM)
    item_type = Definition.objects.filter(kind="CFItemTypes").first()
    listed = client.get(f"{V11}/CFItemTypes/{item_type.identifier}").json()
    assert listed["CFItemTypes"][0]["identifier"] == item_type.identifier
    licence = Definition.objects.get(
        kind="CFLicenses", title__contains="IGO", framework__title__contains="teachers"
    )
    assert "UNESCO" in client.get(f"{V11}/CFLicenses/{licence.identifier}").json()["licenseText"]


@pytest.mark.parametrize(
    ("url", "status", "minor"),
    [
        (f"{V11}/CFItems/00000000-0000-4000-8000-000000000000", 404, "unknownobject"),
        (f"{V11}/CFItems/not-a-uuid", 404, "invalid_uuid"),
        ("/ims/case/v1p0/CFItems/not-a-uuid", 404, "invaliduuid"),
        (f"{V11}/CFDocuments?sort=colour", 400, "invalid_sort_field"),
        (f"{V11}/CFDocuments?limit=0", 400, "invalid_selection_field"),
        (f"{V11}/CFDocuments?offset=99999999999999999999", 400, "invalid_selection_field"),
        (f"{V11}/CFDocuments?orderBy=up", 400, "invalid_selection_field"),
    ],
)
def test_errors_are_imsx_status_info(client, frameworks, url, status, minor):
    status_info(client.get(url), status, minor)


def test_the_api_is_read_only(client, frameworks):
    assert client.post(f"{V11}/CFDocuments", {}).status_code == 405
    assert client.head(f"{V11}/CFDocuments").status_code == 200


def test_version_1_0_serves_the_same_frameworks(client, frameworks):
    assert client.get("/ims/case/v1p0/CFDocuments").json()["CFDocuments"][0]["identifier"]
