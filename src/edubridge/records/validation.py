"""xAPI statements checked against xAPI 1.0.3 and 2.0 (IEEE 9274.1.1-2023), before anything
is stored. A failure names the property at fault (``actor.mbox: ...``), which the LRS sends
back with its 400. No Django here: the rules are the standard's, and so are the tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

VERSIONS = ("1.0.3", "2.0.0")
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
LANGUAGE = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$"
    r"|^[xX](?:-[A-Za-z0-9]{1,8})+$"
)
TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
DURATION = re.compile(  # ISO 8601 4.4.3.2: weeks stand alone
    r"^P(?:\d+(?:\.\d+)?W|(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?D)?"
    r"(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?)$"
)
INTERACTIONS = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
MAX_IRI = 1000  # what the store indexes


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(raw: bytes | str) -> Any:
    """JSON as xAPI has it: no NaN or Infinity. Too deep a nesting raises RecursionError."""
    return json.loads(raw, parse_constant=_no_constant)


class Invalid(ValueError):
    """A statement the LRS must refuse with 400; the message names the property."""


def _fail(where: str, message: str) -> None:
    raise Invalid(f"{where}: {message}")


def _object(value: Any, where: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        _fail(where, "must be a JSON object")
    prefix = f"{where}." if where else ""
    unknown = sorted(set(value) - allowed)
    if unknown:
        _fail(f"{prefix}{unknown[0]}", "is not a property here")
    for name in required:
        if name not in value:
            _fail(f"{prefix}{name}", "is required")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        _fail(where, "must be a string")
    return value


def iri(value: Any, where: str) -> str:
    if not isinstance(value, str) or not IRI.fullmatch(value):
        _fail(where, f"{value!r} is not an IRI (an absolute address, with a scheme)")
    if len(value) > MAX_IRI:
        _fail(where, f"longer than {MAX_IRI} characters")
    return value


def uuid_string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not UUID.fullmatch(value):
        _fail(where, f"{value!r} is not a UUID")
    return value.lower()


def language_map(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        _fail(where, "must be a language map (an object of language tags)")
    for tag, text in value.items():
        if not LANGUAGE.fullmatch(tag):
            _fail(f"{where}.{tag}", "is not an RFC 5646 language tag")
        _string(text, f"{where}.{tag}")


def extensions(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        _fail(where, "must be an object")
    for key in value:
        iri(key, f"{where}[{key!r}]")


def timestamp(value: Any, where: str, version: str) -> datetime:
    """An ISO 8601 date-time (UTC when it gives no offset); -00:00 is not an offset."""
    match = TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        _fail(where, f"{value!r} is not an ISO 8601 timestamp")
    assert match is not None
    offset = match.group(8)
    if offset in ("-00:00", "-0000", "-00"):
        _fail(where, "the offset -00:00 is not allowed")
    day = "-".join(match.group(n) for n in (1, 2, 3))
    clock = ":".join(match.group(n) for n in (4, 5, 6))
    fraction = (match.group(7) or "")[:7]  # Python reads six decimals at most
    if offset in (None, "Z"):
        zone = "+00:00"
    else:
        digits = offset[1:].replace(":", "")
        zone = f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}{fraction}{zone}")
        moment.astimezone(UTC)  # at the calendar's edges this overflows
        return moment
    except (ValueError, OverflowError):
        _fail(where, f"{value!r} is not a valid date and time")
    raise AssertionError


def _mbox(value: Any, where: str) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"mailto:[^@\s]+@[^@\s]+", value):
        _fail(where, "must be a mailto: address")


def _sha1(value: Any, where: str) -> None:
    if not isinstance(value, str) or not SHA1.fullmatch(value):
        _fail(where, "must be 40 hexadecimal digits")


def _account(value: Any, where: str) -> None:
    _object(value, where, {"homePage", "name"}, ("homePage", "name"))
    iri(value["homePage"], f"{where}.homePage")
    _string(value["name"], f"{where}.name")


IFIS: dict[str, Callable[[Any, str], Any]] = {
    "mbox": _mbox,
    "mbox_sha1sum": lambda v, w: (
        None
        if isinstance(v, str) and SHA1.fullmatch(v)
        else _fail(w, "must be 40 hexadecimal digits")
    ),
    "openid": iri,
    "account": _account,
}


def _ifis(value: dict, where: str) -> list[str]:
    found = [name for name in IFIS if name in value]
    for name in found:
        IFIS[name](value[name], f"{where}.{name}")
    return found


def agent(value: Any, where: str) -> None:
    _object(value, where, {"objectType", "name", *IFIS})
    if value.get("objectType", "Agent") != "Agent":
        _fail(f"{where}.objectType", "must be Agent")
    if "name" in value:
        _string(value["name"], f"{where}.name")
    if len(_ifis(value, where)) != 1:
        _fail(where, "an Agent has exactly one of mbox, mbox_sha1sum, openid, account")


def group(value: Any, where: str) -> None:
    _object(value, where, {"objectType", "name", "member", *IFIS}, ("objectType",))
    if value["objectType"] != "Group":
        _fail(f"{where}.objectType", "must be Group")
    if "name" in value:
        _string(value["name"], f"{where}.name")
    identified = _ifis(value, where)
    if len(identified) > 1:
        _fail(where, "a Group has at most one of mbox, mbox_sha1sum, openid, account")
    members = value.get("member")
    if members is None and not identified:
        _fail(f"{where}.member", "an anonymous Group needs its members")
    if members is not None:
        if not isinstance(members, list) or (not identified and not members):
            _fail(f"{where}.member", "must be a list of Agents")
        for n, member in enumerate(members):
            agent(member, f"{where}.member[{n}]")


def actor(value: Any, where: str) -> None:
    if isinstance(value, dict) and value.get("objectType") == "Group":
        group(value, where)
    else:
        agent(value, where)


def verb(value: Any, where: str) -> None:
    _object(value, where, {"id", "display"}, ("id",))
    iri(value["id"], f"{where}.id")
    if "display" in value:
        language_map(value["display"], f"{where}.display")


def _components(value: Any, where: str) -> None:
    if not isinstance(value, list):
        _fail(where, "must be a list of interaction components")
    seen = set()
    for n, component in enumerate(value):
        _object(component, f"{where}[{n}]", {"id", "description"}, ("id",))
        _string(component["id"], f"{where}[{n}].id")
        if component["id"] in seen:
            _fail(f"{where}[{n}].id", "is not unique")
        seen.add(component["id"])
        if "description" in component:
            language_map(component["description"], f"{where}[{n}].description")


def definition(value: Any, where: str) -> None:
    allowed = {"name", "description", "type", "moreInfo", "extensions", "interactionType"}
    allowed |= {"correctResponsesPattern", *COMPONENT_LISTS}
    _object(value, where, allowed)
    for name in ("name", "description"):
        if name in value:
            language_map(value[name], f"{where}.{name}")
    for name in ("type", "moreInfo"):
        if name in value:
            iri(value[name], f"{where}.{name}")
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")
    kind = value.get("interactionType")
    if "interactionType" in value and (not isinstance(kind, str) or kind not in INTERACTIONS):
        _fail(f"{where}.interactionType", f"{kind!r} is not an interaction type")
    if kind is None and ({"correctResponsesPattern", *COMPONENT_LISTS} & set(value)):
        _fail(f"{where}.interactionType", "is required beside responses and components")
    if "correctResponsesPattern" in value:
        patterns = value["correctResponsesPattern"]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            _fail(f"{where}.correctResponsesPattern", "must be a list of strings")
    for name in COMPONENT_LISTS:
        if name in value:
            if kind is None or name not in INTERACTIONS[kind]:
                _fail(f"{where}.{name}", f"does not belong to interaction type {kind!r}")
            _components(value[name], f"{where}.{name}")


def activity(value: Any, where: str) -> None:
    _object(value, where, {"objectType", "id", "definition"}, ("id",))
    if value.get("objectType", "Activity") != "Activity":
        _fail(f"{where}.objectType", "must be Activity")
    iri(value["id"], f"{where}.id")
    if "definition" in value:
        definition(value["definition"], f"{where}.definition")


def statement_ref(value: Any, where: str) -> None:
    _object(value, where, {"objectType", "id"}, ("objectType", "id"))
    if value["objectType"] != "StatementRef":
        _fail(f"{where}.objectType", "must be StatementRef")
    uuid_string(value["id"], f"{where}.id")


def _object_of(value: Any, where: str, version: str, *, nested: bool) -> str:
    if not isinstance(value, dict):
        _fail(where, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        activity(value, where)
    elif kind == "Agent":
        agent(value, where)
    elif kind == "Group":
        group(value, where)
    elif kind == "StatementRef":
        statement_ref(value, where)
    elif kind == "SubStatement" and not nested:
        _body(value, where, version, sub=True)
    else:
        _fail(f"{where}.objectType", f"{kind!r} is not an object type here")
    return kind


def score(value: Any, where: str) -> None:
    _object(value, where, {"scaled", "raw", "min", "max"})
    for name in ("scaled", "raw", "min", "max"):
        if name in value and (
            isinstance(value[name], bool) or not isinstance(value[name], int | float)
        ):
            _fail(f"{where}.{name}", "must be a number")
    if "scaled" in value and not -1 <= value["scaled"] <= 1:
        _fail(f"{where}.scaled", "must lie between -1 and 1")
    low, high, raw = value.get("min"), value.get("max"), value.get("raw")
    if low is not None and high is not None and not low < high:
        _fail(f"{where}.min", "must be less than max")
    if raw is not None and low is not None and raw < low:
        _fail(f"{where}.raw", "must not be less than min")
    if raw is not None and high is not None and raw > high:
        _fail(f"{where}.raw", "must not be more than max")


def result(value: Any, where: str) -> None:
    allowed = {"score", "success", "completion", "response", "duration", "extensions"}
    _object(value, where, allowed)
    if "score" in value:
        score(value["score"], f"{where}.score")
    for name in ("success", "completion"):
        if name in value and not isinstance(value[name], bool):
            _fail(f"{where}.{name}", "must be true or false")
    if "response" in value:
        _string(value["response"], f"{where}.response")
    if "duration" in value and not (
        isinstance(value["duration"], str) and DURATION.fullmatch(value["duration"])
    ):
        _fail(f"{where}.duration", "is not an ISO 8601 duration")
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")


def _activities(value: Any, where: str) -> None:
    for n, item in enumerate(value if isinstance(value, list) else [value]):
        activity(item, f"{where}[{n}]" if isinstance(value, list) else where)


def context(value: Any, where: str, object_kind: str, version: str) -> None:
    allowed = {"registration", "instructor", "team", "contextActivities", "revision"}
    allowed |= {"platform", "language", "statement", "extensions"}
    if version.startswith("2."):
        allowed |= {"contextAgents", "contextGroups"}
    _object(value, where, allowed)
    if "registration" in value:
        uuid_string(value["registration"], f"{where}.registration")
    if "instructor" in value:
        actor(value["instructor"], f"{where}.instructor")
    if "team" in value:
        group(value["team"], f"{where}.team")
    if "contextActivities" in value:
        kinds = _object(
            value["contextActivities"],
            f"{where}.contextActivities",
            {"parent", "grouping", "category", "other"},
        )
        for kind, given in kinds.items():
            _activities(given, f"{where}.contextActivities.{kind}")
    for name in ("revision", "platform"):
        if name in value:
            _string(value[name], f"{where}.{name}")
            if object_kind != "Activity":
                _fail(f"{where}.{name}", "is only for statements about an Activity")
    if "language" in value and not (
        isinstance(value["language"], str) and LANGUAGE.fullmatch(value["language"])
    ):
        _fail(f"{where}.language", "is not an RFC 5646 language tag")
    if "statement" in value:
        statement_ref(value["statement"], f"{where}.statement")
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")
    for name, kind, check in (
        ("contextAgents", "contextAgent", agent),
        ("contextGroups", "contextGroup", group),
    ):
        if name in value:
            entries = value[name]
            if not isinstance(entries, list):
                _fail(f"{where}.{name}", "must be a list")
            for n, entry in enumerate(entries):
                here = f"{where}.{name}[{n}]"
                member = "agent" if kind == "contextAgent" else "group"
                _object(
                    entry, here, {"objectType", member, "relevantTypes"}, ("objectType", member)
                )
                if entry["objectType"] != kind:
                    _fail(f"{here}.objectType", f"must be {kind}")
                check(entry[member], f"{here}.{member}")
                if "relevantTypes" in entry:
                    types = entry["relevantTypes"]
                    if not isinstance(types, list) or not types:
                        _fail(f"{here}.relevantTypes", "must be a non-empty list of IRIs")
                    for m, type_iri in enumerate(types):
                        iri(type_iri, f"{here}.relevantTypes[{m}]")


def attachment(value: Any, where: str) -> None:
    allowed = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
    _object(value, where, allowed, ("usageType", "display", "contentType", "length", "sha2"))
    iri(value["usageType"], f"{where}.usageType")
    language_map(value["display"], f"{where}.display")
    if "description" in value:
        language_map(value["description"], f"{where}.description")
    _string(value["contentType"], f"{where}.contentType")
    if isinstance(value["length"], bool) or not isinstance(value["length"], int):
        _fail(f"{where}.length", "must be a whole number")
    _string(value["sha2"], f"{where}.sha2")
    if "fileUrl" in value:
        iri(value["fileUrl"], f"{where}.fileUrl")


def _body(value: Any, where: str, version: str, *, sub: bool = False) -> None:
    allowed = {"actor", "verb", "object", "result", "context", "timestamp", "attachments"}
    if sub:
        allowed.add("objectType")  # "SubStatement", which the caller checked
    else:
        allowed |= {"id", "stored", "authority", "version"}
    _object(value, where, allowed, ("actor", "verb", "object"))
    prefix = f"{where}." if where else ""
    actor(value["actor"], f"{prefix}actor")
    verb(value["verb"], f"{prefix}verb")
    kind = _object_of(value["object"], f"{prefix}object", version, nested=sub)
    if value["verb"]["id"] == VOIDED and kind != "StatementRef":
        _fail(f"{prefix}object", "a voiding statement's object must be a StatementRef")
    if "result" in value:
        result(value["result"], f"{prefix}result")
    if "context" in value:
        context(value["context"], f"{prefix}context", kind, version)
    if "timestamp" in value:
        timestamp(value["timestamp"], f"{prefix}timestamp", version)
    if "attachments" in value:
        if not isinstance(value["attachments"], list):
            _fail(f"{prefix}attachments", "must be a list")
        for n, item in enumerate(value["attachments"]):
            attachment(item, f"{prefix}attachments[{n}]")


def _authority(value: Any) -> None:
    """An Agent, or an anonymous Group of two (an OAuth consumer and its user)."""
    actor(value, "authority")
    if value.get("objectType") == "Group" and (
        any(name in value for name in IFIS) or len(value.get("member", [])) != 2
    ):
        _fail("authority", "a Group as authority is anonymous and has two members")


def statement(value: Any, version: str) -> None:
    """Refuse ``value`` (Invalid) unless it is a statement of xAPI ``version``."""
    if not isinstance(value, dict):
        _fail("statement", "must be a JSON object")
    if "id" in value:
        uuid_string(value["id"], "id")
    _body(value, "", version)
    if "stored" in value:
        timestamp(value["stored"], "stored", version)
    if "authority" in value:
        _authority(value["authority"])
    if "version" in value:
        given = value["version"]
        families = "1" if version.startswith("1.") else "[12]"  # 2.0 takes 1.0.x statements
        if not isinstance(given, str) or not re.fullmatch(rf"{families}\.0(\.\d+)?", given):
            _fail("version", f"{given!r} is not a version this LRS speaks here")


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def is_json_object(value: Any) -> bool:
    return isinstance(value, Mapping)
