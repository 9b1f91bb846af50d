"""Quality checks on a translation, in the manner of Weblate: one small class each.

A check has an ``id`` (what a unit stores when it fails and what a reviewer dismisses), a
name and description for people, a severity, ``check`` returning what is wrong or None,
and, where the fix is mechanical, ``fix``. Errors block sign-off until fixed or dismissed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from babel.core import get_global
from django.utils.translation import gettext_lazy as _

from edubridge.localization import inline

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Term:
    source: str
    target: str
    enforced: bool


@dataclass
class Checked:
    """A unit's texts and what the checks compare them with."""

    source: str
    target: str
    markup: bool
    target_language: str
    max_length: int | None = None
    terms: list[Term] = field(default_factory=list)
    # Other translations of the same source text within the project.
    others: set[str] = field(default_factory=set)

    @property
    def plain_source(self) -> str:
        return inline.plain(self.source, self.markup)

    @property
    def plain_target(self) -> str:
        return inline.plain(self.target, self.markup)


class Check:
    id = ""
    name: object = ""
    description: object = ""
    severity = ERROR
    # Most checks look at a translation; "untranslated" looks at its absence.
    needs_target = True

    def check(self, unit: Checked) -> str | None:
        raise NotImplementedError

    def fix(self, unit: Checked) -> str | None:
        return None

    @property
    def fix_available(self) -> bool:
        return type(self).fix is not Check.fix


class Untranslated(Check):
    id = "untranslated"
    name = _("Untranslated")
    description = _("The unit has no translation yet.")
    needs_target = False

    def check(self, unit: Checked) -> str | None:
        return "no translation" if not unit.target.strip() else None


class Codes(Check):
    id = "codes"
    name = _("Placeholders and markup")
    description = _("The translation must keep every placeholder and inline tag of the source.")

    def check(self, unit: Checked) -> str | None:
        if unit.markup and inline.stray(unit.target) and not inline.stray(unit.source):
            return "a “<” that does not open a tag (write &lt; for the character)"
        ours = Counter(c.text for c in inline.codes(unit.source, unit.markup))
        theirs = Counter(c.text for c in inline.codes(unit.target, unit.markup))
        missing, extra = ours - theirs, theirs - ours
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing " + " ".join(missing.elements()))
            if extra:
                parts.append("not in the source: " + " ".join(extra.elements()))
            return "; ".join(parts)
        if unit.markup and inline.balanced(unit.source) and not inline.balanced(unit.target):
            return "tags are not closed in the order they were opened"
        return None


_NUMBER = re.compile(r"\d+(?:[,.\u066c\u00a0\u202f ]\d{3})*(?:[.,\u066b]\d+)?")


def numbers(text: str) -> Counter[str]:
    """Numbers as their digits alone, in any script and any grouping (1,000 = 1 000 = ١٠٠٠)."""
    out: Counter[str] = Counter()
    for match in _NUMBER.finditer(text):
        out["".join(str(unicodedata.digit(ch)) for ch in match.group(0) if ch.isdigit())] += 1
    return out


class Numbers(Check):
    id = "numbers"
    name = _("Numbers changed")
    description = _(
        "The numbers of the source should appear in the translation (a converted unit or "
        "currency is an adaptation: dismiss the check then)."
    )
    severity = WARNING

    def check(self, unit: Checked) -> str | None:
        missing = numbers(unit.plain_source) - numbers(unit.plain_target)
        return "missing " + ", ".join(sorted(missing)) if missing else None


@functools.lru_cache(maxsize=4096)
def spaced(term: str) -> bool:
    """Whether the term's script separates words with spaces (not Chinese, Japanese, Thai)."""
    return not any(
        unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "THAI")) for ch in term
    )


def contains_term(text: str, term: str) -> bool:
    if not term:
        return False
    if spaced(term):
        return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE) is not None
    return term.casefold() in text.casefold()


class Glossary(Check):
    id = "glossary"
    name = _("Glossary term not used")
    description = _("A source term of the glossary must be translated with its agreed term.")

    def check(self, unit: Checked) -> str | None:
        missing = [
            t
            for t in unit.terms
            if t.enforced
            and contains_term(unit.plain_source, t.source)
            and t.target.casefold() not in unit.plain_target.casefold()
        ]
        if not missing:
            return None
        return "; ".join(f"“{t.source}” should be “{t.target}”" for t in missing)


