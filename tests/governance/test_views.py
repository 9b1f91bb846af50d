"""The governance pages without a browser: comparison, agreements, transfers and the API."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from edubridge.core.models import AuditEntry, Role
from edubridge.governance.models import Agreement, TransferDecision
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_two_jurisdictions_side_by_side_mark_their_differences(client):
    page = client.get("/governance/jurisdictions/", {"j": ["CN", "KE"]}).content.decode()
    assert "China: Personal Information Protection Law" in page
    assert "PIPL art. 31" in page and "DPA 2019" in page
    assert '<tr class="differs"><th scope="row">Age of digital consent' in page
    only = client.get("/governance/jurisdictions/", {"j": ["CN", "KE"], "differences": "1"})
    assert only.content.decode().count("<tr") < page.count("<tr")


def test_one_jurisdiction_is_not_a_comparison(client):
    page = client.get("/governance/jurisdictions/", {"j": "CN"}).content.decode()
    assert "Choose two or more jurisdictions" in page
    assert "differs" not in page


def test_the_comparison_downloads_for_a_meeting(client):
    response = client.get("/governance/jurisdictions/", {"j": ["EU", "BR"], "download": "html"})
    assert response["Content-Disposition"] == 'attachment; filename="privacy-rules-BR-EU.html"'
    page = response.content.decode()
    assert "<style>" in page and "GDPR art. 8" in page and "LGPD" in page
    assert "<script" not in page  # a file to open anywhere, offline


def test_the_comparison_downloads_as_a_pdf(client):
    response = client.get(
        "/governance/jurisdictions/",
        {"j": ["CN", "KE", "ID"], "differences": "1", "download": "pdf"},
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="privacy-rules-CN-ID-KE.pdf"'
    assert response.content.startswith(b"%PDF-") and b"/Title (Privacy rules" in response.content


def test_the_comparison_is_right_to_left_in_arabic(client):
    client.cookies["django_language"] = "ar"
    page = client.get("/governance/jurisdictions/", {"j": ["EG", "CN"]}).content.decode()
    assert 'dir="rtl"' in page and 'lang="en"' in page  # the laws' text stays marked English


def test_an_agreement_is_proposed_then_signed_by_both_sides(org_a, org_b, admin_a, admin_b):
    today = timezone.localdate()
    form = {
        "provider": org_a.pk,
        "recipient": org_b.pk,
        "title": "Training records",
        "purposes": "Follow seed teachers",
        "datasets": ["training-records", "credentials"],
        "max_level": "personal",
        "legal_basis": "consent",
        "safeguards": ["contract_clauses", "impact_assessment"],
        "starts_on": today.isoformat(),
        "expires_on": (today + timedelta(days=30)).isoformat(),
    }
    a, b = client_for(admin_a), client_for(admin_b)
    response = a.post("/governance/agreements/new/", form)
    made = Agreement.objects.get()
    assert response.url == f"/governance/agreements/{made.pk}/"
    page = a.get(response.url).content.decode()
    assert "awaiting signatures" in page and "Sign for Org A University" in page
    assert "Sign for Org B College" not in page  # each signs for their own side
    a.post(f"/governance/agreements/{made.pk}/sign/", {"organisation": "org-a"})
    refused = a.post(f"/governance/agreements/{made.pk}/sign/", {"organisation": "org-b"})
    assert refused.status_code == 302 and made.signatures.count() == 1
    b.post(f"/governance/agreements/{made.pk}/sign/", {"organisation": "org-b"})
    assert "in force" in b.get(f"/governance/agreements/{made.pk}/").content.decode()
    b.post(f"/governance/agreements/{made.pk}/revoke/", {"organisation": "org-b", "reason": ""})
    made.refresh_from_db()
    assert made.revoked_at is None  # a revocation says why
    b.post(f"/governance/agreements/{made.pk}/revoke/", {"organisation": "org-b", "reason": "End"})
    assert "revoked" in a.get("/governance/agreements/").content.decode()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"agreement.propose", "agreement.sign", "agreement.revoke"} <= actions


def test_a_bad_agreement_names_the_field(org_a, org_b, admin_a):
    today = timezone.localdate()
    form = {
        "provider": org_a.pk,
        "recipient": org_a.pk,
        "title": "Self",
        "purposes": "x",
        "datasets": ["practice"],
        "max_level": "personal",
        "legal_basis": "consent",
        "starts_on": today.isoformat(),
        "expires_on": (today - timedelta(days=1)).isoformat(),
    }
    admin = client_for(admin_a)
    same = admin.post("/governance/agreements/new/", form).content.decode()
    assert "an agreement needs two different organisations" in same
    backwards = admin.post("/governance/agreements/new/", {**form, "recipient": org_b.pk})
    assert "the agreement must expire after it starts" in backwards.content.decode()
    assert not Agreement.objects.exists()


def test_agreements_are_seen_by_their_parties_only(org_a, org_b, member, agreement, countries):
    from edubridge.core import services as core
    from edubridge.core.policy import SYSTEM

    other = core.create_organisation(
        SYSTEM, slug="org-x", name="Org X", kind="university", country="BR"
    )
    made = agreement(org_a, org_b, ["practice"])
    outsider = client_for(member(other, Role.ADMIN))
    assert outsider.get(f"/governance/agreements/{made.pk}/").status_code == 404
    assert made.title not in outsider.get("/governance/agreements/").content.decode()
    learner = client_for(member(org_b, Role.LEARNER))
    assert learner.get(f"/governance/agreements/{made.pk}/").status_code == 404
    assert outsider.get("/governance/agreements/new/").status_code == 200
    assert learner.get("/governance/agreements/new/").status_code == 403


def test_a_transfer_is_checked_logged_filtered_and_exported(org_a, org_b, member):
    auditor = client_for(member(org_b, Role.AUDITOR))
    page = auditor.post(
        "/governance/transfers/",
        {"source": "org-a", "destination": "org-b", "dataset": "credentials"},
    ).content.decode()
    assert "Denied" in page and "What would allow it" in page
    auditor.post(
        "/governance/transfers/", {"source": "org-a", "destination": "org-b", "dataset": "catalog"}
    )
    assert TransferDecision.objects.count() == 2
    denied = auditor.get("/governance/transfers/", {"outcome": "deny"}).content.decode()
    assert denied.count('<td class="code">credentials</td>') == 1
    assert '<td class="code">catalog</td>' not in denied
    response = auditor.get("/governance/transfers/", {"download": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["at", "actor", "flow", "from"]
    assert {r[5] for r in rows[1:]} == {"credentials", "catalog"}
    teacher = client_for(member(org_b, Role.TEACHER))
    assert teacher.get("/governance/transfers/").status_code == 403


def test_the_api_lists_jurisdictions_and_checks_transfers(client, org_a, org_b, admin_a):
    body = client.get("/api/v1/jurisdictions", {"code": ["CN", "KE"]}).json()
    assert [j["code"] for j in body] == ["CN", "KE"]
    age = next(r for r in body[0]["rules"] if r["key"] == "consent_age")
    assert age["value"] == 14 and age["citation"] == "PIPL art. 31"
    api = client_for(admin_a)
    response = api.post(
        "/api/v1/transfers/check",
        json.dumps({"from": "org-a", "to": "org-b", "dataset": "practice"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "conditions"
    assert response.json()["conditions"] == ["aggregate"]
    bad = api.post(
        "/api/v1/transfers/check",
        json.dumps({"from": "org-a", "to": "org-b", "dataset": "grades"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["field"] == "dataset"
    anonymous = client.post(
        "/api/v1/transfers/check",
        json.dumps({"from": "org-a", "to": "org-b", "dataset": "practice"}),
        content_type="application/json",
    )
    assert anonymous.status_code == 401


def test_an_auditor_reads_filters_and_exports_the_audit_log(org_a, org_b, member, operator):
    from edubridge.governance import personal_data

    auditor = client_for(member(org_b, Role.AUDITOR))
    leaving = member(org_b, Role.LEARNER, username="leaving.learner")
    member(org_a, Role.TEACHER, username="elsewhere")
    personal_data.erase(operator, leaving)
    page = auditor.get("/governance/audit/", {"action": "privacy."}).content.decode()
    assert "privacy.erase" in page and "leaving.learner" not in page
    assert "membership.create" not in page
    everything = auditor.get("/governance/audit/").content.decode()
    assert "membership.create" in everything
    assert "Org A University" not in everything  # org A's log is org A's auditors' own
    rows = list(
        csv.reader(
            io.StringIO(auditor.get("/governance/audit/", {"download": "csv"}).content.decode())
        )
    )
    assert rows[0] == ["at", "actor", "organisation", "action", "target", "summary", "changes"]
    assert {r[2] for r in rows[1:]} == {"org-b"}
    teacher = client_for(member(org_b, Role.TEACHER))
    assert teacher.get("/governance/audit/").status_code == 403
