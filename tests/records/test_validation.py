"""The statement rules of xAPI 1.0.3 and 2.0: what must be refused, and what must not be."""

import copy

import pytest

from edubridge.records.validation import Invalid, statement

GOOD = {
    "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "actor": {"objectType": "Agent", "name": "A", "mbox": "mailto:a@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
    "object": {
        "id": "http://example.org/q1",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "correctResponsesPattern": ["a"],
            "choices": [{"id": "a", "description": {"en": "A"}}, {"id": "b"}],
        },
    },
    "result": {
        "score": {"scaled": 0.5, "raw": 1, "min": 0, "max": 2},
        "success": True,
        "duration": "PT1M30.5S",
    },
    "context": {
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "contextActivities": {"parent": {"id": "http://example.org/bank"}},
        "platform": "EduBridge",
        "language": "zh-Hans-CN",
    },
    "timestamp": "2026-11-26T10:00:00.123+08:00",
}


def _with(path: str, value, base=None):
    data = copy.deepcopy(base or GOOD)
    *parents, last = path.split(".")
    target = data
    for name in parents:
        target = target[name]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return data


DELETE = object()
GOOD_WITHOUT_PLATFORM = copy.deepcopy(GOOD)
del GOOD_WITHOUT_PLATFORM["context"]["platform"]  # platform is for Activity objects only


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_a_complete_statement_passes(version):
    statement(copy.deepcopy(GOOD), version)


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("id", "not-a-uuid", "id"),
        ("actor", DELETE, "actor"),
        ("actor.mbox", "a@example.org", "actor.mbox"),
        ("actor.openid", "http://openid.example.org/a", "actor"),  # two IFIs
        ("actor.objectType", "Person", "actor.objectType"),
        ("actor.nickname", "x", "actor.nickname"),
        ("verb.id", "answered", "verb.id"),
        ("verb.display", {"en_US": "x"}, "verb.display.en_US"),
        ("object.objectType", "Thing", "object.objectType"),
        ("object.definition.interactionType", "essay", "object.definition.interactionType"),
        ("object.definition.scale", [{"id": "1"}], "object.definition.scale"),
        ("result.score", {"scaled": 1.5}, "result.score.scaled"),
        ("result.score", {"raw": 5, "min": 0, "max": 2}, "result.score.raw"),
        ("result.score", {"min": 2, "max": 2}, "result.score.min"),
        ("result.success", "yes", "result.success"),
        ("result.duration", "90 seconds", "result.duration"),
        ("context.registration", "r1", "context.registration"),
        ("context.language", "english!", "context.language"),
        ("context.extensions", {"colour": 1}, "context.extensions"),
        ("timestamp", "yesterday", "timestamp"),
        ("timestamp", "2026-11-26T10:00:00-00:00", "timestamp"),
        ("version", "0.95", "version"),
        ("stored_by", "me", "stored_by"),
    ],
)
def test_each_broken_property_is_named(path, value, named):
    with pytest.raises(Invalid, match=f"^{named.replace('.', '[.]')}"):
        statement(_with(path, value), "1.0.3")


def test_revision_and_platform_belong_to_activities_only():
    about_agent = _with("object", {"objectType": "Agent", "mbox": "mailto:b@example.org"})
    with pytest.raises(Invalid, match=r"context.platform"):
        statement(about_agent, "1.0.3")


def test_groups_sub_statements_and_voiding():
    anonymous = {"objectType": "Group", "member": [{"mbox": "mailto:b@example.org"}]}
    statement(_with("actor", anonymous), "1.0.3")
    with pytest.raises(Invalid, match=r"actor.member"):
        statement(_with("actor", {"objectType": "Group"}), "1.0.3")
    sub = {
        "objectType": "SubStatement",
        "actor": GOOD["actor"],
        "verb": GOOD["verb"],
        "object": {"id": "http://example.org/x"},
    }
    statement(_with("object", sub, GOOD_WITHOUT_PLATFORM), "1.0.3")
    nested = {**sub, "object": dict(sub)}
    with pytest.raises(Invalid, match=r"object.object.objectType"):
        statement(_with("object", nested, GOOD_WITHOUT_PLATFORM), "1.0.3")
    with pytest.raises(Invalid, match=r"object.id"):
        statement(_with("object", {**sub, "id": GOOD["id"]}, GOOD_WITHOUT_PLATFORM), "1.0.3")
    voiding = _with("verb", {"id": "http://adlnet.gov/expapi/verbs/voided"}, GOOD_WITHOUT_PLATFORM)
    with pytest.raises(Invalid, match=r"StatementRef"):
        statement(voiding, "1.0.3")
    voiding["object"] = {"objectType": "StatementRef", "id": GOOD["id"]}
    statement(voiding, "1.0.3")


def test_context_agents_and_groups_are_2_0_only():
    entry = {
        "objectType": "contextAgent",
        "agent": {"mbox": "mailto:t@example.org"},
        "relevantTypes": ["http://example.org/teacher"],
    }
    data = _with("context.contextAgents", [entry])
    statement(data, "2.0.0")
    with pytest.raises(Invalid, match=r"context.contextAgents"):
        statement(data, "1.0.3")
    broken = _with("context.contextAgents", [{**entry, "relevantTypes": []}])
    with pytest.raises(Invalid, match=r"relevantTypes"):
        statement(broken, "2.0.0")
