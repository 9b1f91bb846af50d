"""Writers of the LRS at the same moment (on PostgreSQL: see tests.threads)."""

import copy
import json
import threading

import pytest
from django.db import transaction

from edubridge.core.policy import SYSTEM
from edubridge.records import documents, services
from edubridge.records.documents import Where
from edubridge.records.models import Activity, Document, DocumentKind, Statement
from tests.records.test_statements import answered
from tests.threads import concurrent, start

pytestmark = [pytest.mark.django_db(transaction=True), concurrent]


@pytest.fixture
def client(org_a):
    return services.create_client(SYSTEM, org_a, name="tool", key="tool", secret="tool-secret")


@pytest.mark.parametrize("first_write", [True, False])
def test_stored_grows_with_the_order_of_commits(client, first_write):
    """A writer that took its ``stored`` time first commits first: a second writer waits
    for that commit, rather than committing a later time under an earlier id. The first
    writer here holds its transaction open after writing, as a batch with voids or
    definitions does; and the organisation's very first write makes its clock row."""
    if not first_write:
        services.store(client, [answered("z")], "1.0.3")
    written, go = threading.Event(), threading.Event()

    def hold_open():
        with transaction.atomic():
            services.store(client, [answered("a")], "1.0.3")
            written.set()
            go.wait(10)

    (first,), errors = start(hold_open)
    assert written.wait(10)
    (second,), more = start(lambda: services.store(client, [answered("b")], "1.0.3"))
    second.join(0.5)
    assert second.is_alive(), "the second writer must wait for the first"
    go.set()
    first.join(10)
    second.join(10)
    assert errors == more == []
    rows = list(Statement.objects.order_by("id").values_list("stored", "actor"))[-2:]
    assert [actor for _, actor in rows] == [
        "mbox:mailto:a@example.org",
        "mbox:mailto:b@example.org",
    ]
    assert rows[0][0] < rows[1][0]


def test_two_first_writes_of_a_document_at_once(client):
    where = Where(DocumentKind.STATE, activity="http://example.org/q", agent="mbox:mailto:a@x.org")

    def post(key):
        return lambda: documents.write(
            client, where, "progress", f'{{"{key}": 1}}'.encode(), "application/json", merge=True
        )

    threads, errors = start(*(post(f"k{n}") for n in range(6)))
    for thread in threads:
        thread.join(20)
    assert errors == []
    merged = Document.objects.get()
    assert sorted(json.loads(bytes(merged.content))) == [f"k{n}" for n in range(6)]


def test_two_batches_defining_a_new_activity_at_once(client):
    def batch(language):
        definition = {"name": {language: f"Quiz ({language})"}}
        statement = answered(activity="quiz")
        statement["object"]["definition"] = definition
        return lambda: services.store(client, [statement], "1.0.3")

    threads, errors = start(*(batch(tag) for tag in ("en", "fr", "sw", "ar")))
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert Activity.objects.get().definition["name"] == {
        "en": "Quiz (en)",
        "fr": "Quiz (fr)",
        "sw": "Quiz (sw)",
        "ar": "Quiz (ar)",
    }


@pytest.mark.parametrize("same", [True, False])
def test_two_puts_of_one_id_at_once_never_give_a_duplicate_key(client, same):
    """The id check runs after the organisation's writers are ordered: the second PUT sees
    the first's statement and is told it is stored already (or 409), never a 500."""
    from tests.threads import at_once

    statement_id = "9f1c5b5e-3a4d-4c4a-9d47-1c2b3a4d5e6f"
    bodies = [answered("a"), answered("a" if same else "b")]
    errors = at_once(
        *[
            lambda body=body: services.store(client, [body], "1.0.3", statement_id=statement_id)
            for body in bodies
        ]
    )
    assert Statement.objects.filter(statement_id=statement_id).count() == 1
    if same:
        assert errors == []
    else:
        assert len(errors) == 1 and getattr(errors[0], "status", None) == 409


def test_a_transaction_storing_twice_and_a_definer_at_once_do_not_deadlock(client):
    """Every writer locks the organisation's clock before the activities it defines: a
    transaction that stored once (holding the clock) and then defines an activity cannot
    wait for a writer that locked that activity and waits for the clock."""
    defined = answered(activity="quiz")
    defined["object"]["definition"] = {"name": {"en": "Quiz"}}
    stored, go = threading.Event(), threading.Event()

    def twice():
        with transaction.atomic():
            services.store(client, [answered("a")], "1.0.3")
            stored.set()
            go.wait(10)
            services.store(client, [copy.deepcopy(defined)], "1.0.3")

    (first,), errors = start(twice)
    assert stored.wait(10)
    (second,), more = start(lambda: services.store(client, [copy.deepcopy(defined)], "1.0.3"))
    second.join(0.5)
    go.set()
    first.join(20)
    second.join(20)
    assert errors == more == []
    assert Statement.objects.count() == 3
