"""The LRS's operations: clients and their credentials, storing statements (validated,
voided, in one transaction a batch) and querying them. The xAPI views and the platform's own
components (practice, training) all write through here."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from edubridge.core import audit, writes
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import Organisation
from edubridge.core.policy import Action, Actor, require
from edubridge.governance import services as governance
from edubridge.records import documents, export, identifiers, validation, writing
from edubridge.records.identifiers import ifi
from edubridge.records.models import (
    Attachment,
    Document,
    LrsClient,
    Reference,
    Scope,
    Share,
    Statement,
)

KEY = re.compile(r"^[A-Za-z0-9._~-]{1,100}$")
MAX_LIMIT = 500  # statements in one page; a client asking 0 or more gets this many
MAX_BATCH = 1000  # statements in one request
RESERVED = "edubridge."  # keys of the platform's own clients
_verified: dict[str, tuple[str, float]] = {}  # sha256(key:secret) -> (secret hash, until)
# A client's row, read once every few seconds per worker instead of on every request: a
# deactivated client is refused by every worker within CLIENT_SECONDS.
_clients: dict[str, tuple[LrsClient | None, float]] = {}
CLIENT_SECONDS = 5.0
# key -> (the xAPI version the shared cache holds for it, until): read for every request,
# the cache (a file, or Redis) was a tenth of a single POST's time on SQLite.
_versions: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field=field)


def create_client(
    by: Actor,
    organisation: Organisation,
    *,
    name: str,
    key: str,
    secret: str,
    scopes: list[str] | None = None,
) -> LrsClient:
    """Credentials for an xAPI tool: HTTP Basic ``key`` and ``secret`` (hashed at rest)."""
    require(by, Action.LRS_MANAGE, organisation)
    if not KEY.fullmatch(key or ""):
        raise _invalid("key", "key: 1 to 100 letters, digits or . _ ~ -")
    if key.startswith(RESERVED):
        raise _invalid("key", f"key: {RESERVED}… is kept for EduBridge's own components")
    if not isinstance(secret, str) or len(secret) < 8:
        raise _invalid("secret", "secret: at least 8 characters")
    chosen = list(scopes or Scope.values)
    unknown = sorted(set(chosen) - set(Scope.values))
    if unknown:
        raise _invalid("scopes", f"scopes: {unknown[0]!r} is not one of {', '.join(Scope.values)}")
    name = (name or key).strip()[:100]
    try:
        with transaction.atomic():
            client = LrsClient.objects.create(
                organisation=organisation,
                name=name,
                key=key,
                secret_hash=make_password(secret),
                scopes=sorted(set(chosen)),
            )
            audit.record(by, "lrs.client.create", client, organisation=organisation, summary=key)
    except IntegrityError as clash:
        raise DomainError(ErrorCode.CONFLICT, f"key: {key!r} is taken", field="key") from clash
    forget_clients()  # a probe of this key a moment ago must not refuse it for 5 seconds
    return client


def deactivate_client(by: Actor, client: LrsClient) -> LrsClient:
    """The client signs in no more; its statements stay."""
    require(by, Action.LRS_MANAGE, client.organisation)
    with transaction.atomic():
        client.active = False
        client.save(update_fields=["active"])
        audit.record(
            by,
            "lrs.client.deactivate",
            client,
            organisation=client.organisation,
            summary=client.key,
        )
    forget_clients()
    return client


def forget_clients() -> None:
    """Drop this worker's memory of clients and verified secrets."""
    with _lock:
        _verified.clear()
        _clients.clear()
        _versions.clear()


def spoken_version(key: str, version: str | None) -> str:
    """The version to answer a client's request in: the request's own, else the one the
    client spoke last (kept in the shared cache, as workers answer in turn). A worker reads
    the cache for a version it saw within ``CLIENT_SECONDS`` only when it differs."""
    cache_key = f"xapi-version:{key}"
    if version is None:
        return str(cache.get(cache_key) or "2.0.0")
    now = timezone.now().timestamp()
    with _lock:
        known = _versions.get(key)
    if known and known[0] == version and known[1] > now:
        return version
    if cache.get(cache_key) != version:
        cache.set(cache_key, version, 24 * 3600)
    with _lock:
        if len(_versions) > 10_000:
            _versions.clear()
        _versions[key] = (version, now + CLIENT_SECONDS)
    return version


