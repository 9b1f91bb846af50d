"""Assessment items: QTI 3.0 read and written, QTI 2.1/2.2 read, and their scoring.

An item is one interaction (choice, multiple response, text entry or order) with its
response declaration and one of the standard response-processing templates, which is what
lets the learning engine score a response without running QTI: ``match_correct`` (1 when
the response equals the correct one, a set for multiple, a sequence for ordered) and
``map_response`` (the sum of the mapped values of the distinct responses, bounded).
"""

from __future__ import annotations

import html as html_lib
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import nh3
from lxml import etree, html

from edubridge.catalog.packages.archive import PackageError

QTI3 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI2 = {
    "http://www.imsglobal.org/xsd/imsqti_v2p1": "2.1",
    "http://www.imsglobal.org/xsd/imsqti_v2p2": "2.2",
}
QTI3_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
INTERACTIONS = {
    "choiceInteraction": "choice",
    "textEntryInteraction": "text_entry",
    "orderInteraction": "order",
}


@dataclass
class Choice:
    id: str
    text: str


@dataclass
class Item:
    """One scorable item; ``interaction`` is choice, multiple_response, text_entry or order."""

    identifier: str
    title: str
    interaction: str
    prompt: str
    choices: list[Choice] = field(default_factory=list)
    correct: list[str] = field(default_factory=list)
    scoring: str = "match_correct"
    mapping: dict[str, float] = field(default_factory=dict)
    default_value: float = 0.0
    lower_bound: float | None = None
    upper_bound: float | None = None
    case_sensitive: bool = True
    max_choices: int = 1
    language: str = ""

    @property
    def cardinality(self) -> str:
        return {"multiple_response": "multiple", "order": "ordered"}.get(self.interaction, "single")

    @property
    def base_type(self) -> str:
        return "string" if self.interaction == "text_entry" else "identifier"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        return cls(**{**data, "choices": [Choice(**c) for c in data.get("choices", [])]})

    def texts(self) -> list[str]:
        """The words a learner reads: for search and for translation."""
        return [self.title, plain(self.prompt), *(plain(c.text) for c in self.choices)]


def plain(markup: str) -> str:
    """The words of a prompt or choice, without markup and with entities read (``&lt;`` is
    ``<``): text for a select box, a search index, a learning record."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def clean_html(markup: str) -> str:
    """Prompts and choices from a package, with scripts, event handlers and javascript: URLs
    removed (an allow-list, by nh3): they travel on to pages and to other platforms."""
    return nh3.clean(markup).strip()


def score(item: Item, response: str | list[str] | None) -> float:
    """The SCORE the item's response processing gives ``response`` (None or empty: 0)."""
    values = [response] if isinstance(response, str) else list(response or [])
    values = [v for v in values if v != ""]
    if not values:
        return 0.0
    if item.scoring == "map_response":
        total = sum(_mapped(item, v) for v in dict.fromkeys(values))
        if item.lower_bound is not None:
            total = max(total, item.lower_bound)
        if item.upper_bound is not None:
            total = min(total, item.upper_bound)
        return float(total)
    if item.cardinality == "single":
        return 1.0 if len(values) == 1 and values[0] in item.correct[:1] else 0.0
    if item.cardinality == "multiple":
        return 1.0 if sorted(values) == sorted(item.correct) else 0.0
    return 1.0 if values == item.correct else 0.0


def _mapped(item: Item, value: str) -> float:
    for key, points in item.mapping.items():
        if key == value or (not item.case_sensitive and key.lower() == value.lower()):
            return points
    return item.default_value


# Reading: QTI 3.0 names are the 2.x ones in kebab case with a "qti-" prefix.
def _name(element: etree._Element) -> str:
    local = etree.QName(element).localname
    if local.startswith("qti-"):
        head, *rest = local[4:].split("-")
        return head + "".join(word.title() for word in rest)
    return local


def _attr(element: etree._Element, name: str, default: str = "") -> str:
    kebab = re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)
    return element.get(name) or element.get(kebab) or default


def _find(element: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in element.iter() if isinstance(e.tag, str) and _name(e) == name]


