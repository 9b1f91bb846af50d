"""The models: parameter recovery on their own generative processes, one-step-ahead
predictions, online updates, determinism, and probabilities that stay probabilities."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from edubridge.kt import BKT, IRT, Elo, Logistic, Responses, evaluate, simulate
from edubridge.kt import _bkt_kernels as kernels
from edubridge.kt.base import NotFittedError

MODELS = [BKT, IRT, Elo, Logistic]


@pytest.fixture(scope="module")
def bkt_data():
    return simulate.bkt(
        1500, 4, 20, prior=0.3, learn=[0.05, 0.1, 0.15, 0.2], guess=0.2, slip=0.1, random_state=7
    )


def test_bkt_recovers_its_parameters(bkt_data):
    data, truth = bkt_data
    model = BKT(random_state=0).fit(data)
    assert np.abs(model.learn_ - truth["learn"]).max() < 0.02
    assert np.abs(model.prior_ - truth["prior"]).max() < 0.05
    assert np.abs(model.guess_[:, 0] - truth["guess"]).max() < 0.03
    assert np.abs(model.slip_[:, 0] - truth["slip"]).max() < 0.03
    assert (model.forget_ == 0).all()


def test_bkt_short_run_em_finds_what_every_restart_run_to_the_end_finds(bkt_data):
    """After a few steps only each skill's best restart goes on; it is the one that wins
    when all run to the end. Restarts kept on (short_run=None) cost steps."""
    data, _ = bkt_data
    short = BKT(num_fits=5, short_run=3, forgets=True, random_state=1).fit(data)
    full = BKT(num_fits=5, short_run=None, forgets=True, random_state=1).fit(data)
    for name in ("prior_", "learn_", "forget_", "guess_", "slip_"):
        np.testing.assert_allclose(getattr(short, name), getattr(full, name), atol=1e-4)
    np.testing.assert_allclose(short.log_likelihood_, full.log_likelihood_, rtol=1e-5)


def test_bkt_fits_a_table_in_any_row_order_alike(bkt_data):
    """BKT groups rows by skill with a fast stable sort when the table is in time order per
    learner, as tables are built; one put in time order across learners by hand is sorted
    in full, and fits the same."""
    data, _ = bkt_data
    by_time = data.subset(np.argsort(data.timestamp, kind="stable"))
    assert not np.all(by_time.learner[1:] >= by_time.learner[:-1])
    grouped = BKT(random_state=0).fit(data)
    interleaved = BKT(random_state=0).fit(by_time)
    np.testing.assert_allclose(interleaved.prior_, grouped.prior_, atol=1e-10)
    np.testing.assert_allclose(interleaved.learn_, grouped.learn_, atol=1e-10)


def test_bkt_recovers_forgetting():
    data, truth = simulate.bkt(1500, 2, 25, forget=0.08, learn=0.2, random_state=3)
    model = BKT(forgets=True, random_state=0).fit(data)
    assert np.abs(model.forget_ - truth["forget"]).max() < 0.03


def reference_bkt(answers, prior, learn, forget, guess, slip):
    """pyBKT's one-step-ahead filter (predict_onestep), written out plainly."""
    known, out = prior, []
    for answer in answers:
        p = known * (1 - slip) + (1 - known) * guess
        out.append(p)
        posterior = known * (1 - slip) / p if answer else known * slip / (1 - p)
        known = posterior * (1 - forget) + (1 - posterior) * learn
    return out


def test_bkt_predictions_follow_the_forward_filter_exactly(bkt_data):
    data, _ = bkt_data
    model = BKT(forgets=True, random_state=0).fit(data.subset(data.learner < 300))
    answers = [1, 0, 0, 1, 1, 1, 0, 1]
    one = Responses.from_columns(learner=["new"] * 8, skill=["s1"] * 8, correct=answers)
    params = model.params_of("s1")
    expected = reference_bkt(
        answers,
        params["prior"],
        params["learn"],
        params["forget"],
        params["guess"][0],
        params["slip"][0],
    )
    assert np.abs(model.predict_proba(one) - expected).max() < 1e-12


