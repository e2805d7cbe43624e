"""JSON API for staff: products, batches, events, codes, labels (see API.md)."""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import Iterator

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from qr.labels import LabelInfo, render_pngs
from qr.sheets import labels_pdf
from server.core import clock
from server.core.context import service_context
from server.core.http import int_query, json_body
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import (
    BINARY,
    COUNT,
    INT,
    OFFSET,
    STR,
    array,
    items_of,
    obj,
    page_of,
    query,
    ref,
)
from server.features.trace import service
from server.features.trace.service import (
    batch_json,
    code_json,
    code_url,
    digital_link,
    event_json,
    product_json,
)

bp = Blueprint("trace_api")
STREAM_PIECE = 200          # labels rendered between two writes to the client

TAG = "trace"
PRODUCT_DETAIL = {"allOf": [ref("Product"), obj({"batches": array(ref("Batch"))})]}
BATCH_DETAIL = {"allOf": [ref("Batch"), obj({
    "events": array(ref("Event")),
    "codes": obj({"issued": COUNT, "void": COUNT, "scans": COUNT, "scanned": COUNT})})]}
CODES_IN = obj({"count": {"type": "integer", "minimum": 1, "maximum": 100000}})
ISSUED = obj({"codes": array(obj({"code": STR, "url": STR, "serial": INT}))})
VOID_IN = obj({"reason": {"type": "string", "maxLength": 200}})
CODE_PAGING = [query("limit", {"type": "integer", "minimum": 1}), query("offset", OFFSET)]



def forget_batch(request: Request, batch_id: int) -> None:
    """This worker's cached public record of the batch is stale after a write."""
    cache = getattr(request.app.ctx, "trace_records", None)
    if cache is not None:
        cache.forget(batch_id)


# -- products and batches -----------------------------------------------------------------

@bp.post("/enterprises/<enterprise_id:int>/products")
@doc("Create a product", tag=TAG, body=ref("ProductInput"), returns=ref("Product"), status=201,
     errors=(403, 409))
async def create_product(request: Request, enterprise_id: int) -> HTTPResponse:
    data = json_body(request)
    ctx = await service_context(request)
    product = await service.create_product(ctx, enterprise_id, data)
    return json_response(product_json(product, ctx), status=201)


