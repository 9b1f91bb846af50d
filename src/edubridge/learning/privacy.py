"""A learner's practice: their pseudonyms, answers and mastery. Erasure cuts the one link
from a pseudonym to the person (``Learner.user``); the answers stay, anonymous, for the
class's figures and model fitting."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from edubridge.governance.personal_data import Person, Provider, register
from edubridge.learning.models import Answer, Learner, Mastery


@register
class LearningPrivacy(Provider):
    app = "learning"
    covers = ("learning.Learner", "learning.Answer", "learning.Mastery")

    def export(self, person: Person) -> Iterator[models.Model]:
        learners = Learner.objects.filter(user=person.user)
        yield from learners
        yield from Answer.objects.filter(learner__in=learners)
        yield from Mastery.objects.filter(learner__in=learners)

    def erase(self, person: Person) -> dict[str, int]:
        return {"learning.Learner": Learner.objects.filter(user=person.user).update(user=None)}