class MaxLength(Check):
    id = "max-length"
    name = _("Longer than allowed")
    description = _("The translation is longer than the place it goes allows.")

    def check(self, unit: Checked) -> str | None:
        length = len(unit.plain_target)
        if unit.max_length and length > unit.max_length:
            return f"{length} characters, at most {unit.max_length}"
        return None


def _edges(text: str) -> tuple[str, str]:
    stripped = text.strip()
    if not stripped:
        return text, ""
    start = text.index(stripped[0])
    return text[:start], text[start + len(stripped) :]


class Whitespace(Check):
    id = "whitespace"
    name = _("Leading or trailing space")
    description = _("The translation should start and end with the same spaces as the source.")
    severity = WARNING

    def check(self, unit: Checked) -> str | None:
        return None if _edges(unit.source) == _edges(unit.target) else "spaces at the ends differ"

    def fix(self, unit: Checked) -> str | None:
        head, tail = _edges(unit.source)
        return head + unit.target.strip() + tail


# Sentence-final punctuation, and what counts as the same mark in other scripts.
_ENDS = {
    ".": ".。।۔",
    "?": "?？؟;",
    "!": "!！",
    ":": ":：",
    "…": "…",
}


def _end_mark(text: str) -> str:
    text = text.rstrip()
    for mark, same in _ENDS.items():
        if text and text[-1] in same:
            return mark
    return ""


class Punctuation(Check):
    id = "punctuation"
    name = _("End punctuation")
    description = _("A sentence that ends with . ? ! : in the source should end the same way.")
    severity = WARNING

    def check(self, unit: Checked) -> str | None:
        ours, theirs = _end_mark(unit.plain_source), _end_mark(unit.plain_target)
        if ours != theirs:
            return f"the source ends with “{ours or '—'}”, the translation with “{theirs or '—'}”"
        return None

    def fix(self, unit: Checked) -> str | None:
        mark = _end_mark(unit.plain_source)
        text = unit.target.rstrip()
        if _end_mark(text):
            text = text[:-1]
        if not mark:
            return text
        language = unit.target_language.split("-")[0]
        local = {"zh": {".": "。", "?": "？", "!": "！", ":": "："}, "ar": {"?": "؟"}}
        return text + local.get(language, {}).get(mark, mark)


class Inconsistent(Check):
    id = "inconsistent"
    name = _("Inconsistent")
    description = _("The same source text is translated differently elsewhere in the project.")
    severity = WARNING

    def check(self, unit: Checked) -> str | None:
        others = {o for o in unit.others if o and o != unit.target}
        return "also translated as “" + "”, “".join(sorted(others)) + "”" if others else None


# Unicode character names start with their script's name.
SCRIPT_NAMES = {
    "Latn": ("LATIN",),
    "Arab": ("ARABIC",),
    "Hans": ("CJK",),
    "Hant": ("CJK",),
    "Cyrl": ("CYRILLIC",),
    "Deva": ("DEVANAGARI",),
    "Ethi": ("ETHIOPIC",),
    "Grek": ("GREEK",),
    "Hebr": ("HEBREW",),
    "Thai": ("THAI",),
    "Beng": ("BENGALI",),
}


def expected_script(language: str) -> str | None:
    parts = language.replace("-", "_").split("_")
    for part in parts[1:]:
        if len(part) == 4:
            return part.title()
    likely = get_global("likely_subtags").get(parts[0])
    return likely.split("_")[1] if likely else None


class Script(Check):
    id = "script"
    name = _("Wrong script")
    description = _("Most letters of the translation should be in the script of its language.")

    def check(self, unit: Checked) -> str | None:
        script = expected_script(unit.target_language)
        prefixes = SCRIPT_NAMES.get(script or "")
        if not prefixes:
            return None
        letters = [ch for ch in unit.plain_target if ch.isalpha()]
        if len(letters) < 3:
            return None
        ours = sum(1 for ch in letters if unicodedata.name(ch, "").startswith(prefixes))
        if ours * 2 < len(letters):
            return f"only {ours} of {len(letters)} letters are in the {script} script"
        return None


CHECKS: list[Check] = [
    Untranslated(),
    Codes(),
    Numbers(),
    Glossary(),
    MaxLength(),
    Whitespace(),
    Punctuation(),
    Inconsistent(),
    Script(),
]
BY_ID = {c.id: c for c in CHECKS}


def failing(unit: Checked) -> dict[str, str]:
    """Each failing check's id and what is wrong."""
    out = {}
    for check in CHECKS:
        if check.needs_target and not unit.target.strip():
            continue
        if (problem := check.check(unit)) is not None:
            out[check.id] = problem
    return out
