"""Translatable strings of a resource version, and the version rebuilt from their translations.

Strings come from the resource's metadata (title, description), its HTML pages (each block
that holds text, as an HTML fragment with its inline markup; image alt texts, title
attributes, the page title and description) and its assessment items (title, prompt,
choices). Each gets a key that finds it again in the same source, so :func:`rebuild` can
put the translations back where they came from.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import nh3
from django.core.files.storage import default_storage
from lxml import etree
from lxml import html as lxml_html

from edubridge.catalog.models import ContentFile, ResourceVersion, in_language
from edubridge.catalog.packages import qti

# Elements whose text is one unit when no other of them is inside.
BLOCKS = frozenset(
    {
        *("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "pre"),
        *("caption", "figcaption", "blockquote", "summary", "label", "button", "option"),
        *("legend", "title", "div", "section", "article", "aside", "header", "footer", "nav"),
    }
)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SPACE = re.compile(r"\s+")
# XHTML would have to be written back as XML; only HTML pages are localised.
HTML_TYPES = {"text/html"}
MAX_CONTEXT = 300
MAX_PAGE_BYTES = 5_000_000


@dataclass(frozen=True)
class Extracted:
    key: str
    source: str
    markup: bool
    context: str
    max_length: int | None = None


def localisable(file: ContentFile) -> bool:
    """Whether a file of the version is a page whose text is translated and rebuilt."""
    return file.media_type in HTML_TYPES and file.size <= MAX_PAGE_BYTES


def extract(version: ResourceVersion, language: str) -> list[Extracted]:
    """Every translatable string of ``version``, its texts read in ``language``."""
    metadata = version.metadata or {}
    out = []
    if title := in_language(metadata.get("title") or {}, language):
        out.append(Extracted("title", title, False, "Title of the resource", 300))
    if description := in_language(metadata.get("description") or {}, language):
        out.append(
            Extracted("description", description, False, "Description of the resource", 5000)
        )
    for file in version.files.all():
        if localisable(file):
            with default_storage.open(file.storage_name) as handle:
                out.extend(page_units(file.path, handle.read()))
    for row in version.items.all():
        out.extend(item_units(qti.Item.from_json(row.data)))
    return out


def _document(data: bytes) -> etree._ElementTree:
    """The page, read as UTF-8 when it is UTF-8, else in the encoding it declares."""
    try:
        data.decode("utf-8")
        encoding: str | None = "utf-8"
    except UnicodeDecodeError:
        encoding = None
    parser = lxml_html.HTMLParser(encoding=encoding, remove_comments=True, no_network=True)
    return etree.ElementTree(lxml_html.document_fromstring(data, parser=parser))


def inner_html(element: etree._Element) -> str:
    parts = [html_lib.escape(element.text or "", quote=False)]
    parts += [lxml_html.tostring(child, encoding="unicode", with_tail=True) for child in element]
    return "".join(parts)


def _collapse(text: str, pre: bool) -> str:
    return text.strip("\n") if pre else _SPACE.sub(" ", text).strip()


def _blocks(root: etree._Element) -> Iterator[etree._Element]:
    """Leaf blocks: elements of BLOCKS with text and no block inside (in document order)."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag not in BLOCKS:
            continue
        if any(isinstance(e.tag, str) and e.tag in BLOCKS for e in element.iterdescendants()):
            continue
        if (element.text_content() or "").strip():
            yield element


def _describe(element: etree._Element, page: str) -> str:
    tag = element.tag
    if tag in HEADINGS:
        return f"Heading (level {tag[1]}) on page {page}"
    names = {
        "p": "Paragraph",
        "li": "List item",
        "td": "Table cell",
        "th": "Table header cell",
        "title": "Browser title",
        "caption": "Table caption",
        "figcaption": "Figure caption",
        "button": "Button",
        "label": "Form label",
        "option": "Option of a list",
    }
    return f"{names.get(tag, 'Text block')} on page {page}"


def page_units(path: str, data: bytes) -> list[Extracted]:
    if not data.strip():
        return []
    tree = _document(data)
    root = tree.getroot()
    leaves = set(_blocks(root))
    out = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element in leaves:
            text = _collapse(inner_html(element), element.tag == "pre")
            limit = 300 if element.tag == "title" else None
            key = f"file:{path}#{tree.getpath(element)}"
            out.append(Extracted(key, text, True, _describe(element, path)[:MAX_CONTEXT], limit))
        out.extend(_attributes(tree, element, path))
    return out


