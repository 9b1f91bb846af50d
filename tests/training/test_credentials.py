"""Issued credentials verify with an independent JOSE library and follow OB 3.0's rules;
every kind of bad credential fails the check that names its fault."""

import json
from datetime import timedelta

import jsonschema
import pytest
from django.utils import timezone
from jwcrypto import jwk, jws

from edubridge.training import credentials, jose, keys
from edubridge.training.models import Credential, EnrolmentStatus
from tests.training.conftest import complete
from tests.training.ob3_schema import SCHEMA


def _independent(token: str, key):
    """Verify with jwcrypto against the JWK published in the node's JWKS."""
    header = json.loads(jose.b64decode(token.split(".")[0]))
    published = next(k for k in keys.jwks()["keys"] if k["kid"] == header["kid"])
    check = jws.JWS()
    check.deserialize(token)
    check.verify(jwk.JWK(**published), alg=header["alg"])
    return json.loads(check.payload)


@pytest.mark.django_db
@pytest.mark.parametrize("algorithm", ["EdDSA", "ES256"])
def test_a_credential_verifies_with_jwcrypto_and_fits_ob3(cohort, seed, trainer_a, algorithm):
    enrolment = complete(cohort, seed, trainer_a)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    credential = Credential.objects.get(enrolment=enrolment)
    if algorithm != "EdDSA":
        credential.delete()
        credential = credentials.issue(trainer_a, enrolment, algorithm=algorithm)
    payload = _independent(credential.jwt, None)
    jsonschema.validate(payload, SCHEMA)
    assert payload["iss"] == payload["issuer"]["id"] == keys.did(cohort.organisation)
    assert payload["jti"] == f"urn:uuid:{credential.identifier}"
    codes = {a["targetCode"] for a in payload["credentialSubject"]["achievement"]["alignment"]}
    assert codes == {r.competency.identifier for r in cohort.programme.requirements.all()}
    assert "Achieng" not in credential.jwt and "seed.teacher" not in json.dumps(payload)
    assert credentials.verify_here(credential.jwt).verified


@pytest.mark.django_db
def test_each_fault_names_its_check(cohort, seed, trainer_a, org_b):
    token = Credential.objects.get(enrolment=complete(cohort, seed, trainer_a)).jwt
    head, body, signature = token.split(".")

    def failed(candidate):
        return credentials.verify_here(candidate).failed.name

    assert failed("not-a-jwt") == "format"
    tampered = json.loads(jose.b64decode(body))
    tampered["name"] = "Doctorate in everything"
    assert (
        failed(f"{head}.{jose.b64encode(json.dumps(tampered).encode())}.{signature}") == "signature"
    )
    other = keys.current(org_b)  # a real key of another organisation
    forged = credentials.sign(
        other, {k: v for k, v in tampered.items() if k not in ("iss", "jti", "nbf")}
    )
    assert failed(forged) == "claims"  # signed, but not by the issuer it names
    header = json.loads(jose.b64decode(head))
    stranger = jose.sign(tampered, jose.generate("EdDSA"), {"kid": header["kid"] + "x"})
    assert failed(stranger) == "key"
    broken = dict(tampered, credentialSubject={"type": ["AchievementSubject"]})
    mine = keys.current(cohort.organisation)
    assert failed(jose.sign(broken, keys.private_key(mine), {"kid": mine.kid})) == "structure"
    hs = jose.b64encode(json.dumps({"alg": "HS256", "kid": mine.kid}).encode())
    assert failed(f"{hs}.{body}.{signature}") == "algorithm"


@pytest.mark.django_db
def test_expired_and_revoked_credentials_fail_validity_and_status(
    cohort, seed, trainer_a, org_a, admin_a
):
    enrolment = complete(cohort, seed, trainer_a)
    Credential.objects.filter(enrolment=enrolment).delete()
    expired = credentials.issue(
        trainer_a, enrolment, valid_until=timezone.now() - timedelta(seconds=1)
    )
    result = credentials.verify_here(expired.jwt)
    assert result.failed.name == "validity" and "expired" in result.failed.detail
    Credential.objects.filter(enrolment=enrolment).delete()
    credential = credentials.issue(trainer_a, enrolment)
    credentials.revoke(admin_a, credential, "issued by mistake")
    result = credentials.verify_here(credential.jwt)
    assert result.failed.name == "status" and result.failed.detail == "revoked"
    # The published list says the same to anyone who reads it.
    status = _independent(credentials.status_list_jwt(org_a), None)
    from edubridge.training import statuslist

    assert statuslist.is_set(status["credentialSubject"]["encodedList"], credential.status_index)


@pytest.mark.django_db
def test_private_keys_are_encrypted_at_rest(org_a):
    key = keys.current(org_a, "ES256")
    assert key.private_key.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert keys.current(org_a, "ES256") == key
    document = keys.did_document(org_a)
    assert document["id"] == keys.did(org_a) and document["assertionMethod"] == [key.kid]


@pytest.mark.django_db
def test_hostile_tokens_fail_a_named_check_never_crash(cohort, seed, trainer_a):
    token = Credential.objects.get(enrolment=complete(cohort, seed, trainer_a)).jwt
    head, body, signature = token.split(".")
    header = json.loads(jose.b64decode(head))

    def failed(candidate):
        return credentials.verify_here(candidate).failed.name

    # Other spellings of the same signature: padding, stray characters, changed spare bits.
    assert failed(f"{head}.{body}.{signature}=") == "signature"
    assert failed(f"{head}.{body}.{signature[:5]}!!!!{signature[5:]}") == "signature"
    spare = signature[:-1] + ("B" if signature[-1] == "A" else "A")
    assert failed(f"{head}.{body}.{spare}") == "signature"
    huge = jose.b64encode(b'{"n": ' + b"9" * 5000 + b"}")
    nested = jose.b64encode(b"[" * 100_000)
    assert failed(f"{head}.{huge}.{signature}") == "format"
    assert failed(f"{head}.{nested}.{signature}") == "format"
    critical = jose.b64encode(json.dumps({**header, "crit": ["exp"]}).encode())
    assert failed(f"{critical}.{body}.{signature}") == "format"


@pytest.mark.django_db
def test_a_credential_is_revoked_once(cohort, seed, trainer_a, admin_a):
    from edubridge.core.errors import DomainError

    credential = Credential.objects.get(enrolment=complete(cohort, seed, trainer_a))
    credentials.revoke(admin_a, credential, "first reason")
    with pytest.raises(DomainError, match="revoked already"):
        credentials.revoke(admin_a, credential, "second reason")
    credential.refresh_from_db()
    assert credential.revocation_reason == "first reason"


def test_a_node_under_a_path_keeps_it_in_its_did(settings):
    from edubridge.core.models import Organisation

    settings.BASE_URL = "https://edu.example.org:8443/node"
    assert (
        keys.did(Organisation(slug="huaxia")) == "did:web:edu.example.org%3A8443:node:orgs:huaxia"
    )
