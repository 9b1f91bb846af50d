"""Many rows in one INSERT, for the LRS's batches: at a hundred statements a request, building
a model for each and compiling its values was most of the work of storing them.

PostgreSQL gets the rows as one JSON array (``jsonb_to_recordset``): one short query, one
parameter, where psycopg would escape every element of per-column arrays in Python. SQLite
gets a multi-row ``VALUES``. Tables and columns are the caller's constants, never input."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection

CHUNK = 1000  # rows an INSERT: SQLite allows 32,766 variables, a statement row has fourteen


def insert(
    table: str,
    columns: dict[str, str],
    rows: Sequence[Sequence[Any]],
    returning: str = "",
) -> list[tuple[Any, ...]]:
    """Insert ``rows``, their values in the order of ``columns`` (name: PostgreSQL type;
    ``uuid`` values are strings, ``timestamptz`` aware datetimes, ``jsonb`` plain data), and
    return the ``returning`` columns of each row when asked."""
    names = ", ".join(f'"{name}"' for name in columns)
    tail = f" RETURNING {returning}" if returning else ""
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            if connection.vendor == "postgresql":
                shape = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
                sql = (
                    f"INSERT INTO {table} ({names}) SELECT {names} "  # noqa: S608
                    f"FROM jsonb_to_recordset(%s::jsonb) AS row({shape})"
                )
                records = [dict(zip(columns, row, strict=True)) for row in chunk]
                params: list[Any] = [json.dumps(records, default=_instant)]
            else:
                marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
                sql = f"INSERT INTO {table} ({names}) VALUES {marks}"  # noqa: S608
                params = _sqlite(columns, chunk)
            cursor.execute(sql + tail, params)
            if returning:
                out.extend(cursor.fetchall())
    return out


def _instant(value: datetime) -> str:
    return value.isoformat()


def _sqlite(columns: dict[str, str], rows: Sequence[Sequence[Any]]) -> list[Any]:
    """The rows' values in one list, as Django's SQLite backend stores them: UUIDs as 32 hex
    digits, instants as naive UTC text, JSON as text."""
    ways: dict[str, Callable[[Any], Any]] = {
        "uuid": _hex,
        "timestamptz": _naive_utc,
        "jsonb": json.dumps,
    }
    plan = [ways.get(kind) for kind in columns.values()]
    if not any(plan):
        return [value for row in rows for value in row]
    return [
        way(value) if way is not None and value is not None else value
        for row in rows
        for way, value in zip(plan, row, strict=True)
    ]


def _hex(value: str) -> str:
    """A UUID as validated (8-4-4-4-12 hex digits) without its dashes."""
    return value.replace("-", "").lower()


def _naive_utc(value: datetime) -> str:
    return str(value.astimezone(UTC).replace(tzinfo=None))
