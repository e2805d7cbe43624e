"""Products, batches, their trace events and codes: the rules staff work under.

Staff of an enterprise create its products and batches, record each batch's history
(append-only: a correction is a new event pointing at the old one), issue signed codes
in bulk and print labels; supervision reads everything and may void a code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from models import Batch, Certification, Complaint, Enterprise, Product, TraceCode, TraceEvent
from models.enums import CertificateKind, CodeStatus, EventType
from models.rules import RuleError
from models.rules.dates import parse_date
from models.rules.gtin import parse_gtin
from models.rules.numbers import parse_count, parse_quantity
from models.rules.trace import parse_batch_no, parse_event_time
from models.rules.validity import certificate_validity
from qr import codes as trace_codes
from qr.fonts import INSTALL_HINT, FontMissing, font_file
from qr.labels import LabelInfo
from server.core import audit, clock, throttle
from server.core.context import ServiceContext
from server.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
)
from server.core.permissions import (
    is_staff_of,
    is_supervision,
    require_enterprise_reader,
    require_enterprise_staff,
    require_login,
)
from server.core.validation import Fields, text
from server.features.enterprises.service import industry_parser

log = logging.getLogger(__name__)
MAX_CODES_PER_REQUEST = 100_000
COMPLAINT_WINDOW = timedelta(hours=1)
INSERT_BATCH = 5_000


# -- JSON shapes shared by the API and the tests ------------------------------------------

def product_json(p: Product, ctx: ServiceContext) -> dict[str, Any]:
    industry = ctx.county.industry(p.industry)
    return {
        "id": p.id, "enterprise_id": p.enterprise_id, "name": p.name,
        "industry": p.industry, "industry_name": industry.name if industry else p.industry,
        "spec": p.spec, "gtin": p.gtin, "certification_id": p.certification_id,
        "created_at": p.created_at,
    }


def quantity_str(value: Decimal) -> str:
    """A quantity without trailing zeros ("300.5", "1200"): it is not money."""
    return format(value.normalize(), "f")


def batch_json(b: Batch) -> dict[str, Any]:
    return {
        "id": b.id, "product_id": b.product_id, "batch_no": b.batch_no,
        "production_date": b.production_date, "quantity": quantity_str(b.quantity),
        "quantity_unit": b.quantity_unit, "origin": b.origin, "created_at": b.created_at,
    }


def event_json(e: TraceEvent) -> dict[str, Any]:
    return {
        "id": e.id, "batch_id": e.batch_id, "type": e.type.value, "type_label": e.type.label,
        "at": e.at, "location": e.location, "note": e.note,
        "operator_name": e.operator_name, "corrects": e.corrects_id,
        "created_at": e.created_at,
    }


def code_url(ctx: ServiceContext, code: str) -> str:
    return f"{ctx.settings.PUBLIC_BASE_URL.rstrip('/')}/t/{code}"


def digital_link(ctx: ServiceContext, gtin: str, batch_no: str, code: str) -> str:
    """GS1 Digital Link URI; its (21) serial is the signed code, so it cannot be guessed."""
    return f"{ctx.settings.PUBLIC_BASE_URL.rstrip('/')}/01/{gtin}/10/{batch_no}/21/{code}"


def code_json(ctx: ServiceContext, c: TraceCode) -> dict[str, Any]:
    return {
        "code": c.code, "url": code_url(ctx, c.code), "serial": c.serial,
        "batch_id": c.batch_id, "status": c.status.value, "status_label": c.status.label,
        "void_reason": c.void_reason, "voided_at": c.voided_at,
        "scan_count": c.scan_count, "first_scan_at": c.first_scan_at,
        "last_scan_at": c.last_scan_at,
    }


# -- loading with permission checks -------------------------------------------------------

async def get_product(ctx: ServiceContext, product_id: int, *, write: bool = False) -> Product:
    product = await Product.get_or_none(id=product_id)
    _check(ctx, product.enterprise_id if product else None, write=write)
    if product is None:
        raise NotFound("产品不存在")
    return product


async def get_batch(ctx: ServiceContext, batch_id: int, *, write: bool = False) -> Batch:
    batch = await Batch.get_or_none(id=batch_id).select_related("product")
    _check(ctx, batch.product.enterprise_id if batch else None, write=write)
    if batch is None:
        raise NotFound("批次不存在")
    return batch


def _check(ctx: ServiceContext, enterprise_id: int | None, *, write: bool) -> None:
    """Staff of the owner (and, to read, supervision). Staff asking for what is not
    their enterprise's get 403 whether or not it exists."""
    user = require_login(ctx.actor)
    if enterprise_id is None:
        if is_supervision(user) and not write:
            return          # the caller answers 404
        raise Forbidden("只能操作本企业的产品和批次")
    if write:
        require_enterprise_staff(user, enterprise_id)
    else:
        require_enterprise_reader(user, enterprise_id)


