"""RFC 9457 problem documents for every API error."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from edubridge.core.errors import DomainError, ErrorCode

logger = logging.getLogger("edubridge.api")
CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
}
CODES = {
    400: "bad-request",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    409: "conflict",
    422: "invalid",
    429: "rate-limited",
}


def problem(
    request: HttpRequest, status: int, detail: str, *, code: str | None = None, **extra: Any
) -> HttpResponse:
    code = code or CODES.get(status, "error")
    body = {
        "type": f"urn:edubridge:problem:{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "code": code,
        **extra,
    }
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)


def _field(loc: list[Any]) -> str:
    # Ninja puts the parameter's source and name first ("body", "payload"); keep the field path.
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"] and len(parts) > 2:
        parts = parts[2:]
    elif parts[:1] in (["query"], ["path"]):
        parts = parts[1:]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field(e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors
        ]
        first = errors[0] if errors else {"field": "", "message": "invalid input"}
        return problem(request, 422, f"{first['field']}: {first['message']}", errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(request, 401, "Sign in, or send a valid token as 'Authorization: Bearer'.")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(request, exc.status_code, exc.message)

    @api.exception_handler(DomainError)
    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        extra = {"field": exc.field} if exc.field else {}
        return problem(request, exc.status, exc.message, code=exc.code.value, **extra)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(request, 404, str(exc) or "No such object.", code=ErrorCode.NOT_FOUND)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(
            request, 413, "The request body is larger than this node accepts.", code="too-large"
        )

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged in full for the operator; the caller learns only that nothing was half-saved.
        logger.exception("API error on %s", request.path)
        return problem(
            request, 500, "Server error: nothing was changed. The operator has the details."
        )

    @api.exception_handler(PermissionDenied)
    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(request, 403, str(exc) or "You do not have permission to do this.")
