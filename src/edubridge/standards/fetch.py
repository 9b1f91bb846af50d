"""Fetching a CASE package over http(s): a size limit, a total deadline, no other schemes."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

from edubridge.core.errors import DomainError, ErrorCode
from edubridge.standards.case.reader import too_large

_CHUNK = 64 * 1024


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if urlparse(newurl).scheme not in ("http", "https"):
            raise DomainError(
                ErrorCode.INVALID, f"url: redirected to {newurl}, which is not http(s)"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fail(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"url: {message}", field="url")


def fetch(url: str, *, max_bytes: int, timeout: float) -> bytes:
    if urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc:
        raise _fail(f"{url!r} is not an http(s) URL")
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    # The scheme was checked above, and redirects are held to http(s) too.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept": "application/json", "User-Agent": "EduBridge"}
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise _fail(too_large(declared, max_bytes))
            body = bytearray()
            while chunk := response.read(_CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise _fail(too_large(len(body), max_bytes))
                if time.monotonic() > deadline:
                    raise _fail(f"no complete answer within {timeout:.0f} s")
    except urllib.error.HTTPError as exc:
        raise _fail(f"the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _fail(f"could not fetch it: {reason}") from exc
    return bytes(body)
