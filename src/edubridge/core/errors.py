"""Named domain errors shared by services, API, web views and CLI."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "not-found"
    PERMISSION_DENIED = "permission-denied"
    NOT_AUTHENTICATED = "not-authenticated"
    INVALID = "invalid"
    CONFLICT = "conflict"
    PRECONDITION_FAILED = "precondition-failed"
    RATE_LIMITED = "rate-limited"


HTTP_STATUS = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.INVALID: 400,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PRECONDITION_FAILED: 412,
    ErrorCode.RATE_LIMITED: 429,
}


class DomainError(Exception):
    """A refused operation: a code for programs, a message for people, the field at fault."""

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]