# -- products -------------------------------------------------------------------------------

async def list_products(ctx: ServiceContext, enterprise_id: int) -> list[Product]:
    require_enterprise_reader(ctx.actor, enterprise_id)
    return await Product.filter(enterprise_id=enterprise_id).order_by("-id")


async def certification_choices(ctx: ServiceContext, enterprise_id: int) -> list[Certification]:
    require_enterprise_reader(ctx.actor, enterprise_id)
    return await Certification.filter(enterprise_id=enterprise_id).order_by("kind", "-issued_on")


async def create_product(ctx: ServiceContext, enterprise_id: int, data: dict) -> Product:
    """A product of the enterprise (its staff); GTIN check digit verified, unique."""
    require_enterprise_staff(ctx.actor, enterprise_id)
    f = Fields(data)
    name = f.required("name", "产品名称", text(200, "产品名称"))
    industry = f.required("industry", "所属产业", industry_parser(ctx.county))
    spec = f.optional("spec", "规格", text(100, "规格"), "")
    gtin = f.optional("gtin", "商品条码（GTIN）", parse_gtin)
    cert_id = f.optional("certification_id", "关联认证",
                         lambda v: parse_count(v, "关联认证", minimum=1))
    certification = None
    if cert_id is not None:
        certification = await Certification.get_or_none(id=cert_id, enterprise_id=enterprise_id)
        if certification is None:
            f.add("certification_id", "只能关联本企业的认证证书")
    f.raise_if_invalid()
    if gtin and await Product.exists(gtin=gtin):
        raise _gtin_taken()
    try:
        async with in_transaction():
            product = await Product.create(enterprise_id=enterprise_id, name=name,
                                           industry=industry, spec=spec, gtin=gtin,
                                           certification=certification)
            await audit.record(ctx.actor, "product.create", product,
                               after=audit.snapshot(product), enterprise_id=enterprise_id,
                               ip=ctx.ip)
    except IntegrityError:
        raise _gtin_taken() from None
    return product


def _gtin_taken() -> Conflict:
    message = "该商品条码（GTIN）已被其他产品使用"
    return Conflict(message, fields={"gtin": message})


# -- batches --------------------------------------------------------------------------------

async def list_batches(ctx: ServiceContext, product_id: int) -> list[Batch]:
    await get_product(ctx, product_id)
    return await Batch.filter(product_id=product_id).order_by("-production_date", "-id")


async def create_batch(ctx: ServiceContext, product_id: int, data: dict) -> Batch:
    product = await get_product(ctx, product_id, write=True)
    f = Fields(data)
    batch_no = f.required("batch_no", "批号", lambda v: parse_batch_no(v))
    produced = f.required("production_date", "生产日期", lambda v: parse_date(v, "生产日期"))
    quantity = f.required("quantity", "数量", lambda v: parse_quantity(v, "数量"))
    unit = f.optional("quantity_unit", "单位", text(16, "单位"), "件") or "件"
    origin = f.optional("origin", "产地（基地）", text(200, "产地（基地）"), "")
    if produced and produced > clock.today():
        f.add("production_date", "生产日期不能晚于今天")
    if quantity is not None and quantity <= 0:
        f.add("quantity", "数量应大于0")
    f.raise_if_invalid()
    if await Batch.exists(product_id=product.id, batch_no=batch_no):
        raise _batch_taken()
    try:
        async with in_transaction():
            batch = await Batch.create(product=product, batch_no=batch_no,
                                       production_date=produced, quantity=quantity,
                                       quantity_unit=unit, origin=origin)
            await audit.record(ctx.actor, "batch.create", batch, after=audit.snapshot(batch),
                               enterprise_id=product.enterprise_id, ip=ctx.ip)
    except IntegrityError:
        raise _batch_taken() from None
    return batch


def _batch_taken() -> Conflict:
    message = "该产品已有相同批号的批次"
    return Conflict(message, fields={"batch_no": message})


# -- events ---------------------------------------------------------------------------------

async def list_events(ctx: ServiceContext, batch_id: int) -> list[TraceEvent]:
    await get_batch(ctx, batch_id)
    return await TraceEvent.filter(batch_id=batch_id).order_by("at", "id")


