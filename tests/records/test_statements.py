"""The Statements resource over HTTP: credentials, versions, storing, voiding and querying."""

import base64
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from edubridge.core.policy import SYSTEM
from edubridge.governance.models import TransferDecision
from edubridge.records import services, writing
from edubridge.records.export import pseudonym
from edubridge.records.models import LrsClient, Reference, Statement

pytestmark = pytest.mark.django_db
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.fixture
def sister(org_a, agreement):
    """A partner in the same country, with an agreement in force to read org A's records."""
    from edubridge.core import services as core

    partner = core.create_organisation(
        SYSTEM, slug="org-c", name="Org C Normal School", kind="university", country="CN"
    )
    agreement(org_a, partner, ["learning-records"])
    return partner


@pytest.fixture
def lrs(org_a):
    services.create_client(SYSTEM, org_a, name="quiz tool", key="tool", secret="tool-secret")
    return XapiClient("tool", "tool-secret")


class XapiClient:
    def __init__(self, key: str, secret: str, version: str = "1.0.3") -> None:
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": version}
        self.http = Client()

    def post(self, body, **params):
        query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
        return self.http.post(
            f"/xapi/statements{query}", json.dumps(body), "application/json", headers=self.headers
        )

    def put(self, body, statement_id):
        return self.http.put(
            f"/xapi/statements?statementId={statement_id}",
            json.dumps(body),
            "application/json",
            headers=self.headers,
        )

    def get(self, **params):
        return self.http.get("/xapi/statements", params, headers=self.headers)


def answered(learner="a", activity="q1", **extra):
    return {
        "actor": {"mbox": f"mailto:{learner}@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": f"http://example.org/{activity}"},
        **extra,
    }


def test_credentials_and_version_are_required(lrs):
    anonymous = Client().get("/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"})
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Basic")
    wrong = XapiClient("tool", "not-the-secret").get()
    assert wrong.status_code == 401
    lrs.headers.pop("X-Experience-API-Version")
    assert lrs.get().status_code == 400
    lrs.headers["X-Experience-API-Version"] = "0.9"
    assert lrs.get().status_code == 400
    about = Client().get("/xapi/about").json()
    assert about["version"] == ["1.0.3", "2.0.0"]


def test_a_request_without_a_version_is_refused_in_the_version_its_client_spoke_last(lrs):
    """Workers answer in turn, so the version is kept in the shared cache. A worker that
    saw a version lately skips the cache for it, but never misses a switch."""
    assert lrs.get().status_code == 200
    bare = XapiClient("tool", "tool-secret")
    bare.headers.pop("X-Experience-API-Version")
    assert bare.get()["X-Experience-API-Version"] == "1.0.3"
    lrs.headers["X-Experience-API-Version"] = "2.0.0"
    assert lrs.get().status_code == 200
    assert bare.get()["X-Experience-API-Version"] == "2.0.0"
    services.forget_clients()  # another worker, which has seen nothing yet
    assert bare.get()["X-Experience-API-Version"] == "2.0.0"
    lrs.headers["X-Experience-API-Version"] = "1.0.3"
    assert lrs.get().status_code == 200
    refused = bare.get()
    assert refused.status_code == 400 and refused["X-Experience-API-Version"] == "1.0.3"


def test_post_stores_a_batch_and_get_returns_it(lrs):
    posted = lrs.post([answered("a"), answered("b")])
    assert posted.status_code == 200 and len(posted.json()) == 2
    assert posted["X-Experience-API-Version"] == "1.0.3"
    one = lrs.get(statementId=posted.json()[0])
    stored = one.json()
    assert one.status_code == 200 and stored["actor"]["mbox"] == "mailto:a@example.org"
    assert stored["authority"]["account"]["name"] == "tool" and stored["version"] == "1.0.0"
    assert stored["stored"].endswith("Z") and "Last-Modified" in one
    page = lrs.get()
    assert [s["id"] for s in page.json()["statements"]] == posted.json()[::-1]
    assert page["X-Experience-API-Consistent-Through"].endswith("Z")


def test_a_batch_with_one_bad_statement_stores_nothing(lrs):
    bad = answered("b")
    bad["actor"] = {"mbox": "b@example.org"}
    refused = lrs.post([answered("a"), bad])
    assert refused.status_code == 400
    assert "statements[1]: actor.mbox" in refused.json()["error"]
    assert not Statement.objects.exists()


