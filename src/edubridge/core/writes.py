"""Writers in order: one at a time on a SQLite database, queued by the operating system,
and one at a time per scope on PostgreSQL where the order of their commits matters.

SQLite lets one transaction write at a time; a worker that finds the database busy sleeps
and tries again, for up to 100 ms between tries, and meanwhile the database may sit idle.
Under a steady stream of writes (an LRS taking batches) that idling halved throughput. A
lock file queues the writers instead: each wakes the moment the one before it commits."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


@contextmanager
def queued() -> Iterator[None]:
    """Hold the node's write lock around a transaction that is about to start. Inside a
    transaction already (which holds SQLite's own lock) or on another database, it does
    nothing."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or connection.in_atomic_block or _in_memory(name):
        yield
        return
    with Path(f"{name}-writer").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def in_order(scope: str, key: int) -> None:
    """Inside a transaction: wait until no other transaction holds ``scope`` and ``key``,
    and hold them to this one's end. Writers that number what they write by the time (the
    LRS's ``stored``) then commit in the order of their numbers. SQLite needs nothing: it
    runs one writing transaction at a time."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", [scope, key])