def browse(by: Actor, organisation: Organisation, filters: dict[str, str]) -> QuerySet[Statement]:
    """An organisation's statements for its administrators, newest first: ``learner`` (part
    of the actor's identifier), ``verb`` and ``activity`` (part of the IRI), ``since`` and
    ``until`` (dates, on when they were stored)."""
    require(by, Action.LRS_MANAGE, organisation)
    rows = Statement.objects.filter(organisation=organisation).order_by("-id")
    for name, column in (("learner", "actor"), ("verb", "verb"), ("activity", "object")):
        if filters.get(name):
            rows = rows.filter(**{f"{column}__icontains": filters[name][:200]})
    if filters.get("since"):
        rows = rows.filter(stored__date__gte=filters["since"])
    if filters.get("until"):
        rows = rows.filter(stored__date__lte=filters["until"])
    return rows


def platform_client(organisation: Organisation) -> LrsClient:
    """The client EduBridge's own components (practice, training) write with: one per
    organisation, made on first use, with a random secret nobody needs."""
    key = f"{RESERVED}{organisation.slug}"[:100]
    try:
        with transaction.atomic():
            client, _ = LrsClient.objects.get_or_create(
                key=key,
                defaults={
                    "organisation": organisation,
                    "name": "EduBridge",
                    "secret_hash": make_password(None),  # unusable: never signs in over HTTP
                    "scopes": sorted(Scope.values),
                },
            )
    except IntegrityError:  # made at the same moment by another request
        client = LrsClient.objects.get(key=key)
    return client


def record(organisation: Organisation, statement: dict[str, Any]) -> str:
    """Store a statement one of EduBridge's own components made (a practice answer, say)."""
    return store(platform_client(organisation), [copy.deepcopy(statement)], "1.0.3")[0]


def authenticate(key: str, secret: str) -> LrsClient | None:
    """The active client with these credentials. A slow hash guards the secret at rest; a
    verified pair is remembered for ten minutes (while the client keeps that secret), so
    each request does not pay for it."""
    if not KEY.fullmatch(key):  # nothing a client could be called is looked up or kept
        return None
    fingerprint = _fingerprint(key, secret)
    now = timezone.now().timestamp()
    with _lock:
        cached = _clients.get(key)
    if cached and cached[1] > now:
        client: LrsClient | None = cached[0]
    else:
        client = LrsClient.objects.filter(key=key, active=True).first()
        with _lock:
            if len(_clients) > 10_000:
                _clients.clear()
            _clients[key] = (client, now + CLIENT_SECONDS)
    if client is None:
        return None
    with _lock:
        known = _verified.get(fingerprint)
    if known and known[0] == client.secret_hash and known[1] > now:
        return client
    if not check_password(secret, client.secret_hash):
        return None
    with _lock:
        if len(_verified) > 10_000:
            _verified.clear()
        _verified[fingerprint] = (client.secret_hash, now + 600)
    return client


def _fingerprint(key: str, secret: str) -> str:
    return hashlib.sha256(f"{key}:{secret}".encode()).hexdigest()


def verified_recently(key: str, secret: str) -> bool:
    """Whether this pair signed in lately: such a client needs no guard against guessing."""
    with _lock:
        known = _verified.get(_fingerprint(key, secret))
    return known is not None and known[1] > timezone.now().timestamp()


def _comparable(data: dict[str, Any], *, timed: bool) -> str:
    """A statement as the standard compares two with one id: without what the LRS adds,
    and its timestamp as an instant (when the newer one gives one at all)."""
    core = {k: v for k, v in data.items() if k not in ("stored", "authority", "version")}
    core.pop("timestamp", None)
    if timed and "timestamp" in data:
        moment = validation.timestamp(data["timestamp"], "timestamp", "2.0.0")
        core["timestamp"] = writing.iso(moment)
    return json.dumps(core, sort_keys=True)


def _normalise(data: dict[str, Any]) -> None:
    """Context activities as lists, as the standard stores them."""
    for part in (
        data,
        data["object"] if data["object"].get("objectType") == "SubStatement" else {},
    ):
        activities = part.get("context", {}).get("contextActivities", {})
        for kind, given in list(activities.items()):
            if not isinstance(given, list):
                activities[kind] = [given]