def test_put_conflicts_and_repeats(lrs):
    statement_id = str(uuid.uuid4())
    assert lrs.put(answered("a"), statement_id).status_code == 204
    assert lrs.put(answered("a"), statement_id).status_code == 204  # the same again
    assert lrs.put(answered("b"), statement_id).status_code == 409
    assert lrs.put(answered("a"), "nope").status_code == 400
    assert Statement.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares the write")
@pytest.mark.parametrize("prepared", [True, False])
def test_the_write_is_prepared_unless_a_pooler_forbids_it(lrs, prepared):
    """EDUBRIDGE_DATABASE_PREPARED=false (a pooler in transaction mode) sets no threshold:
    the write then runs unprepared, as well."""
    connection.ensure_connection()
    raw = connection.connection
    kept, raw.prepare_threshold = raw.prepare_threshold, (5 if prepared else None)
    try:
        posted = [lrs.post(answered(f"l{n}")).json()[0] for n in range(2)]
        assert Statement.objects.filter(statement_id__in=posted).count() == 2
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%records_clock%"],
            )
            assert cursor.fetchone()[0] == (1 if prepared else 0)
    finally:
        raw.prepare_threshold = kept


@pytest.mark.parametrize("same", [True, False])
def test_a_put_that_missed_a_writer_of_its_id_is_judged_when_the_index_refuses_it(
    lrs, monkeypatch, same
):
    """As if another writer stored the id between this one's look and its insert: the
    unique index refuses the insert, and the statement is judged again, as it came."""
    statement_id = str(uuid.uuid4())
    assert lrs.put(answered("a"), statement_id).status_code == 204
    looks = []
    stored = services._stored

    def late(client, ids):
        looks.append(ids)
        return {} if len(looks) == 1 else stored(client, ids)

    monkeypatch.setattr(services, "_stored", late)
    again = lrs.put(answered("a" if same else "b"), statement_id)
    assert again.status_code == (204 if same else 409) and len(looks) == 2
    assert Statement.objects.count() == 1


def test_voiding_hides_a_statement_from_queries(lrs):
    target = lrs.post(answered("a")).json()[0]
    void = {
        "actor": {"mbox": "mailto:admin@example.org"},
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": target},
    }
    voiding = lrs.post(void).json()[0]
    assert lrs.get(statementId=target).status_code == 404
    assert lrs.get(voidedStatementId=target).json()["id"] == target
    assert [s["id"] for s in lrs.get().json()["statements"]] == [voiding]
    again = {**void, "object": {"objectType": "StatementRef", "id": voiding}}
    assert lrs.post(again).status_code == 400  # a voiding statement is not voided


def test_filters(lrs):
    registration = str(uuid.uuid4())
    lrs.post(answered("a", "q1"))
    lrs.post(answered("b", "q2", context={"registration": registration}))
    lrs.post(
        answered(
            "c",
            "q3",
            context={
                "instructor": {"mbox": "mailto:a@example.org"},
                "contextActivities": {"parent": {"id": "http://example.org/q1"}},
            },
        )
    )

    def actors(**params):
        response = lrs.get(**params)
        assert response.status_code == 200, response.content
        return sorted(s["actor"]["mbox"][7:8] for s in response.json()["statements"])

    agent = json.dumps({"mbox": "mailto:a@example.org"})
    assert actors(agent=agent) == ["a"]
    assert actors(agent=agent, related_agents="true") == ["a", "c"]
    assert actors(activity="http://example.org/q1") == ["a"]
    assert actors(activity="http://example.org/q1", related_activities="true") == ["a", "c"]
    assert actors(registration=registration) == ["b"]
    assert actors(verb="http://adlnet.gov/expapi/verbs/answered") == ["a", "b", "c"]
    assert actors(verb="http://example.org/other") == []
    assert lrs.get(agent="not json").status_code == 400
    assert lrs.get(colour="blue").status_code == 400
    assert lrs.get(statementId=str(uuid.uuid4()), verb="x").status_code == 400


def test_more_pages_are_stable_while_others_write(lrs):
    ids = lrs.post([answered(str(n)) for n in range(5)]).json()
    first = lrs.get(limit=2, ascending="true").json()
    assert [s["id"] for s in first["statements"]] == ids[:2] and first["more"]
    lrs.post(answered("late"))
    rest, url = [], first["more"]
    while url:
        page = lrs.http.get(url, headers=lrs.headers).json()
        rest += [s["id"] for s in page["statements"]]
        url = page["more"]
    assert rest == ids[2:]  # the later statement is not slipped in
    assert lrs.get(more="garbage").status_code == 400


