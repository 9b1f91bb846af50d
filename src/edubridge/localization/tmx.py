"""TMX 1.4b, the exchange format of translation memories, out and back.

Inline tags travel as ``<ph>`` holding the native code (TMX's way); reading, ``<bpt>``,
``<ept>``, ``<it>`` and ``<ph>`` give back their native code and ``<hi>``/``<sub>`` their text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from lxml import etree

from edubridge.core.languages import normalise_language, same_language
from edubridge.core.safexml import UnsafeXml, parse
from edubridge.localization import inline
from edubridge.localization.files import Rejected, indent

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _seg(parent: etree._Element, text: str) -> None:
    seg = etree.SubElement(parent, "seg")
    markup = bool(inline.TAG.search(text))
    last: etree._Element | None = None
    for token in inline.tokens(text, markup):
        if isinstance(token, str):
            value = html.unescape(token) if markup else token
            if last is None:
                seg.text = (seg.text or "") + value
            else:
                last.tail = (last.tail or "") + value
        else:
            last = etree.SubElement(seg, "ph")
            last.text = token.text


def dump(pairs: Iterable[tuple[str, str]], source_language: str, target_language: str) -> bytes:
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="EduBridge",
        creationtoolversion="1",
        segtype="sentence",
        datatype="html",
        adminlang="en",
        srclang=source_language,
        **{"o-tmf": "EduBridge"},
    )
    body = etree.SubElement(root, "body")
    for source, target in pairs:
        tu = etree.SubElement(body, "tu")
        for language, text in ((source_language, source), (target_language, target)):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, language)
            _seg(tuv, text)
    indent(root, frozenset({"seg"}))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _read(seg: etree._Element) -> str:
    """The segment as our text: codes as their native markup, text escaped around them."""
    has_codes = any(
        isinstance(c.tag, str) and c.tag in ("bpt", "ept", "ph", "it") for c in seg.iter()
    )
    escape = (lambda s: html.escape(s or "", quote=False)) if has_codes else (lambda s: s or "")
    out = [escape(seg.text)]
    for child in seg:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("bpt", "ept", "ph", "it"):
            out.append("".join(child.itertext()))
        else:
            out.append(escape("".join(child.itertext())))
        out.append(escape(child.tail))
    return "".join(out)


def _same(tag: str, wanted: str, *, exact: bool) -> bool:
    """Exactly the same language; or else en-US for en and en for en-US (never en-GB for en-US)."""
    if same_language(tag, wanted) or exact:
        return same_language(tag, wanted)
    try:
        ours, theirs = normalise_language(tag).lower(), normalise_language(wanted).lower()
    except ValueError:
        return False
    return ours.split("-")[0] == theirs.split("-")[0] and ("-" not in ours or "-" not in theirs)


def _pick(variants: list[tuple[str, etree._Element]], wanted: list[str]) -> list[str]:
    """The text of the variant in each ``wanted`` language. Exact tags are taken first, then
    base languages (en serves en-US); no variant stands for two languages."""
    found: dict[str, str] = {}
    free = list(variants)
    for exact in (True, False):
        for language in wanted:
            if language in found:
                continue
            for index, (tag, seg) in enumerate(free):
                if _same(tag, language, exact=exact):
                    found[language] = _read(seg)
                    del free[index]
                    break
    return [found.get(language, "") for language in wanted]


def load(
    data: bytes, source_language: str, target_language: str, name: str = "file"
) -> list[tuple[str, str]]:
    """The (source, target) pairs of the language pair asked for; other languages are skipped."""
    try:
        root = parse(data, name)
    except UnsafeXml as exc:
        raise Rejected(str(exc)) from exc
    if root.tag != "tmx":
        raise Rejected(f"{name}: not a TMX file (its root is <{root.tag}>)")
    pairs = []
    for number, tu in enumerate(root.iter("tu"), start=1):
        variants = []
        for tuv in tu.findall("tuv"):
            seg = tuv.find("seg")
            if seg is None:
                raise Rejected(f"{name}: translation unit {number} has a <tuv> without <seg>")
            variants.append((tuv.get(XML_LANG) or tuv.get("lang") or "", seg))
        source, target = _pick(variants, [source_language, target_language])
        if source.strip() and target.strip():
            pairs.append((source, target))
    return pairs
