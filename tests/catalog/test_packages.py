"""Common Cartridge and QTI packages: import, scoring, export and re-import, hostile archives."""

import io
import stat
import zipfile

import pytest
from lxml import etree

from edubridge.catalog import packaging, search, services
from edubridge.catalog.models import Resource
from edubridge.catalog.packages import qti
from edubridge.catalog.packages.archive import PackageError
from edubridge.catalog.packages.cartridge import read_package
from edubridge.core.errors import DomainError
from tests.catalog import packages as fixtures

pytestmark = pytest.mark.django_db


def load(data: bytes, name="package.imscc"):
    return read_package(io.BytesIO(data), name)


def items_by_id(imported):
    return {item.identifier: item for item in imported.items}


def test_a_moodle_cartridge_keeps_its_outline_files_and_scorable_items():
    imported = load(fixtures.moodle_cartridge())
    assert imported.format == "Common Cartridge 1.1" and imported.title == "Machine learning basics"
    assert set(imported.files) == {"pages/intro.html", "web_resources/fig.svg"}
    (week,) = imported.outline
    assert [n["type"] for n in week["children"]] == ["page", "link", "assessment"]
    assert week["children"][1]["url"].startswith("https://www.unesco.org/")
    items = items_by_id(imported)
    assert set(items) == {"mc", "mr", "fib"}
    assert any("essay" in w for w in imported.warnings)  # not scorable: said, not dropped silently
    assert qti.score(items["mc"], "A1") == 1 and qti.score(items["mc"], "A2") == 0
    assert qti.score(items["mr"], ["B2", "B1"]) == 1 and qti.score(items["mr"], ["B1"]) == 0
    assert qti.score(items["fib"], "Supervised Learning") == 1  # case="No"
    assert qti.score(items["fib"], "") == 0


def test_qti_3_and_2_1_items_and_their_response_processing():
    imported = load(fixtures.qti_package(), "items.zip")
    assert imported.format == "QTI 3.0 package"
    assert [n["items"] for n in imported.outline] == [["city", "order"]]  # the test's order
    items = items_by_id(imported)
    order, city = items["order"], items["city"]
    assert order.interaction == "order" and "<b>data</b>" in order.choices[2].text
    assert qti.score(order, ["Collect", "Train", "Evaluate"]) == 1
    assert qti.score(order, ["Train", "Collect", "Evaluate"]) == 0
    assert city.interaction == "text_entry" and city.scoring == "map_response"
    assert qti.score(city, "Nairobi") == 1
    assert qti.score(city, "nairobi") == 0.5  # QTI 2.1: case sensitive unless it says otherwise
    assert qti.score(city, "NAIROBI") == 0


def test_map_response_counts_each_distinct_value_and_keeps_the_bounds():
    item = qti.Item(
        "w",
        "Water",
        "multiple_response",
        "Which elements form water?",
        choices=[qti.Choice(c, c) for c in ("H", "He", "O", "Cl")],
        correct=["H", "O"],
        scoring="map_response",
        mapping={"H": 1, "O": 1, "Cl": -1},
        default_value=-2,
        lower_bound=0,
        upper_bound=2,
        max_choices=0,
    )
    assert qti.score(item, ["H", "O"]) == 2
    assert qti.score(item, ["H", "O", "Cl"]) == 1
    assert qti.score(item, ["H", "H", "O"]) == 2
    assert qti.score(item, ["He"]) == 0
    written = qti.write_item(item)
    assert qti.read_item(etree.fromstring(written), "w.xml") == item