def test_bkt_follows_a_learner_across_calls(bkt_data):
    data, _ = bkt_data
    model = BKT(random_state=0).fit(data)
    before = model.mastery("maya", "s2")
    assert before == pytest.approx(model.prior_[2])
    first = Responses.from_columns(learner=["maya"] * 3, skill=["s2"] * 3, correct=[1, 1, 1])
    model.partial_fit(first)
    assert model.mastery("maya", "s2") > 0.9
    later = Responses.from_columns(learner=["maya"], skill=["s2"], correct=[1])
    assert model.predict_proba(later)[0] > 0.85  # it starts from where she was


def test_bkt_with_a_guess_and_slip_per_item():
    data, _ = simulate.bkt(600, 2, 20, random_state=5)
    model = BKT(multigs=True, random_state=0).fit(data)
    assert model.guess_.shape == (2, len(data.items)) and (model.guess_ <= model.max_guess).all()
    unseen = Responses.from_columns(learner=["x"], skill=["s0"], item=["brand new"], correct=[1])
    assert 0 < model.predict_proba(unseen)[0] < 1


def test_irt_calibrates_items_and_estimates_abilities():
    data, truth = simulate.irt(1500, 30, random_state=11)
    model = IRT(random_state=0).fit(data)
    order = np.argsort([int(label[1:]) for label in model.items_])
    assert np.corrcoef(model.difficulty_[order], truth["difficulty"])[0, 1] > 0.97
    assert np.corrcoef(model.discrimination_[order], truth["discrimination"])[0, 1] > 0.6
    learners = np.argsort([int(label[1:]) for label in model.learners_])
    assert np.corrcoef(model.ability_[learners], truth["ability"])[0, 1] > 0.9
    assert (model.ability_se_ > 0).all()
    rasch = IRT(two_pl=False).fit(data)
    assert (rasch.discrimination_ == 1).all()
    mean, se = rasch.ability("someone new")
    assert mean == pytest.approx(0, abs=1e-6) and se == pytest.approx(1, abs=0.05)


def test_elo_learns_item_difficulties_online():
    data, truth = simulate.elo(800, 40, 40, random_state=13)
    model = Elo(alpha=1.0, beta=0.05).fit(data)  # a K that shrinks: estimates that settle
    order = np.argsort([int(label[1:]) for label in model.items_])
    assert np.corrcoef(model.difficulty_[order], truth["difficulty"])[0, 1] > 0.9
    newcomer = Responses.from_columns(
        learner=["n"] * 6, skill=["s0"] * 6, correct=[1] * 6, item=["i1"] * 6
    )
    predicted = model.predict_proba(newcomer)
    assert np.all(np.diff(predicted) > 0)  # each right answer raises the next prediction


def test_the_logistic_model_recovers_learning_from_practice():
    data, truth = simulate.logistic(1500, 3, 30, random_state=17)
    model = Logistic(items=False, C=10.0).fit(data)
    assert (model.gain_ > 0).all()
    order = np.argsort([int(label[1:]) for label in model.skills_])
    assert np.corrcoef(model.easiness_[order], truth["easiness"])[0, 1] > 0.8


@pytest.mark.parametrize("model_class", MODELS)
def test_a_skill_named_twice_in_a_row_is_traced_once(model_class, bkt_data):
    """'s1~s1' is the skill s1: a second copy of the row would see its own answer."""
    data, _ = bkt_data
    model = model_class(random_state=0).fit(data.subset(data.learner < 300))
    for answer in (0, 1):
        once = Responses.from_columns(learner=["n"], skill=["s1"], correct=[answer])
        twice = Responses.from_columns(learner=["n"], skill=["s1~s1"], correct=[answer])
        assert model.predict_proba(twice)[0] == pytest.approx(model.predict_proba(once)[0])
    assert model.predict_proba(twice)[0] == pytest.approx(
        model.predict_proba(Responses.from_columns(learner=["n"], skill=["s1~s1"], correct=[0]))[0]
    )


