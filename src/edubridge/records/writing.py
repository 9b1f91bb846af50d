"""How a validated batch of statements becomes rows: its columns, its references, and its
``stored`` times, which grow strictly per organisation and, on PostgreSQL, in commit order.

On PostgreSQL a batch is written by one SQL statement: a data-modifying CTE moves the
organisation's clock row on, inserts the statements at their stored times, and inserts their
references. Outside a transaction that is one round trip for a single POST, where it used to
be five. The clock row's lock, which orders the organisation's writers, is then held while
the database writes and commits, no longer while a worker's Python builds the next query:
under a load of batches, that hold had made the writers take turns with a core left idle.

On SQLite, writers are one at a time already (``core.writes``): the stored time follows the
last one, and a few multi-row INSERTs write the batch (``records.bulk``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from edubridge.records import bulk, validation
from edubridge.records.identifiers import ifi
from edubridge.records.models import LrsClient, Reference, Statement

TICK = timedelta(microseconds=1)
# The columns of a statement but its organisation, client, stored time and voided flag.
COLUMNS = {
    "statement_id": "uuid",
    "version": "text",
    "timestamp": "timestamptz",
    "actor": "text",
    "verb": "text",
    "object_type": "text",
    "object": "text",
    "registration": "uuid",
    "target": "uuid",
    "data": "json",  # JSON text, written by ``prepare``
}
STATEMENT_COLUMNS = {
    "organisation_id": "bigint",
    "client_id": "bigint",
    "stored": "timestamptz",
    "voided": "boolean",
    **COLUMNS,
}
REFERENCE_COLUMNS = {"statement_id": "bigint", "kind": "text", "value": "text"}

# The stored time is read with clock_timestamp() once the clock row's lock is held, not
# before a wait for it: a writer queued behind others must not get a time long before its
# commit (clients read up to X-Experience-API-Consistent-Through, one second before now).
# The n-th statement (from 0) of a batch is stored n microseconds after the first. The
# statement's JSON gets the same time, to the millisecond as ``iso`` writes it, and as its
# timestamp when it gives none.
WRITE_SQL = """
WITH clock AS (
    UPDATE records_clock
    SET last = GREATEST(clock_timestamp() + %(span)s - %(tick)s, last + %(span)s)
    WHERE organisation_id = %(org)s
    RETURNING last
), batch AS (
    SELECT given.*, clock.last - %(span)s + %(tick)s * (given.n + 1) AS at
    FROM clock, jsonb_to_recordset(%(rows)s::jsonb) AS given(
        n int, statement_id uuid, version text, "timestamp" timestamptz, actor text, verb text,
        object_type text, object text, registration uuid, target uuid, data jsonb)
), dated AS (
    SELECT batch.*, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at_text
    FROM batch
), saved AS (
    INSERT INTO records_statement (organisation_id, client_id, stored, voided, statement_id,
        version, "timestamp", actor, verb, object_type, object, registration, target, data)
    SELECT %(org)s, %(client)s, at, false, statement_id, version, coalesce("timestamp", at),
        actor, verb, object_type, object, registration, target,
        data || jsonb_build_object('stored', at_text) || CASE WHEN "timestamp" IS NULL
            THEN jsonb_build_object('timestamp', at_text) ELSE '{}'::jsonb END
    FROM dated
    RETURNING id, statement_id
), referred AS (
    INSERT INTO records_reference (statement_id, kind, value)
    SELECT saved.id, reference.kind, reference.value
    FROM jsonb_to_recordset(%(references)s::jsonb)
        AS reference(statement_id uuid, kind text, value text)
    JOIN saved ON saved.statement_id = reference.statement_id
)
SELECT last FROM clock
"""
# An organisation's first write makes its clock row, after any statements stored already.
CLOCK_START_SQL = """
    INSERT INTO records_clock (organisation_id, last)
    VALUES (%(org)s, coalesce(
        (SELECT max(stored) FROM records_statement WHERE organisation_id = %(org)s),
        '-infinity'))
    ON CONFLICT (organisation_id) DO NOTHING
