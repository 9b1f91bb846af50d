"""The OAI-PMH provider: protocol rules through the test client, and a harvest by oaipmh-scythe."""

import xml.etree.ElementTree as ET  # our own responses: trusted XML

import pytest
from oaipmh_scythe import Scythe

from edubridge.catalog import oai, services

pytestmark = pytest.mark.django_db
NS = {"o": oai.OAI, "dc": oai.DC}


def get(client, **params):
    response = client.get("/oai", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314


def error_code(root):
    error = root.find("o:error", NS)
    return error.get("code") if error is not None else None


@pytest.fixture
def records(org_a, org_b, curator_a, curator_b, publish):
    made = [
        publish(org_a, curator_a, {"en": f"Lesson {n}", "zh-Hans": f"第{n}课"}, subjects=["AI"])
        for n in range(3)
    ]
    made.append(publish(org_b, curator_b, {"en": "Kenyan course"}, kind="course"))
    return made


def test_identify_describes_the_repository(client, records):
    identify = get(client, verb="Identify").find("o:Identify", NS)
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("o:baseURL", namespaces=NS).endswith("/oai")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "colour": "red"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-01-01",
                "until": "2026-01-02T00:00:00Z",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "org:nobody"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2000-01-01"},
            "noRecordsMatch",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere:1"},
            "idDoesNotExist",
        ),
    ],
)
def test_protocol_errors(client, records, params, code):
    root = get(client, **params)
    assert error_code(root) == code
    if code in ("badVerb", "badArgument"):
        assert root.find("o:request", NS).attrib == {}


def test_records_carry_dublin_core_in_every_language(client, records):
    identifier = oai.oai_identifier(records[0])
    record = get(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier).find(
        "o:GetRecord/o:record", NS
    )
    assert record.findtext("o:header/o:identifier", namespaces=NS) == identifier
    assert {s.text for s in record.findall("o:header/o:setSpec", NS)} == {
        "org:org-a",
        "country:CN",
        "kind:lesson",
    }
    titles = {
        t.get("{http://www.w3.org/XML/1998/namespace}lang"): t.text
        for t in record.iter(f"{{{oai.DC}}}title")
    }
    assert titles == {"en": "Lesson 0", "zh-Hans": "第0课"}
    assert (
        record.findtext(".//dc:rights", namespaces=NS) == "https://spdx.org/licenses/CC-BY-4.0.html"
    )


def test_lists_are_paged_with_signed_resumption_tokens(client, records, settings):
    settings.OAI_PAGE_SIZE = 3
    first = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc").find(
        "o:ListIdentifiers", NS
    )
    assert len(first.findall("o:header", NS)) == 3
    token = first.find("o:resumptionToken", NS)
    assert (
        token.get("completeListSize") == "4"
        and token.get("cursor") == "0"
        and token.get("expirationDate")
    )
    second = get(client, verb="ListIdentifiers", resumptionToken=token.text).find(
        "o:ListIdentifiers", NS
    )
    assert len(second.findall("o:header", NS)) == 1
    last = second.find("o:resumptionToken", NS)
    assert last.text is None and last.get("cursor") == "3"
    assert (
        error_code(get(client, verb="ListRecords", resumptionToken=token.text))
        == "badResumptionToken"
    )


def test_sets_filter_the_lists(client, records):
    specs = [s.text for s in get(client, verb="ListSets").iter(f"{{{oai.OAI}}}setSpec")]
    assert {"org:org-a", "org:org-b", "country:KE", "kind:course"} <= set(specs)
    kenyan = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="country:KE")
    assert len(kenyan.findall("o:ListIdentifiers/o:header", NS)) == 1


@pytest.mark.django_db(transaction=True)
def test_an_independent_client_harvests_every_record(live_server, records, settings):
    settings.OAI_PAGE_SIZE = 2  # makes the client follow resumption tokens
    with Scythe(f"{live_server.url}/oai") as scythe:
        assert scythe.identify().protocolVersion == "2.0"
        harvested = list(scythe.list_records(metadata_prefix="oai_dc"))
        titles = sorted(r.metadata["title"][0] for r in harvested)
        assert titles[:3] == ["Kenyan course", "Lesson 0", "Lesson 1"] and len(harvested) == 4
        assert {
            h.identifier
            for h in scythe.list_identifiers(metadata_prefix="oai_dc", set_="org:org-a")
        } == {oai.oai_identifier(r) for r in records[:3]}
        assert [f.metadataPrefix for f in scythe.list_metadata_formats()] == ["oai_dc", "lom"]
        assert len(list(scythe.list_records(metadata_prefix="lom"))) == 4


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": "oai:edubridge.local:" + "z" * 36,
            },
            "idDoesNotExist",
        ),
        (
            {"verb": "ListMetadataFormats", "identifier": "oai:edubridge.local:" + "z" * 36},
            "idDoesNotExist",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "9999-12-31"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-1-1T1:1:1Z"},
            "badArgument",
        ),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "a\x01b"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "org:\x00"}, "badArgument"),
    ],
)
def test_hostile_arguments_get_their_error_code(client, records, params, code):
    assert error_code(get(client, **params)) == code