def test_since_and_until(lrs):
    lrs.post(answered("a"))
    middle = Statement.objects.get().stored
    lrs.post(answered("b"))
    stamp = middle.isoformat().replace("+00:00", "Z")
    since = [s["actor"]["mbox"] for s in lrs.get(since=stamp).json()["statements"]]
    until = [s["actor"]["mbox"] for s in lrs.get(until=stamp).json()["statements"]]
    assert since == ["mailto:b@example.org"] and until == ["mailto:a@example.org"]


def test_clients_see_their_organisations_statements_only(lrs, org_b):
    lrs.post(answered("a"))
    services.create_client(SYSTEM, org_b, name="other", key="other", secret="other-secret")
    assert XapiClient("other", "other-secret").get().json()["statements"] == []


def test_scopes_limit_what_a_client_may_do(org_a):
    services.create_client(
        SYSTEM, org_a, name="reader", key="reader", secret="reader-secret", scopes=["read"]
    )
    reader = XapiClient("reader", "reader-secret")
    assert reader.post(answered()).status_code == 403
    assert reader.get().status_code == 200


def test_version_2_converts_timestamps_to_utc(org_a):
    services.create_client(SYSTEM, org_a, name="t", key="t2", secret="t2-secret-x")
    lrs2 = XapiClient("t2", "t2-secret-x", version="2.0.0")
    posted = lrs2.post(answered(timestamp="2026-11-26T10:00:00.000+08:00")).json()[0]
    stored = lrs2.get(statementId=posted).json()
    assert stored["timestamp"] == "2026-11-26T02:00:00.000Z" and stored["version"] == "2.0.0"


def test_cors_preflight(lrs):
    options = Client().options("/xapi/statements")
    assert options.status_code == 200 and options["Access-Control-Allow-Origin"] == "*"


def test_the_command_makes_a_client(org_a):
    out = StringIO()
    call_command("lrs", "client", "create", "--key", "cli", "--secret", "cli-secret", stdout=out)
    assert "client cli of org-a" in out.getvalue()
    assert LrsClient.objects.get(key="cli").secret_hash != "cli-secret"
    with pytest.raises(CommandError, match="key: 'cli' is taken"):
        call_command("lrs", "client", "create", "--key", "cli", "--secret", "cli-secret-2")
    with pytest.raises(CommandError, match="secret: at least 8"):
        call_command("lrs", "client", "create", "--key", "x", "--secret", "short")


def test_the_pseudonymised_export_hides_every_learner(lrs, org_a, org_b, tmp_path):
    group = {"objectType": "Group", "member": [{"mbox": "mailto:b@example.org", "name": "Bo"}]}
    lrs.post(answered("a", context={"instructor": {"mbox": "mailto:t@example.org"}}))
    lrs.post({**answered("a"), "actor": group})
    target = tmp_path / "out.jsonl"
    call_command("lrs", "export", "--org", "org-a", "-o", str(target), stdout=StringIO())
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    text = target.read_text()
    assert len(lines) == 2 and "mailto:" not in text and "Bo" not in text
    first, second = lines
    assert first["actor"] != first["context"]["instructor"]
    assert second["actor"]["member"][0]["account"]["homePage"].endswith("/pseudonym")
    same = pseudonym(org_a, {"mbox": "mailto:a@example.org"})
    assert first["actor"] == same  # stable, so records can be followed over time
    assert pseudonym(org_b, {"mbox": "mailto:a@example.org"}) != same  # not across partners
    stored = tmp_path / "stored.jsonl"
    call_command(
        "lrs", "export", "--org", "org-a", "-o", str(stored), "--as-stored", stdout=StringIO()
    )
    assert "mailto:a@example.org" in stored.read_text()


def test_a_partner_reads_shared_statements_pseudonymised(lrs, org_a, sister):
    lrs.post(answered("amina"))
    services.create_client(SYSTEM, sister, name="partner", key="partner", secret="partner-secret")
    partner = XapiClient("partner", "partner-secret")
    assert partner.get().json()["statements"] == []
    out = StringIO()
    call_command("lrs", "share", "--org", "org-a", "--with", "org-c", stdout=out)
    assert "org-c reads, pseudonymised, the statements of org-a" in out.getvalue()
    seen = partner.get().json()["statements"]
    assert len(seen) == 1 and "mailto:" not in json.dumps(seen)
    assert seen[0]["actor"] == pseudonym(org_a, {"mbox": "mailto:amina@example.org"})
    single = partner.get(statementId=seen[0]["id"]).json()
    assert "mailto:" not in json.dumps(single)
    agent = json.dumps({"mbox": "mailto:amina@example.org"})
    assert partner.get(agent=agent).json()["statements"] == []  # no lookup by real identity
    assert lrs.get().json()["statements"][0]["actor"]["mbox"] == "mailto:amina@example.org"
    call_command("lrs", "share", "--org", "org-a", "--with", "org-c", "--stop", stdout=out)
    assert partner.get().json()["statements"] == []
    with pytest.raises(CommandError, match="already"):
        call_command("lrs", "share", "--org", "org-a", "--with", "org-a")


