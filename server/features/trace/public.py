"""What consumers reach without logging in: the page a label opens, its JSON twin, GS1
Digital Link paths to the same page, and the complaint form.

This is the hot path. A request verifies the code's signature (forged codes never reach
the database), reads the code's row with one query, counts the scan in memory
(scans.py), and puts the per-scan parts into the batch's page, rendered once and cached
(record.py). No session is looked up, and the page loads one small stylesheet.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, html, redirect

from qr import codes as trace_codes
from server.core import clock
from server.core.auth import client_ip
from server.core.context import ServiceContext
from server.core.errors import ApiError, Gone, NotFound
from server.core.http import form_fields, json_body
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import DATETIME, ID, obj, ref
from server.features.trace import service
from server.features.trace.record import (
    CodeReader,
    CodeRow,
    RecordCache,
    TraceRecord,
    load_record,
)
from server.features.trace.scans import ScanCounter

pages = Blueprint("trace_public_pages")
api = Blueprint("trace_public_api")

TAG = "public"
COMPLAINT_IN = obj({"text": {"type": "string", "minLength": 5, "maxLength": 1000},
                    "contact": {"type": "string", "maxLength": 64}}, required=["text"])
COMPLAINT_CREATED = obj({"id": ID, "created_at": DATETIME})


_NO_STORE = {"Cache-Control": "no-store"}


class ScanResult:
    """A looked-up code with its batch record and, when it was counted, the scan."""

    def __init__(self, row: CodeRow, record: TraceRecord, count: int,
                 first_at: datetime | None, warn_threshold: int) -> None:
        self.row, self.record = row, record
        self.count, self.first_at = count, first_at
        self.warn = count > warn_threshold

    def scans_json(self) -> dict[str, Any]:
        return {"count": self.count, "first_at": self.first_at, "warning": self.warn}


# Markers for the parts of a cached page that differ per scan (never in real text: a
# NUL cannot reach a template from the database through the text validators).
SCANS_SLOT, CODE_SLOT = "\x00scans\x00", "\x00code\x00"
_SLOTS = re.compile("(\x00scans\x00|\x00code\x00)")


def install(app: Sanic) -> None:
    """Per worker: the scan counter, the batch-record cache, the code reader, and a
    Jinja view without the per-render check for changed template files (a stat() per
    template on the hot path).

    Call after the database listeners are registered: shutdown listeners run in reverse
    order, so the last buffered scans are written before the database is closed."""
    counter = app.ctx.scans = ScanCounter()
    app.ctx.trace_records = RecordCache()
    reader = app.ctx.trace_codes = CodeReader()
    app.ctx.trace_jinja = app.ctx.jinja.overlay(auto_reload=False)

    @app.after_server_start
    async def start_flushing(app: Sanic) -> None:
        counter.start(app.ctx.settings.SCAN_FLUSH_SECONDS)

    @app.after_server_stop
    async def flush_scans(app: Sanic) -> None:
        try:
            await counter.stop()
        finally:
            reader.close()


def _render(app: Sanic, template: str, **context: Any) -> str:
    context.setdefault("code", "")
    return app.ctx.trace_jinja.get_template(template).render(county=app.ctx.county, **context)


def _page_html(app: Sanic, r: dict, *, code: str, scans: str, values: dict | None = None,
               errors: dict | None = None) -> str:
    """The whole trace page: the batch's parts, this scan's, and the complaint form."""
    return _render(
        app, "trace/public/page.html", r=r, code=code, scans=scans,
        hero=Markup(_render(app, "trace/public/_hero.html", r=r)),
        body=Markup(_render(app, "trace/public/_record.html", r=r)),
        complaint=Markup(_render(app, "trace/public/_complaint.html", code=code,
                                 values=values or {}, errors=errors or {})))


async def _record(app: Sanic, batch_id: int) -> TraceRecord:
    """The batch's record from this worker's cache, loaded once however many scans
    arrive together when it is missing (they all wait for the same load)."""
    cache: RecordCache = app.ctx.trace_records
    today = clock.today()
    record = cache.get(batch_id, today)
    if record is not None:
        return record
    loading = cache.loading.get(batch_id)
    if loading is None:
        loading = cache.loading[batch_id] = asyncio.ensure_future(
            _load_record(app, batch_id, today))
        loading.add_done_callback(lambda _: cache.loading.pop(batch_id, None))
    record = await asyncio.shield(loading)
    if record is None:          # a code whose batch is gone cannot exist (RESTRICT)
        raise NotFound("追溯码不存在")
    return record


async def _load_record(app: Sanic, batch_id: int, today: date) -> TraceRecord | None:
    record = await load_record(batch_id, app.ctx.county, today,
                               app.ctx.settings.CERT_EXPIRY_WARN_DAYS)
    if record is None:
        return None
    page = _page_html(app, record.data, code=Markup(CODE_SLOT), scans=Markup(SCANS_SLOT))
    record.page = [p if p in (SCANS_SLOT, CODE_SLOT) else p.encode()
                   for p in _SLOTS.split(page)]
    app.ctx.trace_records.put(record)
    return record


async def lookup(request: Request, raw: str, *, count: bool = True) -> ScanResult:
    """The code behind `raw` (404 unknown or forged, 410 void), counted as a scan."""
    app = request.app
    scans = app.ctx.scans
    code = trace_codes.verify(app.ctx.settings.SECRET_KEY, raw)
    while True:
        generation = scans.generation
        row = await app.ctx.trace_codes.find(code) if code else None
        if row is None:
            raise NotFound("追溯码不存在")
        if row.void:
            raise CodeVoid(row)
        record = await _record(app, row.batch_id)
        # A flush that committed while this request waited has moved counts from this
        # worker's hands into the row read before it: read the row again.
        if scans.generation == generation:
            break
    if count:
        scans.record(row.id, row.batch_id, clock.now())
    held, held_first = scans.unwritten(row.id)
    total = row.scan_count + held
    first = row.first_scan_at or held_first
    return ScanResult(row, record, total, first, app.ctx.settings.SCAN_WARN_THRESHOLD)


class CodeVoid(Gone):
    def __init__(self, row: CodeRow) -> None:
        super().__init__("该追溯码已作废")
        self.row = row


# -- pages ----------------------------------------------------------------------------

def _scans(scan: ScanResult) -> str:
    """The per-scan part of the page: the count, the first scan, and past the threshold
    the warning. Built here rather than by a template: it runs on every scan."""
    count = scan.count
    first = escape(_fmt_time(scan.first_at))
    warning = ""
    if scan.warn:
        warning = (
            '<div class="tp-warn" role="alert">'
            f'<strong>此码已被查询{count}次，首次查询时间<span class="tp-nowrap">{first}</span>'
            "，谨防假冒</strong>"
            "<p>正品标签一般只会被查询几次。如果您是第一次扫描此码，这件商品的标签可能被复制，"
            "请保留商品和购物凭证，并通过下方表单反馈。</p></div>\n")
    return (
        f'{warning}<section class="tp-card tp-scans">'
        f'<div class="tp-scans__item"><span class="tp-scans__value">{count}</span>'
        '<span class="tp-scans__label">查询次数</span></div>'
        '<div class="tp-scans__item"><span class="tp-scans__value tp-scans__value_small">'
        f'{first}</span><span class="tp-scans__label">首次查询时间</span></div></section>\n')


def _fmt_time(value: datetime | None) -> str:
    return _minute_text(int(value.timestamp()) // 60) if value else "—"


@lru_cache(maxsize=4096)
def _minute_text(minute: int) -> str:
    """A minute since the epoch as local time: first scans repeat, formatting them does not."""
    return clock.local(datetime.fromtimestamp(minute * 60, UTC)).strftime("%Y-%m-%d %H:%M")


def _public_context(request: Request) -> ServiceContext:
    """Nobody is acting: no session is looked up on the public pages."""
    app = request.app
    return ServiceContext(settings=app.ctx.settings, county=app.ctx.county,
                          passwords=app.ctx.passwords, actor=None, ip=client_ip(request))


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    return html(_render(request.app, template, **context), status=status, headers=_NO_STORE)


def _scan_page(request: Request, scan: ScanResult) -> HTTPResponse:
    """The cached page of the batch (already UTF-8) with this scan's parts put in."""
    fill = {SCANS_SLOT: _scans(scan).encode(), CODE_SLOT: str(escape(scan.row.code)).encode()}
    body = b"".join([fill.get(part, part) for part in scan.record.page])
    return HTTPResponse(body, headers=_NO_STORE, content_type="text/html; charset=utf-8")


