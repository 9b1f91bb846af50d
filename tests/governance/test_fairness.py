"""Metrics by group with fairlearn: a planted disparity is flagged, an even model is not."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from edubridge.governance import fairness


def answers(n: int, seed: int, noisy_group: str | None):
    """Predictions that are right for everyone, or pure chance for one group's learners."""
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.5, "sw", "en").astype(object)
    predicted = rng.random(n)
    correct = (rng.random(n) < predicted).astype(int)
    if noisy_group:
        planted = group == noisy_group
        correct[planted] = rng.random(planted.sum()) < 0.5
    return correct, predicted, group


def test_a_planted_disparity_is_caught():
    correct, predicted, group = answers(4000, 0, noisy_group="sw")
    found = fairness.audit(correct, predicted, {"language": group})
    language = found["attributes"]["language"]
    assert found["flagged"] == ["language:auc"]
    assert language["by_group"]["sw"]["auc"] < 0.55 < 0.8 < language["by_group"]["en"]["auc"]
    assert language["ratios"]["auc"] < 0.7
    assert language["by_group"]["sw"]["n"] + language["by_group"]["en"]["n"] == 4000


def test_an_even_model_passes():
    correct, predicted, group = answers(4000, 1, noisy_group=None)
    found = fairness.audit(correct, predicted, {"language": group})
    assert found["flagged"] == []
    assert found["attributes"]["language"]["ratios"]["auc"] > 0.9


def test_mastery_rates_far_apart_are_flagged():
    correct, predicted, group = answers(400, 2, noisy_group=None)
    owners = np.array(["sw"] * 50 + ["en"] * 50, dtype=object)
    flags = np.array([1.0] * 10 + [0.0] * 40 + [1.0] * 30 + [0.0] * 20)
    found = fairness.audit(correct, predicted, {"language": group}, {"language": (flags, owners)})
    language = found["attributes"]["language"]
    assert language["by_group"]["sw"]["mastery_rate"] == 0.2
    assert language["by_group"]["sw"]["mastery_pairs"] == 50
    assert language["ratios"]["mastery_rate"] == round(0.2 / 0.6, 4)
    assert "language:mastery_rate" in found["flagged"]


def test_small_groups_are_reported_not_judged():
    correct, predicted, _ = answers(200, 3, noisy_group=None)
    group = np.array(["en"] * 190 + ["sw"] * 10, dtype=object)
    correct[190:] = 1 - correct[190:]
    found = fairness.audit(correct, predicted, {"language": group})
    assert found["attributes"]["language"]["by_group"]["sw"]["n"] == 10
    assert found["flagged"] == []


def test_one_group_or_none_known_is_no_audit():
    correct, predicted, _ = answers(100, 4, noisy_group=None)
    group = np.array(["en"] * 60 + [""] * 40, dtype=object)
    assert fairness.audit(correct, predicted, {"language": group})["attributes"] == {}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.floats(0, 1), st.sampled_from("abc")), max_size=80))
def test_any_answers_give_ratios_between_zero_and_one(rows):
    correct = np.array([int(r[0]) for r in rows])
    predicted = np.array([r[1] for r in rows])
    group = np.array([r[2] for r in rows], dtype=object)
    found = fairness.audit(correct, predicted, {"g": group})
    for attribute in found["attributes"].values():
        assert all(0 <= r <= 1 for r in attribute["ratios"].values())