def store(
    client: LrsClient,
    statements: list[Any],
    version: str,
    *,
    statement_id: str | None = None,
    files: dict[str, tuple[str, bytes]] | None = None,
) -> list[str]:
    """Validate and store a batch in one transaction: all of it, or nothing. Returns the ids;
    a statement already stored unchanged is not stored again (409 when it differs). The
    statements are the store's from then on: it completes them (id, stored, authority)."""
    if Scope.WRITE not in client.scopes:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "These credentials may not write.")
    if not statements:
        raise _invalid("statements", "statements: send at least one statement")
    if len(statements) > MAX_BATCH:
        raise _invalid("statements", f"statements: at most {MAX_BATCH} in one request")
    if statement_id is not None:
        statement_id = _checked(validation.uuid_string, statement_id, "statementId")
    prepared: list[dict[str, Any]] = []
    given: list[str] = []  # ids the client chose; those the store makes are new by design
    for n, sent in enumerate(statements):
        where = "statement" if len(statements) == 1 else f"statements[{n}]"
        try:
            validation.statement(sent, version)
        except validation.Invalid as error:
            raise _invalid(where, f"{where}: {error}") from error
        data = sent
        _normalise(data)
        if statement_id is not None:
            if "id" in data and data["id"].lower() != statement_id.lower():
                raise _invalid("statementId", "statementId: differs from the statement's id")
            data["id"] = statement_id.lower()
        if data.get("id"):
            given.append(str(data["id"]).lower())
        data["id"] = str(data.get("id") or identifiers.statement_id()).lower()
        prepared.append(data)
    ids = [d["id"] for d in prepared]
    if len(set(ids)) != len(ids):
        raise _invalid("statements", "statements: two statements of the batch share an id")
    try:
        _save(client, prepared, given, version, files or {})
    except IntegrityError:
        if not given:
            raise
        # A writer at the same moment stored one of the ids the client chose: now that it is
        # there, this batch is judged against it (stored already, or 409).
        _save(client, prepared, given, version, files or {})
    return ids


def _save(
    client: LrsClient,
    prepared: list[dict[str, Any]],
    given: list[str],
    version: str,
    files: dict[str, tuple[str, bytes]],
) -> None:
    """Store what is new of a batch, and what it brings (voids, definitions, attachments),
    all or nothing. On PostgreSQL a batch that brings nothing else is written by one SQL
    statement, its own transaction (``writing``)."""
    existing = _stored(client, given) if given else {}
    fresh = []
    for data in prepared:
        old = existing.get(data["id"])
        if old is None:
            fresh.append(data)
        elif _comparable(old, timed="timestamp" in data) != _comparable(data, timed=True):
            raise DomainError(
                ErrorCode.CONFLICT, f"statement {data['id']} is stored already, differently"
            )
    ready = writing.prepare(client, fresh, version)
    defined = [a for data in fresh for a in writing.activities(data)]
    voids = [row["object"] for row in ready.columns if row["verb"] == validation.VOIDED]
    # Inside a caller's transaction, a savepoint lets a batch refused by the unique index
    # be judged again (``store``).
    alone = connection.vendor == "postgresql" and not connection.in_atomic_block
    if alone and not (files or voids or documents.defines(client, defined)):
        writing.write(client, ready)
        return
    with writes.queued(), transaction.atomic():
        # The clock first, as every writer of the organisation takes its locks, then the
        # activities' rows: a transaction that stores twice (training) cannot deadlock.
        writing.hold_clock(client.organisation_id)
        _void(client, voids)
        documents.define(client, defined)
        for sha2, (content_type, content) in files.items():
            Attachment.objects.get_or_create(
                organisation_id=client.organisation_id,
                sha2=sha2,
                defaults={"content_type": content_type, "content": content},
            )
        writing.write(client, ready)


def _void(client: LrsClient, ids: list[str]) -> None:
    """Mark the statements ``ids`` voided (a voiding statement cannot itself be voided)."""
    if not ids:
        return
    targets = Statement.objects.filter(statement_id__in=ids, organisation_id=client.organisation_id)
    if targets.filter(verb=validation.VOIDED).exists():
        raise _invalid("object", "object: a voiding statement cannot itself be voided")
    targets.update(voided=True)


def attachments(client: LrsClient, wanted: set[str]) -> list[tuple[str, str, bytes]]:
    """(sha2, content type, content) of the stored attachments among ``wanted``."""
    rows = Attachment.objects.filter(organisation_id=client.organisation_id, sha2__in=wanted)
    return [(a.sha2, a.content_type, bytes(a.content)) for a in rows]


