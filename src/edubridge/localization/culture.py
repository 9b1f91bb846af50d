"""Countries' cultural and religious context rules, and the findings they raise on a text.

The packs are TOML files in ``rulepacks/`` written by the EduBridge team, one per country.
A pack is loaded into the database the first time a project for its country needs it, and
again when its file's version is higher than the stored one; operators edit rules in the
admin, which raises the stored version. Each finding keeps the version it came from.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from edubridge.core.models import Country
from edubridge.localization.checks import spaced
from edubridge.localization.detectors import DETECTORS
from edubridge.localization.models import Category, Rule, RulePack

PACKS = Path(__file__).resolve().parent / "rulepacks"
_KEY = re.compile(r"^[a-z]{2}-[a-z0-9-]{1,90}$")


class PackError(ValueError):
    """A rule pack file that cannot be loaded; the message names the file and rule."""


@dataclass(frozen=True)
class Hit:
    rule: Rule
    text: str
    suggestion: str = ""


def _validate(name: str, data: dict[str, Any]) -> None:
    for field in ("country", "version", "title", "rules"):
        if field not in data:
            raise PackError(f"{name}: '{field}' is missing")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise PackError(f"{name}: version must be a whole number from 1")
    seen = set()
    for n, rule in enumerate(data["rules"], start=1):
        where = f"{name}: rule {n} ({rule.get('id', '?')})"
        for field in ("id", "category", "title", "why", "action"):
            if not isinstance(rule.get(field), str) or not rule[field].strip():
                raise PackError(f"{where}: '{field}' is missing")
        if not _KEY.match(rule["id"]) or rule["id"] in seen:
            raise PackError(f"{where}: the id must be unique, lowercase, country first")
        seen.add(rule["id"])
        if rule["category"] not in Category.values:
            raise PackError(f"{where}: category must be one of {', '.join(Category.values)}")
        if rule.get("detector", "") not in ("", *DETECTORS):
            raise PackError(f"{where}: detector must be one of {', '.join(DETECTORS)}")
        for language, patterns in (rule.get("patterns") or {}).items():
            for pattern in patterns:
                try:
                    re.compile(pattern, re.IGNORECASE)
                except re.error as exc:
                    raise PackError(f"{where}: pattern {pattern!r} ({language}): {exc}") from exc


def read_pack(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackError(f"{path.name}: {exc}") from exc
    _validate(path.name, data)
    return data


def load_pack(path: Path, *, force: bool = False) -> RulePack | None:
    """Store the pack of ``path`` unless a version as new is stored; None if none was."""
    data = read_pack(path)
    country = Country.objects.filter(code=data["country"]).first()
    if country is None:
        raise PackError(f"{path.name}: {data['country']!r} is not a country of this node")
    with transaction.atomic():
        pack = RulePack.objects.select_for_update().filter(country=country).first()
        if pack is not None and pack.version >= data["version"] and not force:
            return None
        if pack is None:
            pack = RulePack(country=country)
        pack.title = data["title"]
        pack.version = max(data["version"], pack.version + 1 if pack.pk else 1)
        pack.languages = list(data.get("languages", []))
        pack.authors = data.get("authors", "")
        pack.save()
        keys = set()
        for rule in data["rules"]:
            keys.add(rule["id"])
            Rule.objects.update_or_create(
                pack=pack,
                key=rule["id"],
                defaults={
                    "category": rule["category"],
                    "title": rule["title"].strip(),
                    "why": rule["why"].strip(),
                    "action": rule["action"].strip(),
                    "applies_to": rule.get("applies_to", "both"),
                    "keywords": rule.get("keywords", {}),
                    "patterns": rule.get("patterns", {}),
                    "detector": rule.get("detector", ""),
                    "active": True,
                },
            )
        # Rules gone from the file stay for the findings that name them, inactive.
        pack.rules.exclude(key__in=keys).update(active=False)
    return pack


def pack_for(country: Country) -> RulePack | None:
    """The country's pack, loaded from the shipped file the first time it is asked for."""
    pack = RulePack.objects.filter(country=country).first()
    if pack is None and (path := PACKS / f"{country.code}.toml").exists():
        pack = load_pack(path) or RulePack.objects.filter(country=country).first()
    return pack


def _for_language(values: dict[str, list[str]], language: str) -> list[str]:
    base = language.split("-")[0].lower()
    out: list[str] = []
    for tag, items in values.items():
        if tag.lower() == language.lower() or tag.split("-")[0].lower() == base:
            out.extend(items)
    return out


def _term(keyword: str) -> str:
    """A keyword as a whole word; in a script without spaces, anywhere."""
    escaped = re.escape(keyword)
    return rf"(?<!\w){escaped}(?!\w)" if spaced(keyword) else escaped


@dataclass(frozen=True)
class _Compiled:
    keywords: tuple[str, ...]
    words: re.Pattern[str] | None
    # Each on its own: an author's flags or group names must not meet another pattern's.
    patterns: tuple[re.Pattern[str], ...]


class RuleSet:
    """A pack's active rules, each compiled once per language: its keywords (first looked
    for as plain substrings, which is cheap, then as whole words) and its patterns."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = [r for r in rules if r.active]
        self._compiled: dict[tuple[int, str], _Compiled] = {}

    def _expressions(self, rule: Rule, language: str) -> _Compiled:
        key = (rule.pk, language)
        if key not in self._compiled:
            keywords = sorted(
                (k for k in _for_language(rule.keywords, language) if k), key=len, reverse=True
            )
            patterns = _for_language(rule.patterns, language)
            self._compiled[key] = _Compiled(
                tuple(k.casefold() for k in keywords),
                re.compile("|".join(_term(k) for k in keywords), re.IGNORECASE)
                if keywords
                else None,
                tuple(re.compile(p, re.IGNORECASE) for p in patterns),
            )
        return self._compiled[key]

    def scan(
        self, text: str, language: str, *, side: str, target_language: str, country: str
    ) -> list[Hit]:
        """Where the rules for ``side`` (source or target) match ``text`` in ``language``;
        detectors propose what the target locale writes."""
        folded = text.casefold()
        unique: dict[tuple[int, str], Hit] = {}
        for rule in self.rules:
            if rule.applies_to not in (side, "both"):
                continue
            compiled = self._expressions(rule, language)
            hits = []
            if compiled.words is not None and any(k in folded for k in compiled.keywords):
                hits += [Hit(rule, m.group(0)[:200]) for m in compiled.words.finditer(text)]
            for pattern in compiled.patterns:
                hits += [Hit(rule, m.group(0)[:200]) for m in pattern.finditer(text)]
            if rule.detector:
                for found in DETECTORS[rule.detector](text, target_language, country):
                    hits.append(Hit(rule, found.text[:200], found.suggestion[:300]))
            for hit in hits:
                unique.setdefault((rule.pk, hit.text.casefold()), hit)
        return list(unique.values())
