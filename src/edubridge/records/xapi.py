"""The xAPI HTTP interface at /xapi/: About and Statements, as xAPI 1.0.3 and 2.0 define them.

Every request but About's names its version in ``X-Experience-API-Version`` (1.0.x or
2.0.x) and signs in with an LRS client's HTTP Basic credentials. Refusals are 400 with a
reason, 401, 403, 404, 409 or 412; never 422 or 500. xAPI 1.0.3's alternate request syntax
(a form POSTed with ``?method=``, for browsers that cannot send PUT or headers) is read into
the same request as any other.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from edubridge.core import ratelimit
from edubridge.core.errors import HTTP_STATUS, DomainError
from edubridge.records import documents, formats, multipart, services, validation
from edubridge.records.models import DocumentKind, LrsClient

SUPPORTED = {"1.0": "1.0.3", "2.0": "2.0.0"}
STATEMENT_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
}
FORM_HEADERS = {"Authorization", "X-Experience-API-Version", "Content-Type", "Content-Length"}
FORM_HEADERS |= {"If-Match", "If-None-Match"}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, "
        "X-Experience-API-Version"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
}


class XapiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class XRequest:
    """A request as the resources read it, whichever syntax it came in."""

    method: str
    params: dict[str, str]
    headers: dict[str, str]  # names as the standard writes them
    body: bytes
    content_type: str


def _reply(
    body: Any, status: int = 200, version: str = "2.0.0", headers: dict[str, str] | None = None
) -> HttpResponse:
    if body is None:
        response = HttpResponse(status=status)
    else:
        response = JsonResponse(body, status=status, safe=False)
    for name, value in {**CORS, "X-Experience-API-Version": version, **(headers or {})}.items():
        response[name] = value
    return response


def _read(request: HttpRequest) -> XRequest:
    params = {name: str(value) for name, value in request.GET.items()}
    headers = {name: request.headers.get(name, "") for name in FORM_HEADERS}
    headers["Content-Type"] = request.headers.get("Content-Type", "")
    headers["Accept-Language"] = request.headers.get("Accept-Language", "")
    content_type = (request.content_type or "").lower()
    method = request.method or "GET"
    if "method" in params:
        if method != "POST" or len(params) > 1:
            raise XapiError(400, "method: the alternate syntax is a POST with no other parameter")
        if content_type != "application/x-www-form-urlencoded":
            raise XapiError(400, "method: the alternate syntax sends a form")
        method = params.pop("method").upper()
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        headers["Content-Type"] = "application/json"  # of the content, unless the form says
        for name in FORM_HEADERS:
            if name in form:
                headers[name] = form.pop(name)
        body = form.pop("content", "").encode()
        params.update(form)
        content_type = headers["Content-Type"].split(";")[0].strip().lower()
        return XRequest(method, params, headers, body, content_type)
    return XRequest(method, params, headers, request.body, content_type)


def _version(x: XRequest) -> str:
    given = x.headers.get("X-Experience-API-Version", "").strip()
    if not given:
        raise XapiError(400, "X-Experience-API-Version: the header is required")
    family = ".".join(given.split(".")[:2])
    if family not in SUPPORTED or not all(p.isdigit() for p in given.split(".")):
        raise XapiError(400, f"X-Experience-API-Version: {given!r} is not 1.0.x or 2.0.x")
    return SUPPORTED[family]


def _credentials(x: XRequest) -> tuple[str, str]:
    header = x.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            key, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return key, secret
        except (binascii.Error, UnicodeDecodeError):
            pass
    return "", ""


def _client(request: HttpRequest, x: XRequest) -> LrsClient:
    """The client that signed in. Failed sign-ins are counted per key and per address, as
    for people (core.ratelimit); past the limit, guesses get 429 until the window passes."""
    key, secret = _credentials(x)
    who = f"xapi:{key}"
    if not services.verified_recently(key, secret) and ratelimit.login_blocked(request, who):
        raise XapiError(429, "Too many failed sign-ins with this key or from this address.")
    client = services.authenticate(key, secret)
    if client is None:
        ratelimit.login_failed(request, who)
        raise XapiError(401, "Sign in with the LRS client's key and secret (HTTP Basic).")
    return client


def _remembered(x: XRequest, version: str | None) -> str:
    """The version to answer a request in: its own, else the one its client used last.
    A request without the header gets a 400 in the version the client speaks."""
    return services.spoken_version(_credentials(x)[0], version)


def xapi(handler: Callable[[XRequest, str, LrsClient], HttpResponse]) -> Callable[..., Any]:
    """Version, credentials, CORS and the error format of every xAPI resource."""

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return _reply(None, 200)
        version = "2.0.0"
        reading = request.method in ("GET", "HEAD")
        try:
            x = _read(request)
            reading = x.method in ("GET", "HEAD")
            try:
                version = _version(x)
            except XapiError:
                version = _remembered(x, None)
                raise
            client = _client(request, x)
            _remembered(x, version)  # only for clients that signed in
            if version.startswith("2.") and request.GET.get("method"):
                raise XapiError(400, "method: xAPI 2.0 has no alternate request syntax")
            response = handler(x, version, client)
        except XapiError as error:
            response = _reply({"error": str(error)}, error.status, version)
            if error.status == 401:
                response["WWW-Authenticate"] = 'Basic realm="xAPI"'
            if error.status == 429:
                response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW)
        except DomainError as error:
            response = _reply({"error": error.message}, HTTP_STATUS[error.code], version)
        if reading and "X-Experience-API-Consistent-Through" not in response:
            response["X-Experience-API-Consistent-Through"] = services.consistent_through()
        if request.method == "HEAD":
            response.content = b""
        return response

    return view


def about(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return _reply({"error": "About is read-only"}, 405)
    return _reply({"version": ["1.0.3", "2.0.0"], "extensions": {}})


def _params(x: XRequest, allowed: set[str]) -> dict[str, str]:
    unknown = sorted(set(x.params) - allowed)
    if unknown:
        raise XapiError(400, f"{unknown[0]}: not a parameter of this resource")
    return x.params


def _json(x: XRequest) -> Any:
    if x.content_type != "application/json":
        raise XapiError(400, f"Content-Type: {x.content_type or 'none'}, not application/json")
    return parse_json(x.body or b"null", "The body")


def parse_json(raw: bytes | str, what: str) -> Any:
    """JSON as the standard has it: no NaN or Infinity, and not nested past reason."""
    try:
        return validation.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise XapiError(400, f"{what} is not JSON: {reason}") from error


def _statements_in(x: XRequest, version: str) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """The body's statements, and the attachments' parts when it is multipart/mixed."""
    if x.content_type == "multipart/mixed":
        body, files = multipart.parse(x.body, x.headers.get("Content-Type", ""))
    else:
        body, files = _json(x), {}
    multipart.check(body if isinstance(body, list) else [body], files, version)
    return body, files


@xapi
def statements(x: XRequest, version: str, client: LrsClient) -> HttpResponse:
    params = _params(x, STATEMENT_PARAMS)
    if x.method == "PUT":
        statement_id = params.get("statementId")
        if not statement_id:
            raise XapiError(400, "statementId: required to PUT a statement")
        body, files = _statements_in(x, version)
        services.store(client, [body], version, statement_id=statement_id, files=files)
        return _reply(None, 204, version)
    if x.method == "POST":
        body, files = _statements_in(x, version)
        batch = body if isinstance(body, list) else [body]
        return _reply(services.store(client, batch, version, files=files), 200, version)
    if x.method in ("GET", "HEAD"):
        return _get(client, params, version, x.headers.get("Accept-Language", ""))
    raise XapiError(405, f"{x.method} is not a method of the Statements resource")


def _with_attachments(
    client: LrsClient, document: Any, found: list[dict[str, Any]], response: HttpResponse
) -> HttpResponse:
    """The same answer as multipart/mixed, the attachments' contents after the JSON."""
    wanted = {
        str(a.get("sha2", "")).lower()
        for statement in found
        for a in statement.get("attachments", []) or []
    }
    files = services.attachments(client, wanted)
    body, content_type = multipart.response(document, files)
    out = HttpResponse(body, content_type=content_type, status=response.status_code)
    for name, value in response.items():
        if name.lower() not in ("content-type", "content-length"):
            out[name] = value
    return out


