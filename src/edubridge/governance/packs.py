"""Jurisdiction policy packs: each country's privacy rules as data, every rule citing its law.

The packs are TOML files in ``jurisdictions/``, one per jurisdiction (a country, or the EU
for its member states). Each holds the same twelve rules, so any two can be set side by
side and the transfer gate can read them. A pack with a key it does not know, a rule
without a citation or a value outside its vocabulary is refused with a message naming the
file and the rule. A pack is stored when first needed, and again when its file's version
is higher than the stored one; operators edit rules in the admin, which raises the version.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from edubridge.governance.models import Jurisdiction, JurisdictionRule

PACKS = Path(__file__).resolve().parent / "jurisdictions"

SENSITIVE_CATEGORIES = (
    "minors",
    "health",
    "disability",
    "religion_or_belief",
    "ethnicity",
    "biometric",
    "precise_location",
    "genetic",
    "sex_life",
    "political_opinion",
    "trade_union",
    "criminal_records",
    "financial",
)
LEGAL_BASES = (
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "legitimate_interests",
    "research",
)
# What a transfer may rest on. An agreement attests all but consent, which is each person's.
SAFEGUARDS = (
    "consent",
    "impact_assessment",
    "authority_approval",
    "authority_filing",
    "contract_clauses",
    "certification",
    "notify_subjects",
    "record_of_transfers",
)
LOCALISATION = ("none", "conditional", "strict")
BREACH_WORDS = ("immediately", "without_undue_delay", "none")
_CODE = re.compile(r"^(?:[A-Z]{2})$")
_LAW_ID = re.compile(r"^[a-z0-9-]{1,40}$")


class PackError(ValueError):
    """A jurisdiction pack that cannot be loaded; the message names the file and rule."""


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _list_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of words"
        unknown = [v for v in value if v not in choices]
        return f"{', '.join(unknown)}: not one of {', '.join(choices)}" if unknown else None

    return check


def _age(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 21
    return None if ok else "must be a whole number of years from 0 to 21"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty text"


def _alternatives(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "must be a list of alternatives such as 'contract_clauses+authority_filing'"
    for alternative in value:
        unknown = [s for s in alternative.split("+") if s not in SAFEGUARDS]
        if unknown:
            return f"{alternative!r}: {', '.join(unknown)} not one of {', '.join(SAFEGUARDS)}"
    return None


def _codes(value: Any) -> str | None:
    ok = isinstance(value, list) and all(
        isinstance(v, str) and (_CODE.match(v) or v == "EU") for v in value
    )
    return None if ok else "must be a list of ISO 3166-1 alpha-2 codes (or EU)"


def _hours(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 24 * 30:
        return None
    return None if value in BREACH_WORDS else f"must be hours, or one of {', '.join(BREACH_WORDS)}"


@dataclass(frozen=True)
class RuleSpec:
    """What a rule means, and how its value is checked."""

    label: str
    check: Callable[[Any], str | None]


RULES: dict[str, RuleSpec] = {
    "consent_age": RuleSpec("Age of digital consent (a guardian consents below it)", _age),
    "parental_consent": RuleSpec(
        "Guardian's consent", _one_of("required", "verifiable", "not_specified")
    ),
    "minors_sensitive": RuleSpec("Minors' data is sensitive", _boolean),
    "sensitive_categories": RuleSpec("Sensitive categories", _list_of(*SENSITIVE_CATEGORIES)),
    "legal_bases": RuleSpec("Legal bases for processing", _list_of(*LEGAL_BASES)),
    "transfer_all": RuleSpec("Every transfer abroad needs", _list_of(*SAFEGUARDS)),
    "transfer_any": RuleSpec("A transfer abroad rests on one of", _alternatives),
    "adequate_destinations": RuleSpec("Destinations recognised as adequate", _codes),
    "localisation": RuleSpec("Data localisation", _one_of(*LOCALISATION)),
    "retention": RuleSpec("Default retention", _text),
    "breach_authority_hours": RuleSpec("Breach: notify the authority within (hours)", _hours),
    "breach_notify_subjects": RuleSpec(
        "Breach: tell the people affected", _one_of("always", "if_high_risk", "not_required")
    ),
}
_TOP = {"code", "version", "title", "countries", "authority", "updated", "laws", "rules"}
_RULE_KEYS = {"value", "citation", "note"}


def validate(name: str, data: dict[str, Any]) -> None:
    """Refuse a pack that is not exactly the format; the message names file and rule."""
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise PackError(f"{name}: unknown key {unknown[0]!r}")
    for key in sorted(_TOP - set(data)):
        raise PackError(f"{name}: {key!r} is missing")
    if not isinstance(data["code"], str) or not (_CODE.match(data["code"]) or data["code"] == "EU"):
        raise PackError(f"{name}: code must be an ISO 3166-1 alpha-2 code, or EU")
    if not isinstance(data["version"], int) or isinstance(data["version"], bool):
        raise PackError(f"{name}: version must be a whole number from 1")
    if data["version"] < 1:
        raise PackError(f"{name}: version must be a whole number from 1")
    for key in ("title", "authority"):
        if _text(data[key]):
            raise PackError(f"{name}: {key} must be a non-empty text")
    if _codes(data["countries"]) or not data["countries"]:
        raise PackError(f"{name}: countries must list ISO 3166-1 alpha-2 codes")
    laws = data["laws"]
    if not isinstance(laws, list) or not laws:
        raise PackError(f"{name}: laws must list at least one law")
    for n, law in enumerate(laws, start=1):
        if not isinstance(law, dict) or set(law) - {"id", "title", "url"}:
            raise PackError(f"{name}: law {n} may have only id, title and url")
        if not _LAW_ID.match(str(law.get("id", ""))) or _text(law.get("title")):
            raise PackError(f"{name}: law {n} needs an id (a-z, 0-9, -) and a title")
    rules = data["rules"]
    if not isinstance(rules, dict):
        raise PackError(f"{name}: rules must be a table of rules")
    for key in rules:
        if key not in RULES:
            raise PackError(f"{name}: rule {key!r} is not a known rule ({', '.join(RULES)})")
    for key, spec in RULES.items():
        rule = rules.get(key)
        if rule is None:
            raise PackError(f"{name}: rule {key!r} is missing")
        if not isinstance(rule, dict) or set(rule) - _RULE_KEYS:
            raise PackError(f"{name}: rule {key!r} may have only value, citation and note")
        if _text(rule.get("citation")):
            raise PackError(f"{name}: rule {key!r} has no citation of its law and article")
        if "note" in rule and not isinstance(rule["note"], str):
            raise PackError(f"{name}: rule {key!r}: note must be a text")
        if "value" not in rule:
            raise PackError(f"{name}: rule {key!r} has no value")
        problem = spec.check(rule["value"])
        if problem:
            raise PackError(f"{name}: rule {key!r}: value {problem}")


def read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackError(f"{path.name}: {exc}") from exc
    validate(path.name, data)
    return data


def store(data: dict[str, Any], *, force: bool = False) -> Jurisdiction | None:
    """Store a validated pack unless a version as new is stored; None if nothing changed."""
    with transaction.atomic():
        pack = Jurisdiction.objects.select_for_update().filter(code=data["code"]).first()
        if pack is not None and pack.version >= data["version"] and not force:
            return None
        if pack is None:
            pack = Jurisdiction(code=data["code"])
        pack.version = max(data["version"], pack.version + 1 if pack.pk else 1)
        pack.title = data["title"]
        pack.authority = data["authority"]
        pack.countries = sorted(data["countries"])
        pack.laws = data["laws"]
        pack.save()
        for key, rule in data["rules"].items():
            JurisdictionRule.objects.update_or_create(
                jurisdiction=pack,
                key=key,
                defaults={
                    "value": rule["value"],
                    "citation": rule["citation"].strip(),
                    "note": rule.get("note", "").strip(),
                },
            )
    return pack


def load_all(*, force: bool = False) -> list[Jurisdiction]:
    """Store every shipped pack that is new or newer than the stored one."""
    stored = [store(read(path), force=force) for path in sorted(PACKS.glob("*.toml"))]
    return [pack for pack in stored if pack is not None]


_checked = False


def ensure_loaded() -> None:
    """The shipped packs stored, and any whose file's version rose since, once per process
    (the first time a pack is needed after an upgrade)."""
    global _checked
    if _checked and Jurisdiction.objects.exists():
        return
    stored = dict(Jurisdiction.objects.values_list("code", "version"))
    for path in sorted(PACKS.glob("*.toml")):
        data = read(path)
        if stored.get(data["code"], 0) < data["version"]:
            store(data)
    _checked = True


def for_country(code: str) -> Jurisdiction | None:
    """The pack that governs a country: its own, else one listing it (the EU's)."""
    ensure_loaded()
    own = Jurisdiction.objects.filter(code=code).first()
    if own is not None:
        return own
    return next((j for j in Jurisdiction.objects.all() if code in j.countries), None)
