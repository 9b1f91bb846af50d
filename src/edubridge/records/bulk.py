"""Many rows in one INSERT, for the LRS's batches on SQLite: at a hundred statements a request,
building a model for each and compiling its values was most of the work of storing them.
(PostgreSQL writes a batch in one statement of its own: ``records.writing``.) Tables and
columns are the caller's constants, never input."""

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
    """Insert ``rows``, their values in the order of ``columns`` (name: kind; ``uuid``
    values are strings, ``timestamptz`` aware datetimes, ``jsonb`` plain data, ``json`` JSON
    text), and return the ``returning`` columns of each row when asked."""
    names = ", ".join(f'"{name}"' for name in columns)
    tail = f" RETURNING {returning}" if returning else ""
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            sql = f"INSERT INTO {table} ({names}) VALUES {marks}"  # noqa: S608
            cursor.execute(sql + tail, _values(columns, chunk))
            if returning:
                out.extend(cursor.fetchall())
    return out


def _values(columns: dict[str, str], rows: Sequence[Sequence[Any]]) -> list[Any]:
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
