"""Whether the signed-in person administers a Learning Record Store: the menu shows it."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from edubridge.core.policy import Action, organisations_where


def navigation(request: HttpRequest) -> dict[str, Any]:
    def allowed() -> bool:
        user = request.user
        return bool(user.is_authenticated and organisations_where(user, Action.LRS_MANAGE).exists())

    return {"can_manage_lrs": SimpleLazyObject(allowed)}
