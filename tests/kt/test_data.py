"""The Responses table: what it accepts, and the errors that name the column and row."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edubridge.kt import Responses
from edubridge.kt.data import stable_order


def test_rows_are_put_in_time_order_per_learner_and_read_back_in_input_order():
    data = Responses.from_columns(
        learner=["b", "a", "a", "b"],
        skill=["x", "x", "y~x", "y"],
        item=["q1", "q2", "q3", "q4"],
        correct=[1, 0, True, 0],
        timestamp=[5, 9, 1, 2],
    )
    assert len(data) == 5 and data.size == 4  # the row of two skills is traced for each
    assert [data.learners[i] for i in data.learner] == ["a", "a", "a", "b", "b"]
    assert data.timestamp.tolist() == [1, 1, 9, 2, 5]
    back = data.per_input_row(np.arange(len(data), dtype=float))
    assert back.tolist() == [4.0, 2.0, 0.5, 3.0]  # the two-skill row averages its two rows


def test_from_frame_reads_pybkt_style_columns():
    data = Responses.from_frame(
        {"user_id": [1, 1], "skill_name": ["s", "s"], "correct": [0, 1], "order_id": [2, 1]}
    )
    assert data.correct.tolist() == [1, 0]  # order_id is the time


@pytest.mark.parametrize(
    "columns, message",
    [
        ({"correct": [1, 2]}, "correct: row 1 is 2, not 0 or 1"),
        ({"correct": [1.0, float("nan")]}, "correct: row 1 is nan"),
        ({"correct": ["yes", "no"]}, "correct: values must be 0 or 1"),
        ({"correct": [1]}, "the columns differ in length: learner 2, skill 2, correct 1"),
        ({"timestamp": [1, float("inf")]}, "timestamp: row 1 is not a finite number"),
        ({"skill": ["a", ""]}, "skill: row 1 names no skill"),
    ],
)
def test_bad_columns_are_refused_naming_the_column_and_row(columns, message):
    values = {"learner": ["a", "b"], "skill": ["s", "s"], "correct": [1, 0], **columns}
    with pytest.raises(ValueError, match=message):
        Responses.from_columns(**values)


def test_a_missing_column_is_named():
    with pytest.raises(ValueError, match="learner: no column named learner or user_id"):
        Responses.from_frame({"skill": ["s"], "correct": [1]})


def test_an_empty_table_is_a_table():
    data = Responses.from_columns(learner=[], skill=[], correct=[])
    assert len(data) == 0 and data.size == 0


def test_the_split_by_learner_keeps_each_learner_on_one_side():
    data = Responses.from_columns(
        learner=np.repeat(np.arange(50), 4), skill=["s"] * 200, correct=[1, 0] * 100
    )
    train, test = data.split_by_learner(0.3, random_state=1)
    assert not set(train.learner.tolist()) & set(test.learner.tolist())
    assert len(train) + len(test) == 200 and test.size == len(test)


def test_a_stratified_split_holds_out_the_same_share_of_every_group():
    data = Responses.from_columns(
        learner=np.repeat(np.arange(60), 3), skill=["s"] * 180, correct=[1, 0, 1] * 60
    )
    groups = np.array(["small" if int(label) >= 50 else "big" for label in data.learners])
    for seed in range(5):
        train, test = data.split_by_learner(0.2, random_state=seed, stratify=groups)
        held = {str(data.learners[n]) for n in np.unique(test.learner)}
        assert sum(int(label) >= 50 for label in held) == 2 and len(held) == 12
        assert not held & {str(data.learners[n]) for n in np.unique(train.learner)}
    _, plain = data.split_by_learner(0.2, random_state=3)
    assert len(np.unique(plain.learner)) == 12  # a fifth of sixty, not about a fifth
    small = Responses.from_columns(
        learner=np.repeat(np.arange(24), 3), skill=["s"] * 72, correct=[1, 0, 1] * 24
    )
    pairs = np.array([str(int(label) // 2) for label in small.learners])
    _, few = small.split_by_learner(0.2, random_state=0, stratify=pairs)
    held = [str(small.learners[n]) for n in np.unique(few.learner)]
    assert len(held) == 5  # a fifth of 24, though each group of two gives 0.4
    assert len({int(label) // 2 for label in held}) == 5  # one learner a group at most
    with pytest.raises(ValueError, match="stratify: one label for each of 60 learners"):
        data.split_by_learner(0.2, stratify=groups[:-1])


def test_folds_test_every_learner_once_with_each_groups_share():
    data = Responses.from_columns(
        learner=np.repeat(np.arange(60), 3), skill=["s"] * 180, correct=[1, 0, 1] * 60
    )
    groups = np.array(["small" if int(label) >= 50 else "big" for label in data.learners])
    folds = data.folds_by_learner(5, random_state=2, stratify=groups)
    tested = [{str(data.learners[n]) for n in np.unique(test.learner)} for _, test in folds]
    assert sorted(len(held) for held in tested) == [12] * 5
    assert set().union(*tested) == {str(label) for label in data.learners}
    for (train, _), held in zip(folds, tested, strict=True):
        assert not held & {str(data.learners[n]) for n in np.unique(train.learner)}
        assert sum(int(label) >= 50 for label in held) == 2
    again = data.folds_by_learner(5, random_state=2, stratify=groups)
    assert [{str(test.learners[n]) for n in np.unique(test.learner)} for _, test in again] == tested
    with pytest.raises(ValueError, match="n_splits: from 2 to the 60 learners with answers"):
        data.folds_by_learner(61)
    _, few = data.split_by_learner(0.05, random_state=0)  # three learners, sixty names
    assert [len(np.unique(test.learner)) for _, test in few.folds_by_learner(3)] == [1, 1, 1]
    with pytest.raises(ValueError, match="from 2 to the 3 learners"):
        few.folds_by_learner(4)


def test_what_each_input_row_holds_comes_back_to_it():
    data = Responses.from_columns(
        learner=["a", "b"], skill=["s~t", "s"], correct=[1, 0], item=["i", "j"]
    )
    assert len(data) == 3 and data.size == 2
    assert data.at_input_rows(data.correct).tolist() == [1, 0]
    assert data.learners[data.at_input_rows(data.learner)].tolist() == ["a", "b"]


def test_the_library_needs_no_django():
    import subprocess
    import sys

    code = "import sys, edubridge.kt; assert not any(m.startswith('django') for m in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_csv_file_with_pybkt_columns(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("order_id,user_id,skill_name,correct\n2,u1,s,1\n1,u1,s,0\n")
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('order_id,user_id,skill_name,correct\n1,u1,"a, b",1\n')
    assert Responses.from_csv(plain).correct.tolist() == [0, 1]
    assert Responses.from_csv(quoted).skills.tolist() == ["a, b"]
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("user_id,skill_name,correct\nu1,s\n")
    with pytest.raises(ValueError, match="row 0 does not have 3 columns"):
        Responses.from_csv(ragged)


@settings(max_examples=60, deadline=None)
@given(codes=st.lists(st.integers(0, 200_000), max_size=300), small=st.booleans())
def test_stable_order_sorts_codes_keeping_ties_in_place(codes, small):
    """The radix passes give what a stable sort gives, past 16 bits (two passes) too."""
    values = np.array(codes, dtype=np.int64) % (300 if small else 200_001)
    size = 300 if small else 200_001
    np.testing.assert_array_equal(stable_order(values, size), np.argsort(values, kind="stable"))


def test_rows_out_of_time_order_are_put_in_order_per_learner():
    data = Responses.from_columns(
        learner=["b", "a", "b", "a", "b"],
        skill=["s"] * 5,
        correct=[1, 0, 0, 1, 1],
        timestamp=[30, 20, 10, 20, 10],
    )
    assert data.learners[data.learner].tolist() == ["a", "a", "b", "b", "b"]
    assert data.timestamp.tolist() == [20, 20, 10, 10, 30]
    assert data.row.tolist() == [1, 3, 2, 4, 0]  # ties keep the input order
