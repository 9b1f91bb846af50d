"""Practice and class pages through Django's client: forms without JavaScript, HTMX panels,
who may see what, and the teacher's heatmap, stuck list and mastery curve."""

import re
import uuid

import pytest

from edubridge.catalog.models import AssessmentItem
from edubridge.core.models import Role
from edubridge.learning import classroom, practice
from edubridge.learning.models import Answer, ItemBank
from tests.conftest import client_for
from tests.learning.conftest import FOUNDATIONS, answer_right

pytestmark = pytest.mark.django_db


def _form(html: str) -> dict[str, str]:
    return {
        "item": re.search(r'name="item" value="(\d+)"', html).group(1),
        "statement": re.search(r'name="statement" value="([0-9a-f-]+)"', html).group(1),
    }


def test_a_learner_answers_without_javascript(pupil, bank):
    client = client_for(pupil)
    page = client.get(f"/learning/{bank.identifier}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Practising CFS.3.U" in html and "prerequisites met" in html
    form = _form(html)
    done = client.post(f"/learning/{bank.identifier}/", {**form, "response": "b"})
    assert done.status_code == 302 and "?after=" in done["Location"]
    shown = client.get(done["Location"]).content.decode()
    assert "Right." in shown or "Not quite" in shown
    assert Answer.objects.count() == 1
    again = client.post(f"/learning/{bank.identifier}/", {**form, "response": "b"})
    assert again.status_code == 302 and Answer.objects.count() == 1  # sent twice, kept once


def test_with_htmx_only_the_panel_travels(pupil, bank):
    client = client_for(pupil)
    form = _form(client.get(f"/learning/{bank.identifier}/").content.decode())
    panel = client.post(
        f"/learning/{bank.identifier}/", {**form, "response": "z"}, headers={"HX-Request": "true"}
    )
    html = panel.content.decode()
    assert panel.status_code == 200 and html.startswith('<div id="practice"')
    assert "Not quite: the answer was" in html and "<html" not in html


def test_a_broken_form_gets_a_400(pupil, bank):
    client = client_for(pupil)
    url = f"/learning/{bank.identifier}/"
    assert client.post(url, {"item": "x", "statement": "y"}).status_code == 400
    missing = client.post(url, {"item": "999999", "statement": str(uuid.uuid4())})
    assert missing.status_code == 400 and b"not an item of this bank" in missing.content
    assert not Answer.objects.exists()


def test_only_members_practise_and_only_teachers_see_the_class(pupil, teacher, org_b, bank, member):
    outsider = client_for(member(org_b, Role.LEARNER, username="b.learner"))
    assert outsider.get(f"/learning/{bank.identifier}/").status_code == 403
    assert client_for(pupil).get(f"/learning/{bank.identifier}/class/").status_code == 403
    assert client_for(teacher).get(f"/learning/{bank.identifier}/class/").status_code == 200
    listing = client_for(pupil).get("/learning/").content.decode()
    assert "AI practice" in listing and "/class/" not in listing


def test_the_class_heatmap_names_learners_for_their_teacher(pupil, teacher, org_a, bank, skills):
    learner = practice.learner_for(pupil, org_a)
    answer_right(learner, bank, practice.next_item(learner, bank))
    html = client_for(teacher).get(f"/learning/{bank.identifier}/class/").content.decode()
    assert "Amani" in html and "CFS.3.U" in html and "CFS.3.A" in html
    value = practice.state_of(learner, bank)[skills[FOUNDATIONS].identifier]
    assert f"{value:.2f}" in html


def test_a_learner_who_keeps_failing_is_stuck(pupil, teacher, org_a, bank, skills):
    learner = practice.learner_for(pupil, org_a)
    for _ in range(classroom.STUCK_AFTER - 1):
        answer_right(learner, bank, practice.next_item(learner, bank), right=False)
    assert classroom.stuck(teacher, bank) == []
    answer_right(learner, bank, practice.next_item(learner, bank), right=False)
    (stuck,) = classroom.stuck(teacher, bank)
    assert stuck.skill == skills[FOUNDATIONS] and stuck.answers == classroom.STUCK_AFTER
    html = client_for(teacher).get(f"/learning/{bank.identifier}/class/").content.decode()
    assert "Amani: CFS.3.U" in html


def test_the_mastery_curve_is_the_class_mean_after_each_answer(
    pupil, teacher, org_a, member, bank, skills
):
    other = member(org_a, Role.LEARNER, username="a.learner2")
    first, second = practice.learner_for(pupil, org_a), practice.learner_for(other, org_a)
    a = answer_right(first, bank, practice.next_item(first, bank))
    b = answer_right(second, bank, practice.next_item(second, bank), right=False)
    c = answer_right(first, bank, practice.next_item(first, bank))
    skill = skills[FOUNDATIONS]
    points = classroom.curve(teacher, bank, skill)
    key = skill.identifier
    assert points == [
        (1, pytest.approx((a.after[key] + b.after[key]) / 2), 2),
        (2, pytest.approx(c.after[key]), 1),
    ]
    page = client_for(teacher).get(f"/learning/{bank.identifier}/skills/{key}/")
    assert page.status_code == 200 and b"<polyline" in page.content
    assert client_for(teacher).get(f"/learning/{bank.identifier}/skills/nope/").status_code == 400


def test_a_curator_makes_a_bank_in_two_steps(curator, pupil, bank, skills):
    client = client_for(curator)
    listing = client.get("/learning/new/").content.decode()
    version = bank.version
    assert f"?version={version.pk}" in listing
    version.alignments.create(item=skills[FOUNDATIONS], alignment_type="assesses")
    form = client.get(f"/learning/new/?version={version.pk}").content.decode()
    assert "CFS.3.U AI foundations" in form
    rows = {row.identifier: row.pk for row in version.items.all()}
    skill = skills[FOUNDATIONS].pk
    made = client.post(
        "/learning/new/",
        {
            "version": version.pk,
            "name": "Foundations only",
            "organisation": "org-a",
            f"skills-{rows['f1']}": str(skill),
            f"skills-{rows['f2']}": str(skill),
        },
    )
    new = ItemBank.objects.get(name="Foundations only")
    assert made.status_code == 302 and made["Location"] == f"/learning/{new.identifier}/"
    assert sorted(i.item.identifier for i in new.items.all()) == ["f1", "f2"]
    nothing = client.post(
        "/learning/new/", {"version": version.pk, "name": "Empty", "organisation": "org-a"}
    )
    assert b"align at least one item" in nothing.content
    assert client_for(pupil).get("/learning/new/").status_code == 403


def test_an_item_that_forbids_ai_says_so_before_the_learner_answers(pupil, bank):
    page = client_for(pupil).get(f"/learning/{bank.identifier}/").content.decode()
    assert "No AI assistance" not in page
    # Set on the draft by its curator (catalog.services.forbid_ai); here, straight on the rows.
    AssessmentItem.objects.filter(version=bank.version).update(ai_forbidden=True)
    page = client_for(pupil).get(f"/learning/{bank.identifier}/").content.decode()
    assert "No AI assistance: answer this item on your own, without AI tools." in page