async def _trace_page(request: Request, raw: str) -> HTTPResponse:
    try:
        scan = await lookup(request, raw)
    except CodeVoid as exc:
        return _page(request, "trace/public/void.html", status=410, row=exc.row,
                     code=exc.row.code)
    except NotFound:
        return _page(request, "trace/public/not_found.html", status=404, raw=raw[:40])
    return _scan_page(request, scan)


@pages.get("/t/<raw:str>")
async def trace_page(request: Request, raw: str) -> HTTPResponse:
    """The page a label's QR code opens (public, counts as a scan)."""
    return await _trace_page(request, raw)


@pages.get("/01/<gtin:str>/10/<batch_no:str>/21/<serial:str>")
async def digital_link(request: Request, gtin: str, batch_no: str, serial: str) -> HTTPResponse:
    """GS1 Digital Link: the (21) serial is the signed code; GTIN and batch must match."""
    code = trace_codes.verify(request.app.ctx.settings.SECRET_KEY, serial)
    if code is not None and await _matches(request, code, gtin, batch_no):
        return await _trace_page(request, code)
    return _page(request, "trace/public/not_found.html", status=404, raw=serial[:40])


async def _matches(request: Request, code: str, gtin: str, batch_no: str) -> bool:
    row = await request.app.ctx.trace_codes.find(code)
    if row is None:
        return False
    record = await _record(request.app, row.batch_id)
    product_gtin = record.data["product"]["gtin"]
    return bool(product_gtin) and gtin.zfill(14) == product_gtin and \
        batch_no == record.data["batch"]["batch_no"]


