"""The xAPI HTTP interface at /xapi/: About and Statements, as xAPI 1.0.3 and 2.0 define them.

Every request but About's names its version in ``X-Experience-API-Version`` (1.0.x or
2.0.x) and signs in with an LRS client's HTTP Basic credentials. Refusals are 400 with a
reason, 401, 403, 404, 409 or 412; never 422 or 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from edubridge.core.errors import HTTP_STATUS, DomainError
from edubridge.records import services
from edubridge.records.models import LrsClient

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


def _version(request: HttpRequest) -> str:
    given = request.headers.get("X-Experience-API-Version", "").strip()
    if not given:
        raise XapiError(400, "X-Experience-API-Version: the header is required")
    family = ".".join(given.split(".")[:2])
    if family not in SUPPORTED or not all(p.isdigit() for p in given.split(".")):
        raise XapiError(400, f"X-Experience-API-Version: {given!r} is not 1.0.x or 2.0.x")
    return SUPPORTED[family]


def _client(request: HttpRequest) -> LrsClient:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            key, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            key = secret = ""
        client = services.authenticate(key, secret)
        if client is not None:
            return client
    raise XapiError(401, "Sign in with the LRS client's key and secret (HTTP Basic).")


def xapi(handler: Callable[[HttpRequest, str, LrsClient], HttpResponse]) -> Callable[..., Any]:
    """Version, credentials, CORS and the error format of every xAPI resource."""

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return _reply(None, 200)
        version = "2.0.0"
        try:
            version = _version(request)
            client = _client(request)
            return handler(request, version, client)
        except XapiError as error:
            response = _reply({"error": str(error)}, error.status, version)
            if error.status == 401:
                response["WWW-Authenticate"] = 'Basic realm="xAPI"'
            return response
        except DomainError as error:
            return _reply({"error": error.message}, HTTP_STATUS[error.code], version)

    return view


def about(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return _reply({"error": "About is read-only"}, 405)
    return _reply({"version": ["1.0.3", "2.0.0"], "extensions": {}})


def _params(request: HttpRequest) -> dict[str, str]:
    params = {name: str(value) for name, value in request.GET.items()}
    unknown = sorted(set(params) - STATEMENT_PARAMS)
    if unknown:
        raise XapiError(400, f"{unknown[0]}: not a parameter of the Statements resource")
    return params


def _body(request: HttpRequest) -> Any:
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise XapiError(400, f"Content-Type: {content_type or 'none'}, not application/json")
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise XapiError(400, f"The body is not JSON: {error}") from error


@xapi
def statements(request: HttpRequest, version: str, client: LrsClient) -> HttpResponse:
    params = _params(request)
    if request.method == "PUT":
        statement_id = params.get("statementId")
        if not statement_id:
            raise XapiError(400, "statementId: required to PUT a statement")
        services.store(client, [_body(request)], version, statement_id=statement_id)
        return _reply(None, 204, version)
    if request.method == "POST":
        body = _body(request)
        batch = body if isinstance(body, list) else [body]
        return _reply(services.store(client, batch, version), 200, version)
    if request.method in ("GET", "HEAD"):
        response = _get(client, params, version)
        if request.method == "HEAD":
            response.content = b""
        return response
    raise XapiError(405, f"{request.method} is not a method of the Statements resource")


def _get(client: LrsClient, params: dict[str, str], version: str) -> HttpResponse:
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
        return _reply(found.data, 200, version, headers)
    page = services.query(client, params)
    more = f"/xapi/statements?{urlencode({'more': page.more})}" if page.more else ""
    return _reply(
        {"statements": page.statements, "more": more},
        200,
        version,
        {"X-Experience-API-Consistent-Through": page.consistent_through},
    )
