"""Translation memory: exact and fuzzy matches with scores, kept per organisation; TMX."""

import pytest

from edubridge.localization import memory, tmx
from edubridge.localization.files import Rejected
from edubridge.localization.models import MemoryEntry

PAIRS = [
    (
        "Machine learning finds patterns in data.",
        "Ujifunzaji wa mashine hupata ruwaza katika data.",
    ),
    ("A model learns from <b>examples</b>.", "Modeli hujifunza kutoka kwa <b>mifano</b>."),
    ("Test the model with new photos.", "Jaribu modeli kwa picha mpya."),
]


@pytest.fixture
def kept(org_b):
    memory.remember(org_b, "en", "sw-KE", PAIRS, origin="test")
    return org_b


def test_an_exact_match_scores_100_and_a_near_one_less(kept):
    exact = memory.lookup(kept, "en", "sw-KE", PAIRS[2][0])
    assert (exact[0].score, exact[0].target) == (100, PAIRS[2][1])
    near = memory.lookup(kept, "en", "sw-KE", "Test the model with new pictures.")
    assert near[0].target == PAIRS[2][1] and 80 <= near[0].score < 100
    assert memory.lookup(kept, "en", "sw-KE", "Something else entirely, about lunch.") == []


def test_the_index_catches_up_and_forgets_what_was_deleted(kept):
    assert memory.lookup(kept, "en", "sw-KE", "Bias in a model comes from its data.") == []
    memory.remember(kept, "en", "sw-KE", [("Bias in a model comes from data.", "Upendeleo")], "t")
    assert memory.lookup(kept, "en", "sw-KE", "Bias in a model comes from its data.")[0].score >= 90
    MemoryEntry.objects.filter(target="Upendeleo").delete()
    assert memory.lookup(kept, "en", "sw-KE", "Bias in a model comes from its data.") == []


def test_a_pair_is_kept_once_and_languages_are_separate(kept, org_a):
    assert memory.remember(kept, "en", "sw-KE", PAIRS[:1], origin="again") == 1
    assert MemoryEntry.objects.filter(organisation=kept).count() == 3
    assert memory.lookup(kept, "en", "ar-EG", PAIRS[0][0]) == []
    assert memory.lookup(org_a, "en", "sw-KE", PAIRS[0][0]) == []


def test_tmx_round_trip_keeps_markup():
    data = tmx.dump(PAIRS, "en", "sw-KE")
    assert b"<ph>&lt;b&gt;</ph>" in data
    assert tmx.load(data, "en", "sw-KE") == PAIRS


def test_tmx_from_another_tool_reads_paired_codes_and_skips_other_languages():
    code = '<bpt i="1">&lt;b&gt;</bpt>data<ept i="1">&lt;/b&gt;</ept>'
    data = (
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="en-US" datatype="html"'
        ' segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/>'
        f'<body><tu><tuv xml:lang="en-US"><seg>Use {code} &amp; models</seg></tuv>'
        f'<tuv xml:lang="sw-KE"><seg>Tumia {code} na modeli</seg></tuv>'
        '<tuv xml:lang="fr"><seg>Utilisez</seg></tuv></tu>'
        '<tu><tuv xml:lang="fr"><seg>Seulement</seg></tuv><tuv xml:lang="en"><seg>Only</seg></tuv>'
        "</tu></body></tmx>"
    ).encode()
    assert tmx.load(data, "en", "sw-KE") == [
        ("Use <b>data</b> &amp; models", "Tumia <b>data</b> na modeli")
    ]


def test_a_tmx_with_a_dtd_or_no_seg_is_refused():
    with pytest.raises(Rejected, match="DTD"):
        tmx.load(b'<!DOCTYPE tmx SYSTEM "tmx14.dtd"><tmx version="1.4"/>', "en", "sw")
    with pytest.raises(Rejected, match="unit 1 has a <tuv> without <seg>"):
        tmx.load(b'<tmx version="1.4"><body><tu><tuv xml:lang="en"/></tu></body></tmx>', "en", "sw")


def test_tmx_variants_of_one_language_stay_apart():
    data = (
        b'<tmx version="1.4"><header srclang="en"/><body><tu>'
        b'<tuv xml:lang="en-US"><seg>color</seg></tuv><tuv xml:lang="en-GB"><seg>colour</seg></tuv>'
        b'<tuv xml:lang="en"><seg>colour or color</seg></tuv></tu></body></tmx>'
    )
    assert tmx.load(data, "en", "en-GB") == [("colour or color", "colour")]
    assert tmx.load(data, "en-US", "en-GB") == [("color", "colour")]
    assert tmx.load(data, "es", "es-MX") == []
