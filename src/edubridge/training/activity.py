"""Training as xAPI: attendance and completion are written to the node's learning record
store like any tool's statements, and the participant's profile lists what the tools of the
cohort's organisation (Moodle, H5P, a virtual lab) reported about them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from edubridge.records import services as records
from edubridge.records.identifiers import ifi
from edubridge.records.models import Statement
from edubridge.training.models import Enrolment, Workshop

ATTENDED = {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}}
COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}}
MEETING = "http://adlnet.gov/expapi/activities/meeting"
COURSE = "http://adlnet.gov/expapi/activities/course"


def agent(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.BASE_URL, "name": enrolment.participant.username},
    }


def _identities(enrolment: Enrolment) -> list[str]:
    known = [ifi(agent(enrolment))]
    if enrolment.participant.email:
        known.append(ifi({"mbox": f"mailto:{enrolment.participant.email.lower()}"}))
    return known


def _cohort_context(enrolment: Enrolment) -> dict[str, Any]:
    cohort = enrolment.cohort
    return {
        "registration": str(cohort.identifier),
        "language": cohort.language,
        "contextActivities": {
            "parent": [
                {
                    "id": f"{settings.BASE_URL}/training/programmes/{cohort.programme.identifier}/",
                    "definition": {"type": COURSE, "name": {"en": cohort.programme.title}},
                }
            ]
        },
    }


def _statement(enrolment: Enrolment, verb: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "actor": agent(enrolment),
        "verb": verb,
        "object": obj,
        "context": _cohort_context(enrolment),
        "timestamp": timezone.now().isoformat(),
    }


def attended(enrolment: Enrolment, workshop: Workshop) -> None:
    obj = {
        "id": f"{settings.BASE_URL}/training/workshops/{workshop.uid}",
        "definition": {"type": MEETING, "name": {"en": workshop.title}},
    }
    records.record(enrolment.cohort.organisation, _statement(enrolment, ATTENDED, obj))


def completed(enrolment: Enrolment) -> None:
    programme = enrolment.cohort.programme
    obj = {
        "id": f"{settings.BASE_URL}/training/programmes/{programme.identifier}/",
        "definition": {"type": COURSE, "name": {"en": programme.title}},
    }
    statement = _statement(enrolment, COMPLETED, obj)
    statement["result"] = {"completion": True, "success": True}
    records.record(enrolment.cohort.organisation, statement)


def recent(enrolment: Enrolment, limit: int = 10) -> QuerySet[Statement]:
    """The latest statements about the participant stored by the cohort's organisation."""
    return Statement.objects.filter(
        organisation=enrolment.cohort.organisation,
        voided=False,
        references__kind="subject",
        references__value__in=_identities(enrolment),
    ).order_by("-stored")[:limit]
