"""Federation: one EduBridge node harvests another, both running as real server processes."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from edubridge.catalog import services
from edubridge.catalog.harvest import Harvester, HarvestError, http_get
from edubridge.catalog.models import Harvest, Resource
from edubridge.core.policy import SYSTEM

EDUBRIDGE = os.path.join(os.path.dirname(sys.executable), "edubridge")


class Node:
    """An EduBridge node in its own process, with its own var/ and SQLite database."""

    def __init__(self, var_dir: Path, **settings: str) -> None:
        self.var_dir = var_dir
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("EDUBRIDGE_")}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env.update(
            EDUBRIDGE_VAR_DIR=str(var_dir),
            EDUBRIDGE_DATABASE_URL=f"sqlite:///{var_dir / 'node.sqlite3'}",
            **{f"EDUBRIDGE_{k}": v for k, v in settings.items()},
        )
        self.server: subprocess.Popen | None = None
        self.url = ""

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [EDUBRIDGE, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        return done

    def shell(self, code: str) -> str:
        done = self.cli("shell", "-c", code)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.server = subprocess.Popen(
            [EDUBRIDGE, "serve", "--port", str(port), "--workers", "1", "--no-background"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/oai?verb=Identify", timeout=2).close()  # noqa: S310
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the node did not start")

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:  # noqa: S310
            return json.load(response)

    def get_text(self, path: str) -> str:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:  # noqa: S310
            return response.read().decode()

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=20)


@pytest.fixture(scope="module")
def node_a(tmp_path_factory):
    """The demo node: five partners' resources, one record per OAI-PMH page."""
    node = Node(
        tmp_path_factory.mktemp("node-a"), OAI_PAGE_SIZE="1", OAI_REPOSITORY_ID="node-a.test"
    )
    loaded = node.cli("demo", "--no-serve")
    assert loaded.returncode == 0, loaded.stderr
    node.start()
    yield node
    node.stop()


