"""Credentials for a partner, as the transfer gate allows: under China's law only those of
holders who consented to the transfer; without an agreement, none."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from edubridge.core.models import Organisation
from edubridge.governance import consent

pytestmark = pytest.mark.django_db


def exported(tmp_path, partner: str) -> set[str]:
    call_command(
        "credential",
        "export",
        "--org",
        "huaxia-ttu",
        "--for",
        partner,
        "-o",
        str(tmp_path),
        stdout=StringIO(),
    )
    return {p.name for p in tmp_path.glob("*.jwt") if not p.name.startswith("status-")}


def test_seed_teachers_credentials_go_to_their_college_once_they_consent(db, tmp_path):
    call_command("demo", "--no-serve", stdout=StringIO())
    huaxia = Organisation.objects.get(slug="huaxia-ttu")
    assert exported(tmp_path / "before", "rift-valley-tc") == set()
    achieng = User.objects.get(username="achieng.wekesa")
    consent.give(achieng, achieng, huaxia, "transfer-abroad", "credentials")
    mine = str(achieng.enrolments.get(cohort__organisation=huaxia).credential.identifier)
    assert exported(tmp_path / "after", "rift-valley-tc") == {f"{mine}.jwt"}
    with pytest.raises(CommandError, match="is denied"):
        exported(tmp_path / "brazil", "aurora-escolas")
    with pytest.raises(CommandError, match="--for: name the issuing organisation"):
        call_command("credential", "export", "--all", "--for", "x", "-o", str(tmp_path))
