"""Retention, applied: each kind of data the node keeps for a limited time is deleted, or
turned into monthly counts, once past its time. ``apply`` reports what it did, rule by rule;
the task (``edubridge db_worker``) runs it daily and ``edubridge retention`` on demand.

The periods follow the data map's retention column: six years for the audit and transfer
logs, three years after withdrawal for consents, a year for revoked or expired API tokens,
thirty days for finished background tasks, the session's own expiry, and
``EDUBRIDGE_RETENTION_YEARS`` (5) for learning records and practice answers, which are
counted by organisation, month and verb (or item) before they go.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from edubridge.core import audit
from edubridge.core.models import ApiToken, AppendOnlyQuerySet, AuditEntry
from edubridge.core.policy import SYSTEM
from edubridge.governance.models import Consent, RetainedCount, TransferDecision
from edubridge.learning.models import Answer
from edubridge.records.models import Statement

log = logging.getLogger(__name__)
PATH = "edubridge.governance.retention.apply_daily"
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Rule:
    name: str
    action: str  # "delete" or "aggregate"
    period: Callable[[], timedelta]
    due: Callable[[datetime], QuerySet[Any]]
    remove: Callable[[QuerySet[Any]], int] = lambda rows: rows.delete()[0]
    count: Callable[[QuerySet[Any]], None] | None = None


def _answers_counted(rows: QuerySet[Any]) -> None:
    grouped = (
        rows.annotate(month=TruncMonth("answered_at"))
        .values("bank__organisation_id", "month", "bank__identifier", "item__item__identifier")
        .annotate(n=Count("id"), right=Sum(Cast("correct", IntegerField())))
    )
    for g in grouped:
        _add(
            g["bank__organisation_id"],
            "practice",
            g["month"],
            f"{g['bank__identifier']}:{g['item__item__identifier']}",
            g["n"],
            g["right"] or 0,
        )


def _statements_counted(rows: QuerySet[Any]) -> None:
    grouped = (
        rows.annotate(month=TruncMonth("stored"))
        .values("organisation_id", "month", "verb")
        .annotate(n=Count("id"))
    )
    for g in grouped:
        _add(g["organisation_id"], "learning-records", g["month"], g["verb"], g["n"], None)


def _add(organisation: int, kind: str, month: Any, key: str, n: int, right: int | None) -> None:
    month = month.date() if isinstance(month, datetime) else month
    found, made = RetainedCount.objects.get_or_create(
        organisation_id=organisation,
        kind=kind,
        month=month,
        key=key[:1000],
        defaults={"count": n, "correct": right},
    )
    if not made:
        RetainedCount.objects.filter(pk=found.pk).update(
            count=F("count") + n,
            correct=None if right is None else F("correct") + right,
        )


def _expire(rows: QuerySet[Any]) -> int:
    assert isinstance(rows, AppendOnlyQuerySet)
    return rows.expire()


def _records_years() -> timedelta:
    return settings.RETENTION_YEARS * YEAR


RULES = [
    Rule(
        "sessions",
        "delete",
        lambda: timedelta(0),
        lambda now: Session.objects.filter(expire_date__lt=now),
    ),
    Rule(
        "task results",
        "delete",
        lambda: timedelta(days=30),
        lambda cutoff: DBTaskResult.objects.filter(finished_at__lt=cutoff),
    ),
    Rule(
        "API tokens",
        "delete",
        lambda: YEAR,
        lambda cutoff: ApiToken.objects.filter(Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)),
    ),
    Rule(
        "consents",
        "delete",
        lambda: 3 * YEAR,
        lambda cutoff: Consent.objects.filter(withdrawn_at__lt=cutoff),
    ),
    Rule(
        "audit log",
        "delete",
        lambda: 6 * YEAR,
        lambda cutoff: AuditEntry.objects.filter(at__lt=cutoff),
        remove=_expire,
    ),
    Rule(
        "transfer log",
        "delete",
        lambda: 6 * YEAR,
        lambda cutoff: TransferDecision.objects.filter(at__lt=cutoff),
        remove=_expire,
    ),
    Rule(
        "practice answers",
        "aggregate",
        _records_years,
        lambda cutoff: Answer.objects.filter(answered_at__lt=cutoff),
        count=_answers_counted,
    ),
    Rule(
        "learning records",
        "aggregate",
        _records_years,
        lambda cutoff: Statement.objects.filter(stored__lt=cutoff),
        count=_statements_counted,
    ),
]


def apply(*, dry_run: bool = False, now: datetime | None = None) -> list[dict[str, Any]]:
    """Apply every rule (or, with ``dry_run``, count what each would do); the report."""
    now = now or timezone.now()
    report = []
    for rule in RULES:
        cutoff = now - rule.period()
        with transaction.atomic():
            rows = rule.due(cutoff)
            n = rows.count()
            if n and not dry_run:
                if rule.count is not None:
                    rule.count(rows)
                rule.remove(rows)
        report.append(
            {"rule": rule.name, "action": rule.action, "before": cutoff.isoformat(), "rows": n}
        )
    if not dry_run and any(r["rows"] for r in report):
        with transaction.atomic():
            done = "; ".join(f"{r['rule']} {r['rows']}" for r in report if r["rows"])
            audit.record(SYSTEM, "retention.apply", None, organisation=None, summary=done[:300])
    return report


@task()
def apply_daily() -> list[dict[str, Any]]:
    """Apply retention, then queue tomorrow's run, whatever happened."""
    try:
        return apply()
    finally:
        schedule(delay=timedelta(days=1))


def schedule(delay: timedelta = timedelta(0)) -> None:
    """Queue a run unless one is queued already."""
    waiting = DBTaskResult.objects.filter(task_path=PATH, status=TaskResultStatus.READY).exists()
    if not waiting:
        apply_daily.using(run_after=timezone.now() + delay).enqueue()
