"""gettext PO out and back, through Babel: one message per unit, its key as ``msgctxt``.

Markup stays in ``msgid`` as HTML (as po4a does); the context is an extracted comment, a
length limit the ``max-length:N`` flag Weblate reads, and the unit's revision a comment
so that a file made before someone else's save is caught on import.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from edubridge.localization.files import Incoming, Outgoing, Parsed, Rejected

_REVISION = re.compile(r"^revision (\d+)$")
# A line of a PO file: a comment, a keyword with a quoted string, or a continued string.
_STRING = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(
    rf"^(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}|{_STRING})$"
)


def _check_syntax(text: str, name: str) -> None:
    """Babel reads a damaged string as a shorter one; refuse the file instead, by line."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not _LINE.match(stripped):
            raise Rejected(f"{name}: line {number} is not PO syntax: {stripped[:60]!r}")


def _babel(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None


def dump(
    units: Iterable[Outgoing], *, source_language: str, target_language: str, original: str
) -> bytes:
    catalog = Catalog(
        locale=_babel(target_language),
        project=f"EduBridge {original} ({source_language} → {target_language})",
        version="1",
        fuzzy=False,
    )
    for unit in units:
        flags = [f"max-length:{unit.max_length}"] if unit.max_length else []
        if unit.target and unit.state == "initial":
            flags.append("fuzzy")
        catalog.add(
            unit.source,
            unit.target,
            context=unit.key,
            auto_comments=[unit.context, f"revision {unit.revision}"],
            flags=flags,
        )
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=False)
    return out.getvalue()


def load(data: bytes, name: str = "file") -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Rejected(f"{name}: not UTF-8 ({exc})") from exc
    _check_syntax(text, name)
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        raise Rejected(f"{name}: not a readable PO file ({exc})") from exc
    units = []
    for message in catalog:
        if not message.id:
            continue
        where = f"line {message.lineno}" + (f" ({message.context})" if message.context else "")
        if not message.context:
            raise Rejected(f"{where}: the message has no msgctxt naming its unit")
        if message.pluralizable:
            raise Rejected(f"{where}: plural messages are not units of a resource")
        revision = next(
            (int(m.group(1)) for c in message.auto_comments if (m := _REVISION.match(c))), None
        )
        target = "" if message.fuzzy else str(message.string or "")
        units.append(Incoming(message.context, str(message.id), target, where, revision))
    language = str(catalog.locale).replace("_", "-") if catalog.locale else ""
    return Parsed("", language, units)
