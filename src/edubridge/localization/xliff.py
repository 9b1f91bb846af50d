"""XLIFF 2.1 (OASIS) out to any CAT tool and back.

Inline codes travel protected: a pair of tags is a ``<pc>``, a lone tag or a placeholder a
``<ph>`` (``<sc>``/``<ec>`` when a tag is unpaired), each with ``canDelete="no"`` and its
original in ``<originalData>``. Reading back, codes are found by their ``id`` in *our*
source, never by the file's ``originalData``, so a file cannot smuggle markup in. CAT tools
may split a unit into several segments and add ``<mrk>`` annotations; both are read.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from lxml import etree

from edubridge.core.safexml import UnsafeXml, parse
from edubridge.localization import inline
from edubridge.localization.files import Incoming, Outgoing, Parsed, Rejected, indent

NS = "urn:oasis:names:tc:xliff:document:2.0"
EB = "https://edubridge.org/ns/xliff"
# Elements whose content is text with inline codes: never indented.
TEXT = frozenset({"source", "target", "data", "note"})
STATES = {"initial": "initial", "translated": "translated", "reviewed": "reviewed"}


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _pairs(source_codes: list[inline.Code]) -> dict[int, int]:
    """Start code id -> its end code id, for tags that nest properly."""
    stack: list[tuple[int, str]] = []
    out: dict[int, int] = {}
    for n, code in enumerate(source_codes, start=1):
        if code.kind == "start":
            stack.append((n, code.name))
        elif code.kind == "end" and stack and stack[-1][1] == code.name:
            out[stack.pop()[0]] = n
    return out


def _text(text: str, markup: bool) -> str:
    return html.unescape(text) if markup else text


def _fill(
    parent: etree._Element, text: str, source: str, markup: bool, data: dict[str, str]
) -> None:
    """Write ``text`` into ``parent`` with its codes as XLIFF inline elements."""
    source_codes = inline.codes(source, markup)
    pairs = _pairs(source_codes)
    ids = iter(inline.match_ids(source, text, markup))
    # Ids of the target's codes, then which start/end tags pair up in the target itself.
    parts: list[str | tuple[int | None, inline.Code]] = []
    coded: dict[int, tuple[int | None, inline.Code]] = {}
    for token in inline.tokens(text, markup):
        if not isinstance(token, str):
            coded[len(parts)] = (next(ids), token)
        parts.append(token if isinstance(token, str) else coded[len(parts)])
    paired: dict[int, int] = {}
    stack: list[int] = []
    for index, (code_id, code) in coded.items():
        if code.kind == "start":
            stack.append(index)
        elif code.kind == "end" and stack:
            start_id = coded[stack[-1]][0]
            if start_id is not None and pairs.get(start_id) == code_id:
                paired[stack.pop()] = index
            else:
                stack.clear()
    extra = iter(range(len(source_codes) + 1, 10**6))

    def ref(code: inline.Code) -> str:
        for key, value in data.items():
            if value == code.text:
                return key
        key = f"d{len(data) + 1}"
        data[key] = code.text
        return key

    def write(container: etree._Element, start: int, stop: int) -> None:
        last: etree._Element | None = None

        def add_text(value: str) -> None:
            if last is None:
                container.text = (container.text or "") + value
            else:
                last.tail = (last.tail or "") + value

        index = start
        while index < stop:
            part = parts[index]
            if isinstance(part, str):
                add_text(_text(part, markup))
                index += 1
                continue
            code_id, code = part
            name = str(code_id if code_id is not None else next(extra))
            if index in paired:
                end = paired[index]
                end_code = coded[end][1]
                last = etree.SubElement(
                    container,
                    _q("pc"),
                    id=name,
                    dataRefStart=ref(code),
                    dataRefEnd=ref(end_code),
                    canOverlap="no",
                    canDelete="no",
                )
                write(last, index + 1, end)
                index = end + 1
                continue
            if code.kind == "start":
                last = etree.SubElement(
                    container,
                    _q("sc"),
                    id=name,
                    dataRef=ref(code),
                    isolated="yes",
                    canDelete="no",
                )
            elif code.kind == "end":
                last = etree.SubElement(
                    container, _q("ec"), id=name, dataRef=ref(code), isolated="yes", canDelete="no"
                )
            else:
                last = etree.SubElement(
                    container, _q("ph"), id=name, dataRef=ref(code), canDelete="no"
                )
                if code.kind == "placeholder":
                    last.set("disp", code.text)
            index += 1

    write(parent, 0, len(parts))


def dump(
    units: Iterable[Outgoing], *, source_language: str, target_language: str, original: str
) -> bytes:
    root = etree.Element(
        _q("xliff"),
        nsmap={None: NS, "eb": EB},
        version="2.1",
        srcLang=source_language,
        trgLang=target_language,
    )
    file = etree.SubElement(root, _q("file"), id="f1", original=original)
    for unit in units:
        element = etree.SubElement(file, _q("unit"), id=f"u{unit.position}", name=unit.key)
        element.set(f"{{{EB}}}revision", str(unit.revision))
        notes = etree.SubElement(element, _q("notes"))
        if unit.context:
            etree.SubElement(notes, _q("note"), category="context").text = unit.context
        if unit.max_length:
            etree.SubElement(notes, _q("note"), category="max-length").text = str(unit.max_length)
        if not len(notes):
            element.remove(notes)
        data: dict[str, str] = {}
        segment = etree.Element(_q("segment"), state=STATES.get(unit.state, "initial"))
        _fill(etree.SubElement(segment, _q("source")), unit.source, unit.source, unit.markup, data)
        if unit.target:
            _fill(
                etree.SubElement(segment, _q("target")), unit.target, unit.source, unit.markup, data
            )
        if data:
            original_data = etree.SubElement(element, _q("originalData"))
            for key, value in data.items():
                etree.SubElement(original_data, _q("data"), id=key).text = value
        element.append(segment)
    indent(root, TEXT)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


class _Reader:
    """Turns a ``<source>`` or ``<target>`` back into our text, codes taken from our source."""

    def __init__(self, source: str, markup: bool, where: str) -> None:
        self.codes = inline.codes(source, markup)
        self.pairs = _pairs(self.codes)
        self.markup = markup
        self.where = where

    def code(self, value: str | None) -> inline.Code:
        if (
            value is None
            or not (value.isascii() and value.isdigit())
            or not 1 <= int(value) <= len(self.codes)
        ):
            raise Rejected(f"{self.where}: inline code id {value!r} is not in the source")
        return self.codes[int(value) - 1]

    def end_of(self, value: str | None) -> inline.Code:
        self.code(value)
        end = self.pairs.get(int(value or 0))  # a valid id: code() checked it
        if end is None:
            raise Rejected(f"{self.where}: inline code {value} is not a pair of tags in the source")
        return self.codes[end - 1]

    def text(self, value: str | None) -> str:
        if not value:
            return ""
        return html.escape(value, quote=False) if self.markup else value

    def read(self, element: etree._Element) -> str:
        out = [self.text(element.text)]
        for child in element:
            name = _local(child)
            if name == "pc":
                out.append(self.code(child.get("id")).text)
                out.append(self.read(child))
                out.append(self.end_of(child.get("id")).text)
            elif name in ("ph", "sc"):
                out.append(self.code(child.get("id")).text)
            elif name == "ec":
                start = child.get("startRef")
                out.append(self.end_of(start).text if start else self.code(child.get("id")).text)
            elif name == "mrk":
                out.append(self.read(child))
            elif name == "cp":
                try:
                    out.append(self.text(chr(int(child.get("hex") or "", 16))))
                except (ValueError, OverflowError) as exc:
                    raise Rejected(
                        f"{self.where}: <cp hex={child.get('hex')!r}> is not a character"
                    ) from exc
            elif name:
                raise Rejected(f"{self.where}: <{name}> is not an XLIFF 2 inline element")
            out.append(self.text(child.tail))
        return "".join(out)


def load(data: bytes, sources: dict[str, tuple[str, bool]], name: str = "file") -> Parsed:
    """Read an XLIFF 2.x file; ``sources`` gives each unit id's (source text, markup)."""
    try:
        root = parse(data, name)
    except UnsafeXml as exc:
        raise Rejected(str(exc)) from exc
    if _local(root) != "xliff":
        raise Rejected(f"{name}: not an XLIFF file (its root is <{_local(root)}>)")
    if etree.QName(root).namespace != NS or not (root.get("version") or "").startswith("2."):
        raise Rejected(
            f"{name}: XLIFF version {root.get('version')!r} is not read; export XLIFF 2.1"
        )
    units = []
    for element in root.iter(_q("unit")):
        unit_id = element.get("id") or ""
        where = f"unit {unit_id!r}" + (f" ({element.get('name')})" if element.get("name") else "")
        if unit_id not in sources:
            raise Rejected(f"{where}: no unit of this project has this id")
        source_text, markup = sources[unit_id]
        reader = _Reader(source_text, markup, where)
        source, target, translated = [], [], True
        for part in element:
            kind = _local(part)
            if kind not in ("segment", "ignorable"):
                continue
            src = part.find(_q("source"))
            tgt = part.find(_q("target"))
            if src is None:
                raise Rejected(f"{where}: a {kind} has no <source>")
            source.append(reader.read(src))
            if tgt is not None:
                target.append(reader.read(tgt))
            elif kind == "ignorable":
                target.append(source[-1])
            else:
                translated = False
        revision = element.get(f"{{{EB}}}revision")
        units.append(
            Incoming(
                key=unit_id,
                source="".join(source),
                target="".join(target) if translated else "",
                where=where,
                revision=int(revision) if revision and revision.isdigit() else None,
            )
        )
    return Parsed(root.get("srcLang") or "", root.get("trgLang") or "", units)
