"""The fast CSV reader gives the same table as the csv module, and steps aside when it cannot."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edubridge.kt import Responses
from edubridge.kt.csvfile import Labels, read_csv
from edubridge.kt.data import NUMERIC, _read_slowly

FIELDS = ("learner", "skill", "item", "correct", "timestamp", "row", "learners", "skills", "items")


def _same_as_slow(path):
    fast = Responses.from_csv(path)
    slow = Responses.from_frame(_read_slowly(path))
    for name in FIELDS:
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
    return fast


def test_many_labels_grow_the_tables(tmp_path):
    rng = np.random.default_rng(0)
    lines = ["user_id,skill_name,item,correct,order_id"]
    for n in range(20_000):  # thousands of learners and items: the tables grow several times
        lines.append(f"u{rng.integers(5000)},s{rng.integers(40)},i{n % 3000},{n % 2},{n * 0.5}")
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    assert read_csv(path, NUMERIC) is not None
    data = _same_as_slow(path)
    assert len(data.learners) > 4000 and len(data.items) == 3000


def test_line_endings_unicode_and_several_skills(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "user_id,skill_name,correct,order_id\r\n"
        "学生一,ذكاء~données,1,-2\r\n"
        "学生一,ذكاء,0,3.25\r\n"
        "élève,données,1,1".encode()  # no newline at the end
    )
    data = _same_as_slow(path)
    assert data.size == 3 and len(data) == 4  # the first row traces two skills
    assert data.skills.tolist() == sorted(["ذكاء", "données"])


def test_a_blank_last_line_is_no_row(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("user_id,skill_name,correct\nu,s,1\n\n")
    assert Responses.from_csv(path).size == 1


def test_numbers_written_otherwise_and_quotes_go_the_careful_way(tmp_path):
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('user_id,skill_name,correct\nu,"a, b",1\n')
    assert read_csv(quoted, NUMERIC) is None
    assert Responses.from_csv(quoted).skills.tolist() == ["a, b"]
    words = tmp_path / "words.csv"
    words.write_text("user_id,skill_name,correct\nu,s,yes\n")
    assert read_csv(words, NUMERIC) is None
    with pytest.raises(ValueError, match="correct: values must be 0 or 1"):
        Responses.from_csv(words)


def test_text_columns_are_labels_and_numbers_are_floats(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("user_id,skill_name,correct,split\nb,s,1,train\na,s,0,test\nb,t,1,train\n")
    table = read_csv(path, NUMERIC)
    assert isinstance(table["user_id"], Labels)
    assert table["user_id"].labels.tolist() == ["a", "b"]
    assert table["user_id"].codes.tolist() == [1, 0, 1]
    assert table["correct"].tolist() == [1.0, 0.0, 1.0]
    assert table["split"].labels[table["split"].codes].tolist() == ["train", "test", "train"]


def test_a_ragged_row_is_named(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("user_id,skill_name,correct\nu,s,1\nu,s\n")
    with pytest.raises(ValueError, match="row 1 does not have 3 columns"):
        Responses.from_csv(path)


def test_an_empty_skill_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("user_id,skill_name,correct\nu,s,1\nu,,0\n")
    with pytest.raises(ValueError, match="skill: row 1 names no skill"):
        Responses.from_csv(path)


label = st.text(alphabet="abcé学~ ", min_size=1, max_size=4).filter(
    lambda s: "~" not in (s[0], s[-1]) and "~~" not in s
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(label, label, st.integers(0, 1), st.integers(-5, 5)), max_size=30))
def test_any_plain_file_reads_as_the_csv_module_reads_it(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("h") / "h.csv"
    body = "".join(f"{u},{s},{c},{t}\n" for u, s, c, t in rows)
    path.write_text("user_id,skill_name,correct,order_id\n" + body, encoding="utf-8")
    _same_as_slow(path)
