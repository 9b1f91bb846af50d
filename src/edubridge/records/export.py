"""Statements exported for sharing across borders: every learner replaced by a pseudonym, a
keyed hash of their identifier under the organisation's own key (governance.pseudonyms:
two partners' exports cannot be joined on it, and only the organisation can re-identify
it); names, free text (responses, extensions) and attachments' titles and addresses left
out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth

from edubridge.core import audit
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, require
from edubridge.governance import consent, pseudonyms
from edubridge.governance import services as governance
from edubridge.governance.models import Purpose
from edubridge.records.identifiers import ifi
from edubridge.records.models import Reference, Statement

AGENT_KEYS = ("mbox", "mbox_sha1sum", "openid", "account", "name")
AGENT_KINDS = ("subject", "agent")
# Free text a learner or tool wrote may name people: it stays home.
FREE_TEXT = ("extensions", "response", "fileUrl")
ATTACHMENT_KEPT = ("usageType", "contentType", "length", "sha2")


def pseudonym(organisation: Organisation, agent: dict[str, Any]) -> dict[str, Any]:
    """The agent as an account of this node whose name is a keyed hash of its identifier."""
    digest = pseudonyms.pseudonym(organisation, ifi(agent))
    out: dict[str, Any] = {k: v for k, v in agent.items() if k not in AGENT_KEYS}
    if agent.get("objectType") == "Group" or "member" in agent:
        out["member"] = [pseudonym(organisation, m) for m in agent.get("member", [])]
        if not any(k in agent for k in AGENT_KEYS[:4]):
            return out
    out["account"] = {"homePage": f"{settings.BASE_URL}/pseudonym", "name": digest}
    return out


def _agents(node: Any, organisation: Organisation) -> Any:
    """Every agent and group in a statement, pseudonymised wherever it stands."""
    if isinstance(node, list):
        return [_agents(item, organisation) for item in node]
    if not isinstance(node, dict):
        return node
    if any(k in node for k in ("mbox", "mbox_sha1sum", "openid", "account", "member")):
        node = pseudonym(organisation, node)
    return {
        key: _agents(value, organisation) for key, value in node.items() if key not in FREE_TEXT
    }


def pseudonymised(data: dict[str, Any], organisation: Organisation) -> dict[str, Any]:
    """A statement with every agent replaced by the organisation's pseudonym for it."""
    out: dict[str, Any] = _agents(data, organisation)
    obj = out.get("object")
    parts: list[dict[str, Any]] = [out, obj] if isinstance(obj, dict) else [out]
    for part in parts:
        if isinstance(part.get("attachments"), list):  # their titles may name people
            part["attachments"] = [
                {k: a[k] for k in ATTACHMENT_KEPT if k in a} for a in part["attachments"]
            ]
    return out


def statements(
    by: Actor, organisation: Organisation, *, pseudonymise: bool = True
) -> Iterator[dict[str, Any]]:
    require(by, Action.LRS_MANAGE, organisation)
    audit.record(
        by,
        "lrs.export",
        organisation,
        organisation=organisation,
        summary="pseudonymised" if pseudonymise else "as stored",
    )
    rows = Statement.objects.filter(organisation=organisation).order_by("id")
    for data in rows.values_list("data", flat=True).iterator(chunk_size=2000):
        yield pseudonymised(data, organisation) if pseudonymise else data


def write(by: Actor, organisation: Organisation, target: IO[str], *, pseudonymise: bool) -> int:
    """JSON lines, one statement a line; the number written."""
    count = 0
    for data in statements(by, organisation, pseudonymise=pseudonymise):
        target.write(json.dumps(data, ensure_ascii=False) + "\n")
        count += 1
    return count


def reidentify(by: Actor, organisation: Organisation, name: str) -> str | None:
    """The identifier of the learner behind a pseudonym the organisation shared, found among
    the agents of its own statements: for its administrators only (governance.pseudonyms)."""
    candidates = (
        Reference.objects.filter(statement__organisation=organisation, kind__in=AGENT_KINDS)
        .values_list("value", flat=True)
        .distinct()
    )
    return pseudonyms.reidentify(by, organisation, name, list(candidates))


FOR_PARTNERS = frozenset({"pseudonymise", "consented_only", "aggregate"})


def for_partner(
    by: Actor, organisation: Organisation, partner: Organisation, target: IO[str]
) -> int:
    """The organisation's statements for a partner, as the transfer gate allows: pseudonymised,
    only those of people who consented to a transfer abroad when the law asks it, or monthly
    counts by verb when only aggregates may go. JSON lines; the number of lines."""
    require(by, Action.LRS_MANAGE, organisation)
    decision = governance.require_transfer(
        by, organisation, partner, "learning-records", flow="lrs.export", applies=FOR_PARTNERS
    )
    rows = Statement.objects.filter(organisation=organisation)
    count = 0
    if "aggregate" in decision.conditions:
        grouped = (
            rows.annotate(month=TruncMonth("stored"))
            .values("month", "verb")
            .annotate(n=Count("id"))
            .order_by("month", "verb")
        )
        for group in grouped:
            line = {"month": f"{group['month']:%Y-%m}", "verb": group["verb"], "count": group["n"]}
            target.write(json.dumps(line) + "\n")
            count += 1
        return count
    if "consented_only" in decision.conditions:
        agents = consent.consenting_agents(
            organisation, Purpose.TRANSFER_ABROAD, "learning-records"
        )
        rows = rows.filter(actor__in=agents)
    for data in rows.order_by("id").values_list("data", flat=True).iterator(chunk_size=2000):
        target.write(json.dumps(pseudonymised(data, organisation), ensure_ascii=False) + "\n")
        count += 1
    return count