async def add_event(ctx: ServiceContext, batch_id: int, data: dict) -> TraceEvent:
    """Append an event; `corrects` names an earlier event of the batch it corrects."""
    batch = await get_batch(ctx, batch_id, write=True)
    f = Fields(data)
    kind = f.required("type", "环节", lambda v: _event_type(v))
    at = f.required("at", "时间",
                    lambda v: parse_event_time(v, clock.LOCAL_TZ, clock.now()))
    location = f.optional("location", "地点", text(200, "地点"), "")
    note = f.optional("note", "说明", text(1000, "说明"), "")
    corrects_id = f.optional("corrects", "更正的记录",
                             lambda v: parse_count(v, "更正的记录", minimum=1))
    corrected = None
    if corrects_id is not None:
        corrected = await TraceEvent.get_or_none(id=corrects_id, batch_id=batch.id)
        if corrected is None:
            f.add("corrects", "只能更正本批次的记录")
    if corrected is not None and not note:
        f.add("note", "更正记录请说明更正的原因")
    f.raise_if_invalid()
    actor = ctx.actor
    async with in_transaction():
        event = await TraceEvent.create(batch=batch, type=kind, at=at, location=location,
                                        note=note, operator=actor,
                                        operator_name=actor.name if actor else "",
                                        corrects=corrected)
        await audit.record(ctx.actor, "trace_event.create", event,
                           after=audit.snapshot(event),
                           enterprise_id=batch.product.enterprise_id, ip=ctx.ip)
    return event


def _event_type(raw: Any) -> EventType:
    try:
        return EventType(str(raw).strip())
    except ValueError:
        raise RuleError("环节应为采收、收购入库、加工、检验、包装或出库发货之一") from None


# -- codes ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeStats:
    issued: int
    void: int
    scans: int
    scanned_codes: int


async def code_stats(batch_id: int) -> CodeStats:
    rows = await (TraceCode.filter(batch_id=batch_id).group_by("status")
                  .annotate(n=Count("id"), s=Sum("scan_count")).values("status", "n", "s"))
    issued = sum(r["n"] for r in rows)
    void = sum(r["n"] for r in rows if r["status"] == CodeStatus.VOID)
    scans = sum(int(r["s"] or 0) for r in rows)
    scanned = await TraceCode.filter(batch_id=batch_id, scan_count__gt=0).count()
    return CodeStats(issued, void, scans, scanned)


CODES_MAX_PAGE = 1000


async def list_codes(ctx: ServiceContext, batch_id: int, *, limit: int = 50,
                     offset: int = 0) -> tuple[list[TraceCode], int]:
    await get_batch(ctx, batch_id)
    query = TraceCode.filter(batch_id=batch_id)
    limit = max(1, min(int(limit), CODES_MAX_PAGE))
    offset = max(0, int(offset))
    return await query.order_by("serial").offset(offset).limit(limit), await query.count()


async def issue_codes(ctx: ServiceContext, batch_id: int, data: dict) -> list[TraceCode]:
    """Issue `count` new signed codes for the batch, numbered after the last one, all in
    one transaction with a single audit entry."""
    batch = await get_batch(ctx, batch_id, write=True)
    f = Fields(data)
    count = f.required("count", "数量",
                       lambda v: parse_count(v, "数量", minimum=1,
                                             maximum=MAX_CODES_PER_REQUEST))
    f.raise_if_invalid()
    secret = ctx.settings.SECRET_KEY
    fresh: dict[str, None] = {}
    while len(fresh) < count:
        fresh[trace_codes.new_code(secret)] = None
    try:
        async with in_transaction():
            # Serials continue the batch's numbering; two requests racing for the same
            # numbers collide on the (batch, serial) key and the loser gets 409.
            last = await (TraceCode.filter(batch_id=batch.id).order_by("-serial").first()
                          .values_list("serial", flat=True)) or 0
            codes = [TraceCode(code=code, batch_id=batch.id, serial=last + i)
                     for i, code in enumerate(fresh, start=1)]
            await TraceCode.bulk_create(codes, batch_size=INSERT_BATCH)
            await audit.record(ctx.actor, "trace_code.issue", batch,
                               after={"count": count, "first_serial": last + 1,
                                      "last_serial": last + count},
                               enterprise_id=batch.product.enterprise_id, ip=ctx.ip)
    except IntegrityError:
        raise Conflict("同一批次正在同时生成追溯码，请稍后重试") from None
    return codes


async def get_code(ctx: ServiceContext, raw: str) -> TraceCode:
    """A code by its text (case-insensitive), for staff of its enterprise or supervision."""
    code = trace_codes.verify(ctx.settings.SECRET_KEY, raw)
    found = None
    if code is not None:
        found = await TraceCode.get_or_none(code=code).select_related("batch__product")
    if found is None:
        require_login(ctx.actor)
        raise NotFound("追溯码不存在")
    require_enterprise_reader(ctx.actor, found.batch.product.enterprise_id)
    return found


