"""Faults a review of the practice engine found, each kept fixed by a test."""

import uuid

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from lxml import etree

from edubridge.catalog.packages import qti
from edubridge.core import services as core
from edubridge.core.models import Membership, Role
from edubridge.core.policy import SYSTEM
from edubridge.kt import BKT, simulate
from edubridge.kt.serving import recommend
from edubridge.learning import classroom, fitting, practice, statements, tasks
from edubridge.learning.models import Answer, BankItem, ItemBank, Mastery
from tests.conftest import client_for
from tests.learning.conftest import APPLICATION, FOUNDATIONS, answer_right
from tests.threads import at_once, concurrent

pytestmark = pytest.mark.django_db


def _row(bank, identifier):
    return bank.items.select_related("item").get(item__identifier=identifier)


@concurrent
@pytest.mark.django_db(transaction=True)
def test_the_same_answer_sent_twice_at_once_is_stored_once(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    row, statement = _row(bank, "f1"), uuid.uuid4()
    send = lambda: practice.answer(learner, bank, row.pk, "b", statement)  # noqa: E731
    assert at_once(send, send) == []
    assert Answer.objects.count() == 1 and Mastery.objects.get().answers == 1


@concurrent
@pytest.mark.django_db(transaction=True)
def test_two_first_answers_at_once_both_count(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    first, second = _row(bank, "f1").pk, _row(bank, "f2").pk
    assert (
        at_once(
            lambda: practice.answer(learner, bank, first, "b", uuid.uuid4()),
            lambda: practice.answer(learner, bank, second, "b", uuid.uuid4()),
        )
        == []
    )
    assert Mastery.objects.get().answers == 2


def test_a_replayed_answer_id_must_be_the_same_answer(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    statement = uuid.uuid4()
    practice.answer(learner, bank, _row(bank, "f1").pk, "b", statement)
    with pytest.raises(Exception, match="belongs to another answer"):
        practice.answer(learner, bank, _row(bank, "f2").pk, "a", statement)


def test_a_form_must_carry_a_random_answer_id(pupil, bank):
    form = {"item": str(_row(bank, "f1").pk), "statement": str(uuid.uuid1()), "response": "b"}
    assert client_for(pupil).post(f"/learning/{bank.identifier}/", form).status_code == 400


def test_with_htmx_a_refused_answer_is_said_in_the_panel(pupil, bank):
    form = {"item": "999999", "statement": str(uuid.uuid4()), "response": "b"}
    panel = client_for(pupil).post(
        f"/learning/{bank.identifier}/", form, headers={"HX-Request": "true"}
    )
    assert panel.status_code == 200 and b'role="alert"' in panel.content
    assert b"not an item of this bank" in panel.content


def test_a_removed_item_is_not_offered_and_a_new_one_is_taken(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    first = practice.next_item(learner, bank)
    BankItem.objects.filter(pk=first.item.pk).delete()  # edited elsewhere, say the admin
    assert practice.next_item(learner, bank).item.pk != first.item.pk


def test_typed_answers_forgive_stray_spaces(pupil, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    result = practice.answer(learner, bank, _row(bank, "a2").pk, " label ", uuid.uuid4())
    assert result.correct and result.answer.response == "label"


def test_choosing_every_choice_of_a_mapped_item_is_not_right():
    item = qti.Item(
        identifier="m",
        title="m",
        interaction="multiple_response",
        prompt="",
        choices=[qti.Choice("a", "A"), qti.Choice("b", "B"), qti.Choice("c", "C")],
        correct=["a", "b"],
        scoring="map_response",
        mapping={"a": 1.0, "b": 1.0, "c": 0.0},
        max_choices=0,
    )
    everything = ["a", "b", "c"]
    assert not practice.is_right(item, everything, qti.score(item, everything))
    assert practice.is_right(item, ["a", "b"], qti.score(item, ["a", "b"]))


def test_statement_scores_and_patterns_follow_xapi():
    item = qti.Item(
        identifier="t",
        title="t",
        interaction="text_entry",
        prompt="",
        correct=["label"],
        scoring="map_response",
        mapping={"label": 1.0, "labels": 1.0, "tag": -2.0},
        case_sensitive=True,
        language="en_GB",
    )
    definition = statements._definition(item)
    assert definition["name"] == {"en-GB": "t"}
    assert definition["correctResponsesPattern"] == [
        "{case_matters=true}label",
        "{case_matters=true}labels",
    ]
    score = statements._score(item, -2.0)
    assert score["min"] <= score["raw"] < score["max"] and -1 <= score["scaled"] <= 1
    no_points = qti.Item(identifier="z", title="z", interaction="text_entry", prompt="")
    assert (
        statements._score(qti.Item(**{**no_points.__dict__, "scoring": "map_response"}), 0.0)
        is None
    )
    assert statements.language("") == "und"


def test_text_with_entities_is_escaped_once(pupil, org_a, bank):
    item = qti.Item(
        identifier="o",
        title="o",
        interaction="order",
        prompt="",
        choices=[qti.Choice("a", "x &lt; 5"), qti.Choice("b", "x &amp; y")],
        correct=["a", "b"],
    )
    assert qti.plain(item.choices[0].text) == "x < 5"
    described = statements._definition(item)["choices"][0]["description"]
    assert described == {"und": "x < 5"}


def test_a_prompt_read_from_the_item_body_stays_text():
    xml = b"""<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
     identifier="i" title="i">
     <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
      <qti-correct-response><qti-value>a</qti-value></qti-correct-response>
     </qti-response-declaration>
     <qti-item-body><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>
      <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
       <qti-simple-choice identifier="a">A</qti-simple-choice>
      </qti-choice-interaction></qti-item-body>
     <qti-response-processing
      template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
    </qti-assessment-item>"""
    prompt = qti.read_item(etree.fromstring(xml), "i.xml").prompt
    assert "<script" not in prompt and "&lt;script&gt;" in prompt


def test_blocked_names_the_prerequisite_to_master_first():
    data, _ = simulate.bkt(50, 2, 5, random_state=0)
    model = BKT(random_state=0).fit(data)
    a, b = (str(s) for s in model.skills_)
    state = {a: 0.5, b: 0.1}
    ranked = recommend(
        model, state, [{"item": "x", "skills": [b]}], prerequisites={b: [a]}, mastered=0.95
    )
    assert ranked[0]["status"] == "blocked" and ranked[0]["blocked_by"] == a


def test_a_teacher_no_longer_sees_who_left(pupil, teacher, org_a, bank):
    learner = practice.learner_for(pupil, org_a)
    answer_right(learner, bank, practice.next_item(learner, bank))
    assert len(classroom.heatmap(teacher, bank)[1]) == 1
    core.remove_member(SYSTEM, Membership.objects.get(user=pupil, organisation=org_a))
    assert classroom.heatmap(teacher, bank)[1] == []


def test_the_curve_page_asks_for_the_right_first(pupil, bank):
    page = client_for(pupil).get(f"/learning/{bank.identifier}/skills/nope/")
    assert page.status_code == 403


def test_fitting_some_skills_keeps_the_others(bank, org_a, member, skills):
    for n in range(fitting.MIN_LEARNERS):
        learner = practice.learner_for(member(org_a, Role.LEARNER, username=f"p{n}"), org_a)
        for _ in range(6):
            answer_right(learner, bank, practice.next_item(learner, bank), right=n % 2 == 0)
    whole = fitting.fit_bank(SYSTEM, bank, "bkt")
    part = fitting.fit_bank(SYSTEM, ItemBank.objects.get(), "bkt", skills=[FOUNDATIONS])
    kept = skills[APPLICATION].identifier
    assert part.parameters["skills"] == whole.parameters["skills"]
    k = whole.parameters["skills"].index(kept)
    assert part.parameters["learn"][k] == whole.parameters["learn"][k]


@pytest.mark.django_db(transaction=True)
def test_one_failing_bank_stops_neither_the_others_nor_the_schedule(
    bank, pupil, monkeypatch, settings
):
    settings.REFIT_HOURS = 1
    learner = practice.learner_for(pupil, bank.organisation)
    answer_right(learner, bank, practice.next_item(learner, bank))

    def broken(*args, **kwargs):
        raise KeyError("a fault nobody foresaw")

    monkeypatch.setattr(tasks, "fit_bank", broken)
    tasks.schedule()
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert DBTaskResult.objects.filter(task_path=tasks.PATH, status="READY").count() == 1


@pytest.mark.parametrize("kind", ["choice", "multiple_response", "text_entry", "order"])
def test_every_kind_of_item_makes_a_valid_xapi_definition(kind):
    from edubridge.records import validation

    item = qti.Item(
        identifier="i",
        title="i",
        interaction=kind,
        prompt="",
        choices=[] if kind == "text_entry" else [qti.Choice("a", "A"), qti.Choice("b", "B")],
        correct=["a"] if kind != "order" else ["a", "b"],
        language="en",
    )
    validation.definition(statements._definition(item), "object.definition")
