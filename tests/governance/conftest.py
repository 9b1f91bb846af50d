import pytest

from edubridge.core import services
from edubridge.core.policy import SYSTEM
from edubridge.governance import packs


def pack_data(code: str, version: int = 1, **values) -> dict:
    """A complete, valid pack for ``code``; ``values`` override its rules' values."""
    rules = {
        "consent_age": 16,
        "parental_consent": "verifiable",
        "minors_sensitive": False,
        "sensitive_categories": ["health", "biometric"],
        "legal_bases": ["consent", "contract", "public_task"],
        "transfer_all": ["record_of_transfers"],
        "transfer_any": ["contract_clauses", "authority_approval+impact_assessment"],
        "adequate_destinations": ["JP"],
        "localisation": "none",
        "retention": "no longer than necessary",
        "breach_authority_hours": 72,
        "breach_notify_subjects": "if_high_risk",
        **values,
    }
    return {
        "code": code,
        "version": version,
        "title": f"{code}: Data Act",
        "countries": [code],
        "authority": f"{code} Commissioner",
        "updated": "2026-12-06",
        "laws": [{"id": "data-act", "title": "Data Act"}],
        "rules": {
            key: {"value": value, "citation": f"{code} Data Act art. {n}"}
            for n, (key, value) in enumerate(rules.items(), start=1)
        },
    }


@pytest.fixture
def law(db):
    """law(code, **values): the jurisdiction ``code`` governed by a test pack."""
    packs.ensure_loaded()

    def make(code: str, **values):
        return packs.store(pack_data(code, version=99, **values), force=True)

    return make


@pytest.fixture
def org_br(countries):
    return services.create_organisation(
        SYSTEM, slug="org-br", name="Org BR Escolas", kind="school_network", country="BR"
    )