def _inner_html(element: etree._Element) -> str:
    """Mixed content as XHTML without namespaces, for prompts and choices."""
    parts = [element.text or ""]
    for child in element:
        copy = etree.fromstring(etree.tostring(child, with_tail=False))
        for node in copy.iter():
            if isinstance(node.tag, str):
                node.tag = etree.QName(node).localname
        etree.cleanup_namespaces(copy)
        parts.append(etree.tostring(copy, encoding="unicode", with_tail=False) + (child.tail or ""))
    return clean_html("".join(parts))


def _float(value: str, where: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise PackageError(f"{where}: {value!r} is not a number") from exc
    if not math.isfinite(number) or abs(number) > 1e9:
        raise PackageError(f"{where}: {value!r} is not a usable number")
    return number


def version_of(root: etree._Element) -> str | None:
    namespace = etree.QName(root).namespace or ""
    return "3.0" if namespace == QTI3 else QTI2.get(namespace)


def read_item(root: etree._Element, where: str) -> Item:
    """An assessment item in QTI 3.0, 2.2 or 2.1; anything it cannot score is an error."""
    if version_of(root) is None or _name(root) != "assessmentItem":
        raise PackageError(
            f"{where}: not a QTI 2.1, 2.2 or 3.0 assessment item "
            f"({etree.QName(root).namespace or 'no namespace'})"
        )
    interactions = [e for e in root.iter() if isinstance(e.tag, str) and _name(e) in INTERACTIONS]
    if len(interactions) != 1:
        raise PackageError(f"{where}: EduBridge reads items with exactly one interaction")
    interaction = interactions[0]
    kind = INTERACTIONS[_name(interaction)]
    response_id = _attr(interaction, "responseIdentifier")
    declaration = next(
        (d for d in _find(root, "responseDeclaration") if d.get("identifier") == response_id), None
    )
    if declaration is None:
        raise PackageError(f"{where}: no response declaration for {response_id!r}")
    max_choices = int(_float(_attr(interaction, "maxChoices", "1") or "1", where))
    if kind == "choice" and (max_choices != 1 or _attr(declaration, "cardinality") == "multiple"):
        kind = "multiple_response"
    prompts = _find(interaction, "prompt")
    prompt = _inner_html(prompts[0]) if prompts else ""
    if not prompt:
        body = next(iter(_find(root, "itemBody")), None)
        # The body's words as text, escaped again: a prompt is markup wherever it goes.
        words = plain(etree.tostring(body, encoding="unicode")) if body is not None else ""
        prompt = html_lib.escape(words, quote=False)
    item = Item(
        identifier=root.get("identifier", ""),
        title=root.get("title", "") or root.get("identifier", ""),
        interaction=kind,
        prompt=prompt,
        choices=[
            Choice(c.get("identifier", ""), _inner_html(c))
            for c in _find(interaction, "simpleChoice")
        ],
        correct=[
            (v.text or "").strip()
            for c in _find(declaration, "correctResponse")
            for v in _find(c, "value")
        ],
        max_choices=max_choices,
        language=root.get("{http://www.w3.org/XML/1998/namespace}lang", ""),
    )
    for mapping in _find(declaration, "mapping"):
        item.default_value = _float(_attr(mapping, "defaultValue", "0"), where)
        if bound := _attr(mapping, "lowerBound"):
            item.lower_bound = _float(bound, where)
        if bound := _attr(mapping, "upperBound"):
            item.upper_bound = _float(bound, where)
        for entry in _find(mapping, "mapEntry"):
            item.mapping[_attr(entry, "mapKey")] = _float(_attr(entry, "mappedValue"), where)
            if item.base_type == "string":
                # 2.2 and 3.0 default to insensitive; 2.1 to sensitive.
                sensitive = _attr(entry, "caseSensitive")
                item.case_sensitive = (
                    sensitive == "true" if sensitive else version_of(root) == "2.1"
                )
    item.scoring = _scoring(root, where)
    if item.scoring == "match_correct" and not item.correct:
        raise PackageError(f"{where}: no correct response to match")
    return item


def _scoring(root: etree._Element, where: str) -> str:
    processing = next(iter(_find(root, "responseProcessing")), None)
    if processing is None:
        raise PackageError(f"{where}: no response processing, so it cannot be scored")
    template = processing.get("template", "")
    if template:
        name = template.rstrip("/").rsplit("/", 1)[-1].removesuffix(".xml")
        if name in ("match_correct", "map_response"):
            return name
        raise PackageError(f"{where}: response processing template {template!r} is not supported")
    # The templates written out in full, as many exporters do.
    if _find(processing, "mapResponse"):
        return "map_response"
    if _find(processing, "match") and _find(processing, "correct"):
        return "match_correct"
    raise PackageError(f"{where}: custom response processing is not supported")


# Writing QTI 3.0.
def _q(tag: str) -> str:
    return f"{{{QTI3}}}{tag}"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), {k.replace("_", "-"): v for k, v in attrib.items()})
    if text is not None:
        element.text = text
    return element