def test_sharing_across_a_border_asks_the_transfer_gate(lrs, org_a, org_b, agreement):
    """China's pack asks each learner's consent to a transfer abroad, which a shared store
    that gives every statement cannot honour; without an agreement nothing is shared."""
    with pytest.raises(
        CommandError, match=r"allowed only aggregate: .*would be allowed with: A data-sharing"
    ):
        call_command("lrs", "share", "--org", "org-a", "--with", "org-b")
    agreement(
        org_a,
        org_b,
        ["learning-records"],
        safeguards=["impact_assessment", "notify_subjects", "contract_clauses", "authority_filing"],
    )
    with pytest.raises(
        CommandError, match=r"allowed only consented_only: .*consent to a transfer abroad"
    ):
        call_command("lrs", "share", "--org", "org-a", "--with", "org-b")
    assert not services.Share.objects.exists()
    assert TransferDecision.objects.filter(flow="lrs.share").count() == 2


def test_ids_the_lrs_gives_are_time_ordered(lrs):
    """UUIDv7: later statements sort after earlier ones, so their index grows at its end."""
    first = uuid.UUID(lrs.post(answered("a")).json()[0])
    time.sleep(0.002)
    second = uuid.UUID(lrs.post(answered("b")).json()[0])
    assert (first.version, second.version) == (7, 7)
    assert first < second


def test_an_agent_named_twice_is_found_by_each_filter(lrs):
    """The actor is also the instructor: written once as the subject, found by both."""
    a = {"mbox": "mailto:a@example.org"}
    lrs.post(answered("a", context={"instructor": a}))
    lrs.post(answered("b", context={"instructor": a}))
    agent = json.dumps(a)
    assert len(lrs.get(agent=agent).json()["statements"]) == 1
    assert len(lrs.get(agent=agent, related_agents="true").json()["statements"]) == 2
    kinds = Reference.objects.filter(value="mbox:mailto:a@example.org")
    assert sorted(kinds.values_list("kind", flat=True)) == ["agent", "subject"]


def test_a_large_batch_is_written_in_parts_and_found_whole(org_a):
    """Over a thousand reference rows: the inserts go in parts, all in one transaction."""
    client = services.create_client(SYSTEM, org_a, name="t", key="big", secret="big-secret")
    parent = {"parent": [{"id": "http://example.org/course"}]}
    batch = [answered(f"l{n}", f"q{n}", context={"contextActivities": parent}) for n in range(400)]
    ids = services.store(client, batch, "1.0.3")
    assert Statement.objects.filter(organisation=org_a).count() == 400
    assert Reference.objects.filter(statement__organisation=org_a).count() > 1000
    page = services.query(
        client, {"activity": "http://example.org/course", "related_activities": "true"}
    )
    assert {s["id"] for s in page.statements} == set(ids)


@pytest.mark.django_db(transaction=True)  # outside a transaction: one SQL statement
@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_stored_and_timestamp_agree_in_the_json_the_columns_and_the_caller(org_a, version):
    """The database sets ``stored`` on PostgreSQL: the statement's JSON, its columns and
    the statements the caller passed all say the same, to the millisecond, truncated."""
    client = services.create_client(SYSTEM, org_a, name="t", key="t", secret="t-secret-x")
    given = "2026-11-26T10:00:00.1239+08:00"
    batch = [answered(f"l{n}") for n in range(60)] + [answered("s", stored="2001-01-01T00:00:00Z")]
    batch.append(answered("z", timestamp=given))
    ids = services.store(client, batch, version)
    rows = {str(row.statement_id): row for row in Statement.objects.filter(organisation=org_a)}
    for data in batch:
        row = rows[data["id"]]
        assert row.data["stored"] == data["stored"] == writing.iso(row.stored)
        assert row.data["timestamp"] == data["timestamp"]
    untimed, timed = rows[ids[0]], rows[ids[-1]]
    assert untimed.timestamp == untimed.stored
    assert untimed.data["timestamp"] == untimed.data["stored"]
    assert [rows[i].stored for i in ids] == sorted(rows[i].stored for i in ids)
    assert rows[ids[1]].stored - untimed.stored == timedelta(microseconds=1)
    assert timed.timestamp == datetime(2026, 11, 26, 2, 0, 0, 123900, UTC)
    utc = "2026-11-26T02:00:00.123Z"
    assert timed.data["timestamp"] == (utc if version == "2.0.0" else given)


