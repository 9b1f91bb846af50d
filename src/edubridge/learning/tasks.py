"""Background work of the learning app, run by ``edubridge db_worker`` (started by
``edubridge serve``): each item bank's model is refitted on its learners' answers every
``EDUBRIDGE_REFIT_HOURS``, when there are answers newer than its last fit."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from edubridge.core.errors import DomainError
from edubridge.core.policy import SYSTEM
from edubridge.learning.fitting import fit_bank
from edubridge.learning.models import ItemBank

log = logging.getLogger(__name__)
PATH = "edubridge.learning.tasks.refit_due"


def due() -> list[ItemBank]:
    """Banks with answers newer than their last fit, last fitted over the interval ago."""
    cutoff = timezone.now() - timedelta(hours=settings.REFIT_HOURS)
    banks = ItemBank.objects.annotate(last=Max("answers__answered_at")).filter(last__isnull=False)
    return [
        b for b in banks if b.fitted_at is None or (b.fitted_at <= cutoff and b.last > b.fitted_at)
    ]


@task()
def refit_due() -> list[str]:
    """Refit the banks that are due, then queue the next round, whatever happened: one
    bank's failure is logged and never stops the others or the schedule."""
    refitted = []
    try:
        for bank in due():
            try:
                fit_bank(SYSTEM, bank, "bkt")
                refitted.append(str(bank.identifier))
            except DomainError as error:
                log.warning("refit of %s skipped: %s", bank.identifier, error.message)
            except Exception:
                log.exception("refit of %s failed", bank.identifier)
    finally:
        schedule(delay=timedelta(hours=settings.REFIT_HOURS))
    return refitted


def schedule(delay: timedelta = timedelta(0)) -> bool:
    """Queue a round of refits unless one is queued already; False when refits are off."""
    if settings.REFIT_HOURS <= 0:
        return False
    waiting = DBTaskResult.objects.filter(task_path=PATH, status=TaskResultStatus.READY).exists()
    if not waiting:
        refit_due.using(run_after=timezone.now() + delay).enqueue()
    return True