def test_import_export_and_reimport_keep_every_item(org_a, curator_a, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    report = packaging.import_package(
        curator_a,
        org_a,
        io.BytesIO(fixtures.moodle_cartridge()),
        name="ml.imscc",
        licence="CC-BY-4.0",
    )
    resource, version = report.resource, report.version
    assert resource.kind == "course" and resource.title == {"fr": "Machine learning basics"}
    assert version.files.count() == 2 and version.items.count() == 3
    services.publish_version(curator_a, version)
    assert [r.pk for r in search.search("labelled data").resources] == [resource.pk]  # item text

    original = {i.identifier: i for i in packaging.items_of(version)}
    for package_format, expected in (("cc1.3", "1.3"), ("cc1.1", "1.1")):
        data, warnings = packaging.export_package(version, package_format)
        again = load(data)
        assert again.format == f"Common Cartridge {expected}" and not warnings
        assert items_by_id(again) == original
        assert again.files["pages/intro.html"].startswith(b"<h1>Bonjour")
        assert [n["type"] for n in again.outline[0]["children"]] == ["page", "link", "assessment"]
        manifest = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml"))
        assert manifest.findtext("{*}metadata/{*}schemaversion") == f"{expected}.0"
    data, _ = packaging.export_package(version, "qti3")
    assert items_by_id(load(data, "items.zip")) == original


def test_import_is_all_or_nothing(org_a, curator_a):
    broken = fixtures.moodle_cartridge(**{"i_quiz/assesment.xml": None})
    with pytest.raises(DomainError, match=r"i_quiz/assesment.xml: missing .*imsmanifest.xml"):
        packaging.import_package(
            curator_a, org_a, io.BytesIO(broken), name="b.imscc", licence="CC-BY-4.0"
        )
    assert not Resource.objects.exists()


def _symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", fixtures.MANIFEST_CC11)
        link = zipfile.ZipInfo("pages/intro.html")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", fixtures.MANIFEST_CC11)
        archive.writestr("pages/intro.html", b"\0" * 50_000_000)
    return buffer.getvalue()


XXE = '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><m>&x;</m>'
LAUGHS = '<!DOCTYPE m [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]><m>&b;</m>'


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a zip", "not a zip archive"),
        (fixtures.zip_of({"readme.txt": "x"}), "no imsmanifest.xml"),
        (fixtures.moodle_cartridge(**{"../evil.html": "x"}), r"\.\./evil.html: the path leaves"),
        (fixtures.moodle_cartridge(**{"/etc/cron.d/x": "x"}), "/etc/cron.d/x: an absolute"),
        (fixtures.moodle_cartridge(**{"C:/x.html": "x"}), "C:/x.html: an absolute or Windows"),
        (_symlink_zip(), "pages/intro.html: symbolic links"),
        (_bomb(), "pages/intro.html: compressed .*zip bomb"),
        (fixtures.moodle_cartridge(**{"imsmanifest.xml": XXE}), "imsmanifest.xml: a DTD"),
        (fixtures.moodle_cartridge(**{"i_quiz/assesment.xml": LAUGHS}), "assesment.xml: a DTD"),
        (
            fixtures.moodle_cartridge(
                **{"imsmanifest.xml": fixtures.MANIFEST_CC11.replace("imsccv1p1/imscp", "x/imscp")}
            ),
            "imsmanifest.xml: http://www.imsglobal.org/xsd/x/imscp_v1p1 is neither",
        ),
        (
            fixtures.moodle_cartridge(**{"i_quiz/assesment.xml": fixtures.ORDER_ITEM}),
            "i_quiz/assesment.xml: not a QTI 1.2 assessment",
        ),
        (
            fixtures.qti_package(**{"items/city.xml": None}),
            r"items/city.xml: missing from the package \(named in imsmanifest.xml\)",
        ),
        (
            fixtures.qti_package(
                **{"items/order.xml": fixtures.ORDER_ITEM.replace("match_correct", "custom")}
            ),
            "items/order.xml: response processing template",
        ),
    ],
)
def test_hostile_and_broken_packages_are_refused_naming_the_entry(data, message):
    with pytest.raises(PackageError, match=message):
        load(data)


def test_the_cli_imports_publishes_and_exports(tmp_path, settings):
    from django.core.management import call_command

    from edubridge.core.models import Country, Organisation

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    Country.objects.get_or_create(code="KE", defaults={"name": "Kenya"})
    Organisation.objects.create(slug="rv", name="Rift Valley", country_id="KE")
    source = tmp_path / "ml.imscc"
    source.write_bytes(fixtures.moodle_cartridge())
    out = io.StringIO()
    call_command(
        "package",
        "import",
        str(source),
        "--org",
        "rv",
        "--licence",
        "CC-BY-4.0",
        "--publish",
        stdout=out,
    )
    assert "Common Cartridge 1.1" in out.getvalue() and "3 items" in out.getvalue()
    identifier = str(Resource.objects.get().identifier)
    target = tmp_path / "moodle.imscc"
    call_command("package", "export", identifier, "--format", "cc1.1", "-o", str(target))
    assert len(load(target.read_bytes()).items) == 3


