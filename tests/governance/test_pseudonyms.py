"""Pseudonyms keyed per organisation: stable until the key rotates, never joinable across
organisations, re-identifiable by the owning organisation alone."""

import pytest
from django.core.management import CommandError, call_command

from edubridge.core.errors import DomainError
from edubridge.core.models import AuditEntry, Role
from edubridge.core.policy import SYSTEM
from edubridge.governance import pseudonyms
from edubridge.governance.models import PseudonymKey
from edubridge.records import export, services

pytestmark = pytest.mark.django_db
AMINA = {"mbox": "mailto:amina@example.org"}


@pytest.fixture
def stored(org_a):
    client = services.create_client(SYSTEM, org_a, name="t", key="tool", secret="tool-secret")
    statement = {
        "actor": AMINA,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "http://example.org/q1"},
    }
    services.store(client, [statement], "1.0.3")
    return statement


def name_of(org, agent):
    return export.pseudonym(org, agent)["account"]["name"]


def test_a_rotation_gives_new_pseudonyms_and_keeps_the_old_readable(org_a, admin_a, stored):
    before = name_of(org_a, AMINA)
    assert before.startswith("v1.") and name_of(org_a, AMINA) == before
    pseudonyms.rotate(admin_a, org_a)
    after = name_of(org_a, AMINA)
    assert after.startswith("v2.") and after != before
    assert export.reidentify(admin_a, org_a, before) == "mbox:mailto:amina@example.org"
    assert export.reidentify(admin_a, org_a, after) == "mbox:mailto:amina@example.org"
    assert export.reidentify(admin_a, org_a, "v2." + "0" * 64) is None
    assert AuditEntry.objects.filter(action="pseudonym.reidentify").count() == 3
    key = PseudonymKey.objects.get(organisation=org_a, version=1)
    assert key.retired_at is not None and b"amina" not in bytes(key.secret)


def test_only_the_owning_organisation_reidentifies(org_a, org_b, admin_b, member, stored):
    shared = name_of(org_a, AMINA)
    assert name_of(org_b, AMINA) != shared  # partners' exports cannot be joined
    with pytest.raises(DomainError, match="permission"):
        export.reidentify(admin_b, org_a, shared)
    with pytest.raises(DomainError, match="permission"):
        export.reidentify(member(org_a, Role.TEACHER), org_a, shared)
    with pytest.raises(DomainError, match="pseudonym: expected"):
        export.reidentify(SYSTEM, org_a, "amina")
    with pytest.raises(DomainError, match="no key v9"):
        export.reidentify(SYSTEM, org_a, "v9.abc")


def test_the_command_line_rotates_and_reidentifies(org_a, stored, capsys):
    shared = name_of(org_a, AMINA)
    call_command("pseudonym", "rotate", "--org", "org-a")
    assert "key v2" in capsys.readouterr().out
    call_command("pseudonym", "reidentify", "--org", "org-a", shared)
    assert capsys.readouterr().out.strip() == "mbox:mailto:amina@example.org"
    with pytest.raises(CommandError, match="--org: no organisation 'nobody'"):
        call_command("pseudonym", "rotate", "--org", "nobody")