async def void_code(ctx: ServiceContext, raw: str, data: dict) -> TraceCode:
    """Void a code (staff of its enterprise, or supervision): its page then says so."""
    code = await get_code(ctx, raw)
    enterprise_id = code.batch.product.enterprise_id
    if not (is_supervision(ctx.actor) or is_staff_of(ctx.actor, enterprise_id)):
        raise Forbidden("只能作废本企业的追溯码")
    f = Fields(data)
    reason = f.required("reason", "作废原因", text(200, "作废原因"))
    f.raise_if_invalid()
    async with in_transaction():
        fresh = await TraceCode.select_for_update().get(id=code.id)
        if fresh.status == CodeStatus.VOID:
            raise Conflict("该追溯码已作废")
        before = audit.snapshot(fresh)
        fresh.status = CodeStatus.VOID
        fresh.void_reason = reason
        fresh.voided_at = clock.now()
        fresh.voided_by = ctx.actor
        await fresh.save(update_fields=["status", "void_reason", "voided_at", "voided_by_id"])
        await audit.record(ctx.actor, "trace_code.void", fresh, before=before,
                           after=audit.snapshot(fresh), enterprise_id=enterprise_id, ip=ctx.ip)
    fresh.batch = code.batch
    return fresh


# -- labels -------------------------------------------------------------------------------

async def label_info(batch: Batch) -> LabelInfo:
    """What the batch's labels print; 绿色食品 only with a valid linked certificate.
    503 when the machine lacks the CJK font labels are printed in."""
    try:
        font_file()
    except FontMissing:
        log.error(INSTALL_HINT)
        raise ServiceUnavailable("服务器未安装标签所需的中文字体，请联系管理员") from None
    product = batch.product
    enterprise = await Enterprise.get(id=product.enterprise_id)
    green = False
    if product.certification_id:
        cert = await Certification.get_or_none(id=product.certification_id)
        green = bool(cert and cert.kind == CertificateKind.GREEN_FOOD and certificate_validity(
            cert.issued_on, cert.expires_on, clock.today()).is_valid)
    return LabelInfo(product_name=product.name, spec=product.spec,
                     enterprise_name=enterprise.name, batch_no=batch.batch_no,
                     production_date=batch.production_date, green_food=green)


async def batch_for_labels(ctx: ServiceContext, batch_id: int
                           ) -> tuple[Batch, LabelInfo, list[tuple[str, str]]]:
    """The batch's active codes in serial order, as (code, url), with the label text."""
    batch = await get_batch(ctx, batch_id, write=True)
    codes = await (TraceCode.filter(batch_id=batch.id, status=CodeStatus.ACTIVE)
                   .order_by("serial").values_list("code", flat=True))
    return batch, await label_info(batch), [(c, code_url(ctx, c)) for c in codes]


async def code_for_label(ctx: ServiceContext, raw: str) -> tuple[TraceCode, LabelInfo]:
    code = await get_code(ctx, raw)
    require_enterprise_staff(ctx.actor, code.batch.product.enterprise_id)
    if code.status == CodeStatus.VOID:
        raise Conflict("该追溯码已作废，不能再打印标签")
    return code, await label_info(code.batch)


# -- complaints ----------------------------------------------------------------------------

async def file_complaint(ctx: ServiceContext, code_id: int, code_text: str, batch_id: int,
                         data: dict) -> Complaint:
    """A consumer's complaint about a code (no log-in): at most COMPLAINTS_PER_HOUR from
    one address and COMPLAINTS_PER_CODE_PER_HOUR about one code, counted in the database
    so every worker applies the same limit."""
    f = Fields(data)
    body = f.required("text", "反馈内容", text(1000, "反馈内容"))
    contact = f.optional("contact", "联系方式", text(64, "联系方式"), "")
    if body is not None and len(body) < 5:
        f.add("text", "请至少写5个字，说明遇到的问题")
    f.raise_if_invalid()
    # Per code as well as per address: rotating addresses must not flood one
    # enterprise's queue (or bury a real complaint) through a single label.
    limits = ((f"complaint:ip:{ctx.ip}", ctx.settings.COMPLAINTS_PER_HOUR),
              (f"complaint:code:{code_id}", ctx.settings.COMPLAINTS_PER_CODE_PER_HOUR))
    for key, limit in limits:
        if await throttle.count(key, COMPLAINT_WINDOW) >= limit:
            wait = await throttle.retry_after(key, COMPLAINT_WINDOW, limit)
            raise TooManyRequests("提交过于频繁，请稍后再试", retry_after=wait)
    enterprise_id = (await Batch.get(id=batch_id).select_related("product")).product.enterprise_id
    async with in_transaction():
        await throttle.hit(*(key for key, _ in limits))
        complaint = await Complaint.create(trace_code_id=code_id, enterprise_id=enterprise_id,
                                           code_text=code_text, text=body, contact=contact)
        await audit.record(None, "complaint.create", complaint, after=audit.snapshot(complaint),
                           enterprise_id=enterprise_id, ip=ctx.ip)
    return complaint
