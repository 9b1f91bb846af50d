"""Parsing XML that came from outside: other nodes, uploaded packages.

defusedxml first refuses DTDs, entity declarations and external references (XXE, billion
laughs); lxml then parses the same bytes with entities, DTDs and the network off, for its
namespaces and XPath.
"""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from lxml import etree

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


class UnsafeXml(ValueError):
    """XML that is not well-formed or uses what this node refuses; the message names it."""


def parse(data: bytes, name: str) -> etree._Element:
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DTDForbidden as exc:
        raise UnsafeXml(f"{name}: a DTD is not accepted") from exc
    except EntitiesForbidden as exc:
        raise UnsafeXml(f"{name}: entity declarations are not accepted") from exc
    except DefusedXmlException as exc:
        raise UnsafeXml(f"{name}: external references are not accepted") from exc
    except ParseError as exc:
        raise UnsafeXml(f"{name}: not well-formed XML ({exc})") from exc
    try:
        return etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"{name}: not well-formed XML ({exc})") from exc
