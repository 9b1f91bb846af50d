"""The CASE codec alone: lenient reading, named refusals, strict 1.1 writing."""

import copy
import json

import pytest

from edubridge.standards.case import CaseError, parse_json, read_package, validate, writer
from edubridge.standards.case.schema import TYPES_1_1


def test_a_legacy_export_is_repaired_with_warnings(legacy):
    package = read_package(legacy)
    doc = package.document
    assert doc["identifier"] == doc["identifier"].lower()
    assert "CFPackageURI" not in doc
    first, second = package.items
    assert first["educationLevel"] == ["KG"] and "educationalLevel" not in first
    assert "CFDocumentURI" not in first
    assert second["fullStatement"] == "Count forward from a number"
    child = package.associations[0]
    assert child["originNodeURI"]["identifier"] == first["identifier"]  # taken from the URI
    assert child["sequenceNumber"] == 1
    assert package.associations[2]["associationType"] == "isRelatedTo"
    assert first["lastChangeDateTime"].utcoffset().total_seconds() == 0
    assert any("no time zone" in w for w in package.warnings)
    assert any("educationalLevel" in w for w in package.warnings)


def test_a_cfpackage_wrapper_is_accepted(kenya):
    assert len(read_package({"CFPackage": kenya}).items) == len(kenya["CFItems"])


def mutate(package, change):
    broken = copy.deepcopy(package)
    change(broken)
    return broken


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda p: p.pop("CFDocument"), "$.CFDocument", "required"),
        (lambda p: p["CFDocument"].pop("title"), "$.CFDocument.title", "required"),
        (lambda p: p["CFItems"][3].pop("identifier"), "$.CFItems[3].identifier", "required"),
        (
            lambda p: p["CFItems"][2].update(fullStatement=""),
            "$.CFItems[2].fullStatement",
            "required",
        ),
        (
            lambda p: p["CFItems"][4].update(identifier=p["CFItems"][1]["identifier"]),
            "$.CFItems[4].identifier",
            "duplicate identifier",
        ),
        (
            lambda p: p["CFAssociations"][0].pop("associationType"),
            "$.CFAssociations[0].associationType",
            "required",
        ),
        (lambda p: p["CFItems"].__setitem__(0, "text"), "$.CFItems[0]", "must be an object"),
        (
            lambda p: p["CFItems"][0].update(lastChangeDateTime="yesterday"),
            "$.CFItems[0].lastChangeDateTime",
            "not a date-time",
        ),
        (
            lambda p: p["CFItems"][0].update(educationLevel={"grade": 7}),
            "$.CFItems[0].educationLevel",
            "list of strings",
        ),
    ],
)
def test_what_cannot_be_repaired_is_refused_naming_the_json_path(kenya, change, path, message):
    with pytest.raises(CaseError) as raised:
        read_package(mutate(kenya, change))
    assert raised.value.path == path
    assert message in raised.value.message


def test_a_parent_outside_the_package_is_refused(kenya):
    def dangle(p):
        p["CFAssociations"][5]["destinationNodeURI"]["identifier"] = (
            "0b0b0b0b-0000-4000-8000-000000000000"
        )

    with pytest.raises(CaseError, match="isChildOf points at 0b0b0b0b"):
        read_package(mutate(kenya, dangle))


def test_an_outside_node_without_a_uri_is_refused(legacy):
    def no_uri(p):
        p["CFAssociations"][2]["destinationNodeURI"]["uri"] = ""

    with pytest.raises(CaseError) as raised:
        read_package(mutate(legacy, no_uri))
    assert raised.value.path == "$.CFAssociations[2].destinationNodeURI"


def test_an_is_child_of_cycle_is_refused_naming_its_nodes(kenya):
    items = kenya["CFItems"]
    strand, outcome = items[0], items[1]

    def cycle(p):
        # The strand becomes a child of its own first outcome.
        for a in p["CFAssociations"]:
            if a["originNodeURI"]["identifier"] == strand["identifier"]:
                a["destinationNodeURI"] = {
                    "title": "x",
                    "identifier": outcome["identifier"],
                    "uri": outcome["uri"],
                }

    with pytest.raises(
        CaseError, match=f"cycle: .*{strand['identifier']}.*{outcome['identifier']}"
    ):
        read_package(mutate(kenya, cycle))


def test_malformed_and_oversized_json_are_refused_before_parsing():
    with pytest.raises(CaseError, match=r"not valid JSON: line 1 column 2"):
        parse_json(b"{oops}", 1000)
    with pytest.raises(CaseError, match=r"has 0.0 MB; this node accepts 0 MB"):
        parse_json(b" " * 2000, 1000)
    with pytest.raises(CaseError, match="a CASE package is a JSON object"):
        read_package(json.loads("[1, 2]"))


def test_the_writer_produces_valid_case_1_1_from_a_legacy_package(legacy):
    package = read_package(legacy)
    for obj in [package.document, *package.items, *package.associations]:
        obj["lastChangeDateTime"] = writer.case_datetime(obj["lastChangeDateTime"])
    definitions = {
        k: [{**d, "lastChangeDateTime": writer.case_datetime(d["lastChangeDateTime"])} for d in v]
        for k, v in package.definitions.items()
    }
    out = {
        "CFDocument": writer.document(package.document),
        "CFItems": [writer.item(i) for i in package.items],
        "CFAssociations": [writer.association(a) for a in package.associations],
        "CFDefinitions": {k: [writer.definition(k, d) for d in v] for k, v in definitions.items()},
    }
    assert validate(out) == []
    assert out["CFDocument"]["caseVersion"] == "1.1"
    assert out["CFDefinitions"]["CFItemTypes"][0]["description"] == "Standard"  # required in 1.1
    assert out["CFItems"][0]["educationLevel"] == ["KG"]


def test_the_validator_catches_what_1_1_forbids(kenya):
    assert validate(kenya) == []
    bad = mutate(
        kenya,
        lambda p: p["CFItems"][0].update(
            CFDocumentURI={"title": "t", "identifier": "i", "uri": "u"}
        ),
    )
    assert "$.CFItems[0].CFDocumentURI: not allowed in CASE 1.1" in validate(bad)
    bad = mutate(kenya, lambda p: p["CFAssociations"][0].update(associationType="likes"))
    assert any("not a CASE 1.1 type" in problem for problem in validate(bad))
    assert "isTranslationOf" in TYPES_1_1