def _stored(client: LrsClient, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The statements among ``ids`` the organisation has stored already (usually none), by
    id, asked in one plain query: the ORM's compiling of a hundred UUIDs costs more than the
    lookup."""
    table = Statement._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT statement_id, CAST(data AS text) FROM {table} "  # noqa: S608
            f"WHERE organisation_id = %s AND statement_id IN ({marks})",
            [client.organisation_id, *(_uuid(i) for i in ids)],
        )
        return {str(uuid.UUID(str(found))): json.loads(data) for found, data in cursor}


def _uuid(value: str) -> Any:
    parsed = uuid.UUID(value)
    return parsed if connection.features.has_native_uuid_field else parsed.hex


@dataclass(frozen=True)
class Page:
    statements: list[dict[str, Any]]
    more: str  # the token of the next page, "" at the end
    consistent_through: str


def owners(client: LrsClient) -> list[int]:
    """The client's organisation, and those sharing their statements with it under an
    agreement still in force (a share made before the transfer gate has none, and ends)."""
    today = timezone.localdate()
    shared = Share.objects.filter(
        partner_id=client.organisation_id,
        agreement__revoked_at__isnull=True,
        agreement__starts_on__lte=today,
        agreement__expires_on__gte=today,
    ).values_list("owner_id")
    return [client.organisation_id, *(owner for (owner,) in shared)]


def visible(client: LrsClient) -> QuerySet[Statement]:
    if Scope.READ not in client.scopes:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "These credentials may not read.")
    return Statement.objects.filter(organisation_id__in=owners(client))


def as_seen(client: LrsClient, row: Statement) -> dict[str, Any]:
    """A statement as this client may read it: a partner's with every learner pseudonymised."""
    if row.organisation_id == client.organisation_id:
        return row.data
    return export.pseudonymised(row.data, row.organisation)


PSEUDONYMISED = frozenset({"pseudonymise"})


def share(by: Actor, owner: Organisation, partner: Organisation, *, stop: bool = False) -> None:
    """Let ``partner``'s clients read ``owner``'s statements, pseudonymised (or no longer)."""
    require(by, Action.LRS_MANAGE, owner)
    if owner == partner:
        raise _invalid("partner", "partner: an organisation reads its own statements already")
    if not stop:
        # Partners read statements pseudonymised (as_seen); the store gives every statement,
        # so it can meet no other condition.
        decision = governance.require_transfer(
            by, owner, partner, "learning-records", flow="lrs.share", applies=PSEUDONYMISED
        )
    with transaction.atomic():
        if stop:
            Share.objects.filter(owner=owner, partner=partner).delete()
        else:
            Share.objects.update_or_create(
                owner=owner, partner=partner, defaults={"agreement": decision.agreement}
            )
        action = "lrs.share.stop" if stop else "lrs.share"
        audit.record(by, action, owner, organisation=owner, summary=partner.slug)


def get_one(client: LrsClient, statement_id: str, *, voided: bool) -> Statement:
    name = "voidedStatementId" if voided else "statementId"
    statement_id = _checked(validation.uuid_string, statement_id, name)
    found = visible(client).filter(statement_id=statement_id, voided=voided).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"No statement {statement_id}.")
    return found


