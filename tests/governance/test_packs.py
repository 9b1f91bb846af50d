"""Jurisdiction packs: the shipped ones load, and a malformed one is refused by name."""

import copy
from pathlib import Path

import pytest

from edubridge.governance import packs
from edubridge.governance.models import Jurisdiction
from tests.governance.conftest import pack_data


def test_every_shipped_pack_loads_with_every_rule_cited():
    files = sorted(packs.PACKS.glob("*.toml"))
    assert {f.stem for f in files} >= {"CN", "EU", "KE", "BR", "ID", "EG", "SN", "US"}
    for path in files:
        data = packs.read(path)
        assert data["code"] == path.stem
        assert set(data["rules"]) == set(packs.RULES)
        assert all(rule["citation"].strip() for rule in data["rules"].values())


def test_the_eu_pack_governs_its_member_states(db):
    assert packs.for_country("FR").code == "EU"
    assert packs.for_country("CN").code == "CN"
    assert packs.for_country("AQ") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(colour="blue"), "unknown key 'colour'"),
        (lambda p: p.pop("authority"), "'authority' is missing"),
        (
            lambda p: p["rules"].update(shoe_size={"value": 1, "citation": "x"}),
            "rule 'shoe_size' is not a known rule",
        ),
        (lambda p: p["rules"].pop("retention"), "rule 'retention' is missing"),
        (lambda p: p["rules"]["consent_age"].pop("citation"), "rule 'consent_age' has no citation"),
        (
            lambda p: p["rules"]["consent_age"].update(citation="  "),
            "rule 'consent_age' has no citation",
        ),
        (lambda p: p["rules"]["consent_age"].update(value=40), "rule 'consent_age': value must"),
        (
            lambda p: p["rules"]["transfer_any"].update(value=["contract_clauses+telepathy"]),
            "telepathy not one of",
        ),
        (
            lambda p: p["rules"]["localisation"].update(value="sometimes"),
            "rule 'localisation': value must be one of none, conditional, strict",
        ),
        (
            lambda p: p["rules"]["sensitive_categories"].update(value=["shoe_size"]),
            "shoe_size: not one of",
        ),
        (
            lambda p: p["rules"]["retention"].update(extra="x"),
            "rule 'retention' may have only value, citation and note",
        ),
        (lambda p: p.update(countries=["France"]), "countries must list ISO"),
        (lambda p: p.update(version=0), "version must be a whole number"),
    ],
)
def test_a_malformed_pack_is_refused_by_name(change, message):
    pack = pack_data("FR")
    packs.validate("FR.toml", pack)
    broken = copy.deepcopy(pack)
    change(broken)
    with pytest.raises(packs.PackError, match="FR.toml: .*" + message.replace("(", r"\(")):
        packs.validate("FR.toml", broken)


def test_a_file_that_is_not_toml_names_itself(tmp_path: Path):
    path = tmp_path / "XX.toml"
    path.write_text('code = "XX"\nversion = ', encoding="utf-8")
    with pytest.raises(packs.PackError, match=r"XX\.toml"):
        packs.read(path)


def test_a_pack_is_stored_once_and_again_only_when_newer(db):
    pack = pack_data("FR")
    stored = packs.store(pack)
    assert stored.version == 1 and stored.rules.count() == len(packs.RULES)
    assert packs.store(pack) is None
    pack["version"] = 2
    pack["rules"]["consent_age"]["value"] = 15
    again = packs.store(pack)
    assert again.version == 2
    assert Jurisdiction.objects.get(code="FR").value("consent_age") == 15


def test_a_newer_shipped_pack_replaces_the_stored_one(db, monkeypatch, tmp_path):
    packs.ensure_loaded()
    stored = Jurisdiction.objects.get(code="KE")
    shipped = (packs.PACKS / "KE.toml").read_text(encoding="utf-8")
    newer = shipped.replace(f"version = {stored.version}", f"version = {stored.version + 1}", 1)
    (tmp_path / "KE.toml").write_text(newer, encoding="utf-8")
    monkeypatch.setattr(packs, "PACKS", tmp_path)
    monkeypatch.setattr(packs, "_checked", False)
    packs.ensure_loaded()
    assert Jurisdiction.objects.get(code="KE").version == stored.version + 1


def test_an_operator_edit_is_checked_as_a_file_is(db):
    from edubridge.governance.admin import RuleForm

    packs.ensure_loaded()
    rule = Jurisdiction.objects.get(code="CN").rule("consent_age")
    form = RuleForm({"value": "40", "citation": "PIPL art. 31", "note": ""}, instance=rule)
    assert not form.is_valid() and "consent_age: the value must be" in str(form.errors)
    assert RuleForm({"value": "16", "citation": "PIPL art. 31"}, instance=rule).is_valid()
