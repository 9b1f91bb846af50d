import csv
from pathlib import Path

import pytest

import edubridge.standards
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import AuditEntry, Role
from edubridge.core.policy import SYSTEM
from edubridge.standards import crosswalks, services
from edubridge.standards.case import validate
from edubridge.standards.models import CrosswalkStatus, Item, LinkStatus, Relation

pytestmark = pytest.mark.django_db
GOLD = Path(edubridge.standards.__file__).resolve().parent / "demo" / "ke-id-gold.csv"


@pytest.fixture
def parties(kenya, indonesia, org_a, org_b, member):
    """Org A maintains the Kenyan framework, org B the Indonesian one."""
    source = services.import_package(SYSTEM, kenya, organisation=org_a).framework
    target = services.import_package(SYSTEM, indonesia, organisation=org_b).framework
    return {
        "source": source,
        "target": target,
        "curator": member(org_a, Role.CURATOR),
        "reviewer": member(org_b, Role.REVIEWER),
        "teacher": member(org_a, Role.TEACHER),
        "outsider": member(org_b, Role.CURATOR, username="b-curator"),
    }


@pytest.fixture
def crosswalk(parties):
    return crosswalks.open_crosswalk(parties["curator"], parties["source"], parties["target"])


def gold_pairs():
    with GOLD.open() as handle:
        return {
            (row["source_identifier"], row["target_identifier"]) for row in csv.DictReader(handle)
        }


def test_only_the_source_side_opens_a_crosswalk_once(parties):
    with pytest.raises(DomainError) as raised:
        crosswalks.open_crosswalk(parties["teacher"], parties["source"], parties["target"])
    assert raised.value.code is ErrorCode.PERMISSION_DENIED
    crosswalks.open_crosswalk(parties["curator"], parties["source"], parties["target"])
    with pytest.raises(DomainError) as raised:
        crosswalks.open_crosswalk(parties["curator"], parties["source"], parties["target"])
    assert raised.value.code is ErrorCode.CONFLICT


def test_suggestions_rank_the_gold_counterpart_and_keep_decisions(crosswalk, parties):
    made = crosswalks.suggest(parties["curator"], crosswalk, k=3)
    assert made > 0
    top = {
        (link.source_item.identifier, link.target_item.identifier)
        for link in crosswalk.links.filter(rank=1).select_related("source_item", "target_item")
    }
    assert len(top & gold_pairs()) >= 12  # of 16 gold pairs
    link = crosswalk.links.filter(rank=1).first()
    crosswalks.decide(parties["curator"], link, LinkStatus.ACCEPTED, reason="same outcome")
    crosswalks.suggest(parties["curator"], crosswalk, k=3)
    link.refresh_from_db()
    assert link.status == LinkStatus.ACCEPTED and link.reason == "same outcome"


def test_decisions_are_recorded_with_who_when_and_why(crosswalk, parties):
    crosswalks.suggest(parties["curator"], crosswalk)
    link = crosswalk.links.first()
    decided = crosswalks.decide(
        parties["reviewer"], link, LinkStatus.REJECTED, reason="different grade"
    )
    assert decided.decided_by == parties["reviewer"] and decided.decided_at is not None
    assert AuditEntry.objects.filter(action="crosswalk.decide").exists()
    with pytest.raises(DomainError):
        crosswalks.decide(parties["teacher"], link, LinkStatus.ACCEPTED)


def test_both_sides_sign_the_same_set_then_it_is_published_and_frozen(crosswalk, parties):
    source_item = parties["source"].items.get(human_coding_scheme="KE.AI.2.2")
    target_item = parties["target"].items.get(human_coding_scheme="INF-AI.B.03")
    with pytest.raises(DomainError, match="at least one"):
        crosswalks.sign(parties["curator"], crosswalk, crosswalk.organisation)
    link = crosswalks.link_items(parties["curator"], crosswalk, source_item, target_item)
    crosswalks.sign(parties["curator"], crosswalk, crosswalk.organisation)
    # A change after A signed voids A's signature: B must not sign a different set than A.
    other = parties["target"].items.get(human_coding_scheme="INF-AI.C.01")
    crosswalks.link_items(
        parties["curator"],
        crosswalk,
        parties["source"].items.get(human_coding_scheme="KE.AI.3.1"),
        other,
        Relation.RELATED,
    )
    assert not crosswalk.signatures.exists()
    with pytest.raises(DomainError) as raised:
        crosswalks.sign(parties["curator"], crosswalk, crosswalk.partner)  # not a member of B
    assert raised.value.code is ErrorCode.PERMISSION_DENIED
    first = crosswalks.sign(parties["curator"], crosswalk, crosswalk.organisation)
    second = crosswalks.sign(parties["reviewer"], crosswalk, crosswalk.partner)
    assert first.digest == second.digest
    crosswalk.refresh_from_db()
    assert crosswalk.status == CrosswalkStatus.PUBLISHED and crosswalk.published_at
    with pytest.raises(DomainError) as raised:
        crosswalks.decide(parties["curator"], link, LinkStatus.REJECTED)
    assert raised.value.code is ErrorCode.CONFLICT


def test_the_agreement_exports_as_case_associations(crosswalk, parties):
    source_item = parties["source"].items.get(human_coding_scheme="KE.AI.2.2")
    target_item = parties["target"].items.get(human_coding_scheme="INF-AI.B.03")
    crosswalks.link_items(parties["curator"], crosswalk, source_item, target_item)
    package = crosswalks.export(crosswalk)
    assert validate(package) == []
    (association,) = package["CFAssociations"]
    assert association["associationType"] == "exactMatchOf"
    assert association["originNodeURI"]["identifier"] == source_item.identifier
    assert association["destinationNodeURI"]["identifier"] == target_item.identifier


def test_coverage_counts_outcomes_with_an_accepted_counterpart(crosswalk, parties):
    source_item = parties["source"].items.get(human_coding_scheme="KE.AI.2.2")
    target_item = parties["target"].items.get(human_coding_scheme="INF-AI.B.03")
    crosswalks.link_items(parties["curator"], crosswalk, source_item, target_item)
    source, target = crosswalks.coverage(crosswalk)
    assert (source.total, source.covered) == (17, 1)
    assert (target.total, target.covered) == (18, 1)
    assert source_item not in source.uncovered and len(target.uncovered) == 17


def test_items_of_other_frameworks_cannot_be_linked(crosswalk, parties):
    stranger = Item.objects.exclude(framework__in=[parties["source"], parties["target"]]).first()
    item = parties["source"].items.first()
    with pytest.raises(DomainError):
        crosswalks.link_items(parties["curator"], crosswalk, item, stranger or item)
