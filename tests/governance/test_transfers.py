"""The transfer gate: decisions from field classification, both sides' laws and agreements."""

from datetime import timedelta

import pytest
from django.utils import timezone

from edubridge.core.errors import DomainError
from edubridge.core.models import AuditEntry, Role
from edubridge.core.policy import SYSTEM
from edubridge.governance import services, transfers
from edubridge.governance.models import Outcome, TransferDecision
from edubridge.governance.registry import Category, Level, Row

TODAY = timezone.localdate


def decide(source, destination, kind):
    return transfers.decide(source, destination, kind, TODAY())


def test_public_data_goes_anywhere(org_a, org_b, law):
    law("CN", localisation="strict")
    decision = decide(org_a, org_b, "catalog")
    assert decision.outcome == Outcome.ALLOW
    assert "no personal data" in decision.reasons[0]


def test_data_that_stays_in_its_organisation_is_allowed(org_a, law):
    assert decide(org_a, org_a, "learning-records").outcome == Outcome.ALLOW


def test_without_an_agreement_only_aggregates_leave(org_a, org_b, law):
    law("CN")
    decision = decide(org_a, org_b, "learning-records")
    assert decision.outcome == Outcome.CONDITIONS
    assert decision.conditions == ["aggregate"]
    assert "No data-sharing agreement" in " ".join(decision.reasons)
    # The remedy names the agreement and what the source's law asks of a transfer abroad.
    assert "Org A University provides learning-records to Org B College" in decision.remedies[0]
    assert "a record of the transfers" in decision.remedies[0]


def test_data_that_cannot_be_aggregated_is_denied_without_an_agreement(org_a, org_b, law):
    law("CN")
    decision = decide(org_a, org_b, "credentials")
    assert decision.outcome == Outcome.DENY
    assert decision.remedies


def test_an_agreement_changes_the_decision(org_a, org_b, law, agreement):
    law("CN")
    assert decide(org_a, org_b, "training-records").outcome == Outcome.CONDITIONS
    made = agreement(
        org_a, org_b, ["training-records"], safeguards=["contract_clauses", "record_of_transfers"]
    )
    decision = decide(org_a, org_b, "training-records")
    assert decision.outcome == Outcome.CONDITIONS
    assert decision.conditions == ["pseudonymise"]
    assert decision.agreement == made
    assert any(
        "rests on the authority's standard contractual clauses" in r for r in decision.reasons
    )
    # One way only: the agreement does not let B send its records to A.
    assert decide(org_b, org_a, "training-records").agreement is None


def test_an_agreement_missing_a_safeguard_the_law_asks_says_which(org_a, org_b, law, agreement):
    law("CN", transfer_all=["impact_assessment", "consent"])
    agreement(org_a, org_b, ["credentials"], safeguards=["contract_clauses"])
    decision = decide(org_a, org_b, "credentials")
    assert decision.outcome == Outcome.DENY
    assert "the agreement lacks a data protection impact assessment" in " ".join(decision.reasons)
    assert decision.remedies == ["Add to the agreement: a data protection impact assessment."]
    # Consent is each person's, never attested by an agreement: a reason, not a missing safeguard.
    assert "asks each person's consent" in " ".join(decision.reasons)
    assert decision.conditions == []


def test_no_alternative_of_the_law_met_is_a_denial_naming_them(org_a, org_b, law, agreement):
    law("CN", transfer_any=["authority_approval", "certification"])
    agreement(org_a, org_b, ["credentials"], safeguards=["contract_clauses"])
    decision = decide(org_a, org_b, "credentials")
    assert decision.outcome == Outcome.DENY
    assert "one of: the data protection authority's approval" in decision.remedies[-1]


def test_an_agreement_that_falls_short_still_lets_aggregates_go(org_a, org_b, law, agreement):
    law("CN", transfer_all=["impact_assessment"])
    agreement(org_a, org_b, ["learning-records"], safeguards=["contract_clauses"])
    decision = decide(org_a, org_b, "learning-records")
    assert decision.outcome == Outcome.CONDITIONS and decision.conditions == ["aggregate"]
    assert decision.remedies == ["Add to the agreement: a data protection impact assessment."]


def test_a_newer_agreement_does_not_hide_an_older_one_that_allows_more(
    org_a, org_b, law, agreement
):
    law("CN", transfer_all=[], transfer_any=["contract_clauses"])
    older = agreement(org_a, org_b, ["credentials"], safeguards=["contract_clauses"])
    agreement(org_a, org_b, ["credentials"], title="Addendum without clauses")
    decision = decide(org_a, org_b, "credentials")
    assert decision.outcome == Outcome.CONDITIONS and decision.agreement == older


def test_consent_as_the_only_route_is_a_condition(org_a, org_b, law, agreement):
    law("CN", transfer_any=["consent", "authority_approval"])
    agreement(org_a, org_b, ["learning-records"], safeguards=["record_of_transfers"])
    decision = decide(org_a, org_b, "learning-records")
    assert decision.outcome == Outcome.CONDITIONS
    assert decision.conditions == ["pseudonymise", "consented_only"]


def test_an_adequate_destination_needs_no_mechanism(org_a, org_b, law, agreement):
    law("CN", adequate_destinations=["KE"], transfer_any=["authority_approval"])
    agreement(org_a, org_b, ["learning-records"], safeguards=["record_of_transfers"])
    decision = decide(org_a, org_b, "learning-records")
    assert decision.outcome == Outcome.CONDITIONS
    assert any("recognises Kenya as adequate" in r for r in decision.reasons)


