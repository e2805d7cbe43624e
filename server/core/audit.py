"""Writing the audit log: who changed what, when, with the record before and after.

Call `record` inside the same transaction as the change, so that a change and its
audit entry are committed together or not at all.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.models import Model

from models import AuditLog, User


def snapshot(obj: Model | None, *, exclude: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """A JSON-safe dict of a model's database fields (secrets excluded by the caller)."""
    if obj is None:
        return None
    out: dict[str, Any] = {}
    for name in obj._meta.db_fields:
        if name in exclude:
            continue
        out[name] = _plain(getattr(obj, name))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


async def record(
    actor: User | None,
    action: str,
    entity: Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    enterprise_id: int | None = None,
    ip: str = "",
) -> AuditLog:
    return await AuditLog.create(
        actor=actor,
        actor_label=str(actor) if actor else "系统",
        action=action,
        entity=type(entity).__name__,
        entity_id=str(entity.pk),
        enterprise_id=enterprise_id,
        before=before,
        after=after,
        ip=ip,
    )
