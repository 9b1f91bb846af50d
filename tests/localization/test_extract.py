"""Extraction finds every string a learner reads, and rebuilding puts translations back."""

from lxml import html

from edubridge.catalog.packages import qti
from edubridge.localization import extract
from tests.localization.conftest import ITEM, PAGE


def test_a_page_gives_its_blocks_alt_texts_and_title():
    units = {u.key: u for u in extract.page_units("lesson.html", PAGE.encode())}
    assert units["file:lesson.html#/html/body/p[1]"].source == (
        "A model learns from <strong>training data</strong>: photos of pigs and goats, each"
        " with a <em>label</em>."
    )
    assert units["file:lesson.html#/html/body/p[1]"].markup
    alt = units["file:lesson.html#/html/body/img@alt"]
    assert (alt.source, alt.markup) == ("Two goats in a field", False)
    assert alt.context == "Alternative text of an image goats.png on page lesson.html"
    title = units["file:lesson.html#/html/head/title"]
    assert (title.source, title.max_length) == ("Sorting farm animals", 300)
    assert units["file:lesson.html#/html/body/ul/li[2]"].source == (
        'Test the <a href="https://example.org/model">model</a>.'
    )
    assert (
        units["file:lesson.html#/html/body/h1"].context == "Heading (level 1) on page lesson.html"
    )
    assert len(units) == 7


def test_rebuilding_a_page_puts_each_translation_where_its_source_was():
    targets = {
        "file:lesson.html#/html/body/p[1]": "Modeli hujifunza <strong>data ya mafunzo</strong>.",
        "file:lesson.html#/html/body/img@alt": "Mbuzi wawili shambani",
        "file:lesson.html#/html/body/h1": "Kupanga wanyama",
    }
    page = html.fromstring(
        extract.rebuild_page("lesson.html", PAGE.encode(), targets, "sw-KE", False)
    )
    assert page.get("lang") == "sw-KE" and page.get("dir") is None
    assert page.xpath("//h1")[0].text_content() == "Kupanga wanyama"
    assert page.xpath("//p")[0].xpath("strong")[0].text == "data ya mafunzo"
    assert page.xpath("//img")[0].get("alt") == "Mbuzi wawili shambani"
    assert "3 miles" in page.xpath("//p")[1].text_content()
    arabic = html.fromstring(extract.rebuild_page("lesson.html", PAGE.encode(), {}, "ar-EG", True))
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar-EG", "rtl")


def test_an_item_gives_title_prompt_and_choices_and_is_rebuilt_translated():
    item = qti.Item.from_json(ITEM)
    units = {u.key: u for u in extract.item_units(item)}
    assert units["item:q1:prompt"].source == "<p>What is <strong>training data</strong>?</p>"
    assert units["item:q1:choice:A"].context == "Choice A of assessment item q1 (a correct answer)"
    rebuilt = extract.rebuild_item(
        item,
        {"item:q1:prompt": "<p>Data ya mafunzo ni nini?</p>", "item:q1:choice:B": "Kamera"},
        "sw-KE",
    )
    assert rebuilt.prompt == "<p>Data ya mafunzo ni nini?</p>"
    assert [c.text for c in rebuilt.choices] == ["Examples with labels", "Kamera"]
    assert (rebuilt.correct, rebuilt.language) == (["A"], "sw-KE")


def test_an_empty_page_has_nothing_to_translate():
    assert extract.page_units("empty.html", b"  ") == []


def test_markup_the_source_did_not_have_is_made_safe_when_rebuilt():
    targets = {
        "file:lesson.html#/html/body/h1": "Kupanga <img src=x onerror=alert(1)><script>x</script>",
        "file:lesson.html#/html/body/ul/li[2]": 'Jaribu <a href="https://example.org/model">modeli</a>.',
    }
    page = extract.rebuild_page("lesson.html", PAGE.encode(), targets, "sw-KE", False).decode()
    assert "onerror" not in page and "<script" not in page and "Kupanga" in page
    assert '<a href="https://example.org/model">modeli</a>' in page
    unclosed = {"file:lesson.html#/html/body/h1": "Kupanga <b>x</b> <img src=x onerror=alert(1)"}
    page = extract.rebuild_page("lesson.html", PAGE.encode(), unclosed, "sw-KE", False).decode()
    assert "onerror" not in page