def test_strict_localisation_keeps_personal_data_home(org_a, org_b, law, agreement):
    law("CN", localisation="strict")
    agreement(org_a, org_b, ["credentials"], safeguards=["contract_clauses"])
    decision = decide(org_a, org_b, "credentials")
    assert decision.outcome == Outcome.DENY
    assert "law keeps personal data in the country" in " ".join(decision.reasons)


def test_a_legal_basis_the_law_does_not_know_is_denied(org_a, org_b, law, agreement):
    law("CN", legal_bases=["consent"], transfer_all=[], transfer_any=[])
    agreement(org_a, org_b, ["credentials"], legal_basis="legitimate_interests")
    decision = decide(org_a, org_b, "credentials")
    assert decision.outcome == Outcome.DENY
    assert decision.remedies == ["An agreement on a legal basis CN recognises: consent."]


def test_within_one_country_an_agreement_is_enough(org_a, law, agreement, countries):
    from edubridge.core import services as core

    law("CN", localisation="strict")
    sister = core.create_organisation(
        SYSTEM, slug="org-a2", name="Org A2 Normal School", kind="university", country="CN"
    )
    agreement(org_a, sister, ["practice"])
    decision = decide(org_a, sister, "practice")
    assert decision.outcome == Outcome.CONDITIONS
    assert decision.conditions == ["pseudonymise"]
    assert any("nothing crosses a border" in r for r in decision.reasons)


def test_only_an_agreement_in_force_counts(org_a, org_b, law, operator, member):
    law("CN")
    today = TODAY()
    unsigned = services.propose(
        operator,
        org_a,
        org_b,
        title="Draft",
        purposes="Research",
        datasets=["credentials"],
        legal_basis="consent",
        starts_on=today,
        expires_on=today + timedelta(days=30),
        safeguards=["contract_clauses", "record_of_transfers"],
    )
    with pytest.raises(DomainError, match="Only an administrator of Org A University"):
        services.sign(operator, unsigned, org_a)  # an operator signs for no party
    services.sign(member(org_a, Role.ADMIN, username="a-admin"), unsigned, org_a)
    assert decide(org_a, org_b, "credentials").outcome == Outcome.DENY
    services.sign(member(org_b, Role.ADMIN, username="b-admin"), unsigned, org_b)
    assert decide(org_a, org_b, "credentials").outcome == Outcome.CONDITIONS
    services.revoke(operator, unsigned, org_b, "The project ended")
    assert decide(org_a, org_b, "credentials").outcome == Outcome.DENY


def test_a_mutual_agreement_covers_both_directions(org_a, org_b, law, agreement):
    law("KE")
    law("CN")
    agreement(
        org_a,
        org_b,
        ["practice"],
        mutual=True,
        safeguards=["contract_clauses", "record_of_transfers"],
    )
    assert decide(org_b, org_a, "practice").conditions == ["pseudonymise"]


def test_sensitive_fields_are_dropped_unless_the_agreement_covers_them(
    org_a, org_b, law, agreement, monkeypatch
):
    law("CN")
    minors = transfers.Dataset("minors-test", "Records of minors", ())
    rows = [Row("x.Y", "age", Level.SENSITIVE, (Category.MINORS,), "Age", "a year")]
    monkeypatch.setattr(transfers.Dataset, "rows", lambda self: rows)
    for module in (transfers, services):
        monkeypatch.setattr(module, "datasets", lambda: {"minors-test": minors})
    agreement(org_a, org_b, ["minors-test"], safeguards=["contract_clauses", "record_of_transfers"])
    decision = decide(org_a, org_b, "minors-test")
    assert "drop_sensitive" in decision.conditions
    assert "sensitive ones of the categories minors" in decision.reasons[0]


def test_an_unknown_dataset_is_refused_by_name(org_a, org_b):
    with pytest.raises(DomainError, match="dataset: 'grades' is not one of") as caught:
        decide(org_a, org_b, "grades")
    assert caught.value.field == "dataset"


def test_checks_are_logged_with_their_reasons_and_audited(org_a, org_b, law, admin_a):
    law("CN")
    decision = services.check(admin_a, org_a, org_b, "learning-records")
    logged = TransferDecision.objects.get()
    assert logged.outcome == decision.outcome == Outcome.CONDITIONS
    assert logged.reasons == decision.reasons and logged.actor == admin_a
    assert logged.packs["CN"] == 99
    assert AuditEntry.objects.filter(action="transfer.decide", organisation=org_a).exists()
    with pytest.raises(PermissionError):
        TransferDecision.objects.all().delete()
    with pytest.raises(PermissionError):
        logged.save()


def test_only_administrators_and_auditors_check(org_a, org_b, member, law):
    law("CN")
    teacher = member(org_a, Role.TEACHER)
    with pytest.raises(DomainError, match="permission"):
        services.check(teacher, org_a, org_b, "learning-records")
    auditor = member(org_b, Role.AUDITOR)
    assert services.check(auditor, org_a, org_b, "learning-records").allowed
    assert list(services.transfer_log(teacher)) == []
    assert services.transfer_log(auditor).count() == 1


def test_a_flow_is_refused_with_what_would_allow_it(org_a, org_b, law):
    law("CN")
    with pytest.raises(DomainError, match="would be allowed with: A data-sharing agreement"):
        services.require_transfer(SYSTEM, org_a, org_b, "credentials", flow="test")
    assert TransferDecision.objects.get().flow == "test"
