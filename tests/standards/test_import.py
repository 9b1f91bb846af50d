import copy
import json

import pytest

from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import AuditEntry, Role
from edubridge.core.policy import SYSTEM
from edubridge.standards import services
from edubridge.standards.case import read_package, validate
from edubridge.standards.models import Association, Framework, Item

pytestmark = pytest.mark.django_db


def signature(package: dict) -> tuple:
    """What a round trip keeps: identifiers, URIs, statements, codes, levels, types, links."""
    read = read_package(package)
    items = {
        (
            i["identifier"],
            i.get("uri", ""),
            i["fullStatement"],
            i.get("humanCodingScheme", ""),
            tuple(i.get("educationLevel") or ()),
            i.get("CFItemType", ""),
        )
        for i in read.items
    }
    links = {
        (
            a["identifier"],
            a["associationType"],
            a["originNodeURI"]["identifier"],
            a["originNodeURI"]["uri"],
            a["destinationNodeURI"]["identifier"],
            a["destinationNodeURI"]["uri"],
            a.get("sequenceNumber"),
        )
        for a in read.associations
    }
    doc = read.document
    return (doc["identifier"], doc.get("uri"), doc["title"]), items, links


@pytest.mark.parametrize("name", ["kenya", "legacy"])
def test_import_then_export_is_lossless_and_valid_1_1(request, name):
    package = request.getfixturevalue(name)
    report = services.import_package(SYSTEM, json.dumps(package).encode())
    exported = services.export_package(report.framework)
    assert validate(exported) == []
    assert signature(exported) == signature(package)


def test_the_tree_and_its_order_come_from_is_child_of(kenya):
    framework = services.import_package(SYSTEM, kenya).framework
    strands = list(Item.objects.filter(framework=framework, parent=None).order_by("position"))
    assert [s.human_coding_scheme for s in strands] == ["KE.AI.1", "KE.AI.2", "KE.AI.3", "KE.AI.4"]
    outcomes = list(
        strands[1].children.order_by("position").values_list("human_coding_scheme", flat=True)
    )
    assert outcomes == ["KE.AI.2.1", "KE.AI.2.2", "KE.AI.2.3", "KE.AI.2.4"]


def test_a_newer_version_updates_in_place_and_reports_what_changed(kenya):
    first = services.import_package(SYSTEM, kenya)
    assert first.created and len(first.added) == len(kenya["CFItems"])
    newer = copy.deepcopy(kenya)
    newer["CFDocument"]["version"] = "2.0"
    newer["CFItems"][1]["fullStatement"] = "Define AI and name AI systems met in daily life."
    dropped = newer["CFItems"].pop(2)
    newer["CFAssociations"] = [
        a
        for a in newer["CFAssociations"]
        if a["originNodeURI"]["identifier"] != dropped["identifier"]
    ]
    report = services.import_package(SYSTEM, newer)
    assert not report.created
    assert report.updated == [newer["CFItems"][1]["identifier"]]
    assert report.retired == [dropped["identifier"]] and report.added == []
    assert report.associations_removed == 1
    assert Framework.objects.get().version == "2.0"
    assert Item.objects.get(identifier=dropped["identifier"]).retired
    assert dropped["identifier"] not in {
        i["identifier"] for i in services.export_package(report.framework)["CFItems"]
    }


def test_importing_the_same_version_again_changes_nothing(kenya):
    services.import_package(SYSTEM, kenya)
    entries = AuditEntry.objects.count()
    again = services.import_package(SYSTEM, kenya)
    assert not again.changed and again.unchanged == len(kenya["CFItems"])
    assert AuditEntry.objects.count() == entries


def test_a_refused_package_leaves_nothing_half_imported(kenya):
    broken = copy.deepcopy(kenya)
    broken["CFItems"][-1]["humanCodingScheme"] = "x" * 101  # only found while writing
    with pytest.raises(DomainError) as raised:
        services.import_package(SYSTEM, broken)
    assert "longer than 100" in raised.value.message
    assert (
        not Framework.objects.exists()
        and not Item.objects.exists()
        and not Association.objects.exists()
    )


def test_an_item_of_another_framework_cannot_be_taken_over(kenya, indonesia):
    services.import_package(SYSTEM, kenya)
    text = json.dumps(indonesia).replace(
        indonesia["CFItems"][0]["identifier"], kenya["CFItems"][0]["identifier"]
    )
    thief = json.loads(text)
    with pytest.raises(DomainError) as raised:
        services.import_package(SYSTEM, thief)
    assert raised.value.code is ErrorCode.CONFLICT
    assert Framework.objects.count() == 1


def test_curators_import_for_their_organisation_only(kenya, org_a, org_b, member):
    curator = member(org_a, Role.CURATOR)
    teacher = member(org_a, Role.TEACHER)
    with pytest.raises(DomainError) as raised:
        services.import_package(teacher, kenya, organisation=org_a)
    assert raised.value.code is ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError):
        services.import_package(curator, kenya, organisation=org_b)
    with pytest.raises(DomainError):
        services.import_package(curator, kenya)  # a node-wide framework: operators only
    report = services.import_package(curator, kenya, organisation=org_a)
    assert report.framework.organisation == org_a
    assert AuditEntry.objects.filter(action="framework.import", organisation=org_a).count() == 1


def test_bad_json_is_a_domain_error_naming_the_path():
    with pytest.raises(DomainError) as raised:
        services.import_package(SYSTEM, b'{"CFDocument": {"identifier": "x"')
    assert raised.value.field == "$" and "not valid JSON" in raised.value.message


def test_the_unesco_frameworks_are_built_in():
    reports = services.load_builtin(SYSTEM)
    titles = sorted(r.framework.title for r in reports)
    assert titles == [
        "UNESCO AI competency framework for students (2024)",
        "UNESCO AI competency framework for teachers (2024)",
    ]
    teachers = Framework.objects.get(title__contains="teachers")
    competencies = teachers.items.filter(item_type="Competency")
    assert competencies.count() == 15
    assert teachers.items.filter(item_type="Dimension").count() == 5
    assert competencies.filter(
        full_statement="Human agency", human_coding_scheme="CFT.1.A"
    ).exists()
    students = Framework.objects.get(title__contains="students")
    assert students.items.filter(item_type="Competency").count() == 12
    licence = teachers.definitions.get(kind="CFLicenses")
    assert (
        "CC BY-SA 3.0 IGO" in licence.data["licenseText"]
        and "UNESCO" in licence.data["licenseText"]
    )
    assert teachers.builtin and validate(services.export_package(teachers)) == []
    assert not any(r.changed for r in services.load_builtin(SYSTEM))
