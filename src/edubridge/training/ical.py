"""Workshops as iCalendar (RFC 5545): one ``.ics`` per cohort and a feed per centre. Times
are written in UTC, which every calendar shows right in its reader's own zone; the zone a
workshop is held in and its local time go into the description."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings

from edubridge.training.models import Workshop


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545, 3.1)."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return [out[0]] + [" " + part for part in out[1:]]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, workshops: Iterable[Workshop], *, links: bool = False) -> str:
    """The workshops as a VCALENDAR; online links only with ``links`` (for the cohort's own
    people: a public feed would let anyone into the meeting)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//EduBridge//Training//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    host = settings.BASE_URL.split("://", 1)[-1]
    for workshop in workshops:
        local = workshop.starts_at.astimezone(zoneinfo.ZoneInfo(workshop.timezone))
        link = workshop.link if links else ""
        description = [
            f"{workshop.cohort.title}",
            f"{local:%Y-%m-%d %H:%M} ({workshop.timezone})",
            workshop.agenda,
            link,
        ]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{workshop.uid}@{host}",
            f"DTSTAMP:{_utc(workshop.updated_at)}",
            f"DTSTART:{_utc(workshop.starts_at)}",
            f"DTEND:{_utc(workshop.ends_at)}",
            f"SEQUENCE:{workshop.sequence}",
            f"SUMMARY:{_escape(workshop.title)}",
            f"DESCRIPTION:{_escape(chr(10).join(d for d in description if d))}",
        ]
        if workshop.venue or link:
            lines.append(f"LOCATION:{_escape(workshop.venue or link)}")
        if link:
            lines.append(f"URL:{link}")  # a URI value, not text: never escaped
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
