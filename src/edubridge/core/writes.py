"""Writers one at a time on a SQLite database, queued by the operating system.

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