@pytest.fixture(scope="module")
def node_b(tmp_path_factory):
    node = Node(tmp_path_factory.mktemp("node-b"), OAI_REPOSITORY_ID="node-b.test")
    migrated = node.cli("migrate", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    yield node
    node.stop()


def _identifiers(node: Node) -> set[str]:
    return {r["identifier"] for r in node.get_json("/api/v1/resources?limit=100")["items"]}


def test_a_node_harvests_another_incrementally_and_keeps_the_origin(node_a, node_b):
    local = _identifiers(node_a)
    assert len(local) == 5  # the demo's four resources and its item bank

    first = node_b.cli("harvest", f"{node_a.url}/oai")
    assert first.returncode == 0, first.stderr
    assert "5 new, 0 updated, 0 deleted, 0 skipped" in first.stdout

    node_b.start()
    assert _identifiers(node_b) == local  # the same resources, under the same identifiers
    some = sorted(local)[0]
    page = node_b.get_text(f"/catalog/{some}/")
    assert "read-only here" in page and node_a.url in page
    doc = node_b.get_json(f"/api/v1/resources/{some}")
    assert doc["sdPublisher"]["url"] == f"{node_a.url}/oai"
    assert doc["url"] == f"{node_a.url}/catalog/{some}/"
    # Harvested records are not offered again: their origin is where to harvest them.
    assert "noRecordsMatch" in node_b.get_text("/oai?verb=ListIdentifiers&metadataPrefix=lom")

    again = node_b.cli("harvest", f"{node_a.url}/oai")
    assert "0 new, 0 updated, 0 deleted" in again.stdout  # nothing changed since

    time.sleep(1.1)  # datestamps have seconds granularity
    node_a.shell(
        "from edubridge.catalog import services; from edubridge.catalog.models import Resource;"
        "from edubridge.core.policy import SYSTEM;"
        f"r = Resource.objects.get(identifier='{some}'); services.withdraw_resource(SYSTEM, r)"
    )
    later = node_b.cli("harvest", f"{node_a.url}/oai")
    assert "0 new, 0 updated, 1 deleted" in later.stdout
    assert _identifiers(node_b) == local - {some}


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_harvest_resumes_without_duplicates(node_a, countries):
    calls = {"list": 0}

    def failing_get(url: str) -> bytes:
        if "verb=ListRecords" in url:
            calls["list"] += 1
            if calls["list"] == 2:
                raise HarvestError("the connection was lost")
        return http_get(url)

    with pytest.raises(HarvestError, match="connection was lost"):
        Harvester(f"{node_a.url}/oai", get=failing_get).run()
    kept = Resource.objects.filter(origin__isnull=False).count()
    assert kept == 1  # the first page was stored, with the token to go on from
    assert Harvest.objects.get().resumption_token

    report = Harvester(f"{node_a.url}/oai").run()
    assert report.resumed
    total = Resource.objects.filter(origin__isnull=False).count()
    assert total == len(_identifiers(node_a)) and report.created == total - kept
    assert not Harvest.objects.get().resumption_token


def test_harvested_records_are_read_only(node_a, countries, curator_a):
    Harvester(f"{node_a.url}/oai", set_spec="country:KE").run()
    harvested = Resource.objects.get(origin__isnull=False, kind="lesson")
    assert harvested.country_id == "KE" and harvested.owner is None
    assert harvested.publisher == "Rift Valley Teachers College"
    with pytest.raises(Exception, match="read-only"):
        services.update_resource(SYSTEM, harvested, subjects=["changed"])
    with pytest.raises(Exception, match="read-only"):
        services.create_version(SYSTEM, harvested)


@pytest.mark.django_db(transaction=True)
def test_a_harvest_never_overwrites_a_local_resource(live_server, org_a, curator_a, publish):
    mine = publish(org_a, curator_a, {"en": "Mine"})
    report = Harvester(f"{live_server.url}/oai").run()  # this node's own records come back
    assert report.created == 0 and report.skipped[0][1].startswith("a resource of this node")
    mine.refresh_from_db()
    assert mine.owner == org_a and mine.origin is None


def _repository(records: str, *, formats: str = "oai_dc"):
    """A small foreign repository: its answers by verb, as a harvester's ``get``."""
    head = '<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    head += "<responseDate>2026-11-26T10:00:00Z</responseDate><request>r</request>"
    answers = {
        "Identify": "<Identify><repositoryName>Open Library of Kenya</repositoryName>"
        "<granularity>YYYY-MM-DD</granularity></Identify>",
        "ListMetadataFormats": "<ListMetadataFormats>"
        + "".join(
            f"<metadataFormat><metadataPrefix>{p}</metadataPrefix></metadataFormat>"
            for p in formats.split()
        )
        + "</ListMetadataFormats>",
        "ListRecords": f"<ListRecords>{records}</ListRecords>",
    }
    asked = []

    def get(url: str) -> bytes:
        asked.append(url)
        verb = url.split("verb=")[1].split("&")[0]
        return (head + answers[verb] + "</OAI-PMH>").encode()

    get.asked = asked
    return get


DC_RECORD = """<record><header><identifier>oai:olk:{n}</identifier>
<datestamp>2026-11-20</datestamp></header><metadata>
<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title xml:lang="sw">Akili bandia {n}</dc:title><dc:title>AI {n}</dc:title>
<dc:subject>AI</dc:subject><dc:language>sw</dc:language><dc:type>Lecture</dc:type>
<dc:rights>https://creativecommons.org/licenses/by-sa/4.0/</dc:rights>
<dc:identifier>https://olk.example/items/{n}</dc:identifier>
<dc:publisher>Open Library of Kenya</dc:publisher>
</oai_dc:dc></metadata></record>"""


def test_any_repository_offering_dublin_core_can_be_harvested(countries):
    get = _repository(DC_RECORD.format(n=1) + DC_RECORD.format(n=2))
    report = Harvester("https://olk.example/oai", country="ke", get=get).run()
    assert report.created == 2
    first = Resource.objects.get(origin_identifier="oai:olk:1")
    assert first.title == {
        "sw": "Akili bandia 1"
    }  # the untagged title takes dc:language: kept first
    assert first.kind == "lesson" and first.licence == "CC-BY-SA-4.0"
    assert first.country_id == "KE" and first.origin_url == "https://olk.example/items/1"
    assert (
        first.publisher == "Open Library of Kenya" and str(first.origin) == "Open Library of Kenya"
    )

    Harvester("https://olk.example/oai", get=get).run()
    assert "from=2026-11-26&" in get.asked[-1] + "&"  # the next one asks for changes only, by day


def test_records_without_a_country_are_skipped_with_the_reason(countries):
    get = _repository(DC_RECORD.format(n=1))
    report = Harvester("https://olk.example/oai", get=get).run()
    assert report.skipped == [
        ("oai:olk:1", "the record names no country of origin (see --country)")
    ]
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "body, reason",
    [
        (
            '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>',
            "a DTD is not accepted",
        ),
        (
            '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
            "a DTD is not accepted",
        ),
        ("<r><unclosed></r>", "not well-formed"),
        ("<html><body>Not OAI</body></html>", "did not answer with an OAI-PMH document"),
    ],
)
def test_hostile_or_wrong_answers_stop_the_harvest_with_a_reason(countries, body, reason):
    def get(url: str) -> bytes:
        return body.encode()

    with pytest.raises(HarvestError, match=reason):
        Harvester("https://bad.example/oai", get=get).run()
    assert not Resource.objects.exists()


def test_a_repository_repeating_its_token_does_not_hold_the_harvest_forever(countries):
    page = DC_RECORD.format(n=1) + "<resumptionToken>same</resumptionToken>"
    with pytest.raises(HarvestError, match="repeats its resumption token"):
        Harvester("https://olk.example/oai", country="KE", get=_repository(page)).run()
    assert Resource.objects.count() == 1  # the first page was kept


def test_a_record_without_a_type_becomes_a_lesson(countries):
    record = DC_RECORD.format(n=1).replace("<dc:type>Lecture</dc:type>", "")
    report = Harvester("https://olk.example/oai", country="KE", get=_repository(record)).run()
    assert report.created == 1 and Resource.objects.get().kind == "lesson"