def test_the_logistic_model_follows_recent_performance():
    """Learners who forget are judged best by how they did lately (R-PFA's decayed rate and
    the current run), which counts since the start cannot tell."""
    data, _ = simulate.bkt(600, 3, 30, learn=0.3, forget=0.25, random_state=4)
    train, test = data.split_by_learner(0.3, random_state=0)
    recent = evaluate(Logistic(items=False).fit(train), test)["auc"]
    counts = evaluate(Logistic(items=False, recent=False).fit(train), test)["auc"]
    assert recent > counts + 0.03


@pytest.mark.parametrize("model_class", MODELS)
def test_every_model_is_an_estimator(model_class, bkt_data):
    data, _ = bkt_data
    small = data.subset(data.learner < 200)
    model = model_class(random_state=1)
    with pytest.raises(NotFittedError):
        model.predict_proba(small)
    assert clone(model).get_params() == model.get_params()
    first = model.fit(small)
    assert first is model
    again = clone(model).fit(small)
    assert np.array_equal(first.predict_proba(small), again.predict_proba(small))  # repeatable
    result = evaluate(model, small, groups={label: label[-1] for label in small.learners})
    assert 0.5 < result["auc"] <= 1 and set(result["by_group"]) == set("0123456789")


answers = st.lists(st.booleans(), max_size=60)


@pytest.fixture(scope="module")
def fitted(bkt_data):
    data, _ = bkt_data
    small = data.subset(data.learner < 300)
    return [model_class(random_state=0).fit(small) for model_class in MODELS]


@settings(max_examples=40, deadline=None)
@given(sequence=answers)
def test_predictions_are_probabilities_for_any_sequence(fitted, sequence):
    table = Responses.from_columns(
        learner=["h"] * len(sequence),
        skill=["s1"] * len(sequence),
        correct=sequence,
        item=["i1001"] * len(sequence),
    )
    for model in fitted:
        predicted = model.predict_proba(table)
        assert predicted.shape == (len(sequence),)
        assert np.all((predicted >= 0) & (predicted <= 1)), type(model).__name__


def test_an_unknown_skill_is_named(fitted):
    table = Responses.from_columns(learner=["a"], skill=["astronomy"], correct=[1])
    with pytest.raises(ValueError, match="skill: 'astronomy' was not in the data"):
        fitted[0].predict_proba(table)


@pytest.mark.parametrize("model_class", MODELS)
def test_an_answer_of_several_skills_never_predicts_itself(model_class):
    rng = np.random.default_rng(0)
    n = 6000
    noise = Responses.from_columns(
        learner=rng.integers(0, 200, n),
        skill=["a~b~c~d"] * n,
        correct=rng.integers(0, 2, n),
        timestamp=np.arange(n),
    )
    train, test = noise.split_by_learner(0.3, random_state=0)
    auc = evaluate(model_class(random_state=0).fit(train), test)["auc"]
    assert abs(auc - 0.5) < 0.06, auc  # answers of pure chance stay unpredictable


def test_irt_follows_a_fitted_learner_from_their_estimate():
    data, _ = simulate.irt(300, 20, random_state=2)
    model = IRT().fit(data)
    label = str(model.learners_[0])
    fitted, _ = model.ability(label)
    model.partial_fit(
        Responses.from_columns(learner=[label], skill=["s0"], item=["i1"], correct=[0])
    )
    after, _ = model.ability(label)
    assert after < fitted and abs(after - fitted) < 0.5  # one answer moves, not resets


def test_a_skill_without_answers_takes_the_mean_of_the_others(bkt_data):
    data, _ = bkt_data
    without = data.subset(data.skill != 3)  # the table still names skill s3
    model = BKT(random_state=0).fit(without)
    assert model.learn_[3] == pytest.approx(model.learn_[:3].mean())


def test_the_logistic_model_needs_both_outcomes():
    table = Responses.from_columns(learner=["a", "b"], skill=["s", "s"], correct=[1, 1])
    with pytest.raises(ValueError, match="both right and wrong answers"):
        Logistic().fit(table)