def _get(client: LrsClient, params: dict[str, str], version: str, languages: str) -> HttpResponse:
    form = params.get("format", "exact")
    if form not in formats.FORMATS:
        raise XapiError(400, f"format: {form!r} is not ids, exact or canonical")
    shape = formats.shaper(form, version, languages)
    attached = params.get("attachments", "false") == "true"
    if params.get("attachments", "false") not in ("true", "false"):
        raise XapiError(400, "attachments: true or false")
    single = params.get("statementId") or params.get("voidedStatementId")
    if single:
        if "statementId" in params and "voidedStatementId" in params:
            raise XapiError(400, "statementId and voidedStatementId: give one of them")
        extra = sorted(set(params) - {"statementId", "voidedStatementId", "format", "attachments"})
        if extra:
            raise XapiError(400, f"{extra[0]}: not allowed with a statement id")
        found = services.get_one(client, single, voided="voidedStatementId" in params)
        stored = found.stored.strftime("%a, %d %b %Y %H:%M:%S GMT")
        through = services.consistent_through()
        headers = {"Last-Modified": stored, "X-Experience-API-Consistent-Through": through}
        document = shape(services.as_seen(client, found))
        response = _reply(document, 200, version, headers)
        if attached:
            return _with_attachments(client, document, [found.data], response)
        return response
    page = services.query(client, params)
    more = f"/xapi/statements?{urlencode({'more': page.more})}" if page.more else ""
    result = {"statements": [shape(s) for s in page.statements], "more": more}
    response = _reply(
        result, 200, version, {"X-Experience-API-Consistent-Through": page.consistent_through}
    )
    if attached:
        return _with_attachments(client, result, page.statements, response)
    return response


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise XapiError(400, f"{name}: required")
    return value


