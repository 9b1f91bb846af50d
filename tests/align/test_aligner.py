import numpy as np
import pytest

from edubridge.align import Aligner, Decision, Node, evaluate

KE = [
    Node(
        "ke1",
        "Explain that machine learning systems learn patterns from training data",
        "KE.AI.1.3",
        ("08",),
    ),
    Node(
        "ke2", "Identify personal data and explain why it must be protected", "KE.AI.2.2", ("07",)
    ),
    Node(
        "ke3",
        "Discuss fairness and discrimination risks of automated decisions",
        "KE.AI.3.1",
        ("08",),
    ),
    Node("ke4", "Train a simple image classifier using a no-code tool", "KE.AI.4.1", ("08",)),
]
ID = [
    Node(
        "id1",
        "Students build an image recognition model with a visual no-code platform",
        "D.02",
        ("8",),
    ),
    Node(
        "id2",
        "Students explain that a machine learning model learns from example data in training",
        "A.02",
        ("8",),
    ),
    Node(
        "id3",
        "Students protect personal information and explain privacy risks online",
        "B.03",
        ("7",),
    ),
    Node(
        "id4",
        "Students discuss whether automated decisions treat all people fairly",
        "C.01",
        ("8",),
    ),
    Node("id5", "Students use a spreadsheet to automate calculations", "D.05", ("7",)),
]
GOLD = {"ke1": {"id2"}, "ke2": {"id3"}, "ke3": {"id4"}, "ke4": {"id1"}}


def ranked_ids(ranking):
    return {s.identifier: [c.identifier for c in row] for s, row in zip(KE, ranking, strict=True)}


def test_paraphrased_statements_with_unrelated_codes_are_matched():
    ranking = Aligner().rank(KE, ID, k=3)
    scores = evaluate(ranked_ids(ranking), GOLD, k=3)
    assert scores["p_at_1"] == 1.0 and scores["mrr"] == 1.0


def test_each_candidate_carries_its_evidence_and_scores_descend():
    row = Aligner().rank(KE, ID, k=3)[0]
    assert row[0].evidence["basis"] == "text"
    assert {"word", "char", "context", "code", "level"} <= row[0].evidence.keys()
    assert "machine" in row[0].evidence["shared_terms"]
    assert [c.score for c in row] == sorted((c.score for c in row), reverse=True)


def test_a_source_with_nothing_in_common_gets_no_suggestion():
    lonely = Node("x", "Zzyzx qwrt", "", ())
    assert Aligner(features=("word",)).rank([lonely], ID, k=3) == [[]]


def test_across_languages_without_a_model_suggestions_say_they_rest_on_codes_and_levels():
    chinese = [
        Node("cn1", "解释机器学习系统如何从训练数据中学习规律", "AI.1.3", ("08",), language="zh")
    ]
    english = [
        Node(
            "en1", "Explain how machine learning learns from data", "AI.1.3", ("08",), language="en"
        ),
        Node("en2", "Use a spreadsheet", "ICT.4.1", ("05",), language="en"),
    ]
    row = Aligner().rank(chinese, english, k=2)[0]
    assert [c.identifier for c in row] == ["en1"]
    assert row[0].evidence["basis"] == "codes-and-levels"
    assert "codes and levels only" in row[0].evidence["note"]
    assert "word" not in row[0].evidence


def test_an_embedder_bridges_languages():
    concepts = {
        "机器学习": 0,
        "machine learning": 0,
        "隐私": 1,
        "privacy": 1,
        "电子表格": 2,
        "spreadsheet": 2,
    }

    def embed(texts):
        out = np.zeros((len(texts), 3))
        for row, text in enumerate(texts):
            for term, dim in concepts.items():
                out[row, dim] += term in text.lower()
        return out

    chinese = [Node("cn1", "理解机器学习", language="zh"), Node("cn2", "保护隐私", language="zh")]
    english = [
        Node("e1", "Protect privacy online"),
        Node("e2", "What machine learning is"),
        Node("e3", "A spreadsheet"),
    ]
    ranking = Aligner(embedder=embed).rank(chinese, english, k=1)
    assert [row[0].identifier for row in ranking] == ["e2", "e1"]
    assert ranking[0][0].evidence["basis"] == "semantic"


def test_feature_groups_can_be_used_alone():
    only_codes = Aligner(features=("code",)).rank(
        [Node("s", "anything", "K.CC.A.1")],
        [Node("t1", "x", "K.CC.1"), Node("t2", "y", "RL.3.2")],
        k=2,
    )
    assert [c.identifier for c in only_codes[0]] == ["t1"]


def test_fit_learns_a_reranker_from_decisions_and_keeps_sklearn_conventions():
    decisions = [Decision(s, t, t.identifier in GOLD[s.identifier]) for s in KE for t in ID]
    aligner = Aligner(C=10.0, random_state=3)
    assert aligner.fit(decisions) is aligner
    assert aligner.n_decisions_ == len(decisions)
    assert aligner.get_params()["C"] == 10.0
    assert aligner.set_params(candidates=10).candidates == 10
    scores = evaluate(ranked_ids(aligner.rank(KE, ID, k=3)), GOLD, k=3)
    assert scores["p_at_1"] == 1.0
    again = Aligner(C=10.0, random_state=3).fit(decisions)
    assert np.allclose(again.reranker_.coef_, aligner.reranker_.coef_)


def test_fit_needs_both_kinds_of_decision_and_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="both accepted and rejected"):
        Aligner().fit([Decision(KE[0], ID[1], True)])
    with pytest.raises(ValueError, match="features"):
        Aligner(features=("magic",)).rank(KE, ID)
    with pytest.raises(ValueError, match="candidates"):
        Aligner(candidates=0).rank(KE, ID)


def test_empty_inputs_give_empty_rankings():
    assert Aligner().rank([], ID) == []
    assert Aligner().rank(KE, []) == [[], [], [], []]


def test_evaluate_computes_p_at_1_recall_and_mrr():
    scores = evaluate(
        {"a": ["x", "y"], "b": ["z", "w"], "c": []}, {"a": {"x"}, "b": {"w", "q"}, "c": {"v"}}, k=2
    )
    assert scores["p_at_1"] == pytest.approx(1 / 3)
    assert scores["r_at_2"] == pytest.approx(2 / 4)
    assert scores["mrr"] == pytest.approx((1 + 0.5 + 0) / 3)
    with pytest.raises(ValueError):
        evaluate({}, {})


def test_the_library_does_not_import_django():
    import subprocess
    import sys

    code = "import sys, edubridge.align; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
