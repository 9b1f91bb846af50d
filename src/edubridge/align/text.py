"""Normalising and tokenising statements in any script, without a language model.

Latin accents and Arabic diacritics are dropped, Arabic letter variants folded, and runs of
Chinese, Japanese or Korean characters become character bigrams: those scripts do not mark
word boundaries, and bigrams are the usual model-free stand-in for words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(rf"[^\W_]+|[{_CJK}]+")
# Combining accents of Latin script, and Arabic harakat, Quranic marks and tatweel.
_MARKS = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"}
)


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    stripped = _MARKS.sub("", decomposed)
    return unicodedata.normalize("NFC", stripped).translate(_ARABIC_FOLD)


def tokens(text: str) -> list[str]:
    """Words, with CJK runs split into overlapping character bigrams."""
    out: list[str] = []
    for run in _WORD.findall(normalise(text)):
        if _CJK_RUN.fullmatch(run):
            out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            out.append(run)
    return out


def script(text: str) -> str:
    """The dominant script: "cjk", "arabic", "latin", "other", or "" for a text without letters."""
    counts = {"cjk": 0, "arabic": 0, "latin": 0, "other": 0}
    for char in text:
        if not char.isalpha():
            continue
        if _CJK_RUN.match(char):
            counts["cjk"] += 1
        elif "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f":
            counts["arabic"] += 1
        elif char < "\u0250":
            counts["latin"] += 1
        else:
            counts["other"] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ""


def code_segments(code: str) -> frozenset[str]:
    """Parts of a human coding scheme: "K.CC.A.1" -> {"k", "cc", "a", "1"}; numbers unpadded."""
    parts = re.split(r"[^0-9a-z]+", normalise(code))
    return frozenset(p.lstrip("0") or "0" if p.isdigit() else p for p in parts if p)


_LEVEL_WORDS = {"k": "KG", "kg": "KG", "kindergarten": "KG", "pk": "PK", "prek": "PK"}


def education_levels(levels: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Levels in one vocabulary: "Grade 3", "3", "03" -> "03"; "K" -> "KG"; others upper-cased."""
    out = set()
    for level in levels:
        value = normalise(level).strip()
        digits = re.fullmatch(r"(?:grade|year|g|y)?\s*0*(\d{1,2})", value)
        if digits:
            out.add(f"{int(digits.group(1)):02d}")
        elif value:
            out.add(_LEVEL_WORDS.get(value.replace("-", "").replace(" ", ""), value.upper()))
    return frozenset(out)
