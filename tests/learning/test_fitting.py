"""Fitting on stored answers: the command, the Dask cluster (same result as here), and the
background refit run by the database task worker."""

import io
from datetime import timedelta

import numpy as np
import pytest
from distributed import LocalCluster
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.kt import BKT, by_skill
from edubridge.kt.bkt import from_dict
from edubridge.learning import fitting, practice, tasks
from edubridge.learning.models import AdaptiveModel, ItemBank
from tests.learning.conftest import answer_right

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(bank, org_a, member):
    """A class of learners of three abilities, eight answers each, through the engine."""
    rng = np.random.default_rng(0)
    for n in range(fitting.MIN_LEARNERS + 4):
        user = member(org_a, Role.LEARNER, username=f"pupil{n}")
        learner = practice.learner_for(user, org_a)
        ability = (0.2, 0.5, 0.8)[n % 3]
        for _ in range(8):
            step = practice.next_item(learner, bank)
            answer_right(learner, bank, step, right=bool(rng.random() < ability + step.mastery / 5))
    return bank


def _run(*args):
    out = io.StringIO()
    call_command("learning", *args, stdout=out)
    return out.getvalue()


def test_fit_serves_a_bkt_fitted_on_the_stored_answers(answered):
    out = _run("fit", "--bank", str(answered.identifier))
    answered.refresh_from_db()
    model = answered.model
    assert model is not None and model.kind == "bkt" and answered.fitted_at is not None
    assert "held-out learners" in out and f"as model {model.identifier}" in out
    data = fitting.responses_of(answered)
    expected = BKT(random_state=0).fit(data)
    served = from_dict(model.parameters)
    assert np.array_equal(served.prior_, expected.prior_)
    assert model.card["training_data"]["learners"] == fitting.MIN_LEARNERS + 4
    engine = practice.engine(answered).model
    assert np.allclose(engine.learn_, expected.learn_)  # the bank practises with it now


def test_a_refit_updates_the_same_model(answered):
    _run("fit")
    first = ItemBank.objects.get().model
    _run("fit", "--random-state", "3")
    assert AdaptiveModel.objects.count() == 1 and ItemBank.objects.get().model == first


def test_the_other_kinds_are_scored_not_served(answered):
    for kind in ("irt", "elo", "logistic"):
        out = _run("fit", "--model", kind)
        assert "AUC" in out and "compared only" in out
    assert ItemBank.objects.get().model is None


def test_an_empty_bank_has_nothing_to_fit(bank):
    with pytest.raises(CommandError, match="no answers to fit"):
        _run("fit")


def test_too_few_learners_keep_the_defaults(bank, pupil, org_a):
    learner = practice.learner_for(pupil, org_a)
    answer_right(learner, bank, practice.next_item(learner, bank))
    out = _run("fit")
    assert "not served: 1 learners" in out and ItemBank.objects.get().model is None


def test_fit_refuses_what_it_cannot_do(bank, answered):
    with pytest.raises(CommandError, match="only bkt spreads out"):
        _run("fit", "--model", "irt", "--scheduler", "tcp://127.0.0.1:1")
    with pytest.raises(CommandError, match="not tcp://"):
        _run("fit", "--scheduler", "http://example.org")
    with pytest.raises(CommandError, match="no item bank"):
        _run("fit", "--bank", "00000000-0000-0000-0000-000000000000")


def test_only_bank_skills_can_be_chosen(answered):
    with pytest.raises(CommandError, match="is not a skill of this bank"):
        _run("fit", "--skills", "CFS.9.Z")
    out = _run("fit", "--skills", "CFS.3.U")
    assert "on 1 skills" in out


def test_a_dask_cluster_fits_the_same_parameters(answered):
    data = fitting.responses_of(answered)
    local = by_skill.fit(BKT(random_state=0), data)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        report = fitting.fit_bank(SYSTEM, answered, "bkt", scheduler=cluster.scheduler_address)
    spread = from_dict(report.parameters)
    for name in ("prior", "learn", "forget", "guess", "slip"):
        assert np.array_equal(getattr(spread, f"{name}_"), getattr(local, f"{name}_")), name
    assert report.held_out == fitting.fit_bank(SYSTEM, answered, "bkt").held_out  # folds too


@pytest.mark.parametrize("kind", ["bkt", "irt"])
def test_one_bar_runs_over_the_folds_and_the_last_fit(answered, kind):
    seen: list[tuple[int, int]] = []
    report = fitting.fit_bank(SYSTEM, answered, kind, progress=lambda *step: seen.append(step))
    fits = report.held_out["folds"] + 1
    parts = len(report.skills) if kind == "bkt" else 1
    assert seen == [(done, fits * parts) for done in range(1, fits * parts + 1)]


@pytest.mark.django_db(transaction=True)  # the worker closes its connections, as in production
def test_the_worker_refits_due_banks_and_queues_the_next_round(answered, settings):
    settings.REFIT_HOURS = 6
    assert tasks.due() == [answered]
    assert tasks.schedule() and tasks.schedule()  # queued once, however often asked
    assert DBTaskResult.objects.filter(task_path=tasks.PATH).count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    answered.refresh_from_db()
    assert answered.model is not None and answered.fitted_at is not None
    done = DBTaskResult.objects.get(task_path=tasks.PATH, status="SUCCESSFUL")
    assert done.return_value == [str(answered.identifier)]
    following = DBTaskResult.objects.get(task_path=tasks.PATH, status="READY")
    assert following.run_after > timezone.now() + timedelta(hours=5)
    assert tasks.due() == []  # nothing new since the fit