"""
HOLD_CLOCK_SQL = "SELECT 1 FROM records_clock WHERE organisation_id = %s FOR UPDATE"
LAST_STORED_SQL = (
    f"SELECT stored FROM {Statement._meta.db_table} WHERE organisation_id = %s"  # noqa: S608
    " ORDER BY stored DESC LIMIT 1"
)


def iso(moment: datetime) -> str:
    return validation.utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def authority(client: LrsClient) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": settings.BASE_URL, "name": client.key},
    }


def object_key(obj: dict[str, Any]) -> tuple[str, str]:
    kind = obj.get("objectType", "Activity")
    if kind in ("Agent", "Group"):
        return kind, ifi(obj)
    if kind == "SubStatement":
        return kind, ""
    return kind, str(obj["id"])


def references_of(data: dict[str, Any]) -> set[tuple[str, str]]:
    """Every activity and agent a statement names, for the related_* filters."""
    found: set[tuple[str, str]] = set()

    def walk(part: dict[str, Any]) -> None:
        found.add(("agent", ifi(part["actor"])))
        for member in part["actor"].get("member", []):
            found.add(("agent", ifi(member)))
        kind, key = object_key(part["object"])
        if kind == "Activity":
            found.add(("activity", key))
        elif kind in ("Agent", "Group"):
            found.add(("agent", key))
        elif kind == "SubStatement":
            walk(part["object"])
        context = part.get("context", {})
        for role in ("instructor", "team"):
            if role in context:
                found.add(("agent", ifi(context[role])))
        for entry in context.get("contextAgents", []):
            found.add(("agent", ifi(entry["agent"])))
        for entry in context.get("contextGroups", []):
            found.add(("agent", ifi(entry["group"])))
        for given in context.get("contextActivities", {}).values():
            for item in given if isinstance(given, list) else [given]:
                found.add(("activity", item["id"]))

    walk(data)
    # The statement's own actor and agent object: what a plain ``agent`` filter matches.
    found.add(("subject", ifi(data["actor"])))
    kind, key = object_key(data["object"])
    if kind in ("Agent", "Group"):
        found.add(("subject", key))
    if "authority" in data:
        found.add(("agent", ifi(data["authority"])))
    # A subject is an agent too, and related_agents searches both: one row is enough.
    return {
        (kind, value) for kind, value in found if kind != "agent" or ("subject", value) not in found
    }


def activities(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The activities a statement describes, its sub-statement's included."""
    parts = [data]
    if data["object"].get("objectType") == "SubStatement":
        parts.append(data["object"])
    found = []
    for part in parts:
        if part["object"].get("objectType", "Activity") == "Activity":
            found.append(part["object"])
        for given in part.get("context", {}).get("contextActivities", {}).values():
            found.extend(given)
    return found


@dataclass
class Batch:
    """A batch's rows, made before its writer's turn. On SQLite that turn shuts out every
    other writer, so the less it does, the more batches go in a second: the statements'
    JSON is written before it, and their stored times are added at its end."""

    statements: list[dict[str, Any]]  # as given; completed once written
    columns: list[dict[str, Any]]  # each statement's columns but its stored time
    references: list[tuple[str, str, str]]  # (statement id, kind, value)


def prepare(client: LrsClient, statements: list[dict[str, Any]], version: str) -> Batch:
    columns = [_columns(client, data, version) for data in statements]
    references = [
        (row["statement_id"], kind, value[:1000])
        for row in columns
        for kind, value in sorted(references_of(row["data"]))
    ]
    if connection.vendor != "postgresql":
        for row in columns:
            row["data"] = json.dumps(row["data"])
    return Batch(statements, columns, references)


def write(client: LrsClient, batch: Batch) -> None:
    """Insert a batch's statements and references, and complete each statement as stored
    (``stored``, ``authority``, ``version``, and ``timestamp``, as given or in UTC under
    2.0, else ``stored``)."""
    if not batch.statements:
        return
    if any(row["object_type"] == "StatementRef" for row in batch.columns):
        cache.set(f"lrs-targets:{client.organisation_id}", True, None)
    if connection.vendor == "postgresql":
        first = _write_in_one(client, batch)
    else:
        first = _write_rows(client, batch)
    # Only once written: a batch refused by the unique index is judged again as it came.
    for n, data in enumerate(batch.statements):
        data["stored"] = iso(first + n * TICK)
        data.setdefault("timestamp", data["stored"])


