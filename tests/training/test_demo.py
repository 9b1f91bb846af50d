"""The issue's finish line, on the demo data: a Chinese university's inviting-in cohort of
Kenyan seed teachers, one of whom runs a going-out cohort at home; issued credentials that
verify offline; a cascade of two generations."""

import pytest
from django.core.management import call_command

from edubridge.training import cascade, credentials
from edubridge.training.models import Credential, Programme
from tests.conftest import run_cli


@pytest.mark.django_db
def test_the_demo_cascade_and_its_credentials(tmp_path):
    call_command("demo", "--no-serve")
    programme = Programme.objects.get(organisation__slug="huaxia-ttu")
    tree = cascade.build(programme)
    assert len(tree.generations) == 2
    (root,) = tree.roots
    assert (root.cohort.mode, root.cohort.country_id) == ("inviting-in", "CN")
    assert {
        e.participant.memberships.get().organisation.country_id
        for e in root.cohort.enrolments.all()
    } == {"KE"}
    (home,) = root.children
    assert (home.cohort.mode, home.cohort.country_id, home.cohort.language) == (
        "going-out",
        "KE",
        "sw",
    )
    assert [t.username for t in home.cohort.trainers.all()] == ["achieng.wekesa"]
    issued = Credential.objects.all()
    assert {c.organisation.slug for c in issued} == {"huaxia-ttu", "rift-valley-tc"}
    assert all(credentials.verify_here(c.jwt).verified for c in issued)

    out = tmp_path / "export"
    call_command("credential", "export", "--all", "-o", str(out))
    lists = [
        arg for path in sorted(out.glob("status-*.jwt")) for arg in ("--status-list", str(path))
    ]
    for credential in issued:
        checked = run_cli(
            "credential",
            "verify",
            str(out / f"{credential.identifier}.jwt"),
            "--jwks",
            str(out / "jwks.json"),
            *lists,
            var_dir=tmp_path / "offline",
        )
        assert checked.returncode == 0, checked.stderr
