"""Writing CASE 1.1 packages that pass the 1.1 schema rules, whatever was imported.

Properties CASE does not define go into ``extensions`` (open in 1.1) instead of being
dropped, an ``originalIdentifier`` the reader kept among them; required properties a lenient
import left empty are filled from what is known; links are always complete objects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from edubridge.standards.case import schema


def case_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _link(link: dict[str, Any] | None, fallback_title: str = "") -> dict[str, str] | None:
    if not link:
        return None
    out = {
        "title": str(link.get("title") or fallback_title or link.get("identifier", "")),
        "identifier": str(link.get("identifier", "")),
        "uri": str(link.get("uri", "")),
    }
    if link.get("targetType"):
        out["targetType"] = str(link["targetType"])
    return out


def shape(obj: dict[str, Any], rules: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """Keep what the rules allow, move the rest into ``extensions``; drop empty values."""
    allowed = set(rules["required"]) | set(rules["optional"])
    out: dict[str, Any] = {}
    extensions: dict[str, Any] = dict(obj.get("extensions") or {})
    for key, value in obj.items():
        if key == "extensions" or value is None or value == "" or value == []:
            continue
        if key in allowed:
            out[key] = value
        else:
            extensions[key] = value
    if extensions and "extensions" in allowed:
        out["extensions"] = extensions
    for key in schema.LINK_FIELDS & out.keys():
        out[key] = _link(out[key])
    return out


def document(doc: dict[str, Any]) -> dict[str, Any]:
    out = shape({**doc, "caseVersion": "1.1"}, schema.DOCUMENT)
    out.setdefault("creator", doc.get("publisher") or "Unknown")
    return out


def item(obj: dict[str, Any]) -> dict[str, Any]:
    return shape(obj, schema.ITEM)


def association(obj: dict[str, Any]) -> dict[str, Any]:
    return shape(obj, schema.ASSOCIATION)


def definition(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    rules = schema.DEFINITIONS[kind]
    out = shape(obj, rules)
    for key in rules["required"]:
        if key not in out:
            # 1.1 requires these; older exports leave them null or empty.
            out[key] = out["title"] if key in ("description", "licenseText") else ""
    return out