@bp.get("/enterprises/<enterprise_id:int>/products")
@doc("The enterprise's products", tag=TAG, returns=items_of(ref("Product")), errors=(403,))
async def list_products(request: Request, enterprise_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    products = await service.list_products(ctx, enterprise_id)
    return json_response({"items": [product_json(p, ctx) for p in products]})


@bp.get("/products/<product_id:int>")
@doc("One product with its batches", tag=TAG, returns=PRODUCT_DETAIL, errors=(403,))
async def get_product(request: Request, product_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    product = await service.get_product(ctx, product_id)
    batches = await service.list_batches(ctx, product_id)
    return json_response({**product_json(product, ctx),
                          "batches": [batch_json(b) for b in batches]})


@bp.post("/products/<product_id:int>/batches")
@doc("Create a batch of a product", tag=TAG, body=ref("BatchInput"), returns=ref("Batch"),
     status=201, errors=(403, 409))
async def create_batch(request: Request, product_id: int) -> HTTPResponse:
    data = json_body(request)
    ctx = await service_context(request)
    batch = await service.create_batch(ctx, product_id, data)
    return json_response(batch_json(batch), status=201)


@bp.get("/batches/<batch_id:int>")
@doc("One batch with its events and code counts", tag=TAG, returns=BATCH_DETAIL, errors=(403,))
async def get_batch(request: Request, batch_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    batch = await service.get_batch(ctx, batch_id)
    events = await service.list_events(ctx, batch_id)
    stats = await service.code_stats(batch_id)
    return json_response({**batch_json(batch), "events": [event_json(e) for e in events],
                          "codes": {"issued": stats.issued, "void": stats.void,
                                    "scans": stats.scans, "scanned": stats.scanned_codes}})


# -- events -----------------------------------------------------------------------------------

@bp.post("/batches/<batch_id:int>/events")
@doc("Add a trace event (or a correction)", tag=TAG, body=ref("EventInput"), returns=ref("Event"),
     status=201, errors=(403,))
async def add_event(request: Request, batch_id: int) -> HTTPResponse:
    data = json_body(request)
    ctx = await service_context(request)
    event = await service.add_event(ctx, batch_id, data)
    forget_batch(request, batch_id)
    return json_response(event_json(event), status=201)


@bp.get("/batches/<batch_id:int>/events")
@doc("The batch's trace events", tag=TAG, returns=items_of(ref("Event")), errors=(403,))
async def list_events(request: Request, batch_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    events = await service.list_events(ctx, batch_id)
    return json_response({"items": [event_json(e) for e in events]})


# -- codes ------------------------------------------------------------------------------------

@bp.post("/batches/<batch_id:int>/codes")
@doc("Issue 1 to 100,000 signed codes (409 while another issue for the batch runs)", tag=TAG,
     body=CODES_IN, returns=ISSUED, status=201, errors=(403, 409))
async def issue_codes(request: Request, batch_id: int) -> HTTPResponse:
    """Issue 1 to 100,000 signed codes: 201 {codes: [{code, url}]}."""
    data = json_body(request)
    ctx = await service_context(request)
    codes = await service.issue_codes(ctx, batch_id, data)
    return json_response({"codes": [{"code": c.code, "url": code_url(ctx, c.code),
                                     "serial": c.serial} for c in codes]}, status=201)


@bp.get("/batches/<batch_id:int>/codes")
@doc("The batch's codes, paged", tag=TAG, returns=page_of(ref("Code")), params=CODE_PAGING,
     errors=(403, 422))
async def list_codes(request: Request, batch_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    limit = int_query(request, "limit", 100, minimum=1, maximum=service.CODES_MAX_PAGE)
    offset = int_query(request, "offset", 0)
    codes, total = await service.list_codes(ctx, batch_id, limit=limit, offset=offset)
    return json_response({"items": [code_json(ctx, c) for c in codes], "total": total,
                          "limit": limit, "offset": offset})


@bp.get("/codes/<code:str>")
@doc("One code with its scans", tag=TAG, returns=ref("Code"), errors=(403,))
async def get_code(request: Request, code: str) -> HTTPResponse:
    ctx = await service_context(request)
    found = await service.get_code(ctx, code)
    body = code_json(ctx, found)
    product = found.batch.product
    if product.gtin:
        body["digital_link"] = digital_link(ctx, product.gtin, found.batch.batch_no, found.code)
    return json_response(body)


@bp.post("/codes/<code:str>/void")
@doc("Void a code", tag=TAG, body=VOID_IN, returns=ref("Code"), errors=(403, 409))
async def void_code(request: Request, code: str) -> HTTPResponse:
    """Void a code (staff of the owner, supervision): its page then answers 410."""
    data = json_body(request)
    ctx = await service_context(request)
    voided = await service.void_code(ctx, code, data)
    return json_response(code_json(ctx, voided))


# -- labels -----------------------------------------------------------------------------------

@bp.get("/codes/<code:str>/label.png")
@doc("One printable label (409 once the code is void)", tag=TAG, media="image/png",
     returns=BINARY, errors=(403, 409))
async def label_png(request: Request, code: str) -> HTTPResponse:
    ctx = await service_context(request)
    found, info = await service.code_for_label(ctx, code)
    png = await asyncio.to_thread(_one_label, info, found.code, code_url(ctx, found.code))
    return raw(png, content_type="image/png", headers={
        "Content-Disposition": f'inline; filename="{found.code}.png"',
        "Cache-Control": "private, no-store"})


def _one_label(info: LabelInfo, code: str, url: str) -> bytes:
    return next(render_pngs(info, [(code, url)]))[1]


async def _start_download(request: Request, batch, media: str, disposition: str,
                          suffix: str):
    """Begin a streamed label file of the batch (private: codes are not for caches)."""
    name = f"labels-{batch.id}-{batch.batch_no}.{suffix}"
    return await request.respond(content_type=media, headers={
        "Content-Disposition": f'{disposition}; filename="{name}"',
        "Cache-Control": "private, no-store"})


@bp.get("/batches/<batch_id:int>/labels.zip")
@doc("One PNG label per active code, as a ZIP", tag=TAG, media="application/zip", returns=BINARY,
     errors=(403,))
async def labels_zip(request: Request, batch_id: int) -> None:
    """One PNG per active code, streamed as they are drawn."""
    ctx = await service_context(request)
    batch, info, items = await service.batch_for_labels(ctx, batch_id)
    response = await _start_download(request, batch, "application/zip", "attachment", "zip")
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED)   # PNGs are compressed already
    stamp = clock.local(clock.now()).timetuple()[:6]
    for start in range(0, len(items), STREAM_PIECE):
        piece = items[start:start + STREAM_PIECE]
        await asyncio.to_thread(_add_labels, archive, info, piece, stamp)
        await response.send(sink.take())
    archive.close()
    await response.send(sink.take())
    await response.eof()
    # Already sent: a returned response makes Sanic log an error for every download.
    return None


def _add_labels(archive: zipfile.ZipFile, info: LabelInfo, items: list[tuple[str, str]],
                stamp: tuple) -> None:
    for code, png in render_pngs(info, items):
        archive.writestr(zipfile.ZipInfo(f"{code}.png", date_time=stamp), png)


class _Sink:
    """A write-only file for zipfile whose bytes are handed on as they come."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


@bp.get("/batches/<batch_id:int>/labels.pdf")
@doc("The batch's labels on A4 sheets", tag=TAG, media="application/pdf", returns=BINARY,
     errors=(403,))
async def labels_pdf_(request: Request, batch_id: int) -> None:
    """The batch's labels on A4 sheets (21 a page), streamed page by page."""
    ctx = await service_context(request)
    batch, info, items = await service.batch_for_labels(ctx, batch_id)
    response = await _start_download(request, batch, "application/pdf", "inline", "pdf")
    pieces: Iterator[bytes] = labels_pdf(info, items, title=f"{batch.batch_no}")
    while True:
        chunk = await asyncio.to_thread(_next_bytes, pieces, 256 * 1024)
        if not chunk:
            break
        await response.send(chunk)
    await response.eof()
    # Already sent: a returned response makes Sanic log an error for every download.
    return None


def _next_bytes(pieces: Iterator[bytes], at_least: int) -> bytes:
    out, size = [], 0
    for piece in pieces:
        out.append(piece)
        size += len(piece)
        if size >= at_least:
            break
    return b"".join(out)
