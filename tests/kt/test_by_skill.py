"""BKT fitted in parts of whole skills equals one fit of the whole table, bit for bit."""

import numpy as np
import pytest

from edubridge.kt import BKT, by_skill, simulate


@pytest.mark.parametrize("options", [{}, {"forgets": True}, {"multigs": True}])
def test_parts_put_together_equal_one_fit(options):
    data, _ = simulate.bkt(200, 7, 15, random_state=3)
    whole = BKT(random_state=1, **options).fit(data)
    for n_parts in (1, 3, 7, 20):
        parts = by_skill.fit(BKT(random_state=1, **options), data, n_parts=n_parts)
        for name in by_skill.FITTED:
            assert np.array_equal(getattr(whole, name), getattr(parts, name)), (name, n_parts)
        assert np.array_equal(parts.skills_, whole.skills_)


def test_a_skill_without_answers_gets_the_mean_as_in_one_fit():
    data, _ = simulate.bkt(200, 5, 10, random_state=4)
    some = data.subset(data.skill != 2)
    whole = BKT(random_state=0).fit(some)
    parts = by_skill.fit(BKT(random_state=0), some, n_parts=4)
    assert parts.prior_[2] == whole.prior_[2] == pytest.approx(np.delete(whole.prior_, 2).mean())


def test_parts_hold_whole_skills_of_similar_size():
    data, _ = simulate.bkt(100, 6, 10, random_state=5)
    pieces = by_skill.parts(data, 3)
    assert len(pieces) == 3 and sum(len(p) for p in pieces) == len(data)
    owners = [set(np.unique(p.skill).tolist()) for p in pieces]
    assert not set.intersection(*owners) and set.union(*owners) == set(range(6))


def test_any_mapper_runs_the_parts():
    data, _ = simulate.bkt(100, 4, 10, random_state=6)
    calls = []

    def mapper(function, parts):
        calls.append(len(parts))
        return [function(part) for part in reversed(parts)][::-1]

    fitted = by_skill.fit(BKT(random_state=0), data, n_parts=2, mapper=mapper)
    assert calls == [2]
    assert np.array_equal(fitted.prior_, BKT(random_state=0).fit(data).prior_)


def test_an_empty_table_is_refused():
    data, _ = simulate.bkt(10, 2, 5, random_state=0)
    with pytest.raises(ValueError, match="no answers"):
        by_skill.fit(BKT(), data.subset(np.zeros(len(data), bool)))


def test_restarts_start_from_the_same_points_whatever_skills_are_fitted_with():
    model = BKT(random_state=9, num_fits=3)
    alone = model._starts(np.array(["b"]), 1)
    together = model._starts(np.array(["a", "b", "c"]), 1)
    assert np.array_equal(alone["prior"][:, 0], together["prior"][:, 1])
    assert np.array_equal(alone["guess"][:, 0], together["guess"][:, 1])
