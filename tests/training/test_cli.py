"""``edubridge credential export`` writes what a verifier elsewhere needs, and ``credential
verify`` checks it offline in a fresh process whose own database knows nothing of it."""

import json

import pytest
from django.core.management import call_command

from edubridge.training import credentials
from edubridge.training.models import Credential, Track
from tests.conftest import run_cli
from tests.training.conftest import complete


@pytest.mark.django_db
def test_exported_credentials_verify_offline_and_revocation_shows(
    cohort, seed, trainer_a, admin_a, tmp_path
):
    credential = Credential.objects.get(
        enrolment=complete(cohort, seed, trainer_a, track=Track.TRAINER)
    )
    out = tmp_path / "export"
    call_command("credential", "export", "--all", "-o", str(out))
    token_file = out / f"{credential.identifier}.jwt"
    assert token_file.read_text().strip() == credential.jwt
    offline = [
        "--jwks",
        str(out / "jwks.json"),
        "--status-list",
        str(out / f"status-{cohort.organisation.slug}.jwt"),
    ]
    good = run_cli(
        "credential", "verify", str(token_file), *offline, var_dir=tmp_path / "elsewhere"
    )
    assert good.returncode == 0, good.stderr
    assert "ok   signature" in good.stdout and "verified:" in good.stdout

    credentials.revoke(admin_a, credential, "issued in error")
    call_command("credential", "export", "--org", cohort.organisation.slug, "-o", str(out))
    revoked = run_cli(
        "credential", "verify", str(token_file), *offline, "--json", var_dir=tmp_path / "elsewhere"
    )
    assert revoked.returncode == 1 and "the status check failed" in revoked.stderr
    assert json.loads(revoked.stdout)["failed"] == "status"

    tampered = tmp_path / "tampered.jwt"
    tampered.write_text(credential.jwt[:-6] + "AAAAAA")
    bad = run_cli("credential", "verify", str(tampered), *offline, var_dir=tmp_path / "elsewhere")
    assert bad.returncode == 1 and "the signature check failed" in bad.stderr
    unset = run_cli("credential", "verify", str(token_file), var_dir=tmp_path / "elsewhere")
    assert unset.returncode == 1 and "give the issuer's --jwks FILE" in unset.stderr


@pytest.mark.django_db
def test_a_forged_status_list_is_not_believed(cohort, seed, trainer_a, tmp_path, org_b):
    from edubridge.training import jose, keys

    complete(cohort, seed, trainer_a)
    out = tmp_path / "export"
    call_command("credential", "export", "--all", "-o", str(out))
    status_file = out / f"status-{cohort.organisation.slug}.jwt"
    _header, payload = jose.parse(status_file.read_text())
    other = keys.current(org_b)  # signed, but by another organisation
    status_file.write_text(jose.sign(payload, keys.private_key(other), {"kid": other.kid}))
    token = next(out.glob("*-*-*.jwt"))
    refused = run_cli(
        "credential",
        "verify",
        str(token),
        "--jwks",
        str(out / "jwks.json"),
        "--status-list",
        str(status_file),
        var_dir=tmp_path / "elsewhere",
    )
    assert refused.returncode == 1 and "signature does not verify" in refused.stderr


@pytest.mark.django_db
def test_a_list_signed_by_another_issuer_says_nothing_of_this_credential(
    cohort, seed, trainer_a, org_b, tmp_path
):
    from edubridge.training import jose, keys, offline, statuslist

    credential = Credential.objects.get(enrolment=complete(cohort, seed, trainer_a))
    payload = jose.parse(credential.jwt)[1]
    other = keys.current(org_b)
    claims = {  # B's list, claiming to be A's and marking every bit clean
        "id": payload["credentialStatus"]["statusListCredential"],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.did(org_b),
        "credentialSubject": {"statusPurpose": "revocation", "encodedList": statuslist.encode([])},
    }
    forged = tmp_path / "forged.jwt"
    forged.write_text(jose.sign(claims, keys.private_key(other), {"kid": other.kid}))
    find_key = offline.keys_from_jwks(json.dumps(keys.jwks()))
    assert offline.status_from_lists([forged], find_key)(payload) is None
