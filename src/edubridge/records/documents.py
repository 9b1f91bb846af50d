"""The document resources of xAPI (State, Activity Profile, Agent Profile), the canonical
activity definitions and the Person of an agent.

Documents are written with HTTP's precondition rules: ``If-Match`` (the document's ETag, a
SHA-1 of its content) and ``If-None-Match: *`` guard concurrent writers; a PUT with neither
over an existing document is a conflict (409), since it would overwrite unseen work. POST
merges JSON objects key by key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from edubridge.core.errors import DomainError, ErrorCode
from edubridge.records import validation
from edubridge.records.identifiers import ifi
from edubridge.records.models import Activity, Document, DocumentKind, LrsClient, Scope

LANGUAGE_MAPS = ("name", "description")


@dataclass(frozen=True)
class Where:
    """Which document: its kind, and the activity, agent and registration it belongs to."""

    kind: str
    activity: str = ""
    agent: str = ""
    registration: str = ""


def _rows(client: LrsClient, where: Where) -> Any:
    return Document.objects.filter(
        organisation_id=client.organisation_id,
        kind=where.kind,
        activity=where.activity,
        agent=where.agent,
        registration=where.registration,
    )


def _check(client: LrsClient, scope: str) -> None:
    if scope not in client.scopes:
        raise DomainError(ErrorCode.PERMISSION_DENIED, f"These credentials may not {scope}.")


def get(client: LrsClient, where: Where, document_id: str) -> Document:
    _check(client, Scope.READ)
    found = _rows(client, where).filter(document_id=document_id).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"No document {document_id!r}.")
    return found


def ids(client: LrsClient, where: Where, since: datetime | None) -> list[str]:
    _check(client, Scope.READ)
    rows = _rows(client, where)
    if since is not None:
        rows = rows.filter(updated__gt=since)
    return list(rows.order_by("document_id").values_list("document_id", flat=True))


def _failed(message: str) -> DomainError:
    """412: the document is not the one the client saw."""
    return DomainError(ErrorCode.PRECONDITION_FAILED, message)


def _preconditions(
    current: Document | None, if_match: str, if_none_match: str, *, put: bool, kind: str
) -> None:
    if if_match:
        tags = {t.strip().removeprefix("W/").strip('"') for t in if_match.split(",")}
        if current is None or ("*" not in tags and current.etag not in tags):
            raise _failed("If-Match: the document has changed, or is not there")
    if if_none_match and current is not None and if_none_match.strip() == "*":
        raise _failed("If-None-Match: the document exists already")
    if put and not if_match and not if_none_match:
        if current is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                "The document exists: send If-Match with its ETag to replace it.",
            )
        if kind != DocumentKind.STATE:
            raise DomainError(
                ErrorCode.INVALID, "If-Match or If-None-Match: required to write a profile"
            )


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def write(
    client: LrsClient,
    where: Where,
    document_id: str,
    content: bytes,
    content_type: str,
    *,
    merge: bool,
    if_match: str = "",
    if_none_match: str = "",
    strict: bool = True,
) -> Document:
    """PUT (``merge`` False) or POST; ``strict`` (1.0.3 profiles) asks PUTs for a precondition."""
    _check(client, Scope.WRITE)
    content_type = content_type or "application/octet-stream"
    new_json = None
    if _is_json(content_type):
        try:
            new_json = validation.loads(content or b"null")
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            raise DomainError(ErrorCode.INVALID, f"The document is not JSON: {error}") from error
    attempt = partial(
        _write,
        client,
        where,
        document_id,
        content,
        content_type,
        new_json,
        merge=merge,
        if_match=if_match,
        if_none_match=if_none_match,
        strict=strict,
    )
    try:
        return attempt()
    except IntegrityError:
        # Another request made the document between our look and our insert: now that it
        # is there, this write is judged against it (merged, or refused by its preconditions).
        return attempt()


def _write(
    client: LrsClient,
    where: Where,
    document_id: str,
    content: bytes,
    content_type: str,
    new_json: Any,
    *,
    merge: bool,
    if_match: str,
    if_none_match: str,
    strict: bool,
) -> Document:
    with transaction.atomic():
        current = _rows(client, where).select_for_update().filter(document_id=document_id).first()
        kind = where.kind if strict else DocumentKind.STATE
        _preconditions(current, if_match, if_none_match, put=not merge, kind=kind)
        if merge and current is not None:
            if not _is_json(current.content_type) or not isinstance(new_json, dict):
                raise DomainError(
                    ErrorCode.INVALID, "POST merges JSON objects only: PUT to replace it"
                )
            old = json.loads(bytes(current.content))
            if not isinstance(old, dict):
                raise DomainError(ErrorCode.INVALID, "The stored document is not a JSON object.")
            content = json.dumps({**old, **new_json}).encode()
        elif merge and new_json is not None and not isinstance(new_json, dict):
            raise DomainError(ErrorCode.INVALID, "POST merges JSON objects only")
        values = {
            "content": content,
            "content_type": content_type,
            "etag": hashlib.sha1(content).hexdigest(),  # noqa: S324 (an ETag, not a secret)
            "updated": timezone.now(),
        }
        if current is None:
            return Document.objects.create(
                organisation_id=client.organisation_id,
                kind=where.kind,
                activity=where.activity,
                agent=where.agent,
                registration=where.registration,
                document_id=document_id,
                **values,
            )
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=list(values))
        return current


def delete(client: LrsClient, where: Where, document_id: str | None, *, if_match: str = "") -> None:
    """Delete one document (a missing one is not an error), or all of ``where``'s states."""
    _check(client, Scope.WRITE)
    with transaction.atomic():
        rows = _rows(client, where)
        if document_id is not None:
            rows = rows.filter(document_id=document_id)
            if if_match:
                _preconditions(rows.first(), if_match, "", put=False, kind=where.kind)
        rows.delete()


