"""The consumer complaints queue: open ones first; supervision handles them with a note.

Complaints are created by the public scan page (`POST /trace/{code}/complaints`); here
supervision reads and closes them. Handling is recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from models import Complaint
from models.enums import ComplaintStatus
from server.core import audit, clock
from server.core.context import ServiceContext
from server.core.errors import Conflict, NotFound, ValidationError
from server.core.permissions import require_supervision
from server.core.validation import Fields, text

NOTE_MAX = 1000
MAX_PAGE = 500


@dataclass
class ComplaintPage:
    items: list[Complaint]
    total: int
    open: int
    handled: int
    limit: int
    offset: int


def parse_status(raw: str | None) -> ComplaintStatus | None:
    if not raw or raw == "all":
        return None
    try:
        return ComplaintStatus(raw)
    except ValueError:
        raise ValidationError(fields={"status": "状态应为 open、handled 或 all"}) from None


async def list_complaints(ctx: ServiceContext, status: ComplaintStatus | None, *,
                          limit: int = 50, offset: int = 0) -> ComplaintPage:
    require_supervision(ctx.actor)
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    query = Complaint.all()
    if status is not None:
        query = query.filter(status=status)
    total = await query.count()
    items = await query.order_by("-created_at", "-id").offset(offset).limit(limit) \
        .prefetch_related("enterprise", "handled_by")
    return ComplaintPage(
        items, total,
        await Complaint.filter(status=ComplaintStatus.OPEN).count(),
        await Complaint.filter(status=ComplaintStatus.HANDLED).count(),
        limit, offset)


async def get_complaint(ctx: ServiceContext, complaint_id: int) -> Complaint:
    require_supervision(ctx.actor)
    complaint = await Complaint.get_or_none(id=complaint_id).prefetch_related(
        "enterprise", "handled_by", "trace_code")
    if complaint is None:
        raise NotFound("该投诉不存在")
    return complaint


async def handle_complaint(ctx: ServiceContext, complaint_id: int, data: dict) -> Complaint:
    """Mark an open complaint handled, with what was done (409 if already handled)."""
    actor = require_supervision(ctx.actor)
    f = Fields(data)
    note = f.required("note", "处理结果", text(NOTE_MAX, "处理结果"))
    f.raise_if_invalid()
    async with in_transaction():
        complaint = await Complaint.select_for_update().get_or_none(id=complaint_id)
        if complaint is None:
            raise NotFound("该投诉不存在")
        if complaint.status == ComplaintStatus.HANDLED:
            raise Conflict("该投诉已处理，不能重复处理")
        before = audit.snapshot(complaint)
        complaint.status = ComplaintStatus.HANDLED
        complaint.handled_by = actor
        complaint.handled_at = clock.now()
        complaint.handling_note = note
        await complaint.save()
        await audit.record(actor, "complaint.handle", complaint, before=before,
                           after=audit.snapshot(complaint),
                           enterprise_id=complaint.enterprise_id, ip=ctx.ip)
    return await get_complaint(ctx, complaint_id)


def complaint_json(c: Complaint) -> dict[str, Any]:
    enterprise = getattr(c, "_enterprise", None)
    handled_by = getattr(c, "_handled_by", None)
    return {
        "id": c.id, "status": c.status.value, "status_label": c.status.label,
        "text": c.text, "contact": c.contact, "code": c.code_text,
        "enterprise_id": c.enterprise_id,
        "enterprise_name": enterprise.name if enterprise is not None else None,
        "created_at": c.created_at, "handled_at": c.handled_at,
        "handled_by": handled_by.name if handled_by is not None else None,
        "handling_note": c.handling_note,
    }
