"""One text for an agent or group, by which statements and documents are found."""

from __future__ import annotations

import hashlib
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
