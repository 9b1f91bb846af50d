"""Regressions from review: hostile packages, tampering between partners, frozen agreements."""

import copy
import json
import socket
import threading
import time

import pytest
from django.test import override_settings

from edubridge.core.errors import DomainError
from edubridge.core.fetch import fetch
from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.standards import crosswalks, services
from edubridge.standards.case import CaseError, parse_json, read_package, validate
from edubridge.standards.models import CrosswalkStatus, Framework, Item, LinkStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def broken(kenya, change):
    package = copy.deepcopy(kenya)
    change(package)
    return package


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda p: p["CFDocument"].update(subject=5), "$.CFDocument.subject"),
        (
            lambda p: p["CFItems"][1].update(conceptKeywords={"a": 1}),
            "$.CFItems[1].conceptKeywords",
        ),
        (lambda p: p["CFItems"][1].update(extensions="abc"), "$.CFItems[1].extensions"),
        (lambda p: p["CFItems"][1].update(notes=["a"]), "$.CFItems[1].notes"),
        (lambda p: p["CFItems"][1].update(fullStatement=True), "$.CFItems[1].fullStatement"),
        (lambda p: p["CFItems"][1].update(identifier="a/b"), "$.CFItems[1].identifier"),
        (lambda p: p.update(CFItems={}), "$.CFItems"),
        (lambda p: p.update(CFItems=0), "$.CFItems"),
        (
            lambda p: p["CFItems"][1].update(fullStatement="bad\x00text"),
            "$.CFItems[1].fullStatement",
        ),
        (
            lambda p: p["CFItems"][1].update(lastChangeDateTime="0001-01-01T00:00:00+01:00"),
            "$.CFItems[1].lastChangeDateTime",
        ),
        (lambda p: p.update(CFRubrics=[1]), "$.CFRubrics"),
    ],
)
def test_wrong_types_and_unstorable_text_are_refused_with_their_path(kenya, change, path):
    with pytest.raises(CaseError) as raised:
        read_package(broken(kenya, change))
    assert raised.value.path == path


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"CFDocument": {"x": NaN}}', "not a JSON value"),
        (b'{"CFDocument": {"x": "\\ud800"}}', "lone surrogate"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_json_no_database_can_store_is_refused(raw, message):
    with pytest.raises(CaseError, match=message):
        read_package(parse_json(raw, 10**7))


def test_repairable_oddities_import_and_still_export_valid_case(kenya):
    def odd(p):
        p["CFItems"][1].update(
            conceptKeywords="ai", subject="Informatics", humanCodingScheme="²", listEnumeration="①"
        )
        p["CFAssociations"][0]["sequenceNumber"] = 1e20
        p["CFAssociations"][1]["sequenceNumber"] = "x"
        p["CFDocument"]["version"] = 2

    report = services.import_package(SYSTEM, broken(kenya, odd))
    exported = services.export_package(report.framework)
    assert validate(exported) == []
    assert report.framework.version == "2"
    item = next(i for i in exported["CFItems"] if i["humanCodingScheme"] == "²")
    assert item["conceptKeywords"] == ["ai"] and item["subject"] == ["Informatics"]


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda p: p["CFDocument"].update(title="t" * 600), "title"),
        (lambda p: p["CFDocument"].update(version="v" * 60), "version"),
        (lambda p: p["CFItems"][1].update(uri="https://x.example/" + "u" * 600), "uri"),
    ],
)
def test_values_longer_than_their_column_are_refused_not_truncated(kenya, change, column):
    with pytest.raises(DomainError, match=f"{column} is longer than"):
        services.import_package(SYSTEM, broken(kenya, change))
    assert not Framework.objects.exists()


def test_a_link_longer_than_its_column_is_refused(kenya):
    def long_link(p):
        p["CFAssociations"].append(
            {
                **p["CFAssociations"][0],
                "identifier": "0b0b0b0b-0000-4000-8000-000000000001",
                "associationType": "isRelatedTo",
                "destinationNodeURI": {
                    "title": "x",
                    "identifier": "z" * 65,
                    "uri": "https://x.example/y",
                },
            }
        )

    with pytest.raises(CaseError, match="longer than 64"):
        read_package(broken(kenya, long_link))


def test_non_uuid_identifiers_get_stable_uuids_and_round_trip(kenya):
    text = json.dumps(kenya)
    for n, item in enumerate(kenya["CFItems"]):
        text = text.replace(item["identifier"], f"ke-item-{n}")
    legacy = json.loads(text)
    first = services.import_package(SYSTEM, legacy)
    exported = services.export_package(first.framework)
    assert validate(exported) == []
    assert exported["CFItems"][0]["extensions"]["originalIdentifier"] == "ke-item-0"
    again = services.import_package(SYSTEM, exported)  # our own export re-imports in place
    assert not again.created and not again.changed
    assert not services.import_package(SYSTEM, legacy).created


def test_rubrics_and_package_extensions_survive(kenya):
    rubric = {
        "identifier": "0c0c0c0c-0000-4000-8000-000000000001",
        "uri": "urn:r",
        "title": "Rubric",
        "lastChangeDateTime": "2026-11-01T00:00:00+00:00",
    }
    package = broken(
        kenya, lambda p: p.update(CFRubrics=[rubric], extensions={"edubridge": {"note": "x"}})
    )
    exported = services.export_package(services.import_package(SYSTEM, package).framework)
    assert exported["CFRubrics"] == [rubric] and exported["extensions"] == {
        "edubridge": {"note": "x"}
    }


