"""When a participant has met a programme's criteria: every requirement evidenced with a
passing rubric score, and enough of the workshops held attended."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from edubridge.training.models import Enrolment, Requirement

PASS = 3  # rubric score (0 to 4) from which evidence meets its requirement
MAX_SCORE = 4


@dataclass
class Progress:
    """How far an enrolment is from the programme's criteria."""

    met: dict[int, int] = field(default_factory=dict)  # requirement id -> best score
    missing: list[Requirement] = field(default_factory=list)
    held: int = 0  # workshops that have started
    attended: int = 0
    attendance_required: int = 0

    scheduled: int = 0  # workshops of the cohort, held or not

    @property
    def attendance_met(self) -> bool:
        """Enough of the workshops held so far; a cohort that has workshops must have held
        one first (a cohort without any, self-paced, asks none)."""
        if self.scheduled and self.attendance_required and not self.held:
            return False
        return self.attended * 100 >= self.attendance_required * self.held

    @property
    def eligible(self) -> bool:
        return not self.missing and self.attendance_met


def progress(enrolment: Enrolment) -> Progress:
    programme = enrolment.cohort.programme
    best: dict[int, int] = {}
    for requirement_id, score in enrolment.evidence.filter(score__isnull=False).values_list(
        "requirement_id", "score"
    ):
        best[requirement_id] = max(best.get(requirement_id, 0), score or 0)
    requirements = list(programme.requirements.select_related("competency"))
    now = timezone.now()
    return Progress(
        met={r: s for r, s in best.items() if s >= PASS},
        missing=[r for r in requirements if best.get(r.pk, 0) < PASS],
        held=enrolment.cohort.workshops.filter(starts_at__lte=now).count(),
        scheduled=enrolment.cohort.workshops.count(),
        attended=enrolment.attendance.filter(present=True, workshop__starts_at__lte=now).count(),
        attendance_required=programme.min_attendance,
    )
