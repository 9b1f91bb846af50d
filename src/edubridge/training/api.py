"""Credential verification for programs: the same checks as the page, as JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from edubridge.core.api_auth import anyone
from edubridge.training import credentials

router = Router(tags=["credentials"])


class VerifyIn(Schema):
    credential: str = Field(..., min_length=1, max_length=1_000_000, description="A VC-JWT")


class CheckOut(Schema):
    check: str
    passed: bool | None = Field(..., description="null: not run, an earlier check failed")
    detail: str


class VerifyOut(Schema):
    verified: bool
    failed: str | None = Field(..., description="the first check that failed")
    checks: list[CheckOut]
    credential: dict[str, Any] | None


@router.post("/credentials/verify", response=VerifyOut, auth=anyone)
def verify(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    """Verify an Open Badges 3.0 VC-JWT issued on this node: format, algorithm, key,
    signature, OB 3.0 structure, claims, validity dates and revocation status."""
    return credentials.verify_here(payload.credential).as_dict()
