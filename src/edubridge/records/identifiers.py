"""Identifiers: one text for an agent or group, by which statements and documents are
found, and the ids the LRS gives statements."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from typing import Any


def ifi(agent: dict[str, Any]) -> str:
    """One text for an agent or group: its inverse functional identifier, or an anonymous
    group's members'."""
    for name in ("mbox", "mbox_sha1sum", "openid"):
        if name in agent:
            return f"{name}:{agent[name]}"
    if "account" in agent:
        return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
    members = sorted(ifi(m) for m in agent.get("member", []))
    return "group:" + hashlib.sha256("\n".join(members).encode()).hexdigest()


def statement_id() -> str:
    """A new statement id, a UUID version 7 (RFC 9562): time-ordered, so the statements an
    LRS names itself go to the end of the id index rather than to a random page of it."""
    millis = time.time_ns() // 1_000_000
    value = (millis & (1 << 48) - 1) << 80 | 7 << 76 | secrets.randbits(12) << 64
    value |= 2 << 62 | secrets.randbits(62)
    return str(uuid.UUID(int=value))
