"""Figures no report can measure (产业强镇, investment attracted): entered by supervision.

Each entry is the figure as of a date, with a note saying where it comes from; the
latest entry on or before a date is the figure at that date (so a correction is a new
entry, and a mistaken one can be deleted, both recorded in the audit log). Only targets
whose measure is `manual` in the county file take entries.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from models import TargetEntry
from models.rules import RuleError
from models.rules.dates import parse_date
from models.rules.numbers import parse_decimal
from server.core import audit, clock
from server.core.context import ServiceContext
from server.core.county import Target
from server.core.errors import NotFound, ValidationError
from server.core.permissions import require_supervision
from server.core.validation import Fields, text

NOTE_MAX = 500


def manual_target(ctx: ServiceContext, key: str) -> Target:
    target = ctx.county.target(key)
    if target is None:
        raise NotFound("规划中没有该目标")
    if target.measure != "manual":
        raise ValidationError("该目标由填报数据自动计算，不能手工录入",
                              fields={"target": "该目标由填报数据自动计算，不能手工录入"})
    return target


async def list_entries(ctx: ServiceContext, key: str) -> list[TargetEntry]:
    require_supervision(ctx.actor)
    manual_target(ctx, key)
    return await TargetEntry.filter(target_key=key).order_by("-as_of", "-id") \
        .prefetch_related("entered_by")


def _not_future(today: date):
    def parse(raw: Any) -> date:
        value = parse_date(raw, "截至日期")
        if value > today:
            raise RuleError("截至日期不能晚于今天")
        return value

    return parse


async def add_entry(ctx: ServiceContext, key: str, data: dict) -> TargetEntry:
    """Record the figure of a manual target as of a date, with its source note."""
    require_supervision(ctx.actor)
    target = manual_target(ctx, key)
    f = Fields(data)
    value = f.required("value", f"数值（{target.unit}）",
                       lambda v: parse_decimal(v, "数值", places=4))
    as_of = f.required("as_of", "截至日期", _not_future(clock.today()))
    note = f.required("note", "说明（数据来源）", text(NOTE_MAX, "说明"))
    f.raise_if_invalid()
    async with in_transaction():
        entry = await TargetEntry.create(target_key=key, value=value, as_of=as_of, note=note,
                                         entered_by=ctx.actor)
        await audit.record(ctx.actor, "target_entry.create", entry,
                           after=audit.snapshot(entry), ip=ctx.ip)
    return entry


async def delete_entry(ctx: ServiceContext, key: str, entry_id: int) -> None:
    require_supervision(ctx.actor)
    manual_target(ctx, key)
    async with in_transaction():
        entry = await TargetEntry.get_or_none(id=entry_id, target_key=key)
        if entry is None:
            raise NotFound("该录入记录不存在")
        before = audit.snapshot(entry)
        await audit.record(ctx.actor, "target_entry.delete", entry, before=before, ip=ctx.ip)
        await entry.delete()


async def latest_entries(keys: list[str], as_of: date) -> dict[str, TargetEntry]:
    """The latest entry on or before `as_of` of each key (a small table: one query)."""
    if not keys:
        return {}
    entries = await TargetEntry.filter(target_key__in=keys, as_of__lte=as_of) \
        .order_by("target_key", "-as_of", "-id")
    latest: dict[str, TargetEntry] = {}
    for entry in entries:
        latest.setdefault(entry.target_key, entry)
    return latest


def entry_json(entry: TargetEntry) -> dict[str, Any]:
    entered_by = getattr(entry, "_entered_by", None)   # set when fetched or created with it
    return {"id": entry.id, "target_key": entry.target_key, "value": _plain(entry.value),
            "as_of": entry.as_of, "note": entry.note,
            "entered_by": entered_by.name if entered_by is not None else None,
            "created_at": entry.created_at}


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
