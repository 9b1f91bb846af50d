"""What an exchange file says of each unit, before the project checks and applies it."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree


class Rejected(ValueError):
    """A file, or a unit in it, that cannot be applied; the message names the unit or line."""


@dataclass(frozen=True)
class Incoming:
    """One unit of an imported file: found by ``key``; ``where`` names it in messages."""

    key: str
    source: str
    target: str
    where: str
    revision: int | None = None


@dataclass(frozen=True)
class Outgoing:
    """One unit as the project exports it."""

    position: int
    key: str
    source: str
    target: str
    markup: bool
    context: str
    max_length: int | None
    state: str
    revision: int


@dataclass(frozen=True)
class Parsed:
    source_language: str
    target_language: str
    units: list[Incoming]


def indent(element: etree._Element, inline: frozenset[str], level: int = 0) -> None:
    """Indent the structure of an XML file for people, never inside text that holds inline
    elements (where whitespace would become part of a translation)."""
    if etree.QName(element).localname in inline or not len(element):
        return
    pad = "\n" + "  " * (level + 1)
    element.text = pad
    for child in element:
        indent(child, inline, level + 1)
        child.tail = pad
    element[-1].tail = "\n" + "  " * level
