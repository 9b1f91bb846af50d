"""Practice: pseudonymous learners, scoring by the item's response processing, live mastery,
the next item with its reason, and answers stored once as xAPI statements."""

import json
import uuid

import pytest

from edubridge.core.errors import DomainError
from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.kt import BKT, Responses
from edubridge.learning import practice, services
from edubridge.learning.models import Answer, Learner, Mastery
from tests.learning.conftest import APPLICATION, FOUNDATIONS, answer_right

pytestmark = pytest.mark.django_db


def test_a_learner_is_a_random_pseudonym_per_organisation(pupil, org_a, org_b, member, bank):
    learner = practice.learner_for(pupil, org_a)
    assert practice.learner_for(pupil, org_a) == learner
    assert len(learner.pseudonym) == 32 and pupil.username not in learner.pseudonym
    other = member(org_b, Role.LEARNER, username="b.learner")
    assert practice.learner_for(other, org_b).pseudonym != learner.pseudonym
    with pytest.raises(DomainError):
        practice.learner_for(other, org_a)  # not a member there


def test_prerequisites_come_first_then_the_next_skill(pupil, org_a, bank, skills):
    learner = practice.learner_for(pupil, org_a)
    step = practice.next_item(learner, bank)
    assert step.skill == skills[FOUNDATIONS]  # CFS.3.U precedes CFS.3.A
    assert step.status == "practise" and step.mastery == pytest.approx(practice.DEFAULTS["prior"])
    for _ in range(10):
        step = practice.next_item(learner, bank)
        if step.skill != skills[FOUNDATIONS]:
            break
        answer_right(learner, bank, step)
    state = practice.state_of(learner, bank)
    assert state[skills[FOUNDATIONS].identifier] >= bank.mastered
    assert step.skill == skills[APPLICATION] and step.status == "practise"


def test_a_skill_whose_prerequisite_is_not_mastered_waits(pupil, org_a, bank, skills):
    learner = practice.learner_for(pupil, org_a)
    for _ in range(6):
        step = practice.next_item(learner, bank)
        assert step.skill == skills[FOUNDATIONS]
        answer_right(learner, bank, step, right=False)


def test_mastery_rises_after_a_right_answer_and_falls_after_a_wrong_one(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    up = answer_right(learner, bank, practice.next_item(learner, bank))
    (skill,) = up.after
    assert up.correct and up.after[skill] > up.before[skill]
    down = answer_right(learner, bank, practice.next_item(learner, bank), right=False)
    assert not down.correct and down.after[skill] < down.before[skill]
    row = Mastery.objects.get(learner=learner, skill__identifier=skill)
    assert row.answers == 2 and row.value == pytest.approx(down.after[skill])


def test_items_are_scored_by_their_response_processing(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    rows = {row.item.identifier: row for row in bank.items.select_related("item")}
    scored = [
        ("f1", "b", True),
        ("f1", "a", False),
        ("f2", "a", True),
        ("a2", "LABEL", True),  # text entry, not case-sensitive
        ("a2", "labels", False),
        ("a2", [], False),
    ]
    for identifier, response, right in scored:
        result = practice.answer(learner, bank, rows[identifier].pk, response, uuid.uuid4())
        assert result.correct is right, (identifier, response)


def test_an_answer_sent_twice_is_stored_once(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    step = practice.next_item(learner, bank)
    statement = uuid.uuid4()
    first = practice.answer(learner, bank, step.item.pk, "b", statement)
    again = practice.answer(learner, bank, step.item.pk, "b", statement)
    assert again.answer.pk == first.answer.pk and Answer.objects.count() == 1
    assert Mastery.objects.get().answers == 1


def test_bad_answers_are_refused_and_store_nothing(pupil, org_a, org_b, member, bank):
    learner = practice.learner_for(pupil, org_a)
    with pytest.raises(DomainError, match="not an item of this bank"):
        practice.answer(learner, bank, 10**9, "b", uuid.uuid4())
    outsider = practice.learner_for(member(org_b, Role.LEARNER, username="b.learner"), org_b)
    step = practice.next_item(learner, bank)
    with pytest.raises(DomainError, match="not your organisation"):
        practice.answer(outsider, bank, step.item.pk, "b", uuid.uuid4())
    assert not Answer.objects.exists() and not Mastery.objects.exists()


def test_each_answer_is_an_xapi_statement_naming_only_the_pseudonym(pupil, org_a, bank, skills):
    learner = practice.learner_for(pupil, org_a)
    result = answer_right(learner, bank, practice.next_item(learner, bank))
    statement = result.answer.statement
    assert statement["id"] == str(result.answer.statement_id)
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://127.0.0.1:8000", "name": learner.pseudonym},
    }
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    definition = statement["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert definition["correctResponsesPattern"] == result.answer.item.item.data["correct"]
    assert statement["result"]["success"] is True
    assert statement["result"]["score"]["scaled"] == 1.0
    (mastery,) = statement["context"]["extensions"].values()
    after = result.after[skills[FOUNDATIONS].identifier]
    assert mastery == {skills[FOUNDATIONS].uri: pytest.approx(after)}
    text = json.dumps(statement)
    assert pupil.username not in text and pupil.first_name not in text
    assert statement["timestamp"].endswith("Z")


def test_erasing_the_user_leaves_anonymous_records(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    answer_right(learner, bank, practice.next_item(learner, bank))
    pupil.delete()
    learner = Learner.objects.get()
    assert learner.user is None and learner.answers.count() == 1


def test_a_fitted_model_serves_the_bank_with_the_defaults_for_new_skills(
    pupil, org_a, bank, skills
):
    data = Responses.from_columns(
        learner=["x"] * 4 + ["y"] * 4,
        skill=[skills[FOUNDATIONS].identifier] * 8,
        correct=[1, 1, 1, 1, 0, 1, 1, 1],
    )
    fitted = BKT(random_state=0).fit(data)
    bank.model = services.serve(SYSTEM, org_a, "fitted", fitted, card={})
    bank.save()
    served = practice.engine(bank).model
    labels = list(served.skills_)
    k = labels.index(skills[FOUNDATIONS].identifier)
    assert served.prior_[k] == pytest.approx(fitted.prior_[0])
    other = labels.index(skills[APPLICATION].identifier)
    assert served.prior_[other] == practice.DEFAULTS["prior"]


def test_each_answer_reaches_the_learning_record_store(pupil, org_a, bank):
    from edubridge.records.models import Statement

    learner = practice.learner_for(pupil, org_a)
    result = answer_right(learner, bank, practice.next_item(learner, bank))
    stored = Statement.objects.get(statement_id=result.answer.statement_id)
    assert stored.organisation == org_a and stored.actor.endswith(f"|{learner.pseudonym}")
    assert stored.data["result"]["success"] is True