def test_the_api_imports_a_package_and_serves_it_back(org_a, curator_a, client, settings, tmp_path):
    from tests.conftest import client_for

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    upload = io.BytesIO(fixtures.qti_package())
    upload.name = "items.zip"
    curator = client_for(curator_a)
    made = curator.post(
        "/api/v1/packages", {"file": upload, "owner": org_a.slug, "licence": "CC-BY-4.0"}
    )
    assert made.status_code == 201, made.content
    assert made.json()["packageFormat"] == "QTI 3.0 package"
    identifier = made.json()["identifier"]
    url = f"/api/v1/resources/{identifier}/package?format=qti3"
    assert client.get(url).status_code == 404  # a draft is not served
    resource = Resource.objects.get(identifier=identifier)
    services.publish_version(curator_a, resource.versions.get())
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "application/zip"
    body = b"".join(served.streaming_content)
    assert len(load(body, "items.zip").items) == 2
    # Made once: a published version never changes, so neither does its package.
    services.update_resource(curator_a, resource, title={"en": "Renamed"})
    assert b"".join(client.get(url).streaming_content) == body
    assert client.get(url.replace("qti3", "scorm")).status_code == 400

    hostile = io.BytesIO(fixtures.moodle_cartridge(**{"../x": "x"}))
    hostile.name = "evil.imscc"
    refused = curator.post(
        "/api/v1/packages", {"file": hostile, "owner": org_a.slug, "licence": "CC-BY-4.0"}
    )
    assert refused.status_code == 400 and "../x" in refused.json()["detail"]


def test_a_2_gb_upload_is_refused_before_it_is_read(client):
    response = client.generic(
        "POST",
        "/api/v1/packages",
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413 and response.json()["code"] == "too-large"


def _damaged() -> bytes:
    """The page's bytes changed after its CRC was written."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", fixtures.MANIFEST_CC11)
        archive.writestr("pages/intro.html", "<h1>Bonjour</h1>")
    return buffer.getvalue().replace(b"<h1>Bonjour", b"<h1>Bonsoir")


def _many_items(n: int) -> bytes:
    """Many items with one identifier, stored uncompressed (so not taken for a zip bomb)."""
    quiz = fixtures.QUIZ.replace(fixtures.MR + fixtures.FIB + fixtures.ESSAY, fixtures.MC * n)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", fixtures.MANIFEST_CC11)
        archive.writestr("i_quiz/assesment.xml", quiz)
        archive.writestr("i_link/weblink.xml", fixtures.WEBLINK)
        archive.writestr("pages/intro.html", "<h1>x</h1>")
        archive.writestr("web_resources/fig.svg", "<svg/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, message",
    [
        (_damaged(), "pages/intro.html: damaged"),
        (_many_items(5001), "more than 5000 items"),
        (
            fixtures.qti_package(
                **{
                    "imsmanifest.xml": fixtures.MANIFEST_QTI3.replace(
                        'href="items/city.xml">\n   <file href="items/city.xml"/>', ">"
                    )
                }
            ),
            "resource 'city' has no file",
        ),
        (
            fixtures.qti_package(
                **{
                    "items/city.xml": fixtures.TEXT_ITEM_21.replace(
                        'mappedValue="1"', 'mappedValue="inf"'
                    )
                }
            ),
            "items/city.xml: 'inf' is not a usable number",
        ),
        (
            fixtures.moodle_cartridge(
                **{"i_quiz/assesment.xml": fixtures.QUIZ.replace(">100<", ">full<", 1)}
            ),
            "'full' is not a number",
        ),
    ],
)
def test_damaged_or_abusive_packages_are_refused_not_500(data, message):
    with pytest.raises(PackageError, match=message):
        load(data)


def test_repeated_item_identifiers_are_made_unique_quickly():
    imported = load(_many_items(3000))
    identifiers = [item.identifier for item in imported.items]
    assert len(set(identifiers)) == len(identifiers) == 3001  # the quiz had one already
    assert max(map(len, identifiers)) <= 200


def test_scripts_in_prompts_and_choices_are_removed():
    hostile = fixtures.ORDER_ITEM.replace(
        "<qti-prompt>Put the steps in order.</qti-prompt>",
        "<qti-prompt>Put <b>the steps</b> in order.<script>alert(1)</script>"
        '<img src="steps.png" alt="steps" onerror="alert(2)"/></qti-prompt>',
    ).replace("Collect <b>data</b>", '<a href="javascript:alert(3)">Collect</a> data')
    item = items_by_id(load(fixtures.qti_package(**{"items/order.xml": hostile}), "q.zip"))["order"]
    assert "script" not in item.prompt and "onerror" not in item.prompt
    assert "<b>the steps</b>" in item.prompt and 'alt="steps"' in item.prompt
    assert "javascript" not in item.choices[2].text
    again = qti.read_item(etree.fromstring(qti.write_item(item)), "again.xml")
    assert again.prompt == item.prompt and again.choices == item.choices
