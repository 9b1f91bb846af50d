"""Counting failed sign-ins per username and per client address in the shared cache."""

import hashlib
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The caller's address; behind EDUBRIDGE_PROXY_HOPS trusted proxies, the one they saw."""
    hops = settings.PROXY_HOPS
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if hops and len(forwarded) >= hops and forwarded[-hops]:
        return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


def _keys(request: HttpRequest, username: str) -> list[str]:
    # " Li.Wei" and "li.wei" are one target: count them together, whatever the form strips.
    folded = unicodedata.normalize("NFKC", username).strip().casefold()
    user = hashlib.sha256(folded.encode()).hexdigest()[:32]
    return [f"login-fail:user:{user}", f"login-fail:addr:{client_address(request)}"]


def login_blocked(request: HttpRequest, username: str) -> bool:
    limit = settings.LOGIN_MAX_FAILURES
    user_key, addr_key = _keys(request, username)
    counts = cache.get_many([user_key, addr_key])
    # An address may try a few usernames (a shared school network), a username only `limit`.
    return counts.get(user_key, 0) >= limit or counts.get(addr_key, 0) >= 4 * limit


def login_failed(request: HttpRequest, username: str) -> None:
    for key in _keys(request, username):
        if not cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def login_succeeded(request: HttpRequest, username: str) -> None:
    cache.delete(_keys(request, username)[0])
