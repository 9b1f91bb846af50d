"""Counting failed sign-ins per username and per client address in the shared cache."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _keys(request: HttpRequest, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    return [f"login-fail:user:{username.lower()[:150]}", f"login-fail:addr:{address}"]


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