def test_bkt_stays_a_probability_after_long_streaks():
    """P(known) reaches 1 to the last bit after a long run of right answers. Wrong answers
    after that must neither push it past 1 (as 1 - P(correct) cancelling to nothing did) nor
    leave it stuck: like pyBKT, P(not known) is carried on its own and recovers."""
    model = BKT().fit(
        Responses.from_columns(learner=["a"] * 4, skill=["s"] * 4, correct=[0, 1, 0, 1])
    )
    model.prior_[:] = 0.6
    model.learn_[:] = 0.3
    model.guess_[:] = 0.3
    model.slip_[:] = 0.2
    answers = [1] * 200 + [0] * 400
    table = Responses.from_columns(learner=["b"] * 600, skill=["s"] * 600, correct=answers)
    predicted = model.predict_proba(table)
    assert np.all((predicted >= 0) & (predicted <= 1))
    assert predicted[-1] < 0.6 < predicted[199]  # four hundred wrong answers are believed


def test_bkt_stays_finite_on_a_learner_with_thousands_of_answers():
    """A state below the smallest float once made the backward pass divide 0 by 0, and the
    skill's parameters NaN (ASSISTments 2009 has a learner with 3,585 answers on one skill)."""
    rng = np.random.default_rng(0)
    long = np.r_[np.zeros(5), np.ones(3000), (rng.random(1000) < 0.1)].astype(int)
    learners = ["long"] * len(long) + [f"l{n}" for n in range(200) for _ in range(8)]
    correct = np.r_[long, (rng.random(1600) < 0.6).astype(int)]
    data = Responses.from_columns(learner=learners, skill=["s"] * len(correct), correct=correct)
    for forgets in (False, True):
        model = BKT(forgets=forgets, random_state=0).fit(data)
        fitted = [model.prior_, model.learn_, model.guess_, model.slip_, model.log_likelihood_]
        assert all(np.isfinite(values).all() for values in fitted)
        assert np.isfinite(model.predict_proba(data)).all()


@settings(max_examples=30, deadline=None)
@given(
    sequences=st.lists(
        st.tuples(
            st.sampled_from(["s0", "s1"]), st.lists(st.integers(0, 1), min_size=1, max_size=70)
        ),
        min_size=1,
        max_size=25,
    ),
    copies=st.lists(st.integers(1, 3), min_size=25, max_size=25),
)
def test_bkt_walks_each_distinct_sequence_once_and_weighs_it(sequences, copies):
    """Learners who answered a skill alike are one weighed sequence to EM. The sums must be
    those of every learner walked one by one: long sequences (past 62 answers, which are
    not keyed) and sequences alike on another skill included."""
    learner, skill, correct = [], [], []
    for n, ((name, answers), times) in enumerate(zip(sequences, copies, strict=False)):
        for copy in range(times):
            learner += [f"l{n}.{copy}"] * len(answers)
            skill += [name] * len(answers)
            correct += answers
    data = Responses.from_columns(learner=learner, skill=skill, correct=correct)
    model = BKT(num_fits=2, random_state=0)
    seqs = model._sequences(data)
    params = model._starts(data.skills, 1)
    active = np.ones((2, len(data.skills)), dtype=bool)
    walked = kernels.e_step(
        seqs.obs, seqs.cls, seqs.seq_ptr, seqs.skill_ptr, seqs.weight, *params.values(), active
    )
    order = np.lexsort((np.arange(len(data)), data.learner, data.skill))
    starts = np.r_[
        True,
        (data.skill[order][1:] != data.skill[order][:-1])
        | (data.learner[order][1:] != data.learner[order][:-1]),
    ]
    seq_ptr = np.append(np.flatnonzero(starts), len(data)).astype(np.int64)
    skill_ptr = np.searchsorted(data.skill[order][seq_ptr[:-1]], np.arange(len(data.skills) + 1))
    every = kernels.e_step(
        data.correct[order].astype(np.int8),
        np.zeros(len(data), dtype=np.int64),
        seq_ptr,
        skill_ptr,
        np.ones(len(seq_ptr) - 1),
        *params.values(),
        active,
    )
    assert len(seqs.weight) <= len(seq_ptr) - 1 and seqs.weight.sum() == len(seq_ptr) - 1
    for ours, theirs in zip(walked, every, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