def test_a_partner_cannot_rewrite_another_partners_definitions(kenya, indonesia, org_a, org_b):
    licence = {
        "identifier": "0d0d0d0d-0000-4000-8000-000000000001",
        "uri": "urn:l",
        "title": "CC BY 4.0",
        "licenseText": "Attribution",
        "lastChangeDateTime": "2026-11-01T00:00:00+00:00",
    }
    services.import_package(
        SYSTEM,
        broken(kenya, lambda p: p.update(CFDefinitions={"CFLicenses": [licence]})),
        organisation=org_a,
    )
    hostile = {**licence, "title": "All rights reserved by B", "licenseText": "pwned"}
    services.import_package(
        SYSTEM,
        broken(indonesia, lambda p: p.update(CFDefinitions={"CFLicenses": [hostile]})),
        organisation=org_b,
    )
    ours = Framework.objects.get(organisation=org_a)
    assert ours.licence.title == "CC BY 4.0"
    assert (
        services.export_package(ours)["CFDefinitions"]["CFLicenses"][0]["licenseText"]
        == "Attribution"
    )


@pytest.fixture
def agreement(kenya, indonesia, org_a, org_b, member):
    source = services.import_package(SYSTEM, kenya, organisation=org_a).framework
    target = services.import_package(SYSTEM, indonesia, organisation=org_b).framework
    curator, reviewer = member(org_a, Role.CURATOR), member(org_b, Role.REVIEWER)
    crosswalk = crosswalks.open_crosswalk(curator, source, target)
    pair = (
        source.items.get(human_coding_scheme="KE.AI.2.2"),
        target.items.get(human_coding_scheme="INF-AI.B.03"),
    )
    crosswalks.link_items(curator, crosswalk, *pair)
    return crosswalk, curator, reviewer, pair


def test_a_verdict_arriving_after_publication_is_refused(agreement):
    crosswalk, curator, reviewer, _ = agreement
    stale = copy.copy(crosswalk)  # what a request loaded before the second signature
    crosswalks.sign(curator, crosswalk, crosswalk.organisation)
    crosswalks.sign(reviewer, crosswalk, crosswalk.partner)
    link = crosswalk.links.get()
    link.crosswalk = stale
    with pytest.raises(DomainError, match="published"):
        crosswalks.decide(curator, link, LinkStatus.REJECTED)
    assert crosswalk.links.get().status == LinkStatus.ACCEPTED


def test_a_new_framework_version_voids_signatures_of_a_draft_and_cannot_alter_a_published_one(
    agreement, kenya
):
    crosswalk, curator, reviewer, _ = agreement
    crosswalks.sign(curator, crosswalk, crosswalk.organisation)
    newer = copy.deepcopy(kenya)
    for item in newer["CFItems"]:
        if item["humanCodingScheme"] == "KE.AI.2.2":
            item["fullStatement"] = "A different outcome altogether."
    services.import_package(SYSTEM, newer)
    assert not crosswalk.signatures.exists()  # A signed another statement

    crosswalks.sign(curator, crosswalk, crosswalk.organisation)
    crosswalks.sign(reviewer, crosswalk, crosswalk.partner)
    crosswalk.refresh_from_db()
    assert crosswalk.status == CrosswalkStatus.PUBLISHED
    signed = crosswalks.export(crosswalk)
    services.import_package(SYSTEM, kenya)  # the statement changes back
    assert crosswalks.export(crosswalk) == signed


def test_odd_requests_are_4xx_not_500(agreement):
    crosswalk, curator, _, _ = agreement
    client = client_for(curator)
    assert client.get(f"/crosswalks/{crosswalk.pk}/", {"item": "abc"}).status_code == 404
    link = crosswalk.links.get()
    assert client.post(f"/crosswalks/{crosswalk.pk}/links/{link.pk}/", {}).status_code == 400
    assert (
        client.post(
            f"/crosswalks/{crosswalk.pk}/pick/", {"source": "abc", "target": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/crosswalks/{crosswalk.pk}/sign/", {"organisation": "abc"}).status_code == 404
    )
    assert crosswalk.links.get().status == LinkStatus.ACCEPTED


def test_statements_without_words_do_not_break_suggestions(kenya, indonesia, org_a, org_b, member):
    source = services.import_package(
        SYSTEM,
        broken(kenya, lambda p: [i.update(fullStatement="…") for i in p["CFItems"]]),
        organisation=org_a,
    ).framework
    target = services.import_package(SYSTEM, indonesia, organisation=org_b).framework
    crosswalk = crosswalks.open_and_suggest(member(org_a, Role.CURATOR), source, target)
    assert (
        crosswalk.pk and not Item.objects.filter(framework=source, full_statement__gt="…").exists()
    )


def test_web_imports_may_not_reach_local_addresses():
    with pytest.raises(DomainError, match="private or local address"):
        fetch("http://127.0.0.1:9/case.json", max_bytes=1000, timeout=2, public_only=True)


@pytest.fixture
def raw_server():
    """A loopback TCP server that answers with a slow trickle or with garbage."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            request = conn.recv(4096)
            if b"/garbage" in request:
                conn.sendall(b"SSH-2.0-OpenSSH\r\n")
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n")
                for _ in range(20):
                    if stop.is_set():
                        break
                    try:
                        conn.sendall(b" ")
                    except OSError:
                        break
                    time.sleep(0.3)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    sock.close()


@override_settings(CASE_URL_TIMEOUT=1)
def test_a_trickle_is_cut_at_the_deadline_and_garbage_is_a_clear_error(raw_server):
    started = time.monotonic()
    with pytest.raises(DomainError, match="within 1 s"):
        fetch(f"{raw_server}/trickle", max_bytes=10**6, timeout=1)
    assert time.monotonic() - started < 3
    with pytest.raises(DomainError, match="could not fetch it"):
        fetch(f"{raw_server}/garbage", max_bytes=10**6, timeout=2)
