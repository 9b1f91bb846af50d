"""XLIFF 2.1 and PO out to CAT tools and back: round trips, a CAT-tool-shaped file, and
every kind of bad file refused whole, naming the unit and the problem."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from edubridge.core.errors import DomainError
from edubridge.localization import inline, po, services, xliff
from edubridge.localization.files import Outgoing, Rejected
from edubridge.localization.models import Origin, UnitState
from tests.localization.conftest import translating

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "l10n"
P1 = "file:lesson.html#/html/body/p[1]"


@pytest.fixture
def ready(project, people):
    return translating(project, people)


def targets(project):
    return dict(project.units.values_list("key", "target"))


def test_an_exported_xliff_protects_inline_codes(ready):
    data = services.export_file(ready.created_by, ready, "xliff")
    root = etree.fromstring(data)
    assert root.get("version") == "2.1" and root.get("trgLang") == "sw-KE"
    unit = root.find(f".//{{*}}unit[@name='{P1}']")
    source = unit.find(".//{*}source")
    codes = source.findall("{*}pc")
    assert [c.get("id") for c in codes] == ["1", "3"]
    assert all(c.get("canDelete") == "no" for c in codes)
    original = {d.get("id"): d.text for d in unit.iterfind(".//{*}data")}
    assert original[codes[0].get("dataRefStart")] == "<strong>"
    assert "".join(source.itertext()).startswith("A model learns from training data")
    ph = root.find(".//{*}unit[@name='file:lesson.html#/html/body/ul/li[1]']//{*}ph")
    assert ph.get("disp") == "{count}"


def test_a_cat_tool_file_imports_segments_marks_and_codes(ready, people):
    report = services.import_file(
        people["translator_b"], ready, (FIXTURES / "cat-tool.xlf").read_bytes(), "cat-tool.xlf"
    )
    assert (report.updated, report.untranslated) == (5, 1)
    saved = targets(ready)
    assert saved["title"] == "Kupanga wanyama wa shambani"
    assert saved[P1] == (
        "Modeli hujifunza kutoka kwa <strong>data ya mafunzo</strong>: picha za nguruwe na"
        " mbuzi, kila moja na <em>lebo</em>."
    )
    assert saved["file:lesson.html#/html/body/p[2]"] == (
        "Shamba liko maili 3 kutoka shuleni; mfuko wa chakula cha mifugo unagharimu ¥15."
    )
    assert saved["file:lesson.html#/html/body/ul/li[1]"] == "Kusanya picha {count}."
    assert saved["file:lesson.html#/html/body/img@alt"] == ""
    unit = ready.units.get(key=P1)
    assert (unit.origin, unit.state, unit.revision) == (Origin.IMPORT, UnitState.TRANSLATED, 1)
    assert unit.changes.get().by == people["translator_b"]


def test_xliff_round_trip_keeps_every_translation(ready, people):
    services.import_file(people["translator_b"], ready, (FIXTURES / "cat-tool.xlf").read_bytes())
    before = targets(ready)
    data = services.export_file(people["translator_b"], ready, "xliff")
    report = services.import_file(people["translator_b"], ready, data, "again.xlf")
    assert report.updated == 0 and report.unchanged == 5
    assert targets(ready) == before


def test_po_round_trip_and_a_translated_po(ready, people):
    data = services.export_file(people["translator_b"], ready, "po").decode()
    assert 'msgctxt "title"' in data and "#, max-length:300" in data
    translated = data.replace(
        'msgid "Sorting farm animals"\nmsgstr ""', 'msgid "Sorting farm animals"\nmsgstr "Kupanga"'
    )
    report = services.import_file(people["translator_b"], ready, translated.encode(), "sw.po")
    assert report.updated == 3  # the title, the page title and its heading share the text
    assert targets(ready)["title"] == "Kupanga"


def _xliff_with(ready, people, old: str, new: str, count: int = 1) -> bytes:
    services.import_file(people["translator_b"], ready, (FIXTURES / "cat-tool.xlf").read_bytes())
    data = services.export_file(people["translator_b"], ready, "xliff").decode()
    assert old in data
    return data.replace(old, new, count).encode()


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('<unit id="u5"', '<unit id="u99"', "unit 'u99'"),
        (
            "<source>Sorting farm animals</source>",
            "<source>Sorting animals</source>",
            "source text was changed",
        ),
        (
            '<target>Modeli hujifunza kutoka kwa <pc id="1"',
            '<target>Modeli hujifunza kutoka kwa <pc id="7"',
            "inline code id '7' is not in the source",
        ),
        ("<target>Kusanya picha <ph", "<target>Kusanya picha <x", "not an XLIFF 2 inline element"),
        ('srcLang="en"', 'srcLang="fr"', "source language is 'fr'"),
        ('trgLang="sw-KE"', 'trgLang="ar-EG"', "target language is 'ar-EG'"),
        ("<target>Kusanya picha ", "<target>Kusanya picha <", "not well-formed"),
        ('version="2.1"', 'version="1.2"', "XLIFF version '1.2' is not read"),
        (
            '<target>Modeli hujifunza kutoka kwa <pc id="1"',
            '<target>Modeli <pc id="²"',
            "'²' is not in",
        ),
        (
            "<target>Kusanya picha ",
            '<target>Kusanya <cp hex="FFFFFFFFFFFFFFFFFFFF"/>picha ',
            "not a character",
        ),
        ("<target>Kusanya picha ", '<target>Kusanya <cp hex="1"/>picha ', "control characters"),
    ],
)
def test_a_bad_xliff_is_refused_whole(ready, people, old, new, problem):
    data = _xliff_with(ready, people, old, new)
    data = data.replace(b"Kupanga wanyama wa shambani", b"Jina jipya")
    before = targets(ready)
    with pytest.raises(DomainError) as refused:
        services.import_file(people["translator_b"], ready, data, "bad.xlf")
    assert problem in refused.value.message
    assert targets(ready) == before


def test_a_target_that_drops_a_code_is_refused(ready, people):
    data = _xliff_with(
        ready,
        people,
        '<ph id="1" dataRef="d1" canDelete="no" disp="{count}"/>.</target>',
        ".</target>",
    )
    with pytest.raises(DomainError, match=r"u8.*placeholders or markup differ.*missing \{count\}"):
        services.import_file(people["translator_b"], ready, data)


def test_hostile_xml_is_refused(ready, people):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1">&b;</xliff>'
    )
    with pytest.raises(DomainError, match="DTD is not accepted"):
        services.import_file(people["translator_b"], ready, bomb)


def test_a_file_made_before_someone_else_saved_is_refused(ready, people):
    data = services.export_file(people["translator_b"], ready, "xliff").decode()
    unit = ready.units.get(key="title")
    services.save_unit(people["reviewer_b"], unit, "Kupanga wanyama", unit.revision)
    stale = data.replace(
        "<source>Sorting farm animals</source>\n",
        "<source>Sorting farm animals</source><target>Kupanga</target>\n",
        1,
    )
    with pytest.raises(DomainError, match=r"changed here since the file was made.*Kupanga wanyama"):
        services.import_file(people["translator_b"], ready, stale.encode())
    assert targets(ready)["title"] == "Kupanga wanyama"


H1 = 'msgctxt "file:lesson.html#/html/body/h1"'


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('msgctxt "title"', 'msgctxt "nowhere"', "nowhere"),
        ('"Language: sw_KE\\n"', '"Language: ar_EG\\n"', "target language is 'ar-EG'"),
        (
            H1 + '\nmsgid "Sorting farm animals"\nmsgstr ""',
            H1 + '\nmsgid "Sorting farm animals"\nmsgstr "<b>Kupanga"',
            "placeholders or markup differ",
        ),
        ('msgid "Sorting farm animals"', 'msgid "Sorting animals"', "source text was changed"),
        (
            'msgid "Sorting farm animals"',
            'msgid Sorting farm animals"',
            "bad.po: line 25 is not PO syntax",
        ),
        ('msgctxt "title"', 'msgctxt "title"\nmsgstr "unclosed', "is not PO syntax"),
    ],
)
def test_a_bad_po_is_refused_whole(ready, people, old, new, problem):
    data = services.export_file(people["translator_b"], ready, "po").decode()
    assert old in data
    bad = data.replace(old, new, 1).replace(
        'msgstr ""\n\n#. Description', 'msgstr "Maelezo"\n\n#. Description', 1
    )
    with pytest.raises(DomainError) as refused:
        services.import_file(people["translator_b"], ready, bad.encode(), "bad.po")
    assert problem in refused.value.message
    assert all(not t for t in targets(ready).values())


def test_a_fuzzy_po_message_is_not_applied(ready, people):
    data = services.export_file(people["translator_b"], ready, "po").decode()
    fuzzy = data.replace(
        'msgctxt "title"\nmsgid "Sorting farm animals"\nmsgstr ""',
        '#, fuzzy\nmsgctxt "title"\nmsgid "Sorting farm animals"\nmsgstr "Kupanga"',
    )
    assert services.import_file(people["translator_b"], ready, fuzzy.encode()).updated == 0


def test_import_waits_for_realignment(project, people):
    data = services.export_file(people["translator_b"], project, "xliff")
    with pytest.raises(DomainError, match="re-alignment"):
        services.import_file(people["translator_b"], project, data)


TAG = st.sampled_from(["<b>", "</b>", "<br>", '<a href="x">', "</a>", "{n}", "%s"])
TEXT = st.text(alphabet=st.sampled_from("ab <>&\"'é中ع"), max_size=6)


@given(st.lists(st.one_of(TAG, TEXT), max_size=12))
def test_any_text_survives_an_xliff_round_trip(parts):
    text = "".join(parts)
    markup_text = inline.canonical(text, True)
    unit = Outgoing(1, "k", markup_text, markup_text, True, "", None, "translated", 0)
    data = xliff.dump([unit], source_language="en", target_language="sw", original="x")
    parsed = xliff.load(data, {"u1": (markup_text, True)})
    back = parsed.units[0]
    assert inline.canonical(back.source, True) == inline.canonical(markup_text, True)
    assert inline.canonical(back.target, True) == inline.canonical(markup_text, True)


def test_po_reads_what_it_writes():
    unit = Outgoing(
        1,
        "item:q1:prompt",
        "What is <b>it</b>?",
        "Ni nini <b>hii</b>?",
        True,
        "Prompt",
        40,
        "translated",
        3,
    )
    parsed = po.load(po.dump([unit], source_language="en", target_language="sw-KE", original="x"))
    assert parsed.target_language == "sw-KE"
    assert parsed.units[0].key == "item:q1:prompt"
    assert (parsed.units[0].target, parsed.units[0].revision) == ("Ni nini <b>hii</b>?", 3)


def test_an_xliff_without_units_of_ours_is_refused():
    with pytest.raises(Rejected, match="not an XLIFF file"):
        xliff.load(b"<tmx version='1.4'/>", {})