@pages.post("/t/<raw:str>/complaints", ctx_csrf_exempt=True)
async def complaint_submit(request: Request, raw: str) -> HTTPResponse:
    """A consumer's complaint from the page's form (no log-in: rate-limited instead)."""
    form = form_fields(request)
    try:
        scan = await lookup(request, raw, count=False)
    except CodeVoid as exc:
        scan = None
        row = exc.row
    except NotFound:
        return _page(request, "trace/public/not_found.html", status=404, raw=raw[:40])
    else:
        row = scan.row
    try:
        await service.file_complaint(_public_context(request), row.id, row.code, row.batch_id,
                                     form)
    except ApiError as exc:
        if exc.status not in (422, 429) or scan is None:
            return _page(request, "trace/public/message.html", status=exc.status,
                         title=exc.message, text="请稍后再试。", code=row.code, ok=False)
        page = _page_html(request.app, scan.record.data, code=row.code,
                          scans=Markup(_scans(scan)), values=form,
                          errors=exc.fields or {"text": exc.message})
        return html(page, status=exc.status, headers=_NO_STORE)
    return redirect(f"/t/{row.code}/thanks", status=303)


@pages.get("/t/<raw:str>/thanks")
async def complaint_thanks(request: Request, raw: str) -> HTTPResponse:
    code = trace_codes.verify(request.app.ctx.settings.SECRET_KEY, raw) or ""
    return _page(request, "trace/public/message.html", title="已收到您的反馈",
                 text="市场监管部门会尽快核实处理。感谢您对食品安全的关注！", code=code, ok=True)


# -- JSON ---------------------------------------------------------------------------------

@api.get("/trace/<raw:str>")
@doc("The trace record of a code (counts as a scan)", tag=TAG, public=True,
     returns=ref("TraceRecord"), errors=(410,),
     description="404 for an unknown or forged code, 410 for a void one (the error "
                 "also carries `voided_at` and `void_reason`).")
async def trace_json(request: Request, raw: str) -> HTTPResponse:
    """The trace record as JSON; counts as a scan. 404 unknown or forged, 410 void."""
    try:
        scan = await lookup(request, raw)
    except CodeVoid as exc:
        body = exc.envelope()
        body["error"]["voided_at"] = exc.row.voided_at
        body["error"]["void_reason"] = exc.row.void_reason
        return json_response(body, status=410, headers=_NO_STORE)
    settings = request.app.ctx.settings
    return json_response({
        "code": scan.row.code,
        "url": f"{settings.PUBLIC_BASE_URL.rstrip('/')}/t/{scan.row.code}",
        "status": "active",
        **scan.record.data,
        "scans": scan.scans_json(),
    }, headers=_NO_STORE)


@api.post("/trace/<raw:str>/complaints")
@doc("A consumer's complaint about a code", tag=TAG, public=True, body=COMPLAINT_IN,
     returns=COMPLAINT_CREATED, status=201, errors=(429,))
async def complaint_json(request: Request, raw: str) -> HTTPResponse:
    """A consumer's complaint about a code; 429 past the per-address or per-code limit."""
    data = json_body(request)
    try:
        row = (await lookup(request, raw, count=False)).row
    except CodeVoid as exc:
        row = exc.row
    complaint = await service.file_complaint(_public_context(request), row.id, row.code,
                                             row.batch_id, data)
    return json_response({"id": complaint.id, "created_at": complaint.created_at}, status=201)