def _attributes(tree: etree._ElementTree, element: etree._Element, path: str) -> list[Extracted]:
    """Alt texts, tooltips and the page description: text a learner meets outside blocks."""
    out = []
    where = f"file:{path}#{tree.getpath(element)}"
    for attribute, what in (("alt", "Alternative text of an image"), ("title", "Tooltip")):
        value = _collapse(element.get(attribute) or "", False)
        if value and not (attribute == "title" and element.tag == "title"):
            src = element.get("src") or ""
            src = "" if src.startswith("data:") or len(src) > 100 else src
            place = f"{what} {src}".strip() + f" on page {path}"
            out.append(Extracted(f"{where}@{attribute}", value, False, place[:MAX_CONTEXT]))
    description = element.tag == "meta" and (element.get("name") or "").lower() == "description"
    if description and (value := _collapse(element.get("content") or "", False)):
        out.append(Extracted(f"{where}@content", value, False, f"Description of page {path}", 300))
    return out


def item_units(item: qti.Item) -> list[Extracted]:
    where = f"assessment item {item.identifier}"
    out = []
    if item.title.strip():
        out.append(
            Extracted(f"item:{item.identifier}:title", item.title, False, f"Title of {where}", 300)
        )
    if item.prompt.strip():
        out.append(
            Extracted(
                f"item:{item.identifier}:prompt",
                _collapse(item.prompt, False),
                True,
                f"Prompt of {where}",
            )
        )
    for choice in item.choices:
        correct = " (a correct answer)" if choice.id in item.correct else ""
        out.append(
            Extracted(
                f"item:{item.identifier}:choice:{choice.id}",
                _collapse(choice.text, False),
                True,
                f"Choice {choice.id} of {where}{correct}",
            )
        )
    return out


def rebuild_page(
    path: str, data: bytes, targets: dict[str, str], language: str, rtl: bool
) -> bytes:
    """The page with each block's and attribute's translation put where its source was."""
    tree = _document(data)
    root = tree.getroot()
    prefix = f"file:{path}#"
    for key, target in targets.items():
        if not key.startswith(prefix) or not target:
            continue
        where, _, attribute = key[len(prefix) :].partition("@")
        found = tree.xpath(where)
        if not found:
            continue
        element = found[0]
        if attribute:
            element.set(attribute, target)
            continue
        target = _allowed(target, element)
        for child in list(element):
            element.remove(child)
        fragment = lxml_html.fragment_fromstring(f"<div>{target}</div>")
        element.text = fragment.text
        for child in fragment:
            element.append(child)
    for meta in root.iter("meta"):
        # The page is written back in UTF-8, whatever it was read in.
        if meta.get("charset"):
            meta.set("charset", "utf-8")
        elif (meta.get("http-equiv") or "").lower() == "content-type":
            meta.set("content", "text/html; charset=utf-8")
    root.set("lang", language)
    if rtl:
        root.set("dir", "rtl")
    elif root.get("dir") == "rtl":
        del root.attrib["dir"]
    return lxml_html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>", method="html")


def _allowed(target: str, element: etree._Element) -> str:
    """The translation with no tag or attribute that the source block did not have: a check
    a reviewer dismissed must not let markup into the published page."""
    tags: set[str] = set()
    attributes: dict[str, set[str]] = {}
    for child in element.iterdescendants():
        if isinstance(child.tag, str):
            tags.add(child.tag)
            attributes.setdefault(child.tag, set()).update(child.attrib)
    attributes = {tag: names - {"rel"} for tag, names in attributes.items()}
    return nh3.clean(target, tags=tags, attributes=attributes, link_rel=None)


def rebuild_item(item: qti.Item, targets: dict[str, str], language: str) -> qti.Item:
    def get(part: str, default: str) -> str:
        return targets.get(f"item:{item.identifier}:{part}") or default

    return qti.Item.from_json(
        {
            **item.to_json(),
            "title": get("title", item.title),
            "prompt": qti.clean_html(get("prompt", item.prompt)),
            "choices": [
                {"id": c.id, "text": qti.clean_html(get(f"choice:{c.id}", c.text))}
                for c in item.choices
            ],
            "language": language,
        }
    )