def query(client: LrsClient, params: dict[str, str]) -> Page:
    """The statements matching xAPI's query parameters, newest first unless ``ascending``;
    ``more`` pages stay stable while others write (they never see later statements).

    As xAPI asks, a statement that targets a matching one (its object a StatementRef to
    it) is returned too, even when the matching one is voided."""
    every = visible(client)
    token = params.get("more")
    if "agent" in (_decode(token)["params"] if token else params):
        # Partners' learners are pseudonyms here: no one finds them by their real identifier.
        every = every.filter(organisation_id=client.organisation_id)
    if token:
        state = _decode(token)
        params, ceiling, after = state["params"], state["ceiling"], state["after"]
    else:
        ceiling = every.order_by("-id").values_list("id", flat=True).first() or 0
        after = None
    organisations = owners(client)
    rows = every.filter(voided=False)
    lead = None
    if {"agent", "verb", "activity", "registration"} & set(params):
        if any(_targets_exist(owner) for owner in organisations):
            matching, _ = _filtered(every.filter(id__lte=ceiling), params)
            targets = matching.values("statement_id")
            rows = rows.filter(
                Q(id__in=matching.filter(voided=False).values("id"))
                | Q(object_type="StatementRef", target__in=targets)
            )
        else:  # nothing targets anything: the plain filters, on their indexes
            rows, lead = _filtered(rows, params, lead=True)
    window = _window(params, organisations)
    if window is None:
        return Page([], "", consistent_through())
    # All the bounds on ids in one range, which the index walks from one end to the other.
    lookups, low, high = window
    high = ceiling if high is None else min(high, ceiling)
    ascending = params.get("ascending") == "true"
    if after is not None:
        low, high = (max(low, after + 1), high) if ascending else (low, min(high, after - 1))
    rows = rows.filter(**lookups)
    if lead is None:
        rows, order = rows.filter(id__gte=low, id__lte=high), "id"
    else:
        # Walk the references of the agent (or activity) newest first, fetching each
        # statement by its key: the index is in id order within a value, so the page ends
        # after its last row, whatever statistics the planner has or lacks.
        kinds, value = lead
        rows = rows.filter(
            references__kind__in=kinds,
            references__value=value,
            references__statement_id__gte=low,
            references__statement_id__lte=high,
        )
        order = "references__statement_id"
    limit = _limit(params.get("limit"))
    page = list(rows.order_by(order if ascending else f"-{order}")[: limit + 1])
    more = ""
    if len(page) > limit:
        page = page[:limit]
        more = _encode({"params": params, "ceiling": ceiling, "after": page[-1].id})
    return Page([as_seen(client, row) for row in page], more, consistent_through())


def consistent_through() -> str:
    """Every statement stored before this moment is in the answers. A write takes its
    ``stored`` time when it starts and commits within moments, so a second ago is safe."""
    return writing.iso(timezone.now() - timedelta(seconds=1))


def _limit(given: str | None) -> int:
    if given is None:
        return MAX_LIMIT
    if not (given.isascii() and given.isdigit()):
        raise _invalid("limit", "limit: a whole number")
    return min(int(given), MAX_LIMIT) or MAX_LIMIT


Referring = tuple[list[str], str]  # kinds of reference, and the value they name


def _filtered(
    rows: QuerySet[Statement], params: dict[str, str], *, lead: bool = False
) -> tuple[QuerySet[Statement], Referring | None]:
    """The statements the filters select. With ``lead``, the first filter that goes through
    the references of one kind (agent, related activity) is returned rather than applied,
    for the caller to walk its index in id order (see ``query``)."""
    referring: list[Referring] = []
    if "agent" in params:
        try:
            agent = validation.loads(params["agent"])
            validation.actor(agent, "agent")
        except (ValueError, RecursionError, validation.Invalid) as error:
            raise _invalid("agent", f"agent: {error}") from error
        related = params.get("related_agents") == "true"
        referring.append((["agent", "subject"] if related else ["subject"], ifi(agent)))
    if "verb" in params:
        rows = rows.filter(verb=_checked(validation.iri, params["verb"], "verb"))
    if "activity" in params:
        activity = _checked(validation.iri, params["activity"], "activity")
        if params.get("related_activities") == "true":
            referring.append((["activity"], activity))
        else:
            rows = rows.filter(object=activity, object_type="Activity")
    if "registration" in params:
        given = _checked(validation.uuid_string, params["registration"], "registration")
        rows = rows.filter(registration=given)
    # One kind only: the index holds each kind's statements in id order, not two together.
    first = next((r for r in referring if len(r[0]) == 1), None) if lead else None
    for kinds, value in referring:
        if (kinds, value) != first:
            rows = rows.filter(id__in=_referring(kinds, value))
    return rows, first


def _targets_exist(organisation_id: int) -> bool:
    """Whether any statement of the organisation points at another, remembered: most never
    do, and then queries keep to their plain indexes."""
    key = f"lrs-targets:{organisation_id}"
    known = cache.get(key)
    if known is None:
        known = Statement.objects.filter(
            organisation_id=organisation_id, target__isnull=False
        ).exists()
        cache.set(key, known, None)
    return bool(known)


def _referring(kinds: list[str], value: str) -> QuerySet[Reference, Any]:
    return Reference.objects.filter(kind__in=kinds, value=value).values("statement_id")


