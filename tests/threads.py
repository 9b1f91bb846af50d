"""Calls in threads of their own, each with its own database connection, for the tests of
writers at the same moment (on PostgreSQL: the suite's in-memory SQLite locks whole tables
between threads, where a node's SQLite file serialises writers)."""

import threading

import pytest
from django.db import connection

concurrent = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="in-memory SQLite locks tables across threads"
)


def start(*calls):
    """Start the calls, released together; the threads, and a list of the errors raised."""
    ready, errors = threading.Barrier(len(calls)), []

    def run(call):
        try:
            ready.wait()
            call()
        except Exception as error:  # a conflict must never become a crash
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    return threads, errors


def at_once(*calls):
    """Run the calls together to their end; the errors they raised."""
    threads, errors = start(*calls)
    for thread in threads:
        thread.join()
    return errors
