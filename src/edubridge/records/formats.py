"""The three shapes a statement is returned in (xAPI's ``format`` parameter): ``exact`` as
stored, ``ids`` with agents, groups and activities reduced to what identifies them, and
``canonical`` with each language map down to the reader's language."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

FORMATS = ("exact", "ids", "canonical")
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
LANGUAGE_MAPS = ("display", "name", "description")


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    """An agent as its identifier alone; a group also says it is one."""
    out: dict[str, Any] = {}
    if agent.get("objectType") == "Group":
        out["objectType"] = "Group"
    for name in IFIS:
        if name in agent:
            out[name] = agent[name]
            return out
    out["member"] = [_agent_ids(m) for m in agent.get("member", [])]
    return out


def _ids(part: dict[str, Any], version: str) -> dict[str, Any]:
    out = dict(part)
    out["actor"] = _agent_ids(part["actor"])
    if version.startswith("2."):
        out["verb"] = {"id": part["verb"]["id"]}
    obj = part["object"]
    kind = obj.get("objectType", "Activity")
    if kind in ("Agent", "Group"):
        out["object"] = _agent_ids(obj)
    elif kind == "Activity":
        out["object"] = {"id": obj["id"]}
    elif kind == "SubStatement":
        out["object"] = _ids(obj, version)
    if "authority" in part:
        out["authority"] = _agent_ids(part["authority"])
    context = part.get("context")
    if context:
        context = dict(context)
        for role in ("instructor", "team"):
            if role in context:
                context[role] = _agent_ids(context[role])
        if "contextActivities" in context:
            context["contextActivities"] = {
                kind: [{"id": a["id"]} for a in given]
                for kind, given in context["contextActivities"].items()
            }
        out["context"] = context
    return out


def _pick(languages: list[str], value: dict[str, str]) -> dict[str, str]:
    """The reader's language: the exact tag, else the same language in another region."""
    for wanted in languages:
        exact = [tag for tag in value if tag.lower() == wanted]
        close = [tag for tag in value if tag.lower().split("-")[0] == wanted.split("-")[0]]
        for tag in exact + close:
            return {tag: value[tag]}
    first = next(iter(value), None)
    return {first: value[first]} if first is not None else {}


def _canonical(node: Any, languages: list[str]) -> Any:
    if isinstance(node, list):
        return [_canonical(item, languages) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("objectType") == "Group" and any(name in node for name in IFIS):
        node = {k: v for k, v in node.items() if k != "member"}  # the group as identified
    return {
        key: _pick(languages, value)
        if key in LANGUAGE_MAPS and isinstance(value, dict)
        else value
        if key == "extensions"
        else _canonical(value, languages)
        for key, value in node.items()
    }


def _accepted(header: str) -> list[str]:
    ranked = []
    for part in header.split(","):
        tag, _, weight = part.strip().partition(";q=")
        if tag and tag != "*":
            try:
                ranked.append((float(weight or 1), tag.lower()))
            except ValueError:
                continue
    return [tag for _, tag in sorted(ranked, key=lambda r: -r[0])]


def shaper(form: str, version: str, accept_language: str) -> Callable[[dict], dict]:
    if form == "ids":
        return lambda statement: _ids(statement, version)
    if form == "canonical":
        languages = _accepted(accept_language)
        return lambda statement: _canonical(copy.deepcopy(statement), languages)
    return lambda statement: statement
