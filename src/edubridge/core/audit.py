"""Writing the append-only audit log; services call :func:`record` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from edubridge.core.models import AuditEntry, Organisation


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """The JSON-safe values of ``fields`` for a before/after summary."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        values[name] = value.pk if isinstance(value, Model) else value
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    actor: Any,
    action: str,
    target: Model | None,
    *,
    organisation: Organisation | None,
    changes: dict[str, list[Any]] | None = None,
    summary: str | None = None,
) -> AuditEntry:
    user = actor if isinstance(getattr(actor, "pk", None), int) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=str(getattr(actor, "username", None) or actor)[:150],
        organisation=organisation,
        action=action,
        target_type=target._meta.label_lower if target is not None else "node",
        target_id=str(target.pk) if target is not None else "",
        summary=(summary or str(target or ""))[:300],
        changes=changes or {},
    )
