"""An export for a partner is what the transfer gate allows: monthly counts without an
agreement that suffices, only the statements of people who consented where the law asks it."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from edubridge.core.models import Role
from edubridge.core.policy import SYSTEM
from edubridge.governance import consent
from edubridge.records import services

pytestmark = pytest.mark.django_db
CN_SAFEGUARDS = ["impact_assessment", "notify_subjects", "contract_clauses", "authority_filing"]


def said(email: str) -> dict:
    return {
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "http://example.org/q1"},
    }


@pytest.fixture
def stored(org_a, member):
    client = services.create_client(SYSTEM, org_a, name="t", key="tool", secret="tool-secret")
    yes = member(org_a, Role.LEARNER, username="yes")
    no = member(org_a, Role.LEARNER, username="no")
    services.store(client, [said(yes.email), said(no.email), said(no.email)], "1.0.3")
    return yes, no


def export(tmp_path, *extra):
    target = tmp_path / "out.jsonl"
    call_command(
        "lrs",
        "export",
        "--org",
        "org-a",
        "--for",
        "org-b",
        "-o",
        str(target),
        *extra,
        stdout=StringIO(),
    )
    return [json.loads(line) for line in target.read_text().splitlines()]


def test_without_an_agreement_a_partner_gets_monthly_counts(stored, org_b, tmp_path):
    lines = export(tmp_path)
    assert len(lines) == 1 and lines[0]["count"] == 3
    assert set(lines[0]) == {"month", "verb", "count"}


def test_under_chinas_law_only_those_who_consented_leave(stored, org_a, org_b, agreement, tmp_path):
    yes, _ = stored
    agreement(org_a, org_b, ["learning-records"], safeguards=CN_SAFEGUARDS)
    assert export(tmp_path) == []
    consent.give(yes, yes, org_a, "transfer-abroad", "learning-records")
    lines = export(tmp_path)
    assert len(lines) == 1 and "mailto:" not in json.dumps(lines)
    assert lines[0]["actor"]["account"]["name"].startswith("v1.")


def test_an_agreement_that_falls_short_leaves_counts_only(
    stored, org_a, org_b, agreement, tmp_path
):
    agreement(org_a, org_b, ["learning-records"], safeguards=["contract_clauses"])
    lines = export(tmp_path)
    assert len(lines) == 1 and set(lines[0]) == {"month", "verb", "count"}
    with pytest.raises(CommandError, match="--as-stored: a partner never gets"):
        export(tmp_path, "--as-stored")
