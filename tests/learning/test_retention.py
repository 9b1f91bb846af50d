"""Practice answers past their retention become counts per bank item and month."""

from datetime import timedelta

import pytest
from django.utils import timezone

from edubridge.governance import retention
from edubridge.governance.models import RetainedCount
from edubridge.learning import practice
from edubridge.learning.models import Answer
from tests.learning.conftest import answer_right

pytestmark = pytest.mark.django_db


def test_old_answers_are_counted_then_go(bank, pupil, org_a):
    learner = practice.learner_for(pupil, org_a)
    for right in (True, False, True):
        answer_right(learner, bank, practice.next_item(learner, bank), right=right)
    Answer.objects.update(answered_at=timezone.now() - timedelta(days=6 * 365))
    report = {r["rule"]: r["rows"] for r in retention.apply()}
    assert report["practice answers"] == 3 and not Answer.objects.exists()
    counted = RetainedCount.objects.filter(kind="practice")
    assert sum(c.count for c in counted) == 3 and sum(c.correct for c in counted) == 2
    assert all(c.key.startswith(str(bank.identifier)) for c in counted)