def _columns(client: LrsClient, data: dict[str, Any], version: str) -> dict[str, Any]:
    """A statement's columns, but for its stored time (and its timestamp when it gives
    none, which is the stored time)."""
    data["authority"] = authority(client)  # who vouches is who signed in, always
    data.pop("stored", None)  # the LRS's to set
    data.setdefault("version", "1.0.0" if version.startswith("1.") else "2.0.0")
    moment = None
    if "timestamp" in data:
        moment = validation.timestamp(data["timestamp"], "timestamp", version)
        if version.startswith("2."):
            data["timestamp"] = iso(moment)
    kind, key = object_key(data["object"])
    return {
        "statement_id": data["id"],
        "version": data["version"],
        "timestamp": moment,
        "actor": ifi(data["actor"]),
        "verb": data["verb"]["id"],
        "object_type": kind,
        "object": key,
        "registration": data.get("context", {}).get("registration"),
        "target": key if kind == "StatementRef" else None,
        "data": data,
    }


def _write_in_one(client: LrsClient, batch: Batch) -> datetime:
    """Write the batch in one statement (``WRITE_SQL``); the first statement's stored time."""
    span = len(batch.columns) * TICK
    params: dict[str, Any] = {
        "org": client.organisation_id,
        "client": client.pk,
        "span": span,
        "tick": TICK,
        "rows": json.dumps(
            [{"n": n, **row} for n, row in enumerate(batch.columns)], default=_instant
        ),
        "references": json.dumps(
            [
                {"statement_id": statement_id, "kind": kind, "value": value}
                for statement_id, kind, value in batch.references
            ]
        ),
    }
    # A cursor that binds its parameters on the server, so the statement can be prepared
    # (settings.py) and the batch's JSON is sent as it is, not escaped into the SQL.
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(WRITE_SQL, params, prepare=True)
        found = cursor.fetchone()
        if found is None:  # the organisation's first write: no clock row yet
            cursor.execute(CLOCK_START_SQL, params)
            cursor.execute(WRITE_SQL, params, prepare=True)
            found = cursor.fetchone()
    if found is None:
        raise RuntimeError(f"records_clock: no row for organisation {client.organisation_id}")
    last: datetime = found[0]
    return last - span + TICK


def hold_clock(organisation_id: int) -> None:
    """Inside a transaction on PostgreSQL, lock the organisation's clock row now, before
    the rows a batch also locks (activities, voided statements), as ``WRITE_SQL`` would
    later: writers then take their locks in one order. A first write makes the row."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(HOLD_CLOCK_SQL, [organisation_id])
        if cursor.fetchone() is None:
            cursor.execute(CLOCK_START_SQL, {"org": organisation_id})
            cursor.execute(HOLD_CLOCK_SQL, [organisation_id])


def _after_last(organisation_id: int) -> datetime:
    """Now, or just after the last stored time (SQLite runs one writer at a time). Read in
    SQL: the ORM's building of this one query was a fifth of a single POST's time."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(LAST_STORED_SQL, [organisation_id])
        row = cursor.fetchone()
    if row is None:
        return now
    last = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(row[0])
    return max(now, last.replace(tzinfo=UTC) + TICK)


def _write_rows(client: LrsClient, batch: Batch) -> datetime:
    """A few multi-row INSERTs, the statements then their references; the first
    statement's stored time."""
    first = _after_last(client.organisation_id)
    values = []
    for n, row in enumerate(batch.columns):
        stored = first + n * TICK
        columns = {
            **row,
            "timestamp": row["timestamp"] or stored,
            "data": _dated(row["data"], iso(stored), timed=row["timestamp"] is not None),
        }
        values.append(
            (client.organisation_id, client.pk, stored, False, *(columns[c] for c in COLUMNS))
        )
    saved = bulk.insert(
        Statement._meta.db_table, STATEMENT_COLUMNS, values, returning="id, statement_id"
    )
    pks = {str(uuid.UUID(str(found))): pk for pk, found in saved}
    bulk.insert(
        Reference._meta.db_table,
        REFERENCE_COLUMNS,
        [(pks[statement_id], kind, value) for statement_id, kind, value in batch.references],
    )
    return first


def _dated(text: str, stored: str, *, timed: bool) -> str:
    """A statement's JSON (an object, as ``prepare`` wrote it) with its stored time added at
    its end, and as its timestamp when it gives none."""
    added = f', "stored": "{stored}"'
    if not timed:
        added += f', "timestamp": "{stored}"'
    return f"{text[:-1]}{added}}}"


def _instant(value: datetime) -> str:
    return value.isoformat()