def test_since_and_until_across_a_partners_store(lrs, org_a, sister):
    """The window holds over several organisations' statements, interleaved in time."""
    services.create_client(SYSTEM, sister, name="b", key="b-tool", secret="b-tool-secret")
    services.share(SYSTEM, org_a, sister)
    own = XapiClient("b-tool", "b-tool-secret")
    moments = []
    for n in range(3):
        lrs.post(answered(f"a{n}"))
        own.post(answered(f"b{n}"))
        moments.append(Statement.objects.order_by("-id").first().stored)
    stamp = moments[0].isoformat().replace("+00:00", "Z")
    later = own.get(since=stamp).json()["statements"]
    earlier = own.get(until=stamp).json()["statements"]
    assert len(later) == 4 and len(earlier) == 2
    assert {s["id"] for s in later}.isdisjoint(s["id"] for s in earlier)
    future = moments[-1].isoformat().replace("+00:00", "Z")
    assert own.get(since=future).json()["statements"] == []


@pytest.mark.parametrize("ascending", ["true", "false"])
def test_an_agents_statements_page_by_page_in_either_order(lrs, ascending):
    """The agent filter walks its references in id order: pages follow on, none twice."""
    a = {"mbox": "mailto:a@example.org"}
    mine = [lrs.post(answered("a", f"q{n}")).json()[0] for n in range(7)]
    lrs.post(answered("b", context={"instructor": a}))  # a related agent only
    lrs.post({**answered("c"), "object": {"objectType": "Agent", **a}})  # a as the object
    mine.append(
        lrs.get(agent=json.dumps({"mbox": "mailto:c@example.org"})).json()["statements"][0]["id"]
    )
    seen, url = [], None
    page = lrs.get(agent=json.dumps(a), limit=3, ascending=ascending).json()
    while True:
        seen += [s["id"] for s in page["statements"]]
        url = page["more"]
        if not url:
            break
        page = lrs.http.get(url, headers=lrs.headers).json()
    assert seen == (mine if ascending == "true" else mine[::-1])


@pytest.mark.django_db
def test_stored_stays_after_the_last_even_when_the_clock_is_behind(lrs):
    """A node whose clock stepped back (or a store loaded from elsewhere) still hands out
    later and later ``stored`` times, to single statements and to batches."""
    from datetime import timedelta

    from django.utils import timezone

    from edubridge.records.models import Clock

    lrs.post(answered("a"))
    ahead = timezone.now() + timedelta(hours=1)
    Statement.objects.update(stored=ahead)
    Clock.objects.update(last=ahead)
    lrs.post(answered("b"))
    lrs.post([answered("c"), answered("d")])
    times = list(Statement.objects.order_by("id").values_list("stored", flat=True))
    assert times[0] == ahead and times[1] > ahead
    assert times[1] < times[2] < times[3] <= ahead + timedelta(seconds=1)


@pytest.mark.django_db
def test_a_key_no_client_could_have_is_neither_looked_up_nor_kept(org_a):
    huge = "k" * 6000
    assert services.authenticate(huge, "secret") is None
    assert huge not in services._clients
    assert services.authenticate("later", "later-secret") is None  # probed before it exists
    services.create_client(SYSTEM, org_a, name="later", key="later", secret="later-secret")
    assert services.authenticate("later", "later-secret") is not None


def test_a_share_ends_with_its_agreement(lrs, org_a, sister, operator):
    lrs.post(answered("amina"))
    services.create_client(SYSTEM, sister, name="partner", key="partner", secret="partner-secret")
    partner = XapiClient("partner", "partner-secret")
    services.share(SYSTEM, org_a, sister)
    assert len(partner.get().json()["statements"]) == 1
    from edubridge.governance import services as governance

    governance.revoke(operator, services.Share.objects.get().agreement, org_a, "Study over")
    assert partner.get().json()["statements"] == []
