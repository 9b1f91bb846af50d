"""Inline codes in a unit's text: HTML tags and placeholders, which a translation must keep.

A unit's text is either an HTML fragment (a paragraph with ``<strong>`` or ``<a href>`` in
it) or plain text (a title). Either may hold placeholders (``{name}``, ``%s``,
``{{count}}``). :func:`codes` lists the codes of a text in order; the XLIFF codec turns
them into ``<pc>``/``<ph>`` elements with ids, and the checks compare them as multisets,
so a translation may move a code but not drop, add or change one.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\{\{\s*[\w.]+\s*\}\}|\{[\w.]*\}|%(?:\(\w+\))?[sdif]|%\d+\$[sd]")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
VOID = frozenset({"br", "img", "wbr", "hr", "input", "area", "col", "source", "track"})


@dataclass(frozen=True)
class Code:
    """One code: ``kind`` is start, end, void (a tag alone) or placeholder."""

    kind: str
    text: str
    name: str = ""


def tokens(text: str, markup: bool) -> list[str | Code]:
    """The text split into runs of text (str) and codes, in order."""
    pattern = re.compile(f"(?:{TAG.pattern})|(?:{PLACEHOLDER.pattern})") if markup else PLACEHOLDER
    out: list[str | Code] = []
    last = 0
    for match in pattern.finditer(text):
        if match.start() > last:
            out.append(text[last : match.start()])
        out.append(_code(match.group(0), markup))
        last = match.end()
    if last < len(text):
        out.append(text[last:])
    return out


def _code(raw: str, markup: bool) -> Code:
    tag = TAG.fullmatch(raw) if markup else None
    if tag is None:
        return Code("placeholder", raw)
    closing, name, selfclosing = tag.group(1), tag.group(2).lower(), tag.group(3)
    if closing:
        return Code("end", raw, name)
    if selfclosing or name in VOID:
        return Code("void", raw, name)
    return Code("start", raw, name)


def codes(text: str, markup: bool) -> list[Code]:
    return [t for t in tokens(text, markup) if isinstance(t, Code)]


def tags(text: str) -> Counter[str]:
    return Counter(c.text for c in codes(text, True) if c.kind != "placeholder")


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def balanced(text: str) -> bool:
    """Every start tag closed, in order (void elements stand alone)."""
    stack: list[str] = []
    for code in codes(text, True):
        if code.kind == "start":
            stack.append(code.name)
        elif code.kind == "end" and (not stack or stack.pop() != code.name):
            return False
    return not stack


def stray(text: str) -> bool:
    """A ``<`` in an HTML fragment that does not open a tag: a broken or smuggled tag (a
    literal less-than is written ``&lt;``)."""
    return "<" in TAG.sub("", text)


def same_codes(source: str, target: str, markup: bool) -> bool:
    if markup and stray(target) and not stray(source):
        return False
    ours, theirs = codes(source, markup), codes(target, markup)
    if Counter(c.text for c in ours) != Counter(c.text for c in theirs):
        return False
    return not markup or balanced(target) or not balanced(source)


def plain(text: str, markup: bool) -> str:
    """The words alone: for translation memory, similarity, length and the cultural rules."""
    if not markup:
        return text
    return html.unescape(TAG.sub(" ", text)).replace("\xa0", " ")


def numbered(text: str, markup: bool) -> list[tuple[int, Code]]:
    """Each code with its id: the n-th code of the source is id n (from 1)."""
    return list(enumerate(codes(text, markup), start=1))


def match_ids(source: str, target: str, markup: bool) -> list[int | None]:
    """For each code of ``target`` in order, the id of the source code it copies, or None.

    The k-th occurrence of a code in the target takes the k-th occurrence's id in the source.
    """
    by_text: dict[str, list[int]] = {}
    for n, code in numbered(source, markup):
        by_text.setdefault(code.text, []).append(n)
    out: list[int | None] = []
    for code in codes(target, markup):
        ids = by_text.get(code.text)
        out.append(ids.pop(0) if ids else None)
    return out


def canonical(text: str, markup: bool) -> str:
    """The text with character references read, to compare two spellings of one source."""
    if not markup:
        return text
    return "".join(t.text if isinstance(t, Code) else html.unescape(t) for t in tokens(text, True))