def _since(params: dict[str, str]) -> datetime | None:
    if "since" not in params:
        return None
    try:
        return validation.timestamp(params["since"], "since", "2.0.0")
    except validation.Invalid as error:
        raise XapiError(400, str(error)) from error


def _document_response(
    x: XRequest, version: str, client: LrsClient, where: documents.Where, name: str
) -> HttpResponse:
    """GET, PUT, POST and DELETE of one kind of document, ``name`` being its id parameter."""
    params = x.params
    document_id = params.get(name)
    if x.method in ("GET", "HEAD"):
        since = _since(params)
        if document_id is None:
            return _reply(documents.ids(client, where, since), 200, version)
        found = documents.get(client, where, document_id)
        response = HttpResponse(bytes(found.content), content_type=found.content_type)
        for header, value in {
            **CORS,
            "X-Experience-API-Version": version,
            "ETag": f'"{found.etag}"',
            "Last-Modified": found.updated.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        }.items():
            response[header] = value
        return response
    if x.method in ("PUT", "POST"):
        if document_id is None:
            raise XapiError(400, f"{name}: required to write a document")
        documents.write(
            client,
            where,
            document_id,
            x.body,
            x.content_type,
            merge=x.method == "POST",
            if_match=x.headers.get("If-Match", ""),
            if_none_match=x.headers.get("If-None-Match", ""),
            strict=version.startswith("1."),
        )
        return _reply(None, 204, version)
    if x.method == "DELETE":
        if document_id is None and where.kind != DocumentKind.STATE:
            raise XapiError(400, f"{name}: required to delete a profile")
        documents.delete(client, where, document_id, if_match=x.headers.get("If-Match", ""))
        return _reply(None, 204, version)
    raise XapiError(405, f"{x.method} is not a method of this resource")


def _activity_id(params: dict[str, str]) -> str:
    given = _required(params, "activityId")
    try:
        return validation.iri(given, "activityId")
    except validation.Invalid as error:
        raise XapiError(400, str(error)) from error


def _registration(params: dict[str, str]) -> str:
    if "registration" not in params:
        return ""
    try:
        return validation.uuid_string(params["registration"], "registration")
    except validation.Invalid as error:
        raise XapiError(400, str(error)) from error


@xapi
def state(x: XRequest, version: str, client: LrsClient) -> HttpResponse:
    params = _params(x, {"activityId", "agent", "registration", "stateId", "since"})
    activity = _activity_id(params)
    _, agent = documents.agent_of(_required(params, "agent"))
    where = documents.Where(DocumentKind.STATE, activity, agent, _registration(params))
    return _document_response(x, version, client, where, "stateId")


@xapi
def activity_profile(x: XRequest, version: str, client: LrsClient) -> HttpResponse:
    params = _params(x, {"activityId", "profileId", "since"})
    where = documents.Where(DocumentKind.ACTIVITY_PROFILE, activity=_activity_id(params))
    return _document_response(x, version, client, where, "profileId")


@xapi
def agent_profile(x: XRequest, version: str, client: LrsClient) -> HttpResponse:
    params = _params(x, {"agent", "profileId", "since"})
    _, agent = documents.agent_of(_required(params, "agent"))
    where = documents.Where(DocumentKind.AGENT_PROFILE, agent=agent)
    return _document_response(x, version, client, where, "profileId")


@xapi
def agents(x: XRequest, version: str, client: LrsClient) -> HttpResponse:
    params = _params(x, {"agent"})
    if x.method not in ("GET", "HEAD"):
        raise XapiError(405, "The Agents resource is read-only")
    agent, _ = documents.agent_of(_required(params, "agent"))
    return _reply(documents.person(agent), 200, version)


@xapi
def activities(x: XRequest, version: str, client: LrsClient) -> HttpResponse:
    params = _params(x, {"activityId"})
    if x.method not in ("GET", "HEAD"):
        raise XapiError(405, "The Activities resource is read-only")
    return _reply(documents.activity(client, _activity_id(params)), 200, version)