def _window(
    params: dict[str, str], organisations: list[int]
) -> tuple[dict[str, datetime], int, int | None] | None:
    """``since`` and ``until`` as lookups on ``stored``, and the range of ids they amount to
    (lowest, highest), or None when no statement can be in the window. Each organisation's
    ``stored`` grows with its ids, so the ids bound the walk along the primary key that the
    newest-first order takes: SQLite, which cannot tell how few statements are in the
    window, would otherwise read the store from its newest statement on."""
    lookups: dict[str, datetime] = {}
    low, high = 0, None
    for name, lookup in (("since", "stored__gt"), ("until", "stored__lte")):
        if name not in params:
            continue
        try:
            moment = validation.timestamp(params[name], name, "2.0.0")
        except validation.Invalid as error:
            raise _invalid(name, str(error)) from error
        lookups[lookup] = moment
        edge = "stored" if name == "since" else "-stored"
        ends = [
            Statement.objects.filter(organisation_id=owner, **{lookup: moment})
            .order_by(edge)
            .values_list("id", flat=True)
            .first()
            for owner in organisations
        ]
        found = [end for end in ends if end is not None]
        if not found:
            return None
        if name == "since":
            low = min(found)
        else:
            high = max(found)
    return lookups, low, high


def _checked(check: Any, value: str, name: str) -> str:
    try:
        return str(check(value, name))
    except validation.Invalid as error:
        raise _invalid(name, str(error)) from error


def _encode(state: dict[str, Any]) -> str:
    """The next page's address: signed, so a client can neither forge nor alter it."""
    return signing.dumps(state, salt="edubridge.records.more", compress=True)


def _decode(token: str) -> dict[str, Any]:
    try:
        state = signing.loads(token, salt="edubridge.records.more", max_age=24 * 3600)
    except signing.BadSignature as error:
        raise _invalid("more", "more: not a page of this LRS, or too old") from error
    return dict(state)


def _folded(identifier: str) -> str:
    """An agent identifier compared as people mean it: e-mail addresses whatever their case."""
    return identifier.lower() if identifier.startswith(("mbox:", "mbox_sha1sum:")) else identifier


def replace_agents(agents: frozenset[str], replacement: dict[str, Any], texts: list[str]) -> int:
    """Every statement naming one of ``agents`` (identifiers as ``ifi`` gives them, e-mail
    addresses in any case) wherever it stands (actor, object, context, team and group
    members, sub-statements) rewritten with ``replacement`` in its place: a person's erasure,
    keeping the statements for what they count. Statements are found through their
    references and, for members of teams and groups, which references do not list, by
    ``texts`` (the person's address and account names) in their JSON. Their columns and
    references follow; their attachments (a signed statement's JWS holds the original) go.
    The number of statements and documents changed."""
    wanted = {_folded(a) for a in agents}
    found = Q(pk__in=Reference.objects.filter(value__in=agents).values("statement_id"))
    for text in texts:
        found |= Q(text__icontains=text)
    rows = list(Statement.objects.annotate(text=Cast("data", TextField())).filter(found))

    def swap(node: Any) -> Any:
        if isinstance(node, list):
            return [swap(item) for item in node]
        if not isinstance(node, dict):
            return node
        identified = any(k in node for k in ("mbox", "mbox_sha1sum", "openid", "account"))
        if identified and _folded(ifi(node)) in wanted:
            kept = {k: v for k, v in node.items() if k == "objectType"}
            return {**kept, **replacement}
        return {key: swap(value) for key, value in node.items()}

    changed = [row for row in rows if swap(row.data) != row.data]
    with transaction.atomic():
        for row in changed:
            row.data = swap(row.data)
            sha2 = {a.get("sha2") for a in row.data.pop("attachments", []) if isinstance(a, dict)}
            Attachment.objects.filter(organisation_id=row.organisation_id, sha2__in=sha2).delete()
            row.actor = ifi(row.data["actor"])
            row.object = writing.object_key(row.data["object"])[1]
            row.save(update_fields=["data", "actor", "object"])
            row.references.all().delete()
            Reference.objects.bulk_create(
                Reference(statement=row, kind=kind, value=value[:1000])
                for kind, value in sorted(writing.references_of(row.data))
            )
        documents = [
            d.pk for d in Document.objects.all().only("agent") if _folded(d.agent) in wanted
        ]
        Document.objects.filter(pk__in=documents).delete()
    return len(changed) + len(documents)
