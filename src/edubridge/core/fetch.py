"""Fetching a document over http(s): a size limit, a total deadline, no other schemes.

Used for CASE packages and OAI-PMH harvests. Imports started from the web refuse hosts that
resolve to private, loopback, link-local or reserved addresses (on every redirect too), so a
curator cannot make the node read its own network. Operators on the command line may import
from anywhere.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

from edubridge.core.errors import DomainError, ErrorCode

_CHUNK = 16 * 1024


def too_large(size: int, max_bytes: int) -> str:
    return f"the file has {size / 1e6:.1f} MB; this node accepts {max_bytes / 1e6:.0f} MB"


def _fail(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"url: {message}", field="url")


def check_url(url: str, *, public_only: bool) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise _fail(f"{url!r} is not an http(s) URL")
    if not public_only:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parsed.hostname, parsed.port or 443)}
    except (OSError, UnicodeError) as exc:
        raise _fail(f"cannot resolve {parsed.hostname}") from exc
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if not ip.is_global:
            raise _fail(
                f"{parsed.hostname} is a private or local address; ask an operator to import it"
            )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, public_only: bool) -> None:
        self.public_only = public_only

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if urlparse(newurl).scheme not in ("http", "https"):
            raise _fail(f"redirected to {newurl}, which is not http(s)")
        check_url(newurl, public_only=self.public_only)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    public_only: bool = False,
    accept: str = "application/json",
) -> bytes:
    check_url(url, public_only=public_only)
    opener = urllib.request.build_opener(_CheckedRedirects(public_only))
    # The scheme was checked above, and redirects are held to http(s) too.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept": accept, "User-Agent": "EduBridge"}
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdecimal() and int(declared) > max_bytes:
                raise _fail(too_large(int(declared), max_bytes))
            body = bytearray()
            # read1 returns what has arrived, so a slow trickle cannot outlast the deadline.
            while chunk := response.read1(_CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise _fail(too_large(len(body), max_bytes))
                if time.monotonic() > deadline:
                    raise _fail(f"no complete answer within {timeout:.0f} s")
    except urllib.error.HTTPError as exc:
        raise _fail(f"the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, http.client.HTTPException, ValueError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _fail(f"could not fetch it: {reason}") from exc
    return bytes(body)
