"""Each quality check fails on what it looks for, passes otherwise, and fixes what it can."""

import pytest

from edubridge.localization import checks
from edubridge.localization.checks import Checked, Term


def run(source, target, *, markup=True, language="sw-KE", **extra):
    return checks.failing(Checked(source, target, markup, language, **extra))


def test_untranslated_and_nothing_else_for_an_empty_target():
    assert run("Hello.", "") == {"untranslated": "no translation"}


def test_codes_placeholders_and_their_order():
    assert "missing <b> </b>" in run("Use <b>data</b>.", "Tumia data.")["codes"]
    assert "not in the source: {n}" in run("Use data.", "Tumia data {n}.")["codes"]
    assert "closed in the order" in run("<b><i>x</i></b>", "<b><i>x</b></i>")["codes"]
    assert "codes" not in run("A <b>big</b> {n} model.", "Modeli {n} <b>kubwa</b>.")
    assert "codes" not in run("Press <b>.", "Bonyeza <b>.", markup=False)
    assert (
        "does not open a tag"
        in run("Use <b>it</b>", "Tumia <b>hii</b> <img src=x onerror=y")["codes"]
    )
    assert "codes" not in run("1 &lt; 2", "1 &lt; 2")


@pytest.mark.parametrize(
    ("source", "target", "fails"),
    [
        ("1,000 photos in 2026", "picha 1 000 mwaka 2026", False),
        ("15 photos", "picha ١٥", False),
        ("3 miles", "kilomita 5", True),
        ("3.5 kg", "kg 3,5", False),
    ],
)
def test_numbers_in_any_script_and_grouping(source, target, fails):
    assert ("numbers" in run(source, target + ".", markup=False)) is fails


def test_glossary_terms_must_be_used_when_enforced():
    terms = [Term("machine learning", "ujifunzaji wa mashine", True), Term("data", "data", False)]
    assert (
        "“machine learning” should be “ujifunzaji wa mashine”"
        in run("Machine learning is fun.", "Kujifunza kwa mashine kunafurahisha.", terms=terms)[
            "glossary"
        ]
    )
    assert "glossary" not in run(
        "Machine learning is fun.", "Ujifunzaji wa mashine unafurahisha.", terms=terms
    )
    assert "glossary" not in run("Learning is fun.", "Kujifunza.", terms=terms)


def test_length_whitespace_punctuation_and_their_fixes():
    assert run("Title", "Kichwa kirefu sana", markup=False, max_length=10)["max-length"] == (
        "18 characters, at most 10"
    )
    checked = Checked(" Hello", "Habari ", False, "sw")
    assert "whitespace" in checks.failing(checked)
    assert checks.Whitespace().fix(checked) == " Habari"
    question = Checked("Why?", "Kwa nini", False, "zh-CN")
    assert "punctuation" in checks.failing(question)
    assert checks.Punctuation().fix(question) == "Kwa nini？"
    assert "punctuation" not in run("Why?", "لماذا؟", language="ar-EG")


def test_inconsistent_translations_of_one_source():
    assert "also translated as “Modeli”" in run("Model", "Mfano", others={"Modeli"})["inconsistent"]


def test_script_of_the_target_language():
    assert "Arab" in run("Machine learning", "Machine learning", language="ar-EG")["script"]
    assert "script" not in run("Machine learning", "تعلم الآلة", language="ar-EG")
    assert "script" not in run("Machine learning", "机器学习", language="zh-CN")
    assert "Hans" in run("Learning", "Обучение", language="zh-Hans")["script"]


def test_every_check_says_what_it_is():
    for check in checks.CHECKS:
        assert check.id and str(check.name) and str(check.description)
    assert {c.id for c in checks.CHECKS if c.fix_available} == {"whitespace", "punctuation"}
