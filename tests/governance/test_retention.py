"""Retention applied: past their time, logs and tokens go and learning records become
monthly counts; what is younger stays; a dry run changes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from edubridge.core.models import AuditEntry
from edubridge.core.policy import SYSTEM
from edubridge.governance import retention, services
from edubridge.governance.models import RetainedCount, TransferDecision
from edubridge.records import services as records
from edubridge.records.models import Reference, Statement

pytestmark = pytest.mark.django_db


def statement(learner: str, verb: str = "answered") -> dict:
    return {
        "actor": {"mbox": f"mailto:{learner}@example.org"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": "http://example.org/q1"},
    }


def test_old_records_become_counts_and_old_logs_go(org_a, org_b):
    client = records.create_client(SYSTEM, org_a, name="t", key="tool", secret="tool-secret")
    records.store(client, [statement("a"), statement("b"), statement("c", "passed")], "1.0.3")
    records.store(client, [statement("d")], "1.0.3")
    long_ago = timezone.now() - timedelta(days=7 * 365)
    old = Statement.objects.order_by("id")[:3]
    Statement.objects.filter(pk__in=[s.pk for s in old]).update(stored=long_ago)
    services.check(SYSTEM, org_a, org_b, "catalog")
    TransferDecision.objects.filter().erase_person(at=long_ago)
    AuditEntry.objects.filter(action="lrs.client.create").erase_person(at=long_ago)
    audit_before = AuditEntry.objects.count()

    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "learning records: would aggregate 3 rows" in out.getvalue()
    assert Statement.objects.count() == 4

    report = {r["rule"]: r["rows"] for r in retention.apply()}
    assert report["learning records"] == 3 and report["transfer log"] == 1
    assert report["audit log"] >= 1
    assert Statement.objects.count() == 1 and Reference.objects.count() > 0
    counts = {c.key: c.count for c in RetainedCount.objects.filter(kind="learning-records")}
    assert counts == {
        "http://adlnet.gov/expapi/verbs/answered": 2,
        "http://adlnet.gov/expapi/verbs/passed": 1,
    }
    assert not TransferDecision.objects.exists()
    assert AuditEntry.objects.filter(action="retention.apply").count() == 1
    assert AuditEntry.objects.count() < audit_before + 1
    again = {r["rule"]: r["rows"] for r in retention.apply()}
    assert again["learning records"] == 0 and RetainedCount.objects.count() == 2


def test_the_daily_run_is_queued_once(db):
    from django_tasks_db.models import DBTaskResult

    call_command("retention", "--schedule", stdout=StringIO())
    call_command("retention", "--schedule", stdout=StringIO())
    assert DBTaskResult.objects.filter(task_path=retention.PATH).count() == 1