def test_a_repeated_verb_is_a_bad_verb(client, records):
    root = ET.fromstring(client.get("/oai?verb=Identify&verb=ListSets").content)  # noqa: S314
    assert error_code(root) == "badVerb"


def test_a_record_changed_during_a_harvest_is_neither_skipped_nor_repeated(
    client, records, settings, curator_a
):
    settings.OAI_PAGE_SIZE = 2
    first = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc").find(
        "o:ListIdentifiers", NS
    )
    seen = [h.findtext("o:identifier", namespaces=NS) for h in first.findall("o:header", NS)]
    services.update_resource(curator_a, records[0], subjects=["AI", "Changed"])  # moves to the end
    token = first.findtext("o:resumptionToken", namespaces=NS)
    while token:
        page = get(client, verb="ListIdentifiers", resumptionToken=token).find(
            "o:ListIdentifiers", NS
        )
        seen += [h.findtext("o:identifier", namespaces=NS) for h in page.findall("o:header", NS)]
        token = page.findtext("o:resumptionToken", namespaces=NS)
    expected = {oai.oai_identifier(r) for r in records}
    assert len(seen) == len(set(seen))  # nothing twice
    assert expected - set(seen) <= {oai.oai_identifier(records[0])}  # only the changed one may wait
    assert oai.oai_identifier(records[0]) in harvest(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc"
    )


def harvest(client, **params):
    """Every identifier of a list, following the resumption tokens."""
    found, token = [], None
    while True:
        page = get(
            client, **({"verb": params["verb"], "resumptionToken": token} if token else params)
        )
        listing = page.find(f"o:{params['verb']}", NS)
        found += [h.text for h in listing.iter(f"{{{oai.OAI}}}identifier")]
        token = listing.findtext("o:resumptionToken", namespaces=NS)
        if not token:
            return found


def test_an_empty_repository_has_no_set_hierarchy(client, db):
    assert error_code(get(client, verb="ListSets")) == "noSetHierarchy"


LOM = {"l": "http://ltsc.ieee.org/xsd/LOM"}


def test_records_are_also_offered_as_ieee_lom(client, records, curator_a, kenya_item):
    resource = records[0]
    version = services.create_version(curator_a, resource, derived_from=resource.versions.get())
    services.align(curator_a, version, kenya_item, "teaches")
    services.publish_version(curator_a, version)
    formats = get(client, verb="ListMetadataFormats", identifier=oai.oai_identifier(resource))
    assert [f.text for f in formats.iter(f"{{{oai.OAI}}}metadataPrefix")] == ["oai_dc", "lom"]
    record = get(
        client, verb="GetRecord", metadataPrefix="lom", identifier=oai.oai_identifier(resource)
    )
    lom = record.find(".//l:lom", LOM)
    titles = {s.get("language"): s.text for s in lom.findall("l:general/l:title/l:string", LOM)}
    assert titles == {"en": "Lesson 0", "zh-Hans": "第0课"}
    assert lom.findtext("l:lifeCycle/l:version/l:string", namespaces=LOM) == "2"
    assert "FN:Org A University" in lom.findtext(
        "l:lifeCycle/l:contribute/l:entity", namespaces=LOM
    )
    assert "CC-BY-4.0" in lom.findtext("l:rights/l:description/l:string", namespaces=LOM)
    taxon = lom.find("l:classification/l:taxonPath/l:taxon", LOM)
    assert taxon.findtext("l:id", namespaces=LOM) == kenya_item.human_coding_scheme
    listed = get(client, verb="ListRecords", metadataPrefix="lom").findall(".//l:lom", LOM)
    assert len(listed) == len(records)


def test_a_withdrawn_resource_is_a_deleted_record(client, records, curator_a):
    services.withdraw_resource(curator_a, records[0])
    assert get(client, verb="Identify").findtext("o:Identify/o:deletedRecord", namespaces=NS) == (
        "persistent"
    )
    listing = get(client, verb="ListRecords", metadataPrefix="oai_dc").find("o:ListRecords", NS)
    deleted = [r for r in listing.findall("o:record", NS) if r.find("o:header", NS).get("status")]
    assert len(deleted) == 1 and deleted[0].find("o:metadata", NS) is None
    assert (
        deleted[0]
        .findtext("o:header/o:identifier", namespaces=NS)
        .endswith(str(records[0].identifier))
    )
    assert len(listing.findall("o:record", NS)) == 4  # the other three still have metadata