def agent_of(given: str) -> tuple[dict[str, Any], str]:
    """The ``agent`` parameter: a JSON agent with one identifier, and that identifier."""
    try:
        agent = validation.loads(given)
        validation.agent(agent, "agent")
    except (ValueError, RecursionError, validation.Invalid) as error:
        raise DomainError(ErrorCode.INVALID, f"agent: {error}", field="agent") from error
    return agent, ifi(agent)


def person(agent: dict[str, Any]) -> dict[str, Any]:
    """The Person the LRS knows for an agent: itself, as lists (no identities are merged)."""
    out: dict[str, Any] = {"objectType": "Person"}
    if "name" in agent:
        out["name"] = [agent["name"]]
    for name in ("mbox", "mbox_sha1sum", "openid", "account"):
        if name in agent:
            out[name] = [agent[name]]
    return out


def defines(client: LrsClient, activities: list[dict[str, Any]]) -> bool:
    """Whether ``define`` would change anything."""
    return Scope.DEFINE in client.scopes and any(a.get("definition") for a in activities)


def define(client: LrsClient, activities: list[dict[str, Any]]) -> None:
    """Merge the definitions statements give into the canonical ones: language maps key by
    key, other properties replaced by the newest. Missing rows are made first, ignoring any
    another writer makes at the same moment, then locked, merged and written together."""
    if not defines(client, activities):
        return
    given = [a for a in activities if a.get("definition")]
    organisation = client.organisation_id
    named = sorted({a["id"] for a in given})  # one order for every writer: no deadlock
    Activity.objects.bulk_create(
        [Activity(organisation_id=organisation, activity_id=name) for name in named],
        ignore_conflicts=True,
    )
    rows = Activity.objects.select_for_update().filter(
        organisation_id=organisation, activity_id__in=named
    )
    known = {row.activity_id: row for row in rows.order_by("activity_id")}
    for activity in given:
        row = known[activity["id"]]
        merged = dict(row.definition)
        for key, value in activity["definition"].items():
            if key in LANGUAGE_MAPS and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        row.definition = merged
    Activity.objects.bulk_update(known.values(), ["definition"])


def activity(client: LrsClient, activity_id: str) -> dict[str, Any]:
    _check(client, Scope.READ)
    row = Activity.objects.filter(
        organisation_id=client.organisation_id, activity_id=activity_id
    ).first()
    out: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if row is not None and row.definition:
        out["definition"] = row.definition
    return out
