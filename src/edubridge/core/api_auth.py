"""API authentication: a personal token (``Authorization: Bearer ebt_…``) or the web session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security.http import HttpAuthBase
from ninja.utils import check_csrf

from edubridge.core.services import authenticate_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiAuth(HttpAuthBase):
    """With ``required=False`` an anonymous caller gets through as AnonymousUser.

    A token that is present but wrong is always refused, never treated as anonymous.
    """

    openapi_scheme = "bearer"

    def __init__(self, *, required: bool = True) -> None:
        super().__init__()
        self.required = required

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if header:
            scheme, _, secret = header.partition(" ")
            user = authenticate_token(secret.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                raise AuthenticationError()
            request.user = user
            return user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
            return user
        return None if self.required else AnonymousUser()


class AuthedRequest(HttpRequest):
    """A request that went through :class:`ApiAuth`: ``auth`` is the caller."""

    auth: User | AnonymousUser


signed_in = ApiAuth()
anyone = ApiAuth(required=False)