def _html_into(parent: etree._Element, markup: str) -> None:
    """Put stored HTML into a QTI element, its elements in the QTI namespace."""
    wrapper = html.fragment_fromstring(clean_html(markup) or "", create_parent="div")
    parent.text = wrapper.text
    for child in wrapper:
        if not isinstance(child.tag, str):
            continue
        for node in child.iter():
            if isinstance(node.tag, str):
                node.tag = _q(node.tag)
        parent.append(child)


def _number(value: float) -> str:
    return f"{value:g}"


def write_item(item: Item) -> bytes:
    root = etree.Element(
        _q("qti-assessment-item"),
        {
            f"{{{XSI}}}schemaLocation": f"{QTI3} {QTI3_SCHEMA}",
            "identifier": item.identifier,
            "title": item.title,
            "adaptive": "false",
            "time-dependent": "false",
            **(
                {"{http://www.w3.org/XML/1998/namespace}lang": item.language}
                if item.language
                else {}
            ),
        },
        nsmap={None: QTI3, "xsi": XSI},
    )
    declaration = _sub(
        root,
        "qti-response-declaration",
        identifier="RESPONSE",
        cardinality=item.cardinality,
        base_type=item.base_type,
    )
    if item.correct:
        correct = _sub(declaration, "qti-correct-response")
        for value in item.correct:
            _sub(correct, "qti-value", value)
    if item.scoring == "map_response":
        bounds = {
            name: _number(value)
            for name, value in (
                ("lower_bound", item.lower_bound),
                ("upper_bound", item.upper_bound),
            )
            if value is not None
        }
        mapping = _sub(
            declaration, "qti-mapping", default_value=_number(item.default_value), **bounds
        )
        for key, points in item.mapping.items():
            attrib = {"map_key": key, "mapped_value": _number(points)}
            if item.base_type == "string":
                attrib["case_sensitive"] = str(item.case_sensitive).lower()
            _sub(mapping, "qti-map-entry", **attrib)
    outcome = _sub(
        root, "qti-outcome-declaration", identifier="SCORE", cardinality="single", base_type="float"
    )
    _sub(_sub(outcome, "qti-default-value"), "qti-value", "0")
    body = _sub(root, "qti-item-body")
    if item.interaction == "text_entry":
        _html_into(_sub(body, "p"), item.prompt)
        _sub(
            _sub(body, "p"),
            "qti-text-entry-interaction",
            response_identifier="RESPONSE",
            expected_length="20",
        )
    else:
        tag = "qti-order-interaction" if item.interaction == "order" else "qti-choice-interaction"
        attrib = {"response_identifier": "RESPONSE", "shuffle": "false"}
        if item.interaction != "order":
            attrib["max_choices"] = "0" if item.interaction == "multiple_response" else "1"
        interaction = _sub(body, tag, **attrib)
        _html_into(_sub(interaction, "qti-prompt"), item.prompt)
        for choice in item.choices:
            _html_into(_sub(interaction, "qti-simple-choice", identifier=choice.id), choice.text)
    _sub(root, "qti-response-processing", template=f"{TEMPLATES}{item.scoring}.xml")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
