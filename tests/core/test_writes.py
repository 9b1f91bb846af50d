"""The write queue of a SQLite node: held around a transaction, not inside one."""

import fcntl
from pathlib import Path

import pytest
from django.db import connection, transaction

from edubridge.core import writes

pytestmark = [
    pytest.mark.django_db(transaction=True),  # outside any transaction, as a request is
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's queue only"),
]


def _taken(path: Path) -> bool:
    with path.open("a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(other, fcntl.LOCK_UN)
        return False


def test_a_writer_holds_the_queue_until_it_is_done(tmp_path, monkeypatch):
    database = tmp_path / "node.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    lock = tmp_path / "node.sqlite3-writer"
    with writes.queued():
        assert _taken(lock)
    assert not _taken(lock)


def test_inside_a_transaction_or_in_memory_nothing_is_queued(tmp_path, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "node.sqlite3"))
    with transaction.atomic(), writes.queued():
        assert not (tmp_path / "node.sqlite3-writer").exists()
    monkeypatch.setitem(connection.settings_dict, "NAME", "file:memorydb?mode=memory&cache=shared")
    with writes.queued():
        assert not list(tmp_path.iterdir())
