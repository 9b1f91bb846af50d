from hypothesis import given
from hypothesis import strategies as st

from edubridge.align.text import code_segments, education_levels, normalise, script, tokens


def test_latin_accents_and_case_are_folded():
    assert normalise("Éducation À L'IA") == "education a l'ia"


def test_arabic_diacritics_tatweel_and_letter_variants_are_folded():
    assert normalise("الذَّكَاءُ") == normalise("الذكاء")
    assert normalise("مـدرسة") == normalise("مدرسه")
    assert normalise("إحصاء") == normalise("احصاء")


def test_chinese_runs_become_character_bigrams_and_latin_words_stay_whole():
    assert tokens("机器学习 model") == ["机器", "器学", "学习", "model"]
    assert tokens("学") == ["学"]


def test_scripts_are_told_apart():
    assert script("人工智能的基本概念") == "cjk"
    assert script("مفاهيم الذكاء الاصطناعي") == "arabic"
    assert script("Notions d'intelligence artificielle") == "latin"
    assert script("1.2.3") == ""


def test_code_segments_ignore_separators_and_leading_zeros():
    assert code_segments("K.CC.A.1") == {"k", "cc", "a", "1"}
    assert code_segments("k-cc-01") == {"k", "cc", "1"}


def test_education_levels_share_one_vocabulary():
    assert education_levels(("Grade 3", "04", "K", "HS")) == {"03", "04", "KG", "HS"}


@given(st.text())
def test_tokenising_never_fails_and_is_stable(text):
    assert tokens(text) == tokens(normalise(text))
